/**
 * The game's code compiled file by file (`utils/game-code-build.ts`): one module per
 * game file (a file imported by two others is one instance), `evennia-ts` pointing at
 * the running framework, `import.meta` naming the `.ts` source, JSON and packages
 * from where they are, tests left out, files compiled later pointing at the twins
 * already there, and a syntax error reported rather than half a build; and the
 * manifest that skips a compile when nothing it reads or writes changed.
 */
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { packageRoot } from "../../evennia-ts/testing/game-folder.ts";
import { BUILD_MANIFEST, buildGameCode, compiledPathOf, compileGameFile, GAME_BUILD_DIR } from "../../evennia-ts/utils/game-code-build.ts";
import { ensureFrameworkBuild } from "../../evennia-ts/utils/framework-build.ts";
import { childGameCompiler } from "../../evennia-ts/utils/game-compiler-child.ts";

const scratch = mkdtempSync(path.join(packageRoot, ".tmp", "game-build-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A game folder with `files` (path → content), and a stand-in framework module. */
function gameWith(files: Record<string, string>): { dir: string; framework: { index: string; testing: string } } {
  const dir = mkdtempSync(path.join(scratch, "g-"));
  writeFileSync(path.join(dir, "package.json"), JSON.stringify({ type: "module" }));
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), content);
  }
  const fw = path.join(dir, "..", `${path.basename(dir)}-framework.mjs`);
  writeFileSync(fw, "export const marker = 'the running framework';\n");
  const testing = path.join(dir, "..", `${path.basename(dir)}-testing.mjs`);
  writeFileSync(testing, "export const testingMarker = true;\n");
  return { dir, framework: { index: pathToFileURL(fw).href, testing: pathToFileURL(testing).href } };
}

describe("buildGameCode", () => {
  it("gives each game file one compiled twin, shared by every importer, with evennia-ts pointing at the framework", async () => {
    const { dir, framework } = gameWith({
      "typeclasses/registry.ts": "export const seen: string[] = [];\n",
      "typeclasses/rooms.ts": 'import { seen } from "./registry.ts";\nseen.push("rooms");\nexport const rooms = seen;\n',
      "world/zone.ts": 'import { seen } from "../typeclasses/registry";\nimport { rooms } from "../typeclasses/rooms.js";\nimport { marker } from "evennia-ts";\nimport data from "./data.json" with { type: "json" };\nimport { join } from "node:path";\nseen.push("zone");\nexport const same = rooms === seen;\nexport const fw = marker;\nexport const json = data.answer;\nexport const self = import.meta.url;\nexport const here = import.meta.dirname;\nexport const joined = join("a", "b");\n',
      "world/data.json": '{ "answer": 42 }',
      "tests/zone.test.ts": "this is not even TypeScript {\n",
      "world/zone.test.ts": "neither is this {\n",
      "vitest.config.ts": "nor this {\n",
    });
    const build = await buildGameCode(dir, framework);
    expect([...build.files].map((f) => path.relative(dir, f)).sort()).toEqual(["typeclasses/registry.ts", "typeclasses/rooms.ts", "world/zone.ts"]);
    expect(build.outDir).toBe(path.join(dir, GAME_BUILD_DIR));
    const zone = (await import(pathToFileURL(compiledPathOf(build, path.join(dir, "world", "zone.ts"))).href)) as Record<string, unknown>;
    expect(zone).toMatchObject({ same: true, fw: "the running framework", json: 42, joined: path.join("a", "b") });
    expect(zone.self).toBe(pathToFileURL(path.join(dir, "world", "zone.ts")).href);
    expect(zone.here).toBe(path.join(dir, "world"));
    const registry = (await import(pathToFileURL(compiledPathOf(build, path.join(dir, "typeclasses", "registry.ts"))).href)) as { seen: string[] };
    expect(registry.seen).toEqual(["rooms", "zone"]);
  });

  it("compiles a file added later against the twins already there", async () => {
    const { dir, framework } = gameWith({ "world/state.ts": "export const state = { n: 0 };\n" });
    const build = await buildGameCode(dir, framework);
    const state = (await import(pathToFileURL(compiledPathOf(build, path.join(dir, "world", "state.ts"))).href)) as { state: { n: number } };
    writeFileSync(path.join(dir, "world", "later.ts"), 'import { state } from "./state.ts";\nstate.n += 1;\nexport const n = state.n;\n');
    const twin = await compileGameFile(build, path.join(dir, "world", "later.ts"));
    const later = (await import(pathToFileURL(twin).href)) as { n: number };
    expect(later.n).toBe(1);
    expect(state.state.n).toBe(1);
  });

  it("rejects a game with a syntax error, naming the file, and writes no twin for it", async () => {
    const { dir, framework } = gameWith({ "world/ok.ts": "export const ok = 1;\n", "world/broken.ts": "export const = ;\n" });
    await expect(buildGameCode(dir, framework)).rejects.toThrow(/broken\.ts/);
    expect(existsSync(path.join(dir, GAME_BUILD_DIR, "world", "broken.js"))).toBe(false);
  });

  it("puts back a twin that differs from what its source compiles to", async () => {
    const { dir, framework } = gameWith({ "world/a.ts": "export const a = 1;\n" });
    const build = await buildGameCode(dir, framework);
    const twin = compiledPathOf(build, path.join(dir, "world", "a.ts"));
    const before = readFileSync(twin, "utf8");
    writeFileSync(twin, `${before}// touched\n`);
    await buildGameCode(dir, framework);
    expect(readFileSync(twin, "utf8")).toBe(before);
  });
});

describe("buildGameCode's manifest (nothing compiled when nothing changed)", () => {
  const twinOf = (dir: string, file: string): string => path.join(dir, GAME_BUILD_DIR, file.replace(/\.ts$/, ".js"));

  it("compiles nothing again until a source, a config file or the framework changes, and then compiles", async () => {
    const { dir, framework } = gameWith({ "world/a.ts": "export const a = 1;\n", "tsconfig.json": "{}\n" });
    expect((await buildGameCode(dir, framework)).compiled).toBe(true);
    expect(existsSync(path.join(dir, GAME_BUILD_DIR, BUILD_MANIFEST))).toBe(true);
    const twin = twinOf(dir, "world/a.ts");
    const writtenAt = statSync(twin).mtimeMs;
    const again = await buildGameCode(dir, framework);
    expect(again.compiled).toBe(false);
    expect([...again.files]).toEqual([path.join(dir, "world", "a.ts")]);
    expect(statSync(twin).mtimeMs).toBe(writtenAt);

    writeFileSync(path.join(dir, "world", "a.ts"), "export const a = 2;\n");
    expect((await buildGameCode(dir, framework)).compiled).toBe(true);
    expect(readFileSync(twin, "utf8")).toContain("a = 2");
    expect((await buildGameCode(dir, framework)).compiled).toBe(false);

    writeFileSync(path.join(dir, "tsconfig.json"), '{ "compilerOptions": {} }\n');
    expect((await buildGameCode(dir, framework)).compiled).toBe(true);
    writeFileSync(path.join(dir, "package.json"), JSON.stringify({ type: "module", name: "g" }));
    expect((await buildGameCode(dir, framework)).compiled).toBe(true);

    writeFileSync(path.join(dir, "world", "b.ts"), 'import { a } from "./a.ts";\nimport { marker } from "evennia-ts";\nexport const b = [a, marker];\n');
    const added = await buildGameCode(dir, framework);
    expect(added.compiled).toBe(true);
    expect(added.files.has(path.join(dir, "world", "b.ts"))).toBe(true);
    expect(readFileSync(twinOf(dir, "world/b.ts"), "utf8")).toContain(framework.index);

    const moved = { ...framework, index: framework.index.replace(/\.mjs$/, "-next.mjs") };
    expect((await buildGameCode(dir, moved)).compiled).toBe(true);
    expect(readFileSync(twinOf(dir, "world/b.ts"), "utf8")).toContain(moved.index);

    rmSync(path.join(dir, "world", "b.ts"));
    const removed = await buildGameCode(dir, moved);
    expect(removed.compiled).toBe(true);
    expect(removed.files.has(path.join(dir, "world", "b.ts"))).toBe(false);
  });

  it("compiles again when a twin is missing or the manifest is unreadable", async () => {
    const { dir, framework } = gameWith({ "world/a.ts": "export const a = 1;\n" });
    await buildGameCode(dir, framework);
    const twin = twinOf(dir, "world/a.ts");
    rmSync(twin);
    expect((await buildGameCode(dir, framework)).compiled).toBe(true);
    expect(existsSync(twin)).toBe(true);
    rmSync(`${twin}.map`);
    expect((await buildGameCode(dir, framework)).compiled).toBe(true);
    expect(existsSync(`${twin}.map`)).toBe(true);
    const good = JSON.parse(readFileSync(path.join(dir, GAME_BUILD_DIR, BUILD_MANIFEST), "utf8")) as { outputs: Record<string, string> };
    execFileSync("mkfifo", [path.join(dir, "fifo")]); // read, it would block for ever
    const outside = { ...good, outputs: { ...good.outputs, "../../../fifo": "0".repeat(64) } };
    const wrongShapes = [{ format: 99, inputs: {}, outputs: {} }, { format: 1, inputs: null, outputs: null, framework: null }, { format: 1, inputs: [], outputs: "x" }, outside];
    for (const garbage of ["{ not json", "null", "[]", ...wrongShapes.map((m) => JSON.stringify(m))]) {
      writeFileSync(path.join(dir, GAME_BUILD_DIR, BUILD_MANIFEST), garbage);
      expect((await buildGameCode(dir, framework)).compiled).toBe(true);
      expect((await buildGameCode(dir, framework)).compiled).toBe(false);
    }
  });

  it("keeps failing while a file does not compile, though an earlier compile's manifest is there", async () => {
    const { dir, framework } = gameWith({ "world/a.ts": "export const a = 1;\n" });
    await buildGameCode(dir, framework);
    writeFileSync(path.join(dir, "world", "a.ts"), "export const = ;\n");
    await expect(buildGameCode(dir, framework)).rejects.toThrow(/a\.ts/);
    await expect(buildGameCode(dir, framework)).rejects.toThrow(/a\.ts/);
    writeFileSync(path.join(dir, "world", "a.ts"), "export const a = 3;\n");
    expect((await buildGameCode(dir, framework)).compiled).toBe(true);
    expect(readFileSync(twinOf(dir, "world/a.ts"), "utf8")).toContain("a = 3");
  });

  it("compiles a copy of the game folder again, its import.meta naming the copy", async () => {
    const { dir, framework } = gameWith({ "world/here.ts": "export const self = import.meta.url;\n" });
    await buildGameCode(dir, framework);
    const copy = `${dir}-copy`;
    cpSync(dir, copy, { recursive: true });
    const build = await buildGameCode(copy, framework);
    expect(build.compiled).toBe(true);
    const mod = (await import(pathToFileURL(compiledPathOf(build, path.join(copy, "world", "here.ts"))).href)) as { self: string };
    expect(mod.self).toBe(pathToFileURL(path.join(copy, "world", "here.ts")).href);
  });
});

describe("the game compiled in a child process (game-compiler-child.ts)", () => {
  it("compiles through the build's game-compiler entry, and reports a file that does not compile on one line", { timeout: 180_000 }, async () => {
    const result = await ensureFrameworkBuild({ env: {} });
    if (!result.ok) throw new Error(result.reason);
    const compiler = childGameCompiler(result.build.dir);
    const { dir, framework } = gameWith({ "world/a.ts": "export const a = 1;\n" });
    let calls = 0;
    const counted: typeof compiler = async (...args) => {
      calls++;
      await compiler(...args);
    };
    const build = await buildGameCode(dir, framework, { compiler: counted });
    expect(build.compiled).toBe(true);
    expect(calls).toBe(1);
    expect(readFileSync(compiledPathOf(build, path.join(dir, "world", "a.ts")), "utf8")).toContain("a = 1");
    expect((await buildGameCode(dir, framework, { compiler: counted })).compiled).toBe(false);
    expect(calls).toBe(1);

    writeFileSync(path.join(dir, "world", "broken.ts"), "export const = ;\n");
    const failure = await buildGameCode(dir, framework, { compiler: counted }).then(
      () => null,
      (err: unknown) => err as { code: string; message: string },
    );
    expect(calls).toBe(2);
    expect(failure?.code).toBe("EV_ERR_GAME_CODE");
    expect(failure?.message.split("\n")[0]).toMatch(/^the game's compiler process failed \(exit code 1\): .*broken\.ts/);
  });

  it("compiles here when the mirror still does not match after the child (a file edited meanwhile)", async () => {
    const { dir, framework } = gameWith({ "world/a.ts": "export const a = 1;\n" });
    const build = await buildGameCode(dir, framework, {
      compiler: async () => {
        writeFileSync(path.join(dir, "world", "a.ts"), "export const a = 5;\n"); // a compiler that compiled nothing, and an edit
      },
    });
    expect(build.compiled).toBe(true);
    expect(readFileSync(compiledPathOf(build, path.join(dir, "world", "a.ts")), "utf8")).toContain("a = 5");
  });
});
