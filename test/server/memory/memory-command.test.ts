/**
 * The in-game `memory` command over telnet: the first account is the superuser and
 * may use it; an ordinary player may not.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startInProcessGame, type InProcessGame } from "../../../evennia-ts/testing/in-process-game.ts";
import { TelnetTestClient } from "../../../evennia-ts/testing/telnet-test-client.ts";

let game: InProcessGame;
const clients: TelnetTestClient[] = [];

async function loggedIn(name: string): Promise<TelnetTestClient> {
  const c = await TelnetTestClient.connect(game.telnetPort);
  clients.push(c);
  await c.waitFor("create <username> <password>");
  c.send(`create ${name} secret123`);
  await c.waitFor(`A new account '${name}' was created`);
  c.send(`connect ${name} secret123`);
  await c.waitFor(/Limbo/);
  return c;
}

let admin: TelnetTestClient;
let player: TelnetTestClient;

beforeAll(async () => {
  game = await startInProcessGame({ identityMapFlushHeapMb: 4096 });
  admin = await loggedIn("Boss"); // first account: superuser
  player = await loggedIn("Pleb");
});

afterAll(async () => {
  for (const c of clients.splice(0)) c.close();
  await game?.stop();
});

describe("the memory command", () => {
  it("shows heap figures and a live/pinned/strong table by kind and typeclass", async () => {
    admin.send("memory");
    const out = await admin.waitFor(/\(live: in memory[^\n]*\n/);
    expect(out).toMatch(/Server memory \(pid \d+, up /);
    expect(out).toMatch(/Heap used\s+[\d.]+ MiB of [\d.]+ MiB allocated \(limit [\d.]+ GiB\)/);
    expect(out).toMatch(/RSS\s+[\d.]+ MiB/);
    expect(out).toContain("Auto-flush  when the heap passes 4096 MiB");
    expect(out).toMatch(/Identity map\s+live\s+pinned\s+strong/);
    // two puppets, both pinned
    expect(out).toMatch(/typeclasses\.characters\.Character\s+2\s+2\s+0/);
    expect(out).toMatch(/\n\s+account\s+\d+\s+\d+\s+\d+/);
    expect(out).toMatch(/\n\s+total\s+\d+\s+\d+\s+\d+/);
  });

  it("memory/flush (and `mem flush`) drops cached objects and shows before and after", async () => {
    admin.send("memory/flush");
    const out = await admin.waitFor(/Strong \(LRU\)[^\n]*\n/);
    expect(out).toMatch(/Flushed: dropped [1-9]\d* cached reference\(s\)/);
    expect(out).toMatch(/Live objects\s+\d+\s+\d+/);
    expect(out).toMatch(/Pinned\s+(\d+)\s+\1\b/);
    expect(out).toMatch(/Strong \(LRU\)\s+[1-9]\d*\s+0/);
    admin.send("mem flush");
    const again = await admin.waitFor(/Strong \(LRU\)[^\n]*\n/);
    expect(again).toMatch(/Flushed: dropped \d+ cached/);
  });

  it("answers unknown arguments with usage", async () => {
    admin.send("memory bogus");
    await admin.waitFor("Usage: memory, or memory/flush");
  });

  it("is not available to players without Admin permission", async () => {
    player.send("memory");
    await player.waitFor("Command 'memory' is not available.");
    player.send("memory/flush");
    await player.waitFor("Command 'memory/flush' is not available.");
    // nothing was flushed by the refused attempt: the game carries on
    player.send("look");
    await player.waitFor(/Limbo/);
  });
});
