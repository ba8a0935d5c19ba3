/**
 * Fairness in a busy room (issue 16): one player flooding commands cannot starve
 * another. Each session's commands run one at a time from a queue of its own, so a
 * command from a quiet player runs next to the flooder's current one instead of
 * waiting behind everything the flooder sent. The portal's input rate limit is off
 * here, so that the server's own ordering is what is tested.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startInProcessGame, type InProcessGame } from "../../evennia-ts/testing/in-process-game.ts";
import { TelnetTestClient } from "../../evennia-ts/testing/telnet-test-client.ts";

let game: InProcessGame;
const clients: TelnetTestClient[] = [];

async function loggedIn(name: string): Promise<TelnetTestClient> {
  const c = await TelnetTestClient.newPlayer(game.telnetPort, name);
  clients.push(c);
  return c;
}

beforeAll(async () => {
  game = await startInProcessGame({ commandRatePerSecond: 0, commandQueueLimit: 200 });
}, 60_000);

afterAll(async () => {
  for (const c of clients.splice(0)) c.close();
  await game.stop();
});

describe("a flooding player", () => {
  it("does not hold up another player's command behind its queue", async () => {
    const flooder = await loggedIn("Flo");
    const quiet = await loggedIn("Quinn");
    const flood = 150;
    // all of it in one write: the server has it queued before Quinn's command arrives
    flooder.sendRaw(Buffer.from(Array.from({ length: flood }, (_, i) => `say spam ${i}\r\n`).join("")));
    await quiet.waitFor('Flo says, "spam 0"');
    quiet.send("look");
    const beforeAnswer = await quiet.waitFor(/Characters:[^\r\n]*\r\n/, 30_000);
    const spamBefore = (beforeAnswer.match(/Flo says, "spam \d+/g) ?? []).length;
    // Quinn's look is answered after a bounded number of Flo's commands, not after all 150
    expect(spamBefore).toBeLessThan(10);
    // and the flood is not lost: every line runs, in order
    await quiet.waitFor(`Flo says, "spam ${flood - 1}"`, 60_000);
    const all = [...quiet.text.matchAll(/Flo says, "spam (\d+)/g)].map((m) => Number(m[1]));
    expect(all).toEqual(Array.from({ length: flood }, (_, i) => i));
  }, 120_000);
});
