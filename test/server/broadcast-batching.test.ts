/**
 * Broadcast batching (setting `broadcastBatchMs`, issue 16): what others did (a room's
 * `say`) may wait a little for a listener that was just written to, so that it leaves
 * with more in one write; a reply to a player's own command never waits.
 */
import { afterAll, describe, expect, it } from "vitest";
import { startInProcessGame, type InProcessGame } from "../../evennia-ts/testing/in-process-game.ts";
import { TelnetTestClient } from "../../evennia-ts/testing/telnet-test-client.ts";

describe("broadcast batching (broadcastBatchMs)", () => {
  let slow: InProcessGame;
  const own: TelnetTestClient[] = [];
  afterAll(async () => {
    for (const c of own) c.close();
    await slow?.stop();
  });

  it("holds what others did for a listener just written to, never a reply to one's own command", async () => {
    slow = await startInProcessGame({ accountCreationsPerIp: 0, broadcastBatchMs: 600 });
    const login = async (name: string) => {
      const c = await TelnetTestClient.newPlayer(slow.telnetPort, name);
      own.push(c);
      return c;
    };
    const speaker = await login("Lou");
    const listener = await login("Max");
    await login("Ned"); // two listeners: a say to a crowd is a multicast (to one, a plain message)
    await new Promise((r) => setTimeout(r, 700)); // both quiet for longer than the batching time
    // the listener's own command: its answer leaves at once, and it was just written to
    listener.send("look");
    await listener.waitFor("Characters: Lou"); // the look when it logged in
    await listener.waitFor("Characters: Lou"); // this look
    await new Promise((r) => setTimeout(r, 50)); // its prompt too
    const heardAt = listener.waitFor('Lou says, "first"', 3000).then(() => performance.now());
    const sentAt = performance.now();
    speaker.send("say first");
    await speaker.waitFor('You say, "first"', 300); // the speaker's reply does not wait
    expect((await heardAt) - sentAt).toBeGreaterThanOrEqual(300);
  }, 60_000);
});
