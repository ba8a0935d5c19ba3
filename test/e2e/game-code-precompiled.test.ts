/**
 * `evennia-ts start` compiles the game's code before it starts the portal, so the
 * long-lived server finds the compiled mirror up to date; a reload after an edit
 * compiles the change in a child process and the new server runs it; never does a
 * server load the compiler. Real processes.
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { expect, it } from "vitest";
import { restartServer } from "../../evennia-ts/cli/commands/server-restart.ts";
import { startGame } from "../../evennia-ts/cli/commands/start.ts";
import { CapturingIo } from "../../evennia-ts/cli/io.ts";
import { gameFoldersStoppedAfterEach } from "./stopped-game-folders.ts";

/** Server hooks that note, in `marks.log`, each server's game-code version and whether esbuild is loaded in it. */
const MARKING_HOOKS = `import { appendFileSync } from "node:fs";
import { createRequire } from "node:module";
import { VERSION } from "../../world/version.ts";
const esbuild = Object.keys(createRequire(import.meta.url).cache).some((file) => /[\\\\/]esbuild[\\\\/]/.test(file));
appendFileSync("marks.log", \`version=\${VERSION} esbuild=\${esbuild}\\n\`);
`;

const newGameFolder = gameFoldersStoppedAfterEach();

it("starts the server on game code compiled beforehand, and compiles an edit at the reload that needs it, outside the server", { timeout: 120_000 }, async () => {
  const folder = newGameFolder();
  const dir = folder.dir;
  writeFileSync(path.join(dir, "world", "version.ts"), "export const VERSION = 1;\n");
  writeFileSync(path.join(dir, "server", "conf", "at-server-startstop.ts"), MARKING_HOOKS);
  const marks = (): string[] => readFileSync(path.join(dir, "marks.log"), "utf8").trim().split("\n");
  const io = new CapturingIo();
  expect(await startGame({ gameDir: dir, foreground: false, io }), io.stderr.join("\n")).toBe(0);
  expect(io.stdout.join("\n")).toMatch(/Compiled the game's code: \d+ file\(s\)/);
  expect(marks()).toEqual(["version=1 esbuild=false"]);

  writeFileSync(path.join(dir, "world", "version.ts"), "export const VERSION = 2;\n");
  const reload = async (): Promise<void> => {
    const out = new CapturingIo();
    expect(await restartServer({ gameDir: dir, kind: "reload", io: out }), out.stderr.join("\n")).toBe(0);
  };
  await reload();
  expect(marks()).toEqual(["version=1 esbuild=false", "version=2 esbuild=false"]);
  await reload();
  expect(marks()).toEqual(["version=1 esbuild=false", "version=2 esbuild=false", "version=2 esbuild=false"]);
});

it("says at start when the game's code does not compile, and the game still starts (through tsx)", { timeout: 120_000 }, async () => {
  const folder = newGameFolder();
  writeFileSync(path.join(folder.dir, "world", "unfinished.ts"), "export const = ;\n"); // imported by nothing yet
  const io = new CapturingIo();
  expect(await startGame({ gameDir: folder.dir, foreground: false, io }), io.stderr.join("\n")).toBe(0);
  expect(io.stderr.join("\n")).toMatch(/^Note: the game's code does not compile \(.*world\/unfinished\.ts:1:\d+: ERROR: .*\)\. The portal and the server load it through tsx instead/m);
  expect(io.stdout.join("\n")).not.toMatch(/Compiled the game's code/);
});
