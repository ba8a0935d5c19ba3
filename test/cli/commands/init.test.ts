import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { isGameDir } from "../../../evennia-ts/conf/settings.ts";
import { initGame } from "../../../evennia-ts/cli/commands/init.ts";
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
});
