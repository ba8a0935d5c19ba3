/**
 * The game-code check the server runs at start (and the portal before a reload):
 * modules that fail to load, hints, the game folder's module type, and cmdset paths
 * the settings name that nothing registered.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildSettings } from "../../evennia-ts/conf/settings.ts";
import { registerCmdSet } from "../../evennia-ts/commands/cmdset-registry.ts";
import { CmdSet } from "../../evennia-ts/commands/cmdset.ts";
import {
  checkGameCode,
  conciseError,
  describeGameCodeProblems,
  gameCodeReport,
  gamePackageProblem,
} from "../../evennia-ts/server/game-code-check.ts";
import { loadFailureHint } from "../../evennia-ts/server/game-loader.ts";
import { Server } from "../../evennia-ts/server/server.ts";
import { isEvenniaError } from "../../evennia-ts/utils/errors.ts";
import { createTestGameFolder } from "../../evennia-ts/testing/game-folder.ts";
import { makeTempDir, removeTempDirs } from "../cli/temp-dirs.ts";

afterAll(removeTempDirs);

const registered = {
  cmdsetUnloggedin: "evennia.commands.default.UnloggedinCmdSet",
  cmdsetAccount: "evennia.commands.default.AccountCmdSet",
  cmdsetCharacter: "evennia.commands.default.CharacterCmdSet",
};

describe("game code check", () => {
  it("reports a module that throws, with a hint, and a module that does not parse", async () => {
    const folder = createTestGameFolder();
    try {
      writeFileSync(path.join(folder.dir, "typeclasses", "throws.ts"), `throw new Error("nope at load");\n`);
      writeFileSync(path.join(folder.dir, "commands", "unparsable.ts"), `export const x = ;\n`);
      const settings = buildSettings(folder.dir);
      const { report } = await checkGameCode(settings);
      const where = report.problems.map((p) => p.where).sort();
      expect(where).toEqual([path.join("commands", "unparsable.ts"), path.join("typeclasses", "throws.ts")]);
      const thrown = report.problems.find((p) => p.where.endsWith("throws.ts"))!;
      expect(thrown.error).toBe("nope at load");
      expect(thrown.hint).toMatch(/threw while it was loading/);
      const unparsable = report.problems.find((p) => p.where.endsWith("unparsable.ts"))!;
      // the compiler's own words, not just "failed with 1 error:", without colour codes
      expect(unparsable.error).toMatch(/failed with 1 error: .*(Unexpected|Expected)/);
      expect(unparsable.error).not.toContain("\u001b");
      expect(unparsable.hint).toMatch(/syntax error/);
      expect(report.loaded).toContain(path.join("commands", "default-cmdsets.ts"));
      const text = describeGameCodeProblems(report);
      expect(text).toContain("typeclasses/throws.ts: nope at load");
      expect(text).toContain("hint:");
    } finally {
      folder.remove();
    }
  });

  it("makes the server refuse to start with EV_ERR_GAME_CODE naming the module", async () => {
    const folder = createTestGameFolder();
    try {
      writeFileSync(path.join(folder.dir, "typeclasses", "throws-too.ts"), `throw new Error("still broken");\n`);
      const server = new Server(buildSettings(folder.dir));
      let caught: unknown;
      await server.init().catch((err: unknown) => (caught = err));
      expect(isEvenniaError(caught, "EV_ERR_GAME_CODE")).toBe(true);
      expect((caught as Error).message).toContain("typeclasses/throws-too.ts: still broken");
      expect(server.gameCode?.problems).toHaveLength(1);
    } finally {
      folder.remove();
    }
  });

  it("reports a cmdset path in the settings that nothing registered, and accepts registered ones", () => {
    const folder = createTestGameFolder();
    try {
      const bad = buildSettings(folder.dir, { ...registered, cmdsetAccount: "commands.nowhere.AccountCmdSet" });
      const report = gameCodeReport(bad, { modules: [], failures: [] });
      expect(report.problems).toHaveLength(1);
      expect(report.problems[0]!.where).toBe("setting cmdsetAccount");
      expect(report.problems[0]!.error).toContain('"commands.nowhere.AccountCmdSet"');
      class Registered extends CmdSet {}
      registerCmdSet("commands.somewhere.AccountCmdSet", Registered);
      const good = buildSettings(folder.dir, { ...registered, cmdsetAccount: "commands.somewhere.AccountCmdSet" });
      expect(gameCodeReport(good, { modules: [], failures: [] }).problems).toEqual([]);
    } finally {
      folder.remove();
    }
  });

  it("requires the game folder to be an ES module package", () => {
    const noPackage = makeTempDir("evennia-nopkg-");
    // the OS temp folder may sit under a package.json of its own: only judge what we made
    const commonJs = path.join(noPackage, "cjs");
    mkdirSync(commonJs);
    writeFileSync(path.join(commonJs, "package.json"), JSON.stringify({ name: "g" }));
    expect(gamePackageProblem(commonJs)?.error).toMatch(/does not declare "type": "module"/);
    const esm = path.join(noPackage, "esm");
    mkdirSync(esm);
    writeFileSync(path.join(esm, "package.json"), JSON.stringify({ type: "module" }));
    expect(gamePackageProblem(esm)).toBeNull();
    mkdirSync(path.join(esm, "sub"));
    expect(gamePackageProblem(path.join(esm, "sub"))).toBeNull();
    if (os.tmpdir() === "/tmp") expect(gamePackageProblem(noPackage)?.error).toMatch(/no package\.json/);
  });

  it("gives hints for missing packages and bad relative imports, and keeps errors to one line", () => {
    expect(loadFailureHint(Object.assign(new Error("Cannot find package 'lodash' imported from /g/x.ts"), { code: "ERR_MODULE_NOT_FOUND" }))).toContain(
      "npm install lodash",
    );
    expect(loadFailureHint(Object.assign(new Error("Cannot find module '/g/commands/rooms' imported from /g/x.ts"), { code: "ERR_MODULE_NOT_FOUND" }))).toMatch(
      /extension/,
    );
    expect(conciseError("Transform failed with 1 error:\n/g/x.ts:1:17: ERROR: Unexpected \";\"\n    at stack")).toBe(
      'Transform failed with 1 error: /g/x.ts:1:17: ERROR: Unexpected ";"',
    );
    expect(conciseError("plain\n    at frame")).toBe("plain");
  });
});
