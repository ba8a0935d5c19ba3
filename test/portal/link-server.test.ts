/**
 * The portal's link listener on a real loopback socket: only a client that says
 * hello with the token first becomes a server link; anything else is closed with
 * a logged error, and the listener keeps accepting.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { encodeFrame, FRAME_HEADER_BYTES } from "../../evennia-ts/protocol/framing.ts";
import type { ServerToPortal } from "../../evennia-ts/protocol/link-messages.ts";
import { LinkServer, removeStaleLinkSockets, type ServerLink } from "../../evennia-ts/portal/link-server.ts";
import { connectToPortal, type PortalLink } from "../../evennia-ts/server/link-client.ts";
import { setLogSink, type LogLevel, type LogSink } from "../../evennia-ts/utils/logger.ts";

const TOKEN = "s3cret-token";
const MAX_FRAME = 4096;

let linkServer: LinkServer;
let port: number;
let accepted: { link: ServerLink; pid: number; received: ServerToPortal[] }[];
let logs: { level: LogLevel; line: string }[];
let previousSink: LogSink;
const sockets: net.Socket[] = [];
const serverLinks: PortalLink[] = [];

beforeEach(async () => {
  logs = [];
  previousSink = setLogSink((level, line) => logs.push({ level, line }));
  accepted = [];
  linkServer = new LinkServer({ token: TOKEN, maxFrameBytes: MAX_FRAME, helloTimeoutMs: 300 }, (link, pid) => {
    const entry = { link, pid, received: [] as ServerToPortal[] };
    link.onMessage((msg) => entry.received.push(msg));
    accepted.push(entry);
  });
  port = await linkServer.listen(0, "127.0.0.1");
});

afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  for (const l of serverLinks.splice(0)) l.close("test over");
  for (const a of accepted) a.link.close("test over");
  await linkServer.close();
  setLogSink(previousSink);
});

/** A raw TCP client on the link port. */
function rawSocket(): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, "127.0.0.1");
    sockets.push(s);
    s.on("error", () => undefined);
    s.once("connect", () => resolve(s));
    s.once("error", reject);
  });
}

/** Resolve once the peer closed `socket`; reject after `ms`. */
function closedWithin(socket: net.Socket, ms = 2000): Promise<void> {
  return new Promise((resolve, reject) => {
    if (socket.destroyed || socket.readableEnded) return resolve();
    const timer = setTimeout(() => reject(new Error(`socket not closed within ${ms} ms`)), ms);
    socket.once("close", () => {
      clearTimeout(timer);
      resolve();
    });
    socket.resume(); // let 'end' arrive even when nothing reads
  });
}

async function until(cond: () => boolean, what: string, ms = 2000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

function errorLogs(): string[] {
  return logs.filter((l) => l.level === "error").map((l) => l.line);
}

/** The real server's end of the link, connected and authenticated. */
async function realServer(token = TOKEN): Promise<PortalLink> {
  const link = await connectToPortal({ host: "127.0.0.1", port, token, maxFrameBytes: MAX_FRAME, timeoutMs: 2000 });
  serverLinks.push(link);
  return link;
}

/** After a bad client was closed, the real server can still join and talk both ways. */
async function listenerStillAcceptsTheRealServer(): Promise<void> {
  const server = await realServer();
  const toServer: unknown[] = [];
  server.onMessage((m) => toServer.push(m));
  await until(() => accepted.length === 1, "the real server to be accepted");
  expect(accepted[0]!.pid).toBe(process.pid);
  server.send({ t: "synced" });
  await until(() => accepted[0]!.received.length === 1, "a message from the server");
  expect(accepted[0]!.received).toEqual([{ t: "synced" }]);
  accepted[0]!.link.send({ t: "shutdown", mode: "reload" });
  await until(() => toServer.length === 1, "a message from the portal");
  expect(toServer).toEqual([{ t: "shutdown", mode: "reload" }]);
}

describe("LinkServer", () => {
  it("accepts a server that says hello with the token, and relays messages both ways", async () => {
    await listenerStillAcceptsTheRealServer();
    expect(errorLogs()).toEqual([]);
  });

  it("delivers messages batched in the same frame as the hello", async () => {
    const s = await rawSocket();
    s.write(encodeFrame([{ t: "hello", token: TOKEN, pid: 42 }, { t: "synced" }, { t: "request", action: "reload" }]));
    await until(() => accepted.length === 1 && accepted[0]!.received.length === 2, "hello and the batched messages");
    expect(accepted[0]!.pid).toBe(42);
    expect(accepted[0]!.received).toEqual([{ t: "synced" }, { t: "request", action: "reload" }]);
  });

  it("closes a connection with the wrong token, logs it, and still accepts the real server", async () => {
    const s = await rawSocket();
    s.write(encodeFrame([{ t: "hello", token: "wrong-token!", pid: 1 }]));
    await closedWithin(s);
    expect(accepted).toHaveLength(0);
    expect(errorLogs().join("\n")).toMatch(/failed authentication/);
    await listenerStillAcceptsTheRealServer();
  });

  it("refuses a token of a different length (no timing-safe compare crash)", async () => {
    await expect(realServer("x")).resolves.toBeDefined();
    await until(() => errorLogs().some((l) => /failed authentication/.test(l)), "the authentication error");
    expect(accepted).toHaveLength(0);
  });

  it("closes a connection whose first message is not a hello", async () => {
    const s = await rawSocket();
    s.write(encodeFrame([{ t: "synced" }]));
    await closedWithin(s);
    expect(accepted).toHaveLength(0);
    expect(errorLogs().join("\n")).toMatch(/failed authentication/);
  });

  it("closes a connection that says no hello in time", async () => {
    const s = await rawSocket();
    await closedWithin(s, 3000);
    expect(accepted).toHaveLength(0);
    expect(errorLogs().join("\n")).toMatch(/no hello in time/);
  });

  it("closes a connection that sends bytes that are not frames, logs why, and still accepts the real server", async () => {
    const s = await rawSocket();
    s.write(Buffer.concat([Buffer.from([0, 0, 0, 8]), Buffer.from("GET / HT", "latin1")]));
    await closedWithin(s);
    expect(errorLogs().join("\n")).toMatch(/malformed link frame/);
    await listenerStillAcceptsTheRealServer();
  });

  it("closes a connection announcing an oversized frame, naming the setting", async () => {
    const s = await rawSocket();
    const head = Buffer.alloc(FRAME_HEADER_BYTES);
    head.writeUInt32BE(MAX_FRAME + 1, 0);
    s.write(head);
    await closedWithin(s);
    expect(errorLogs().join("\n")).toMatch(/linkMaxFrameBytes/);
    await listenerStillAcceptsTheRealServer();
  });

  it("closes a connection whose frame is JSON but not an array of messages", async () => {
    const s = await rawSocket();
    s.write(encodeFrame({ t: "hello", token: TOKEN, pid: 1 }));
    await closedWithin(s);
    expect(accepted).toHaveLength(0);
    expect(errorLogs().join("\n")).toMatch(/not an array of messages/);
  });

  it("closes an authenticated link that later sends a malformed message", async () => {
    const s = await rawSocket();
    s.write(encodeFrame([{ t: "hello", token: TOKEN, pid: 7 }]));
    await until(() => accepted.length === 1, "the hello");
    let closedReason = "";
    accepted[0]!.link.onClose((r) => (closedReason = r));
    s.write(encodeFrame([{ t: "msg", sessid: -1, msgs: [] }]));
    await closedWithin(s);
    expect(accepted[0]!.link.isClosed).toBe(true);
    expect(closedReason).toMatch(/malformed link message/);
  });

  it("refuses a link port that is taken with an error naming the port and the setting", async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const taken = (blocker.address() as net.AddressInfo).port;
    const other = new LinkServer({ token: "x", maxFrameBytes: 1024 }, () => undefined);
    try {
      await expect(other.listen(taken, "127.0.0.1")).rejects.toMatchObject({
        code: "EV_ERR_PORT_IN_USE",
        message: expect.stringContaining(`link port ${taken}`) as string,
      });
      await expect(other.listen(taken, "127.0.0.1")).rejects.toThrow(/setting linkPort/);
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });

  it("drops unauthenticated connections when it closes", async () => {
    const s = await rawSocket();
    await new Promise((r) => setTimeout(r, 20));
    const closing = linkServer.close();
    await closedWithin(s);
    await closing;
    linkServer = new LinkServer({ token: TOKEN, maxFrameBytes: MAX_FRAME }, () => undefined);
    await linkServer.listen(0, "127.0.0.1");
  });
});

describe("LinkServer's local socket (setting linkLocalSocket)", () => {
  it.skipIf(process.platform === "win32")("takes the server on a Unix socket with the same token check, and removes the file when it closes", async () => {
    const socketPath = await linkServer.listenLocal();
    expect(socketPath).toMatch(/evennia-link-\d+-[0-9a-f]+\.sock$/);
    expect(existsSync(socketPath!)).toBe(true);
    // a wrong token is refused there too
    const intruder = await connectToPortal({ host: "127.0.0.1", port: 1, path: socketPath, token: "wrong-token!", maxFrameBytes: MAX_FRAME, timeoutMs: 2000 });
    await until(() => errorLogs().some((l) => l.includes("the local socket failed authentication")), "the refusal to be logged");
    intruder.close("test over");
    // the real server, given a port nobody listens on: the local socket is what it uses
    const server = await connectToPortal({ host: "127.0.0.1", port: 1, path: socketPath, token: TOKEN, maxFrameBytes: MAX_FRAME, timeoutMs: 2000 });
    serverLinks.push(server);
    await until(() => accepted.length === 1, "the server to be accepted on the local socket");
    server.send({ t: "synced" });
    await until(() => accepted[0]!.received.length === 1, "a message over the local socket");
    // closing waits for the connections: end them first
    server.close("test over");
    accepted[0]!.link.close("test over");
    await linkServer.close();
    expect(existsSync(socketPath!)).toBe(false);
    linkServer = new LinkServer({ token: TOKEN, maxFrameBytes: MAX_FRAME }, () => undefined);
    await linkServer.listen(0, "127.0.0.1");
  });

  it("goes on with the link port when the local socket cannot listen, and a server falls back to the port", async () => {
    expect(await linkServer.listenLocal(path.join(os.tmpdir(), "no-such-folder-evennia", "link.sock"))).toBeNull();
    expect(logs.some((l) => l.level === "warn" && l.line.includes("no local socket for the link"))).toBe(true);
    const server = await connectToPortal({
      host: "127.0.0.1",
      port,
      path: path.join(os.tmpdir(), "no-such-folder-evennia", "link.sock"),
      token: TOKEN,
      maxFrameBytes: MAX_FRAME,
      timeoutMs: 2000,
    });
    serverLinks.push(server);
    await until(() => accepted.length === 1, "the server to be accepted on the port");
  });

  it.skipIf(process.platform === "win32")("removes the sockets of portals that were killed, never a running one's", () => {
    const folder = mkdtempSync(path.join(os.tmpdir(), "evennia-stale-"));
    try {
      const gone = path.join(folder, "evennia-link-999999999-0123456789ab.sock");
      const mine = path.join(folder, `evennia-link-${process.pid}-0123456789ab.sock`);
      const other = path.join(folder, "evennia-link-notes.txt");
      for (const f of [gone, mine, other]) writeFileSync(f, "");
      expect(removeStaleLinkSockets(folder)).toBe(1);
      expect([existsSync(gone), existsSync(mine), existsSync(other)]).toEqual([false, true, true]);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
