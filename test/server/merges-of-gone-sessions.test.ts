/**
 * The merged cmdsets made for a session are forgotten when it goes, whether its client
 * drops the connection or the player types `quit`. Before, they stayed in the merge
 * cache until they were its least recently used, each holding the gone player's
 * character and account in memory through its commands' `obj` (a login-and-leave
 * churn kept some 250 players' objects alive).
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { startInProcessGame, type InProcessGame } from "../../evennia-ts/testing/in-process-game.ts";
import { TelnetTestClient } from "../../evennia-ts/testing/telnet-test-client.ts";

let game: InProcessGame;

beforeAll(async () => {
  game = await startInProcessGame({ commandRatePerSecond: 0 });
}, 60_000);

afterAll(async () => {
  await game.stop();
});

const heldMerges = (): number => game.server()!.liveStats().mergeCache!.size;

it("forgets a session's merged cmdsets when its client drops, and when the player quits", async () => {
  const stays = await TelnetTestClient.newPlayer(game.telnetPort, "Stella");
  // a prompt ends each answer: the one after logging in, then the look's
  const twoLooks = /@ Limbo >[\s\S]*@ Limbo >/;
  stays.send("look");
  await stays.waitFor(twoLooks);
  const withOne = heldMerges();
  expect(withOne).toBeGreaterThan(0);

  for (const leave of ["drop", "quit"] as const) {
    const c = await TelnetTestClient.newPlayer(game.telnetPort, leave === "drop" ? "Dropper" : "Quitter");
    c.send("look");
    await c.waitFor(twoLooks);
    expect(heldMerges()).toBeGreaterThan(withOne);
    if (leave === "drop") c.close();
    else c.send("quit");
    await expect.poll(heldMerges, { timeout: 10_000 }).toBe(withOne);
    if (leave === "quit") c.close();
  }
  // the one still here keeps its merges: its next command is a hit
  const { hits } = game.server()!.liveStats().mergeCache!;
  stays.send("look");
  await stays.waitFor(/Limbo[^\r\n]*\r\n[\s\S]*@ Limbo >/);
  expect(game.server()!.liveStats().mergeCache!.hits).toBeGreaterThan(hits);
  stays.close();
}, 60_000);
