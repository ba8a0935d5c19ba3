/**
 * Every portal limit, end to end: a real portal and server in this process, real
 * telnet connections on loopback, small limit values.
 */
import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import type { GameSettings } from "../../../evennia-ts/conf/settings.ts";
import { startInProcessGame, type InProcessGame } from "../../../evennia-ts/testing/in-process-game.ts";
import { TelnetTestClient } from "../../../evennia-ts/testing/telnet-test-client.ts";
import { TIMEOUT_TEXTS } from "../../../evennia-ts/portal/limits/session-timeouts.ts";

const SCREEN = "create <username> <password>";
let game: InProcessGame | null = null;
const clients: TelnetTestClient[] = [];
const sockets: net.Socket[] = [];

async function start(settings: GameSettings): Promise<InProcessGame> {
  game = await startInProcessGame(settings);
  return game;
}

async function client(): Promise<TelnetTestClient> {
  const c = await TelnetTestClient.connect(game!.telnetPort);
  clients.push(c);
  return c;
}

async function atScreen(): Promise<TelnetTestClient> {
  const c = await client();
  await c.waitFor(SCREEN);
  return c;
}

async function loggedIn(name: string): Promise<TelnetTestClient> {
  const c = await atScreen();
  c.send(`create ${name} secret123`);
  await c.waitFor(`A new account '${name}' was created`);
  c.send(`connect ${name} secret123`);
  await c.waitFor(/Limbo/);
  return c;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitUntil(check: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await sleep(20);
  }
}

function count(text: string, needle: string): number {
  return text.split(needle).length - 1;
}

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  for (const s of sockets.splice(0)) s.destroy();
  await game?.stop();
  game = null;
});

describe("login timeout", () => {
  it("closes a connection that does not log in in time, with a message, and spares one that did", async () => {
    await start({ loginTimeout: 2 });
    const lurker = await atScreen();
    const player = await loggedIn("Anna");
    await lurker.waitFor(TIMEOUT_TEXTS.login, 6000);
    await lurker.waitForClose();
    // past the player's own deadline too, the logged-in player is still there
    await sleep(1000);
    player.send("say still here");
    await player.waitFor('You say, "still here');
    expect(player.closed).toBe(false);
  });
});

describe("idle timeout", () => {
  it("closes a session that sends nothing for idleTimeout, and spares one that keeps typing", async () => {
    await start({ idleTimeout: 1, loginTimeout: 0 });
    const idle = await loggedIn("Anna");
    const busy = await loggedIn("Bob");
    const typing = setInterval(() => busy.send("look"), 300);
    try {
      await idle.waitFor(TIMEOUT_TEXTS.idle, 4000);
      await idle.waitForClose();
      await sleep(800);
      busy.send("say awake");
      await busy.waitFor('You say, "awake');
      expect(busy.closed).toBe(false);
    } finally {
      clearInterval(typing);
    }
  });
});

describe("command rate limit", () => {
  it("refuses commands past the burst with one notice, never queues them, and accepts input again later", async () => {
    await start({ commandRatePerSecond: 2, commandBurst: 4 });
    const anna = await loggedIn("Anna");
    const lines = Array.from({ length: 20 }, (_, i) => `say n${i}`);
    anna.socket.write(lines.map((l) => l + "\r\n").join(""));
    await anna.waitFor("You are sending commands too fast");
    await sleep(1100); // a refused line would have run by now if it had been queued
    anna.send("say done");
    await anna.waitFor('You say, "done');
    const said = count(anna.text, 'You say, "n');
    expect(said).toBeGreaterThanOrEqual(1);
    expect(said).toBeLessThanOrEqual(6); // the burst plus what refilled during the login
    expect(count(anna.text, "You are sending commands too fast")).toBe(1);
  });
});

describe("new connections per IP per minute", () => {
  it("refuses a connection past the limit with a one-line reason and closes it", async () => {
    await start({ connectionsPerIpPerMinute: 3, maxConnectionsPerIp: 0 });
    for (let i = 0; i < 3; i++) (await atScreen()).close();
    const refused = await client();
    await refused.waitFor("Too many new connections from your address");
    await refused.waitForClose();
    expect(refused.text).not.toContain(SCREEN);
  });
});

describe("connections per IP", () => {
  it("refuses a connection while the address has the maximum open, and admits one after a close", async () => {
    const g = await start({ maxConnectionsPerIp: 2, connectionsPerIpPerMinute: 0 });
    const first = await atScreen();
    await atScreen();
    const refused = await client();
    await refused.waitFor("Too many connections from your address (at most 2 at a time)");
    await refused.waitForClose();
    expect(g.portal.sessions.count).toBe(2);
    first.close();
    await waitUntil(() => g.portal.sessions.count === 1, "the portal saw the close");
    await atScreen();
  });

  it("does not limit addresses listed in connectionLimitExemptIps", async () => {
    await start({ maxConnectionsPerIp: 1, connectionsPerIpPerMinute: 1, connectionLimitExemptIps: ["127.0.0.1"] });
    await atScreen();
    await atScreen();
    await atScreen();
  });
});

describe("slow and byte-at-a-time clients", () => {
  it("fifty clients dribbling one byte at a time do not hold up a normal player", async () => {
    const g = await start({ maxConnectionsPerIp: 100, connectionsPerIpPerMinute: 1000 });
    const player = await loggedIn("Anna");
    // half dribble an endless line (slowloris), half dribble real commands byte by byte
    const dribblers: { socket: net.Socket; received: string; payload: Buffer; sent: number }[] = [];
    for (let i = 0; i < 50; i++) {
      const socket = net.connect(g.telnetPort, "127.0.0.1");
      socket.on("error", () => undefined);
      socket.setNoDelay(true); // really one byte per packet
      sockets.push(socket);
      const d = { socket, received: "", payload: Buffer.from(i % 2 ? "x".repeat(100_000) : "look\r\n".repeat(1000)), sent: 0 };
      socket.on("data", (b: Buffer) => (d.received += b.toString("latin1")));
      dribblers.push(d);
    }
    await waitUntil(() => g.portal.sessions.count === 51, "every dribbler is connected");
    const drip = setInterval(() => {
      for (const d of dribblers) d.socket.write(d.payload.subarray(d.sent, ++d.sent));
    }, 5);
    try {
      for (let i = 0; i < 10; i++) {
        player.send(`say line ${i}`);
        await player.waitFor(`You say, "line ${i}"`);
      }
      player.send("look");
      await player.waitFor(/Limbo/);
      // the dribbled commands are parsed too: each command client got an answer to "look"
      // (an unlogged-in "look" shows the connection screen again)
      await waitUntil(() => dribblers.every((d, i) => i % 2 === 1 || count(d.received, SCREEN) >= 2), "dribbled looks answered");
    } finally {
      clearInterval(drip);
    }
    expect(g.portal.sessions.count).toBe(51);
    expect(dribblers.every((d) => !d.socket.destroyed)).toBe(true);
  });
});
