/**
 * The framework compiled ahead of time (`utils/framework-build.ts`): one build per
 * source fingerprint, safe when processes build at once, pruned, off with
 * EVENNIA_TS_COMPILE=0, and run by a server whose game code's `import "evennia-ts"`
 * lands in that very build (not in a second copy of the sources).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { createTestGameFolder, packageRoot } from "../../evennia-ts/testing/game-folder.ts";
import { BUILD_ENTRIES, buildEntryFile, ensureFrameworkBuild, sourceFingerprint, type BuildEntry } from "../../evennia-ts/utils/framework-build.ts";
import { frameworkSourceDir } from "../../evennia-ts/utils/framework-root.ts";
import { tsxNodeArgs } from "../../evennia-ts/utils/node-command.ts";

// builds must live inside the package, where its node_modules resolve
const scratch = mkdtempSync(path.join(packageRoot, ".tmp", "builds-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function freshBuildsDir(): string {
  return mkdtempSync(path.join(scratch, "dist-"));
}

describe("sourceFingerprint", () => {
  it("changes with a source file's content, not with its timestamp or with other files", async () => {
    const dir = mkdtempSync(path.join(scratch, "src-"));
    mkdirSync(path.join(dir, "sub"));
    writeFileSync(path.join(dir, "a.ts"), "export const a = 1;\n");
    writeFileSync(path.join(dir, "sub", "b.ts"), "export const b = 2;\n");
    const first = await sourceFingerprint(dir);
    utimesSync(path.join(dir, "a.ts"), new Date(2000, 1, 1), new Date(2000, 1, 1));
    writeFileSync(path.join(dir, "notes.md"), "not code");
    expect(await sourceFingerprint(dir)).toBe(first);
    writeFileSync(path.join(dir, "sub", "b.ts"), "export const b = 3;\n");
    const changed = await sourceFingerprint(dir);
    expect(changed).not.toBe(first);
    writeFileSync(path.join(dir, "sub", "c.ts"), "");
    expect(await sourceFingerprint(dir)).not.toBe(changed);
  });
});

describe("ensureFrameworkBuild", () => {
  it("compiles every entry point once, then reuses the build", { timeout: 120_000 }, async () => {
    const buildsDir = freshBuildsDir();
    const first = await ensureFrameworkBuild({ buildsDir, env: {} });
    if (!first.ok) throw new Error(first.reason);
    expect(first.build.built).toBe(true);
    for (const entry of Object.keys(BUILD_ENTRIES) as BuildEntry[]) expect(existsSync(buildEntryFile(first.build.dir, entry))).toBe(true);
    // pure ASCII (V8 would keep a source with one wider character at two bytes a character)
    for (const file of readdirSync(first.build.dir).filter((f) => f.endsWith(".js"))) {
      const text = readFileSync(path.join(first.build.dir, file), "utf8");
      expect([...text].filter((ch) => ch.charCodeAt(0) > 0x7f).slice(0, 3), file).toEqual([]);
    }
    const second = await ensureFrameworkBuild({ buildsDir, env: {} });
    expect(second).toMatchObject({ ok: true, build: { dir: first.build.dir, built: false } });
  });

  it("gives processes that build at once the same complete build, and leaves no temporary folder", { timeout: 120_000 }, async () => {
    const buildsDir = freshBuildsDir();
    const results = await Promise.all([1, 2, 3].map(() => ensureFrameworkBuild({ buildsDir, env: {} })));
    const dirs = new Set(results.map((r) => (r.ok ? r.build.dir : r.reason)));
    expect(dirs.size).toBe(1);
    expect(results.every((r) => r.ok)).toBe(true);
    expect(readdirSync(buildsDir)).toEqual([path.basename([...dirs][0]!)]);
  });

  it("keeps the three most recently used builds", { timeout: 120_000 }, async () => {
    const buildsDir = freshBuildsDir();
    for (const [i, name] of ["old1", "old2", "old3", "old4"].entries()) {
      mkdirSync(path.join(buildsDir, name));
      const when = new Date(Date.now() - (10 - i) * 60_000);
      utimesSync(path.join(buildsDir, name), when, when);
    }
    mkdirSync(path.join(buildsDir, ".tmp-1-dead"));
    utimesSync(path.join(buildsDir, ".tmp-1-dead"), new Date(2000, 1, 1), new Date(2000, 1, 1));
    const result = await ensureFrameworkBuild({ buildsDir, env: {} });
    if (!result.ok) throw new Error(result.reason);
    expect(readdirSync(buildsDir).sort()).toEqual([path.basename(result.build.dir), "old3", "old4"].sort());
  });

  it("is off with EVENNIA_TS_COMPILE=0, and says why", async () => {
    const result = await ensureFrameworkBuild({ buildsDir: freshBuildsDir(), env: { EVENNIA_TS_COMPILE: "0" } });
    expect(result).toEqual({ ok: false, reason: "EVENNIA_TS_COMPILE=0" });
  });

  it("falls back to the sources, with the reason, when the builds folder cannot be made", async () => {
    const file = path.join(scratch, "a-file");
    writeFileSync(file, "");
    const result = await ensureFrameworkBuild({ buildsDir: path.join(file, "dist"), env: {} });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(/could not compile the framework into .*a-file.dist/);
  });

  it("exports from the built index.js every name the sources' index.ts exports", { timeout: 120_000 }, async () => {
    const result = await ensureFrameworkBuild({ env: {} });
    if (!result.ok) throw new Error(result.reason);
    const built = (await import(pathToFileURL(buildEntryFile(result.build.dir, "index")).href)) as Record<string, unknown>;
    const source = (await import(pathToFileURL(path.join(frameworkSourceDir, "index.ts")).href)) as Record<string, unknown>;
    expect(Object.keys(built).sort()).toEqual(Object.keys(source).sort());
  });
});

describe("a server running the compiled framework", () => {
  /**
   * Run the server's `--check-code` on a game with a module that checks its
   * `import "evennia-ts"` gives the very module at `indexUrl`, and where it sees itself.
   */
  function probe(args: string[], indexUrl: string): { same: boolean; exported: string; self: string; compiled: boolean } {
    const game = createTestGameFolder({ gameModules: ["world/probe.ts"] });
    try {
      const out = path.join(game.dir, "probe.json");
      writeFileSync(
        path.join(game.dir, "world", "probe.ts"),
        [
          'import { writeFileSync } from "node:fs";',
          'import { DefaultObject } from "evennia-ts";',
          'const mine = await import("evennia-ts");',
          `const running = await import(${JSON.stringify(indexUrl)});`,
          "const compiled = !new Error().stack!.includes(\"probe.ts\");",
          `writeFileSync(${JSON.stringify(out)}, JSON.stringify({ same: mine === running, exported: typeof DefaultObject, self: import.meta.url, compiled }));`,
          "",
        ].join("\n"),
      );
      const result = spawnSync(process.execPath, [...args, "--game", game.dir, "--check-code"], { cwd: game.dir, encoding: "utf8", timeout: 90_000 });
      expect(result.stdout + result.stderr).toContain("EVENNIA_GAME_CODE_REPORT");
      expect(result.status).toBe(0);
      return JSON.parse(readFileSync(out, "utf8")) as { same: boolean; exported: string; self: string; compiled: boolean };
    } finally {
      game.remove();
    }
  }

  it("compiles the game's code, whose `evennia-ts` is the build the server runs", { timeout: 180_000 }, async () => {
    const result = await ensureFrameworkBuild({ env: {} });
    if (!result.ok) throw new Error(result.reason);
    const found = probe([buildEntryFile(result.build.dir, "server-main")], pathToFileURL(buildEntryFile(result.build.dir, "index")).href);
    expect(found).toMatchObject({ same: true, exported: "function", compiled: true });
    expect(found.self).toMatch(/\/world\/probe\.ts$/);
  });

  it("from source, the game's `evennia-ts` is the sources' index.ts, through tsx", { timeout: 180_000 }, () => {
    const found = probe(tsxNodeArgs(path.join(frameworkSourceDir, "server", "main.ts"), []), pathToFileURL(path.join(frameworkSourceDir, "index.ts")).href);
    expect(found).toMatchObject({ same: true, exported: "function", compiled: false });
  });
});
