/**
 * A game folder made by `evennia-ts init` outside the framework's checkout (in the
 * OS temp folder, with no node_modules of its own), run with the real launcher
 * (`bin/evennia-ts.js`) as real processes: its own typeclass and command work over
 * telnet (the game and the server share one framework instance), a module that
 * does not load makes `start` fail loudly, and a reload with broken code is refused
 * while the old code keeps running.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { repoRoot } from "../../evennia-ts/cli/paths.ts";
import { TEST_SETTINGS, writeSettings } from "../../evennia-ts/testing/game-folder.ts";
import { TelnetTestClient } from "../../evennia-ts/testing/telnet-test-client.ts";
import { PORTAL_TEXTS } from "../../evennia-ts/portal/portal.ts";

const shim = path.join(repoRoot, "bin", "evennia-ts.js");
const base = mkdtempSync(path.join(os.tmpdir(), "evennia-outside-"));
const gameDir = path.join(base, "mygame");

/** Run the real `evennia-ts` command in `cwd`. */
function evennia(args: string[], cwd = base): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [shim, ...args], { cwd, encoding: "utf8", timeout: 90_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function telnetPortOf(startOutput: string): number {
  const match = /telnet 127\.0\.0\.1 (\d+)/.exec(startOutput);
  if (!match) throw new Error(`no telnet port in: ${startOutput}`);
  return Number(match[1]);
}

function write(relative: string, text: string): void {
  writeFileSync(path.join(gameDir, relative), text);
}

afterAll(() => {
  evennia(["stop", "--game", gameDir]);
  // a portal left by a failed test must not outlive it
  try {
    process.kill(Number(readFileSync(path.join(gameDir, "server", "logs", "portal.pid"), "utf8")), "SIGKILL");
  } catch {
    // not running
  }
  rmSync(base, { recursive: true, force: true });
});

const GADGET_TYPECLASS = `import { DefaultObject, registerTypeclass } from "evennia-ts";
/** A game-defined object. */
export class Gadget extends DefaultObject {
  describeMe(): string { return "a shiny gadget"; }
}
registerTypeclass("typeclasses.gadgets.Gadget", Gadget);
`;

const GADGET_COMMAND = `import { Command, createObject, DefaultObject, findTypeclass } from "evennia-ts";
import { Gadget } from "../typeclasses/gadgets.ts";
/** makegadget: create a Gadget here and say what it is. */
export class CmdMakeGadget extends Command {
  override key = "makegadget";
  override async func(): Promise<void> {
    if (!(this.caller instanceof DefaultObject)) return;
    const made = await createObject("typeclasses.gadgets.Gadget", { key: "gadget", location: this.caller.location });
    const same = made instanceof Gadget && findTypeclass("typeclasses.gadgets.Gadget") === Gadget;
    this.msg(\`Made \${(made as Gadget).describeMe()} (game class shared: \${same}).\`);
  }
}
`;

describe("a game folder outside the checkout", () => {
  it("is made by init, runs its own typeclass and command over telnet, and fails loudly on broken code", async () => {
    const init = evennia(["init", gameDir]);
    expect(init.status, init.stderr).toBe(0);
    const manifest = JSON.parse(readFileSync(path.join(gameDir, "package.json"), "utf8"));
    expect(manifest.type).toBe("module");
    expect(manifest.dependencies["evennia-ts"]).toMatch(/^file:/);
    expect(Object.keys(manifest.scripts)).toEqual(expect.arrayContaining(["start", "stop", "reload", "test"]));
    expect(readFileSync(path.join(gameDir, ".gitignore"), "utf8")).toContain("server/logs/");
    writeSettings(gameDir, TEST_SETTINGS);
    write("typeclasses/gadgets.ts", GADGET_TYPECLASS);
    write("commands/gadget.ts", GADGET_COMMAND);
    const cmdsets = readFileSync(path.join(gameDir, "commands/default-cmdsets.ts"), "utf8");
    write(
      "commands/default-cmdsets.ts",
      `import { CmdMakeGadget } from "./gadget.ts";\n` + cmdsets.replace("// this.add(CmdMyCommand);", "this.add(CmdMakeGadget);"),
    );

    // a module that throws at load: start fails, names it, and never says "Game started"
    write("typeclasses/broken.ts", `throw new Error("broken on purpose");\n`);
    const failed = evennia(["start"], gameDir);
    expect(failed.status).toBe(1);
    expect(failed.stdout).not.toContain("Game started");
    expect(failed.stderr).toContain("typeclasses/broken.ts: broken on purpose");
    expect(failed.stderr).toContain("hint:");
    expect(failed.stderr).toContain("EV_ERR_GAME_CODE");
    const afterFailure = evennia(["status"], gameDir);
    expect(afterFailure.stdout).toMatch(/Game modules: \d+ loaded, 1 problem/);
    expect(afterFailure.stdout).toContain("FAILED typeclasses/broken.ts");
    rmSync(path.join(gameDir, "typeclasses/broken.ts"));

    const started = evennia(["start"], gameDir);
    expect(started.status, started.stderr + started.stdout).toBe(0);
    expect(started.stdout).toContain("Game started");

    const client = await TelnetTestClient.connect(telnetPortOf(started.stdout));
    try {
      await client.waitFor("create <username> <password>");
      client.send("create Anna secret123");
      await client.waitFor("A new account 'Anna' was created");
      client.send("connect Anna secret123");
      await client.waitFor("You become Anna");
      client.send("makegadget");
      await client.waitFor("Made a shiny gadget (game class shared: true).");

      // broken code at reload: refused, players told, the old code keeps serving
      const serverPid = readFileSync(path.join(gameDir, "server/logs/server.pid"), "utf8").trim();
      write("commands/gadget.ts", GADGET_COMMAND.replace("override key", "override key = ;\n  // "));
      const refused = evennia(["reload"], gameDir);
      expect(refused.status).toBe(1);
      expect(refused.stderr).toContain("commands/gadget.ts");
      await client.waitFor(PORTAL_TEXTS.restartRefused);
      expect(readFileSync(path.join(gameDir, "server/logs/server.pid"), "utf8").trim()).toBe(serverPid);
      client.send("makegadget");
      await client.waitFor("Made a shiny gadget (game class shared: true).");

      // fixed code reloads, the player stays connected and logged in
      write("commands/gadget.ts", GADGET_COMMAND);
      write("typeclasses/gadgets.ts", GADGET_TYPECLASS.replace("a shiny gadget", "a polished gadget"));
      const reloaded = evennia(["reload"], gameDir);
      expect(reloaded.status, reloaded.stderr).toBe(0);
      await client.waitFor(PORTAL_TEXTS.reloaded);
      client.send("makegadget");
      await client.waitFor("Made a polished gadget (game class shared: true).");
    } finally {
      client.close();
    }
    expect(evennia(["stop"], gameDir).status).toBe(0);
  }, 240_000);
});
