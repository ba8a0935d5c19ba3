/**
 * Backpressure on the link, over real loopback sockets: the server's end of the link
 * (`connectToPortal`) writes to a portal end (`LinkServer`) that stops reading. It stops
 * writing when the socket is full and resumes on 'drain' without losing or reordering
 * anything; when the portal does not read again, what waits stays bounded and the
 * portal is logged and disconnected.
 */
import { afterEach, beforeEach, expect, it } from "vitest";
import { PEER_NOT_READING } from "../../evennia-ts/protocol/link-connection.ts";
import type { ServerToPortal } from "../../evennia-ts/protocol/link-messages.ts";
import { LinkServer, type ServerLink } from "../../evennia-ts/portal/link-server.ts";
import { connectToPortal, type PortalLink } from "../../evennia-ts/server/link-client.ts";
import { setLogSink, type LogLevel, type LogSink } from "../../evennia-ts/utils/logger.ts";

const TOKEN = "backpressure-token";
const MAX_FRAME = 1024 * 1024;
/** One message of about 16 KiB: one per event-loop turn, one frame each. */
const PAYLOAD = "x".repeat(16 * 1024);

let linkServer: LinkServer | null = null;
let logs: { level: LogLevel; line: string }[];
let previousSink: LogSink;
const links: { close(reason: string): void }[] = [];

beforeEach(() => {
  logs = [];
  previousSink = setLogSink((level, line) => logs.push({ level, line }));
});

afterEach(async () => {
  for (const l of links.splice(0)) l.close("test over");
  await linkServer?.close();
  linkServer = null;
  setLogSink(previousSink);
});

/** A portal end and a server end joined on a loopback port; the server end buffers at most `maxBufferedBytes`. */
async function linkPair(maxBufferedBytes: number): Promise<{ portalEnd: ServerLink; serverEnd: PortalLink; received: ServerToPortal[] }> {
  const received: ServerToPortal[] = [];
  let accept!: (link: ServerLink) => void;
  const accepted = new Promise<ServerLink>((resolve) => (accept = resolve));
  linkServer = new LinkServer({ token: TOKEN, maxFrameBytes: MAX_FRAME }, (link) => {
    link.onMessage((msg) => received.push(msg));
    accept(link);
  });
  const port = await linkServer.listen(0, "127.0.0.1");
  const serverEnd = await connectToPortal({ host: "127.0.0.1", port, token: TOKEN, maxFrameBytes: MAX_FRAME, maxBufferedBytes, timeoutMs: 2000 });
  const portalEnd = await accepted;
  links.push(serverEnd, portalEnd);
  return { portalEnd, serverEnd, received };
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function message(i: number, sessid = 1): ServerToPortal {
  return { t: "msg", sessid, msgs: [["text", [`${i}:${PAYLOAD}`], {}]] };
}

it("stops writing while the portal does not read, and delivers everything in order once it reads again", { timeout: 60_000 }, async () => {
  const { portalEnd, serverEnd, received } = await linkPair(256 * 1024 * 1024);
  portalEnd.socket.pause();
  let sent = 0;
  let largestSocketBuffer = 0;
  // write until the socket refuses more, then a good deal more (bounded: 64 MiB at most)
  for (let turns = 0; turns < 4096; turns++) {
    serverEnd.send(message(sent++));
    await nextTurn();
    largestSocketBuffer = Math.max(largestSocketBuffer, serverEnd.socket.writableLength);
    if (serverEnd.isBlocked && serverEnd.bufferedBytes > 8 * 1024 * 1024) break;
  }
  expect(serverEnd.isBlocked).toBe(true);
  // once write() said false, frames waited in the link's queue, not in the socket's buffer
  expect(largestSocketBuffer).toBeLessThanOrEqual(serverEnd.socket.writableHighWaterMark + PAYLOAD.length + 1024);
  expect(serverEnd.bufferedBytes).toBeGreaterThan(serverEnd.socket.writableLength);

  portalEnd.socket.resume();
  for (let waited = 0; received.length < sent && waited < 30_000; waited += 10) await new Promise((r) => setTimeout(r, 10));
  expect(received).toHaveLength(sent);
  received.forEach((msg, i) => {
    expect(msg.t === "msg" && String(msg.msgs[0]![1][0]).startsWith(`${i}:`)).toBe(true);
  });
  expect(serverEnd.isBlocked).toBe(false);
  expect(serverEnd.bufferedBytes).toBe(0);
  expect(serverEnd.isClosed).toBe(false);
});

it("disconnects a portal that stops reading once the bound is reached, logging why, with bounded memory", { timeout: 60_000 }, async () => {
  const limit = 2 * 1024 * 1024;
  const { portalEnd, serverEnd } = await linkPair(limit);
  let closedWith = "";
  serverEnd.onClose((reason) => (closedWith = reason));
  portalEnd.socket.pause();
  let largest = 0;
  // bounded: at most 4096 turns (64 MiB) before giving up
  for (let turns = 0; turns < 4096 && !serverEnd.isClosed; turns++) {
    serverEnd.send(message(turns));
    await nextTurn();
    largest = Math.max(largest, serverEnd.bufferedBytes);
  }
  expect(serverEnd.isClosed).toBe(true);
  expect(closedWith).toBe(PEER_NOT_READING);
  // never more than the bound plus the one frame that crossed it
  expect(largest).toBeLessThanOrEqual(limit + PAYLOAD.length + 1024);
  expect(serverEnd.bufferedBytes).toBe(0);
  const line = logs.find((l) => l.level === "error" && l.line.includes("EV_ERR_LINK_SLOW"));
  expect(line?.line).toMatch(/the portal stopped reading the link: \d+ bytes wait for it, over the limit of 2097152 \(setting linkMaxBufferedBytes\); disconnecting it/);
  // sending on the closed link is a no-op, not growth
  serverEnd.send(message(-1));
  await nextTurn();
  expect(serverEnd.bufferedBytes).toBe(0);
});

it("splits a turn's output larger than a frame into frames that fit, in order, and drops (and logs) a single message too large, keeping the link up", { timeout: 60_000 }, async () => {
  const { serverEnd, received } = await linkPair(256 * 1024 * 1024);
  // 200 messages of 16 KiB in one turn, to 200 sessions (one session's are merged into one message): about 3 MiB, three times the largest frame
  for (let i = 0; i < 200; i++) serverEnd.send(message(i, i + 1));
  const before = Date.now();
  while (received.length < 200 && Date.now() - before < 20_000) await new Promise((r) => setTimeout(r, 10));
  expect(received.map((m) => (m.t === "msg" ? String(m.msgs[0]![1][0]).split(":")[0] : "?"))).toEqual(Array.from({ length: 200 }, (_, i) => String(i)));
  expect(serverEnd.isClosed).toBe(false);
  // one message larger than a frame: not sent; what comes after it still is
  serverEnd.send({ t: "msg", sessid: 1, msgs: [["text", ["y".repeat(MAX_FRAME + 10)], {}]] });
  serverEnd.send(message(200, 2));
  while (received.length < 201 && Date.now() - before < 20_000) await new Promise((r) => setTimeout(r, 10));
  expect(received).toHaveLength(201);
  expect(String((received[200] as { msgs: unknown[][] }).msgs[0]![1]).startsWith("200:")).toBe(true);
  expect(logs.some((l) => l.level === "error" && l.line.includes("larger than a frame may be"))).toBe(true);
  expect(serverEnd.isClosed).toBe(false);
});

it("drops (and logs) only the message JSON cannot encode (a BigInt, a cycle): the rest of the turn, even the same session's, goes out and the link stays up", { timeout: 30_000 }, async () => {
  const { serverEnd, received } = await linkPair(256 * 1024 * 1024);
  const cycle: Record<string, unknown> = {};
  cycle.self = cycle;
  // one turn: good output for sessions 1-20, a BigInt among session 5's messages, a cycle for session 30
  for (let i = 0; i < 20; i++) serverEnd.send(message(i, i + 1));
  serverEnd.send({ t: "msg", sessid: 5, msgs: [["text", ["before"], {}], ["vitals", [], { hp: 10n }], ["text", ["after"], {}]] });
  serverEnd.send({ t: "msg", sessid: 30, msgs: [["map", [cycle], {}]] });
  serverEnd.send(message(20, 21));
  // (one session's messages in a turn are merged into one: session 5's make one message)
  const texts = (): string[] => received.flatMap((m) => (m.t === "msg" ? m.msgs.map((x) => String(x[1][0]).split(":")[0]) : []));
  const before = Date.now();
  while (!texts().includes("20") && Date.now() - before < 10_000) await new Promise((r) => setTimeout(r, 10));
  await new Promise((r) => setTimeout(r, 50));
  expect(texts().sort()).toEqual([...Array.from({ length: 21 }, (_, i) => String(i)), "before", "after"].sort());
  const session5 = received.find((m) => m.t === "msg" && m.sessid === 5);
  expect(session5?.t === "msg" && session5.msgs.map((x) => String(x[1][0]).split(":")[0])).toEqual(["4", "before", "after"]);
  expect(received.some((m) => m.t === "msg" && m.sessid === 30)).toBe(false);
  expect(serverEnd.sent.dropped).toBe(2);
  expect(logs.filter((l) => l.level === "error" && l.line.includes("could not be encoded as JSON")).map((l) => l.line.split("[link] ")[1]!.split(" could")[0])).toEqual([
    "1 link message(s) (msg: vitals)",
    "a link message (msg: map)",
  ]);
  expect(serverEnd.isClosed).toBe(false);
});
