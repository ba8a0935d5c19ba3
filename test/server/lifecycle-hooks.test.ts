/**
 * The game folder's lifecycle hooks run at start, reload, reset and stop, in
 * order; atInitialSetup runs once; a hook that throws is contained.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startInProcessGame, type InProcessGame } from "../../evennia-ts/testing/in-process-game.ts";
import { TelnetTestClient } from "../../evennia-ts/testing/telnet-test-client.ts";

declare global {
  var __lifecycleCalls: string[] | undefined;
}

let game: InProcessGame | null = null;
afterEach(async () => {
  await game?.stop();
  game = null;
  globalThis.__lifecycleCalls = undefined;
});

function hookFiles(dir: string, throwing = ""): void {
  const names = ["atServerInit", "atServerStart", "atServerStop", "atServerReloadStart", "atServerReloadStop", "atServerColdStart", "atServerColdStop"];
  const body = names
    .map((n) => `export function ${n}() { (globalThis.__lifecycleCalls ??= []).push("${n}");${n === throwing ? ` throw new Error("${n} broke");` : ""} }`)
    .join("\n");
  writeFileSync(path.join(dir, "server", "conf", "at-server-startstop.ts"), body + "\n");
  writeFileSync(
    path.join(dir, "server", "conf", "at-initial-setup.ts"),
    `import { createObject } from "evennia-ts";
export async function atInitialSetup() {
  (globalThis.__lifecycleCalls ??= []).push("atInitialSetup");
  await createObject("evennia.objects.DefaultRoom", { key: "Built at setup" });
}
`,
  );
}

async function waitForCalls(n: number): Promise<string[]> {
  const deadline = Date.now() + 10_000;
  while ((globalThis.__lifecycleCalls?.length ?? 0) < n) {
    if (Date.now() > deadline) throw new Error(`only ${JSON.stringify(globalThis.__lifecycleCalls)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return globalThis.__lifecycleCalls!.splice(0);
}

describe("lifecycle hooks from the game folder", () => {
  it("run at start, reload, reset and stop; atInitialSetup once", async () => {
    game = await startInProcessGame({}, (dir) => hookFiles(dir));
    expect(await waitForCalls(4)).toEqual(["atServerInit", "atInitialSetup", "atServerStart", "atServerColdStart"]);
    const rows = await game.server()!.db.query<{ key: string }>("SELECT key FROM objects WHERE key = ?", ["Built at setup"]);
    expect(rows).toHaveLength(1);

    game.portal.reload();
    expect(await waitForCalls(5)).toEqual(["atServerReloadStop", "atServerStop", "atServerInit", "atServerStart", "atServerReloadStart"]);

    game.portal.reset();
    expect(await waitForCalls(5)).toEqual(["atServerColdStop", "atServerStop", "atServerInit", "atServerStart", "atServerColdStart"]);
  });

  it("a hook that throws is logged and the game goes on", async () => {
    game = await startInProcessGame({}, (dir) => hookFiles(dir, "atServerStart"));
    expect(await waitForCalls(4)).toEqual(["atServerInit", "atInitialSetup", "atServerStart", "atServerColdStart"]);
    const c = await TelnetTestClient.connect(game.telnetPort);
    try {
      await c.waitFor("create <username>");
      c.send("create Anna secret123");
      await c.waitFor("A new account 'Anna' was created");
    } finally {
      c.close();
    }
  });
});
