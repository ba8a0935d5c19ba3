/**
 * The web port under hostile clients, on real sockets against a real portal and
 * server in this process: plain HTTP connections count against the per-IP limit,
 * idle keep-alive connections and slow headers are closed, oversized headers get
 * 431, the global connection cap refuses politely (telnet and HTTP) and logs once,
 * and a flood of binary websocket frames is answered a few times a second.
 */
import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import type { GameSettings } from "../../../evennia-ts/conf/settings.ts";
import { CAPACITY_REFUSAL } from "../../../evennia-ts/portal/limits/connection-cap.ts";
import { startInProcessGame, type InProcessGame } from "../../../evennia-ts/testing/in-process-game.ts";
import { TelnetTestClient } from "../../../evennia-ts/testing/telnet-test-client.ts";
import { setLogSink, type LogSink } from "../../../evennia-ts/utils/logger.ts";
import { WsTestClient } from "./ws-test-client.ts";

let game: InProcessGame | null = null;
const sockets: net.Socket[] = [];
const cleanups: (() => void)[] = [];
let previousSink: LogSink | null = null;
const logged: string[] = [];

afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  for (const c of cleanups.splice(0)) c();
  await game?.stop();
  game = null;
  if (previousSink) setLogSink(previousSink);
  previousSink = null;
  logged.length = 0;
});

async function start(settings: GameSettings): Promise<InProcessGame> {
  game = await startInProcessGame(settings);
  return game;
}

/** A raw TCP connection to the web port that records what it receives. */
class RawHttp {
  received = "";
  closed = false;
  closedAt = 0;
  readonly openedAt = Date.now();

  constructor(readonly socket: net.Socket) {
    socket.on("data", (d: Buffer) => (this.received += d.toString("latin1")));
    socket.on("close", () => {
      this.closed = true;
      this.closedAt = Date.now();
    });
    socket.on("error", () => undefined);
  }

  static async connect(port: number): Promise<RawHttp> {
    const socket = net.connect(port, "127.0.0.1");
    sockets.push(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", resolve);
      socket.once("error", reject);
    });
    return new RawHttp(socket);
  }
}

async function waitUntil(check: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const GET = "GET /webclient/ HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n";

describe("plain HTTP on the web port", () => {
  it("counts idle HTTP connections against the per-IP limit and answers the next one 429 at once", async () => {
    const g = await start({ maxConnectionsPerIp: 3, connectionsPerIpPerMinute: 0 });
    const port = g.status.webPort!;
    const idle = [await RawHttp.connect(port), await RawHttp.connect(port), await RawHttp.connect(port)];
    const refused = await RawHttp.connect(port);
    await waitUntil(() => refused.closed, "refused connection closed");
    expect(refused.received).toMatch(/^HTTP\/1\.1 429 /);
    expect(refused.received).toContain("Too many connections from your address (at most 3 at a time)");
    // a telnet player from the same address is refused too: the count is shared
    const telnet = await TelnetTestClient.connect(g.telnetPort);
    await telnet.waitFor("Too many connections from your address");
    telnet.close();
    // one idle HTTP connection goes: a new one is admitted and served
    idle[0]!.socket.destroy();
    await waitUntil(() => idle[0]!.closed, "closed");
    await new Promise((r) => setTimeout(r, 50));
    const served = await RawHttp.connect(port);
    served.socket.write(GET);
    await waitUntil(() => served.received.includes("</html>"), "page served");
    expect(served.received).toMatch(/^HTTP\/1\.1 200 /);
  });

  it("closes idle keep-alive connections after webKeepAliveTimeout", async () => {
    const g = await start({ webKeepAliveTimeout: 0.3 });
    const c = await RawHttp.connect(g.status.webPort!);
    c.socket.write(GET);
    await waitUntil(() => c.received.includes("</html>"), "page served");
    const servedAt = Date.now();
    await waitUntil(() => c.closed, "keep-alive connection closed", 3000); // Node's own default is 5 s
    expect(c.closedAt - servedAt).toBeGreaterThanOrEqual(250);
  });

  it("answers 408 and closes when headers do not arrive within webHeadersTimeout (also with no byte at all)", async () => {
    const g = await start({ webHeadersTimeout: 0.5 });
    const slow = await RawHttp.connect(g.status.webPort!);
    slow.socket.write("GET /webclient/ HTTP/1.1\r\nHost: x\r\n"); // never finished
    const silent = await RawHttp.connect(g.status.webPort!);
    await waitUntil(() => slow.closed && silent.closed, "slow clients closed", 8000);
    expect(slow.received).toMatch(/^HTTP\/1\.1 408 /);
  });

  it("answers 431 to headers over webMaxHeaderBytes", async () => {
    const g = await start({ webMaxHeaderBytes: 2048 });
    const c = await RawHttp.connect(g.status.webPort!);
    c.socket.write(`GET /webclient/ HTTP/1.1\r\nHost: x\r\nX-Junk: ${"a".repeat(4000)}\r\n\r\n`);
    await waitUntil(() => c.closed, "closed");
    expect(c.received).toMatch(/^HTTP\/1\.1 431 /);
  });
});

describe("the global connection cap", () => {
  it("refuses telnet and HTTP politely at the cap, logs once with counts, and admits again below it", async () => {
    previousSink = setLogSink((level, line) => logged.push(`${level} ${line}`));
    const g = await start({ maxConnections: 3, connectionLimitExemptIps: ["127.0.0.1"] });
    const first = await TelnetTestClient.connect(g.telnetPort);
    await first.waitFor("create <username>");
    const http1 = await RawHttp.connect(g.status.webPort!);
    const http2 = await RawHttp.connect(g.status.webPort!);
    expect(http1.closed || http2.closed).toBe(false);
    const refusedTelnet = await TelnetTestClient.connect(g.telnetPort);
    await refusedTelnet.waitFor(CAPACITY_REFUSAL);
    await refusedTelnet.waitForClose();
    const refusedHttp = await RawHttp.connect(g.status.webPort!);
    await waitUntil(() => refusedHttp.closed, "refused HTTP closed");
    expect(refusedHttp.received).toMatch(/^HTTP\/1\.1 503 /);
    expect(refusedHttp.received).toContain(CAPACITY_REFUSAL);
    const capLines = logged.filter((l) => l.includes("connection cap reached"));
    expect(capLines).toHaveLength(1);
    expect(capLines[0]).toMatch(/^error .*refused 1 connection\(s\).*3 open, cap 3/);
    first.close();
    await first.waitForClose();
    await new Promise((r) => setTimeout(r, 50));
    const again = await TelnetTestClient.connect(g.telnetPort);
    await again.waitFor("create <username>");
    again.close();
    cleanups.push(() => refusedTelnet.close());
  });
});

describe("websocket binary frames", () => {
  it("get error answers within the reply budget, not one per frame", async () => {
    const g = await start({ replyRatePerSecond: 10, replyBurst: 30 });
    const ws = await WsTestClient.connect(g.status.webPort!);
    cleanups.push(() => ws.ws.terminate());
    const started = Date.now();
    for (let i = 0; i < 2000; i++) ws.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    ws.ws.send(JSON.stringify(["text", ["look"], {}]));
    await waitUntil(() => ws.frames.some((f) => JSON.stringify(f).includes("create")), "look answered", 10_000);
    await new Promise((r) => setTimeout(r, 200));
    const elapsed = (Date.now() - started) / 1000;
    const errors = ws.frames.filter((f) => Array.isArray(f) && f[0] === "error").length;
    expect(errors).toBeGreaterThan(0);
    expect(errors).toBeLessThanOrEqual(30 + Math.ceil(elapsed * 10) + 1);
    expect(ws.closeCode).toBeNull();
  });
});
