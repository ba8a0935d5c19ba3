/**
 * The portal's browser-facing transports (websocket, comet, the web proxy) against
 * hostile or broken clients, on real sockets on 127.0.0.1:0: what such a client
 * must not be able to do to the portal or to the server's web app behind it.
 */
import { randomBytes } from "node:crypto";
import http from "node:http";
import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { CometSession } from "../../../evennia-ts/portal/comet/comet-session.ts";
import { PortalWebServer, type PortalWebServerOptions } from "../../../evennia-ts/portal/websocket/portal-web-server.ts";
import { MAX_INPUT_DEPTH, MAX_SCREEN_SIZE } from "../../../evennia-ts/portal/web/webclient-input.ts";
import { startInProcessGame } from "../../../evennia-ts/testing/in-process-game.ts";
import { RecordingRegistry, waitUntil } from "../telnet/telnet-test-client.ts";
import { cometPost } from "../web/comet-test-client.ts";
import { WsTestClient } from "./ws-test-client.ts";

let portal: PortalWebServer | null = null;
let upstreamPort: number | null = null;
const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  upstreamPort = null;
  await portal?.close();
  portal = null;
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function startPortal(options: Partial<PortalWebServerOptions> = {}): Promise<{ registry: RecordingRegistry; port: number }> {
  const registry = new RecordingRegistry();
  portal = new PortalWebServer(registry, {
    maxLineLength: 1000,
    maxOutputBuffer: 1 << 20,
    upstreamPort: () => upstreamPort,
    ...options,
  });
  return { registry, port: await portal.listen(0, "127.0.0.1") };
}

/** A raw TCP connection that records what it receives. */
async function rawConnect(port: number): Promise<{ socket: net.Socket; received: () => string }> {
  const socket = net.connect(port, "127.0.0.1");
  cleanups.push(() => void socket.destroy());
  let received = "";
  socket.on("data", (d: Buffer) => (received += d.toString("latin1")));
  socket.on("error", () => undefined);
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("error", reject);
  });
  return { socket, received: () => received };
}

/** A stand-in for the server's web app that records the path of every request it parses. */
async function startApp(): Promise<{ method: string; url: string; headers: http.IncomingHttpHeaders; body: string }[]> {
  const seen: { method: string; url: string; headers: http.IncomingHttpHeaders; body: string }[] = [];
  const app = http.createServer((req, res) => {
    let body = "";
    req.on("data", (d: Buffer) => (body += d.toString("latin1")));
    req.on("end", () => {
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      res.writeHead(200, { "content-type": "text/plain", "content-length": 2 });
      res.end("ok");
    });
  });
  await new Promise<void>((resolve) => app.listen(0, "127.0.0.1", resolve));
  upstreamPort = (app.address() as net.AddressInfo).port;
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        app.closeAllConnections();
        app.close(() => resolve());
      }),
  );
  return seen;
}

describe("the web proxy: request smuggling", () => {
  const smuggled = "GET /admin/smuggled HTTP/1.1\r\nHost: game\r\nX-Forwarded-For: 6.6.6.6\r\n\r\n";

  it("a chunked body on a GET, DELETE, OPTIONS or HEAD reaches the app as that request's body, never as a request of its own", async () => {
    const seen = await startApp();
    const { port } = await startPortal();
    const methods = ["GET", "DELETE", "OPTIONS", "HEAD"];
    for (const method of methods) {
      const client = await rawConnect(port);
      client.socket.write(
        `${method} /x HTTP/1.1\r\nHost: game\r\nTransfer-Encoding: chunked\r\n\r\n` +
          `${Buffer.byteLength(smuggled).toString(16)}\r\n${smuggled}\r\n0\r\n\r\n`,
      );
      await waitUntil(() => client.received().startsWith("HTTP/1.1 200"), `${method}: the app's answer`);
    }
    await new Promise((r) => setTimeout(r, 100));
    expect(seen.map((s) => `${s.method} ${s.url}`)).toEqual(methods.map((m) => `${m} /x`));
    expect(seen.map((s) => s.body)).toEqual(methods.map(() => smuggled));
  });

  it("a Connection header naming Content-Length or Host does not strip the request's framing or its host", async () => {
    const seen = await startApp();
    const { port } = await startPortal();
    const client = await rawConnect(port);
    client.socket.write(
      `OPTIONS /y HTTP/1.1\r\nHost: game\r\nContent-Length: ${Buffer.byteLength(smuggled)}\r\nConnection: keep-alive, content-length, host\r\n\r\n${smuggled}`,
    );
    await waitUntil(() => client.received().includes("\r\n\r\nok"), "the app's answer");
    await new Promise((r) => setTimeout(r, 100));
    expect(seen.map((s) => s.url)).toEqual(["/y"]);
    expect(seen[0]!.body).toBe(smuggled);
    expect(seen[0]!.headers.host).toBe("game");
  });

  it("Transfer-Encoding together with Content-Length is refused 400 and nothing reaches the app", async () => {
    const seen = await startApp();
    const { port } = await startPortal();
    const client = await rawConnect(port);
    client.socket.write(`POST /z HTTP/1.1\r\nHost: game\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n${smuggled}`);
    await waitUntil(() => client.received().startsWith("HTTP/1.1 400"), "a 400");
    await new Promise((r) => setTimeout(r, 100));
    expect(seen).toEqual([]);
  });
});

/** One masked client frame (RFC 6455) with a payload of at most 125 bytes. */
function clientFrame(opcode: number, payload: Buffer): Buffer {
  const mask = randomBytes(4);
  const masked = Buffer.from(payload.map((b, i) => b ^ mask[i % 4]!));
  return Buffer.concat([Buffer.from([0x80 | opcode, 0x80 | payload.length]), mask, masked]);
}

/** A websocket opened by hand on a raw socket (the client then speaks frames itself). */
async function rawWebSocket(port: number): Promise<{ socket: net.Socket; received: () => string }> {
  const client = await rawConnect(port);
  client.socket.write(
    "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
      `Sec-WebSocket-Key: ${randomBytes(16).toString("base64")}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
  );
  await waitUntil(() => client.received().includes("\r\n\r\n"), "the handshake answer");
  expect(client.received()).toMatch(/^HTTP\/1\.1 101/);
  return client;
}

describe("websocket: a client that pings and never reads", () => {
  it("is dropped long before the pongs waiting for it could grow the portal's memory (ws's maxPendingAutoPongs)", { timeout: 20_000 }, async () => {
    const { port, registry } = await startPortal({ maxOutputBuffer: 64 * 1024 });
    const client = await rawWebSocket(port);
    const rec = await registry.session();
    client.socket.pause(); // never read again: every pong stays with the portal or the kernel
    const burst = Buffer.concat(Array.from({ length: 1000 }, () => clientFrame(0x9, randomBytes(125))));
    let sent = 0;
    while (rec.disconnects.length === 0 && !client.socket.destroyed && sent < 40_000_000) {
      sent += burst.length;
      if (!client.socket.write(burst)) await new Promise((r) => setTimeout(r, 20));
      else await new Promise((r) => setImmediate(r));
    }
    await waitUntil(() => rec.disconnects.length > 0, "the session to be dropped", 2000);
    expect(sent).toBeLessThan(4 * 1024 * 1024);
  });
});

/** A stand-in web app that answers each request after `delayMs`, counting requests and the most at once. */
async function startSlowApp(delayMs: number): Promise<{ seen: string[]; maxOpen: () => number }> {
  let open = 0;
  let maxOpen = 0;
  const seen: string[] = [];
  const app = http.createServer((req, res) => {
    seen.push(req.url!);
    open++;
    maxOpen = Math.max(maxOpen, open);
    setTimeout(() => {
      open--;
      res.writeHead(200, { "content-length": req.url!.length });
      res.end(req.url);
    }, delayMs);
  });
  await new Promise<void>((resolve) => app.listen(0, "127.0.0.1", resolve));
  upstreamPort = (app.address() as net.AddressInfo).port;
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        app.closeAllConnections();
        app.close(() => resolve());
      }),
  );
  return { seen, maxOpen: () => maxOpen };
}

describe("the web proxy: pipelined requests", () => {
  it("a few pipelined requests are forwarded one at a time and answered in order", async () => {
    const app = await startSlowApp(30);
    const { port } = await startPortal();
    const client = await rawConnect(port);
    client.socket.write(["/a", "/b", "/c", "/d", "/e"].map((p) => `GET ${p} HTTP/1.1\r\nHost: g\r\n\r\n`).join(""));
    await waitUntil(() => (client.received().match(/HTTP\/1\.1 200/g) ?? []).length === 5, "five answers");
    const bodies = client.received().split("HTTP/1.1 200").slice(1).map((answer) => answer.slice(answer.indexOf("\r\n\r\n") + 4));
    expect(bodies).toEqual(["/a", "/b", "/c", "/d", "/e"]);
    expect(app.seen).toEqual(["/a", "/b", "/c", "/d", "/e"]);
    expect(app.maxOpen()).toBe(1);
  });

  it("thousands of pipelined GETs on one connection do not become thousands of requests to the app: the connection is closed", async () => {
    const app = await startSlowApp(200);
    const { port } = await startPortal();
    const client = await rawConnect(port);
    let closed = false;
    client.socket.once("close", () => (closed = true));
    client.socket.write("GET / HTTP/1.1\r\nHost: g\r\n\r\n".repeat(2000));
    await waitUntil(() => closed, "the connection to be closed");
    await new Promise((r) => setTimeout(r, 300));
    expect(portal!.proxy.inFlight).toBe(0);
    expect(app.maxOpen()).toBeLessThanOrEqual(1);
    expect(app.seen.length).toBeLessThanOrEqual(1);
  });
});

describe("deeply nested input", () => {
  const deep = (depth: number): string => "[".repeat(depth) + "]".repeat(depth);
  const deepObject = (depth: number): string => '{"a":'.repeat(depth) + "1" + "}".repeat(depth);

  it("a websocket frame nesting deeper than MAX_INPUT_DEPTH is answered with an error and never reaches the game", async () => {
    const { port, registry } = await startPortal();
    const c = await WsTestClient.connect(port);
    cleanups.push(() => c.close());
    const rec = await registry.session();
    c.sendRaw(`["echo",[${deep(20_000)}],{}]`);
    expect((await c.waitForMessage("error"))[1][0]).toMatch(new RegExp(`at most ${MAX_INPUT_DEPTH} levels`));
    c.sendRaw(`["text",["look"],{"x":${deepObject(5000)}}]`);
    expect((await c.waitForMessage("error"))[1][0]).toMatch(/levels deep/);
    c.sendRaw(`["echo",[${deep(MAX_INPUT_DEPTH - 1)}],{"x":${deepObject(MAX_INPUT_DEPTH - 1)}}]`);
    await waitUntil(() => rec.inputs.length === 1, "the input within the limit");
    expect(rec.inputs[0]![0]).toBe("echo");
    expect(c.closeCode).toBeNull();
  });

  it("comet input nesting deeper than MAX_INPUT_DEPTH is a 400 and nothing of the request reaches the game", async () => {
    const { port, registry } = await startPortal();
    const init = await cometPost(port, { mode: "init" });
    const rec = await registry.session();
    const body = `{"mode":"input","csessid":"${init.body.csessid}","data":[["text",["look"],{}],["echo",[${deep(10_000)}],{}]]}`;
    const refused = await cometPost(port, body);
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatch(/^data\[1\]: .*levels deep/);
    expect(rec.inputs).toEqual([]);
    expect((await cometPost(port, { mode: "input", csessid: init.body.csessid, data: ["text", ["look"], {}] })).status).toBe(200);
    expect(rec.inputs).toEqual([["text", ["look"], {}]]);
  });
});

describe("client_options from a hostile page", () => {
  it("screen sizes the server's client_options would refuse do not reach the server's session through the portal's copy", { timeout: 20_000 }, async () => {
    const game = await startInProcessGame();
    cleanups.push(() => game.stop());
    const c = await WsTestClient.connect(game.status.webPort!);
    cleanups.push(() => c.close());
    await c.waitForText("create <username> <password>");
    const serverSession = (): { clientOptions: Record<string, unknown>; screenWidth: number; screenHeight: number } => game.server()!.sessions.all()[0]!;
    for (const [screenwidth, screenheight] of [[1e300, "tall"], [-3, 0], [2.5, MAX_SCREEN_SIZE + 1]] as const) {
      c.send(["client_options", [], { screenwidth, screenheight }]);
      await c.sync();
      await new Promise((r) => setTimeout(r, 50)); // the portal's copy is reported at the end of the turn
      await c.sync();
      expect(serverSession().clientOptions.screenwidth).toBe(78);
      expect(serverSession().clientOptions.screenheight).toBe(45);
    }
    c.send(["client_options", [], { screenwidth: 120, screenheight: MAX_SCREEN_SIZE }]);
    await waitUntil(() => serverSession().screenWidth === 120, "the valid width");
    expect(serverSession().screenHeight).toBe(MAX_SCREEN_SIZE);
  });
});

describe("comet: a poll whose connection is gone when output arrives", () => {
  it("keeps that output for the browser's next poll instead of losing it", async () => {
    const session = new CometSession({ address: "203.0.113.9", maxLineLength: 100, maxOutputBuffer: 10_000 });
    session.start({ input: () => undefined, updateClientOptions: () => undefined, disconnected: () => undefined });
    const lost: string[] = [];
    session.receive((body) => {
      lost.push(body);
      return false; // the browser dropped the poll; its "close" has not been seen yet
    }, 10_000);
    session.send([["text", ["first"], {}]]);
    await new Promise((r) => setImmediate(r));
    expect(lost).toHaveLength(1);
    expect(lost[0]).toContain("first");
    session.send([["text", ["second"], {}]]);
    let next = "";
    session.receive((body) => {
      next = body;
      return true;
    }, 10_000);
    expect((JSON.parse(next) as { msgs: [string, string[]][] }).msgs.map((m) => m[1][0])).toEqual(["first", "second"]);
    // the last answer of a closed session is kept the same way
    session.close("Bye.");
    let closedBody = "";
    session.receive(() => false, 10_000);
    session.receive((body) => {
      closedBody = body;
      return true;
    }, 10_000);
    expect(JSON.parse(closedBody)).toEqual({ closed: true, msgs: [["text", ["Bye."], { raw_text: "Bye." }]] });
  });
});

describe("websocket: a browser whose network vanished", () => {
  it("is dropped after a heartbeat ping goes unanswered, freeing its session; a live client that only answers pings stays", async () => {
    const { port, registry } = await startPortal({ websocketPingMs: 100 });
    const live = await WsTestClient.connect(port); // the ws library answers pings, as browsers do
    cleanups.push(() => live.close());
    const liveSession = await registry.session(1);
    const gone = await rawWebSocket(port); // a peer that will never answer: no FIN, no RST, no pong
    const goneSession = await registry.session(2);
    gone.socket.pause();
    await waitUntil(() => goneSession.disconnects.length > 0, "the silent connection to be dropped", 2000);
    expect(goneSession.disconnects[0]).toMatch(/no answer to ping/);
    await new Promise((r) => setTimeout(r, 300));
    expect(liveSession.disconnects).toEqual([]);
    expect(live.closeCode).toBeNull();
    expect(portal!.connectionCount).toBe(1);
  });
});
