import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { isGameDir } from "../../../evennia-ts/conf/settings.ts";
import { defaultFrameworkSpec, initGame } from "../../../evennia-ts/cli/commands/init.ts";
import { repoRoot } from "../../../evennia-ts/cli/paths.ts";
import { CapturingIo } from "../../../evennia-ts/cli/io.ts";
import { isEvenniaError } from "../../../evennia-ts/utils/errors.ts";
import { makeTempDir, removeTempDirs } from "../temp-dirs.ts";

afterAll(removeTempDirs);

/** A small template with files that must be copied and files that must not. */
function makeTemplate(): string {
  const dir = makeTempDir("evennia-template-");
  const write = (rel: string, text: string): void => {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  };
  write("server/conf/settings.ts", "export default { serverName: 'T' };\n");
  write("world/start.ts", "export const x = 1;\n");
  write("node_modules/dep/index.js", "module.exports = 1;\n");
  write("server/logs/portal.log", "old log\n");
  write("server/evennia.db3", "db");
  return dir;
}

function expectError(fn: () => void, code: string, text: string): void {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(isEvenniaError(caught)).toBe(true);
  expect((caught as { code: string }).code).toBe(code);
  expect((caught as Error).message).toContain(text);
}

describe("init", () => {
  it("copies the template (without node_modules or runtime files), creates server/logs and prints next steps", () => {
    const template = makeTemplate();
    const target = path.join(makeTempDir(), "newgame");
    const io = new CapturingIo();
    initGame(target, io, template);
    expect(readFileSync(path.join(target, "server/conf/settings.ts"), "utf8")).toContain("serverName: 'T'");
    expect(readFileSync(path.join(target, "world/start.ts"), "utf8")).toBe("export const x = 1;\n");
    expect(existsSync(path.join(target, "node_modules"))).toBe(false);
    expect(readdirSync(path.join(target, "server/logs"))).toEqual([]);
    expect(existsSync(path.join(target, "server/evennia.db3"))).toBe(false);
    expect(isGameDir(target)).toBe(true);
    expect(io.stdout.join("\n")).toContain("npx evennia-ts start");
  });

  it("accepts an existing empty folder", () => {
    const target = makeTempDir();
    initGame(target, new CapturingIo(), makeTemplate());
    expect(isGameDir(target)).toBe(true);
  });

  it("refuses a folder that exists and is not empty, leaving it untouched", () => {
    const target = makeTempDir();
    writeFileSync(path.join(target, "mine.txt"), "keep me");
    expectError(() => initGame(target, new CapturingIo(), makeTemplate()), "EV_ERR_BAD_INPUT", "not empty");
    expect(readdirSync(target)).toEqual(["mine.txt"]);
  });

  it("refuses a path that is a file", () => {
    const file = path.join(makeTempDir(), "afile");
    writeFileSync(file, "x");
    expectError(() => initGame(file, new CapturingIo(), makeTemplate()), "EV_ERR_BAD_INPUT", "not a folder");
  });

  it("refuses an incomplete template", () => {
    const template = makeTempDir();
    expectError(
      () => initGame(path.join(makeTempDir(), "g"), new CapturingIo(), template),
      "EV_ERR_INTERNAL",
      "incomplete",
    );
  });

  it("makes a game folder from the package's own game template", () => {
    const target = path.join(makeTempDir(), "realgame");
    initGame(target, new CapturingIo());
    expect(isGameDir(target)).toBe(true);
    expect(existsSync(path.join(target, "server/logs"))).toBe(true);
  });

  it("writes an ES module package.json depending on the framework, a tsconfig.json and a .gitignore", () => {
    const target = path.join(makeTempDir(), "My Game");
    initGame(target, new CapturingIo());
    const manifest = JSON.parse(readFileSync(path.join(target, "package.json"), "utf8"));
    expect(manifest.name).toBe("my-game");
    expect(manifest.type).toBe("module");
    expect(manifest.private).toBe(true);
    expect(manifest.dependencies["evennia-ts"]).toBe(defaultFrameworkSpec(target));
    expect(manifest.scripts).toMatchObject({
      start: "evennia-ts start",
      stop: "evennia-ts stop",
      reload: "evennia-ts reload",
      test: "vitest run",
    });
    const framework = JSON.parse(readFileSync(path.join(repoRoot, "package.json"), "utf8"));
    expect(manifest.devDependencies.vitest).toBe(framework.devDependencies.vitest);
    expect(manifest.devDependencies.typescript).toBe(framework.devDependencies.typescript);
    expect(JSON.parse(readFileSync(path.join(target, "tsconfig.json"), "utf8")).compilerOptions.module).toBe("NodeNext");
    expect(readFileSync(path.join(target, ".gitignore"), "utf8")).toMatch(/^server\/logs\/$/m);
    expect(existsSync(path.join(target, "gitignore"))).toBe(false);
    expect(existsSync(path.join(target, "tests", "game.test.ts"))).toBe(true);
  });

  it("depends on a clone by a relative file: path and on an installed framework by version", () => {
    const parent = makeTempDir();
    const clone = path.join(parent, "evennia-ts");
    mkdirSync(clone);
    writeFileSync(path.join(clone, "package.json"), JSON.stringify({ name: "evennia-ts", version: "1.2.3" }));
    expect(defaultFrameworkSpec(path.join(parent, "games", "mine"), clone)).toBe("file:../../evennia-ts");
    const installed = path.join(parent, "app", "node_modules", "evennia-ts");
    mkdirSync(installed, { recursive: true });
    writeFileSync(path.join(installed, "package.json"), JSON.stringify({ name: "evennia-ts", version: "1.2.3" }));
    expect(defaultFrameworkSpec(path.join(parent, "app"), installed)).toBe("^1.2.3");
    const target = path.join(parent, "pinned");
    initGame(target, new CapturingIo(), undefined, { frameworkSpec: "~1.2.0" });
    expect(JSON.parse(readFileSync(path.join(target, "package.json"), "utf8")).dependencies["evennia-ts"]).toBe("~1.2.0");
  });

  it("adds a game to a folder that only holds an npm project, keeping what its package.json had", () => {
    const target = makeTempDir();
    writeFileSync(
      path.join(target, "package.json"),
      JSON.stringify({ name: "keep-me", dependencies: { "evennia-ts": "file:../evennia-ts-0.1.0.tgz", lodash: "^4" }, scripts: { test: "mine" } }),
    );
    mkdirSync(path.join(target, "node_modules"));
    writeFileSync(path.join(target, "package-lock.json"), "{}");
    initGame(target, new CapturingIo(), makeTemplate());
    const manifest = JSON.parse(readFileSync(path.join(target, "package.json"), "utf8"));
    expect(manifest.name).toBe("keep-me");
    expect(manifest.type).toBe("module");
    expect(manifest.dependencies).toEqual({ "evennia-ts": "file:../evennia-ts-0.1.0.tgz", lodash: "^4" });
    expect(manifest.scripts.test).toBe("mine");
    expect(manifest.scripts.start).toBe("evennia-ts start");
    expect(isGameDir(target)).toBe(true);
  });
});
