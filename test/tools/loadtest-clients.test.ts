/**
 * The load tester's clients against hand-written servers: the telnet client's IAC
 * parsing (split sequences, subnegotiation, doubled 0xFF, GA and EOR markers) and
 * its option answers; the websocket client's triples; and the echo baseline. And
 * a virtual player's setting-up requests (what `--rooms` sends), against the echo.
 */
import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { TelnetLoadClient, telnetTransport } from "../../evennia-ts/tools/loadtest/client-telnet.ts";
import { WebSocketLoadClient } from "../../evennia-ts/tools/loadtest/client-websocket.ts";
import { startEchoServer, type EchoServer } from "../../evennia-ts/tools/loadtest/echo-server.ts";
import { buildReport } from "../../evennia-ts/tools/loadtest/report.ts";
import { RunStats } from "../../evennia-ts/tools/loadtest/run-stats.ts";
import { runLoadTest } from "../../evennia-ts/tools/loadtest/runner.ts";
import type { TransportFactory, TransportListener } from "../../evennia-ts/tools/loadtest/transport.ts";
import { VirtualPlayer } from "../../evennia-ts/tools/loadtest/virtual-player.ts";

const IAC = 255;

/** A listener that records what it hears, in order. */
function recorder(): TransportListener & { events: string[]; until(n: number): Promise<void> } {
  const events: string[] = [];
  let wake: (() => void) | null = null;
  const push = (e: string): void => {
    events.push(e);
    wake?.();
  };
  return {
    events,
    text: (t) => push(`text:${t}`),
    marker: () => push("marker"),
    closed: () => push("closed"),
    until: (n) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`only ${events.length} events: ${JSON.stringify(events)}`)), 5000);
        const check = (): void => {
          if (events.length >= n) {
            clearTimeout(timer);
            wake = null;
            resolve();
          }
        };
        wake = check;
        check();
      }),
  };
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A server that sends `chunks` (with a pause between) and records what the client sends. */
async function scriptedServer(chunks: Buffer[]): Promise<{ port: number; received: () => Buffer }> {
  let got = Buffer.alloc(0);
  const server = net.createServer(async (socket) => {
    socket.on("data", (d) => (got = Buffer.concat([got, d])));
    socket.on("error", () => undefined);
    for (const chunk of chunks) {
      socket.write(chunk);
      await new Promise((r) => setTimeout(r, 15));
    }
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  cleanups.push(() => new Promise<void>((r) => server.close(() => r())));
  return { port: (server.address() as net.AddressInfo).port, received: () => got };
}

describe("telnet load client", () => {
  it("splits text from IAC sequences, even across reads, and reports GA and EOR as markers", async () => {
    const { port, received } = await scriptedServer([
      Buffer.from([IAC, 251, 25, IAC, 251, 1, IAC, 253, 24]), // WILL EOR, WILL ECHO, DO TTYPE
      Buffer.concat([Buffer.from("Hello \x1b[1mwor"), Buffer.from([IAC])]), // IAC split from its command
      Buffer.concat([Buffer.from([249]), Buffer.from("ld\r\n")]), // ...GA, then more text
      Buffer.concat([Buffer.from([IAC, 250, 201]), Buffer.from("Core.Hello {}"), Buffer.from([IAC, 240])]), // GMCP, skipped
      Buffer.concat([Buffer.from("a"), Buffer.from([IAC, IAC]), Buffer.from("b caf\xc3", "latin1")]), // a literal 0xFF; a UTF-8 char cut in two
      Buffer.concat([Buffer.from("\xa9", "latin1"), Buffer.from([IAC, 239])]), // the rest of it, then EOR
    ]);
    const heard = recorder();
    const client = await TelnetLoadClient.connect("127.0.0.1", port, heard);
    cleanups.push(() => client.close());
    await heard.until(7);
    expect(heard.events).toEqual(["text:Hello wor", "marker", "text:ld\n", "text:a", "text:\ufffdb caf", "text:é", "marker"]);
    expect([...received()]).toEqual([IAC, 253, 25, IAC, 254, 1, IAC, 252, 24]);
    client.send("look");
    await new Promise((r) => setTimeout(r, 50));
    expect(received().subarray(9).toString()).toBe("look\r\n");
  });

  it("reports the connection closing, and a refused connection as an error", async () => {
    const server = net.createServer((s) => s.end("Too many connections from your address (at most 1 at a time).\r\n"));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as net.AddressInfo).port;
    const heard = recorder();
    await TelnetLoadClient.connect("127.0.0.1", port, heard);
    await heard.until(2);
    expect(heard.events).toEqual(["text:Too many connections from your address (at most 1 at a time).\n", "closed"]);
    await new Promise<void>((r) => server.close(() => r()));
    await expect(TelnetLoadClient.connect("127.0.0.1", port, recorder())).rejects.toThrow(/ECONNREFUSED/);
  });
});

describe("echo baseline and websocket load client", () => {
  let echo: EchoServer | null = null;
  afterEach(async () => {
    await echo?.close();
    echo = null;
  });

  it("answers every line with the line and a marker, over telnet and websocket", async () => {
    echo = await startEchoServer();
    const telnet = recorder();
    const t = await TelnetLoadClient.connect("127.0.0.1", echo.telnetPort, telnet);
    cleanups.push(() => t.close());
    await telnet.until(1);
    t.send("look");
    t.send("");
    await telnet.until(5);
    expect(telnet.events.slice(1)).toEqual(["text:Echo: look\n", "marker", "text:Echo: \n", "marker"]);

    const web = recorder();
    const w = await WebSocketLoadClient.connect(`ws://127.0.0.1:${echo.webPort}/ws`, web);
    cleanups.push(() => w.close());
    w.send("say hi");
    await web.until(2);
    expect(web.events).toEqual(["text:Echo: say hi\n", "marker"]);
  });
});

describe("a virtual player's setting-up request", () => {
  it("resolves to the end of its answer (a crowd's chatter may come first), and is not counted", async () => {
    const echo = await startEchoServer();
    cleanups.push(() => echo.close());
    const stats = new RunStats();
    const player = new VirtualPlayer({
      name: "p1", password: "pw", protocol: "telnet", connect: telnetTransport("127.0.0.1", echo.telnetPort),
      profile: "looker", stats, random: () => 0.5, answerTimeoutMs: 5000, login: false,
    });
    expect(await player.start()).toBe(true);
    cleanups.push(() => player.stop());
    const answer = await player.request(`${"someone arrives. ".repeat(500)}You arrive in the room.`);
    expect(answer!.length).toBeLessThanOrEqual(4096);
    expect(answer!.trimEnd()).toMatch(/someone arrives\. You arrive in the room\.$/);
    expect({ sent: stats.sent, answered: stats.answered, unanswered: stats.unanswered }).toEqual({ sent: 0, answered: 0, unanswered: 0 });
  });
});

describe("a run with --settle against the echo baseline", () => {
  it("loads for the settling time first and counts only commands sent after it in the figures", async () => {
    const echo = await startEchoServer();
    cleanups.push(() => echo.close());
    const result = await runLoadTest({
      host: "127.0.0.1", telnetPort: echo.telnetPort, webPort: echo.webPort, telnetClients: 2, websocketClients: 1,
      durationMs: 600, rampMs: 0, settleMs: 800, mix: { looker: 1 }, thinkMs: 20, answerTimeoutMs: 5000, login: false,
      seed: 3, namePrefix: "st", pids: {}, progress: null,
    });
    const { stats } = result;
    expect(result.elapsedMs).toBeGreaterThanOrEqual(1400);
    expect(stats.measuringSince).toBeGreaterThan(0);
    // every answer counted is one sent after the settling: about the duration's worth, not the whole run's
    expect(stats.answered).toBeGreaterThan(0);
    expect(stats.answered).toBeLessThanOrEqual(stats.sent);
    expect(stats.profile("looker").sent).toBe(stats.sent);
    expect(stats.complete.count).toBe(stats.answered);
    expect(buildReport(result, "baseline").commands.perSecond).toBeCloseTo(stats.answered / 0.6, 5);
    expect(buildReport(result, "baseline").config.settleSeconds).toBe(0.8);
    // a think time of 20 ms is at least 10 ms: in the 600 ms measured a client sends at most 61
    // (the 1,400 ms of the whole run would give each about 60 at the mean think time)
    expect(stats.sent).toBeLessThanOrEqual(3 * 61);
    expect(stats.sent).toBeGreaterThan(3 * 10);
  });

  it("forgets sent, answered and latencies on startMeasuring, and keeps what went wrong", () => {
    const stats = new RunStats();
    stats.sent = 10;
    stats.answered = 9;
    stats.unanswered = 1;
    stats.errors = 2;
    stats.disconnects = 1;
    stats.logins = 3;
    stats.complete.add(5);
    stats.firstByte.add(1);
    stats.profile("looker").sent = 10;
    stats.profile("looker").complete.add(5);
    stats.startMeasuring();
    expect({ sent: stats.sent, answered: stats.answered, complete: stats.complete.count, firstByte: stats.firstByte.count }).toEqual({ sent: 0, answered: 0, complete: 0, firstByte: 0 });
    expect(stats.profile("looker")).toMatchObject({ sent: 0, answered: 0 });
    expect(stats.profile("looker").complete.count).toBe(0);
    expect({ unanswered: stats.unanswered, errors: stats.errors, disconnects: stats.disconnects, logins: stats.logins }).toEqual({ unanswered: 1, errors: 2, disconnects: 1, logins: 3 });
  });
});

describe("a virtual player logging in over telnet", () => {
  /** A game answering the login as the real one does; `crowd` names are in the start room. */
  function scriptedGame(crowd: number): TransportFactory {
    return async (listener) => {
      queueMicrotask(() => listener.text("Welcome! Use connect or create.\n"));
      return {
        protocol: "telnet",
        send(line: string) {
          setTimeout(() => {
            if (line.startsWith("create ")) listener.text("A new account 'p1' was created. Welcome!\n");
            else if (line.startsWith("connect ")) {
              const names = Array.from({ length: crowd }, (_, i) => `rl${i + 1}`).join(", ");
              listener.text(`Limbo\nThe start room.\nExits: north\nCharacters: ${names}\n`);
            } else if (line === "option COMMANDEND=on") {
              listener.text("Option COMMANDEND was set to on.\n");
              listener.marker();
            }
          }, 1);
        },
        close() {},
      };
    };
  }

  it("logs in when the start room lists a crowd (its description longer than the text it keeps)", async () => {
    const stats = new RunStats();
    const player = new VirtualPlayer({
      name: "p1", password: "pw", protocol: "telnet", connect: scriptedGame(1000),
      profile: "looker", stats, random: () => 0.5, answerTimeoutMs: 300, login: true,
    });
    cleanups.push(() => player.stop());
    expect(await player.start()).toBe(true);
    expect(stats.loginFailures).toBe(0);
  });
});
