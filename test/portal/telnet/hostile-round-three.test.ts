/**
 * Hostile telnet clients, third round, on real sockets where the portal meets them:
 * JSON nested too deep to cross the link (and `__proto__` keys), MCCP3 decompression
 * bombs and input the inflater cannot keep up with, partial input held as one object per
 * piece, TLS handshakes that never finish (admitted and counted at TCP connect), streams
 * of client-option changes and oversized client names, and many small writes in a turn.
 */
import net from "node:net";
import v8 from "node:v8";
import vm from "node:vm";
import zlib from "node:zlib";
import { afterEach, describe, expect, it, vi } from "vitest";
import { NO_LIMITS, PortalLimits } from "../../../evennia-ts/portal/limits/portal-limits.ts";
import { decodeGmcp } from "../../../evennia-ts/portal/telnet/gmcp-codec.ts";
import { IacParser } from "../../../evennia-ts/portal/telnet/iac-parser.ts";
import { LineDecoder } from "../../../evennia-ts/portal/telnet/line-decoder.ts";
import { generateSelfSignedCertificate } from "../../../evennia-ts/portal/telnet/self-signed-cert.ts";
import { TelnetOutputWriter } from "../../../evennia-ts/portal/telnet/output-writer.ts";
import { TelnetServer } from "../../../evennia-ts/portal/telnet/telnet-server.ts";
import { ByteAccumulator } from "../../../evennia-ts/utils/bytes.ts";
import {
  DO,
  IAC,
  RawClient,
  RecordingRegistry,
  SB,
  SE,
  WILL,
  bytes,
  openSession,
  settle,
  waitUntil,
  type OpenSession,
} from "./telnet-test-client.ts";

const GMCP = 201;
const MSDP = 69;
const MCCP3 = 87;
const NOP = 241;
const NAWS = 31;
const TTYPE = 24;
const MCCP3_START = [IAC, SB, MCCP3, IAC, SE];

const open: Array<{ cleanup(): Promise<void> }> = [];
afterEach(async () => {
  vi.restoreAllMocks();
  for (const o of open.splice(0)) await o.cleanup();
});

async function session(options: Parameters<typeof openSession>[0]): Promise<OpenSession> {
  const s = await openSession(options);
  open.push(s);
  return s;
}

/** Every recorded input can be sent over the portal ⇄ server link (which encodes it as JSON). */
function allEncodable(s: OpenSession): boolean {
  return s.rec.inputs.every((m) => {
    try {
      JSON.stringify(m);
      return true;
    } catch {
      return false;
    }
  });
}

describe("JSON nested too deep (GMCP)", () => {
  it("refuses a 100,000-deep GMCP value without throwing; shallow values still decode", () => {
    const deep = "[".repeat(100_000) + "]".repeat(100_000);
    expect(decodeGmcp(`Char.Deep ${deep}`)).toBeNull();
    expect(decodeGmcp(`Char.Deep {"a":${"[".repeat(40)}1${"]".repeat(40)}}`)).toBeNull();
    // brackets inside strings are not nesting
    expect(decodeGmcp(`Char.Text ["${"[".repeat(1000)}"]`)).toEqual(["char_text", ["[".repeat(1000)], {}]);
    expect(decodeGmcp('Room.Info {"exits":{"n":[1,{"d":[2]}]}}')).toEqual(["room_info", [], { exits: { n: [1, { d: [2] }] } }]);
  });

  it("drops __proto__ keys, which a later Object.assign would turn into a prototype", () => {
    const message = decodeGmcp('Core.Supports.Get {"__proto__":{"screenreader":true},"a":{"__proto__":{"x":1},"b":2}}')!;
    const kwargs = message[2];
    expect(Object.keys(kwargs)).toEqual(["a"]);
    expect(Object.keys(kwargs.a as object)).toEqual(["b"]);
    const target: Record<string, unknown> = {};
    Object.assign(target, kwargs);
    expect(Object.getPrototypeOf(target)).toBe(Object.prototype);
    expect(target.screenreader).toBeUndefined();
  });

  it("drops a deeply nested GMCP message, keeps the session, and forwards the next one", async () => {
    const s = await session({ telnetOptions: { all: false, gmcp: true }, maxSubnegotiation: 256 * 1024 });
    await s.client.waitFor([[IAC, WILL, GMCP]]);
    s.client.send([IAC, DO, GMCP]);
    await waitUntil(() => s.rec.merged.gmcp === true, "gmcp on");
    const deep = "[".repeat(100_000) + "]".repeat(100_000);
    const deepObject = '{"a":'.repeat(20_000) + "1" + "}".repeat(20_000);
    s.client.send(bytes([IAC, SB, GMCP], `Char.Deep ${deep}`, [IAC, SE]));
    s.client.send(bytes([IAC, SB, GMCP], `Char.Deeper ${deepObject}`, [IAC, SE]));
    s.client.send(bytes([IAC, SB, GMCP], "Core.Ping", [IAC, SE]), "look\r\n");
    await waitUntil(() => s.rec.inputs.some((m) => m[0] === "text"), "the line after");
    expect(s.rec.inputs).toEqual([
      ["core_ping", [], {}],
      ["text", ["look"], {}],
    ]);
    expect(allEncodable(s)).toBe(true);
    expect(s.client.closed).toBe(false);
  });

  it("forwards only link-encodable values from a deeply nested MSDP message", async () => {
    const s = await session({ telnetOptions: { all: false, msdp: true }, maxSubnegotiation: 256 * 1024 });
    s.client.send([IAC, DO, MSDP]);
    await waitUntil(() => s.rec.merged.msdp === true, "msdp on");
    const opens = Buffer.alloc(100_000, 5); // ARRAY_OPEN
    s.client.send(bytes([IAC, SB, MSDP, 1], "DEEP", [2], opens, [IAC, SE]), "look\r\n");
    await waitUntil(() => s.rec.inputs.some((m) => m[0] === "text"), "the line after");
    expect(allEncodable(s)).toBe(true);
    expect(s.client.closed).toBe(false);
  });
});

/** Force a full garbage collection (the flag is set for this worker only). */
const gc: () => void = (() => {
  v8.setFlagsFromString("--expose-gc");
  return vm.runInNewContext("gc") as () => void;
})();

/** Heap and buffer memory still reachable. */
function retainedBytes(): number {
  gc();
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

describe("partial input held in pieces", () => {
  const quiet = { data() {}, command() {}, negotiation() {}, subnegotiation() {}, subnegotiationDiscarded() {} };

  it("holds an unfinished sub-negotiation of escaped bytes in about its own size", () => {
    // IAC SB GMCP then 60,000 escaped 0xFF bytes (IAC IAC), never ended: one piece per byte before
    const escaped = Buffer.alloc(120_000, IAC);
    const parsers: IacParser[] = [];
    const before = retainedBytes();
    for (let i = 0; i < 10; i++) {
      const parser = new IacParser(quiet, 64 * 1024);
      parser.feed(Buffer.from([IAC, SB, GMCP]));
      parser.feed(escaped);
      parsers.push(parser);
    }
    const held = retainedBytes() - before;
    expect(parsers).toHaveLength(10);
    // 600,000 bytes of payload; 2 MB allows for doubling growth
    expect(held).toBeLessThan(2_000_000);
  });

  it("holds an unfinished line sent between NOPs in about its own size", () => {
    // "a IAC NOP" 30,000 times: every data byte arrives on its own
    const spec: number[] = [];
    for (let i = 0; i < 30_000; i++) spec.push(0x61, IAC, NOP);
    const chunk = Buffer.from(spec);
    const kept: unknown[] = [];
    const before = retainedBytes();
    for (let i = 0; i < 10; i++) {
      const lines = new LineDecoder(8192, () => {});
      const parser = new IacParser({ ...quiet, data: (b) => lines.push(b) });
      parser.feed(chunk);
      expect(lines.pendingBytes).toBe(30_000);
      kept.push(parser, lines);
    }
    const held = retainedBytes() - before;
    expect(held).toBeLessThan(2_000_000);
  });

  it("accumulates up to its limit, counts what it drops, and lets big storage go", () => {
    const acc = new ByteAccumulator(10);
    expect(acc.append(Buffer.from("hello"))).toBe(5);
    expect(acc.appendByte(0x20)).toBe(true);
    expect(acc.append(Buffer.from("world!"))).toBe(4);
    expect(acc.appendByte(0x21)).toBe(false);
    expect(acc.overflowed).toBe(true);
    expect(acc.droppedBytes).toBe(3);
    expect(acc.take().toString()).toBe("hello worl");
    expect(acc.length).toBe(0);
    expect(acc.overflowed).toBe(false);
    const big = new ByteAccumulator(1 << 20);
    for (let i = 0; i < 100_000; i++) big.appendByte(i & 0xff);
    const out = big.take();
    expect(out.length).toBe(100_000);
    expect(out[99_999]).toBe(99_999 & 0xff);
  });
});

/** Agree MCCP3 on a fresh session and send the start marker. */
async function mccp3Session(options: Parameters<typeof openSession>[0] = {}): Promise<OpenSession> {
  const s = await session({ telnetOptions: { all: false, mccp3: true }, ...options });
  s.client.send([IAC, DO, MCCP3]);
  await waitUntil(() => s.rec.merged.mccp3 === true, "mccp3 on");
  s.client.send(MCCP3_START);
  return s;
}

/** A zlib stream of `megabytes` MiB of "x": about 1 KiB per MiB. */
async function bomb(megabytes: number): Promise<Buffer> {
  const stream = zlib.createDeflate({ level: 9 });
  const out: Buffer[] = [];
  stream.on("data", (d: Buffer) => out.push(d));
  const block = Buffer.alloc(1 << 20, "x");
  for (let i = 0; i < megabytes; i++) stream.write(block);
  await new Promise<void>((resolve) => stream.flush(zlib.constants.Z_SYNC_FLUSH, () => resolve()));
  stream.destroy();
  return Buffer.concat(out);
}

/** Count the bytes the telnet parser is fed from now on (the inflated input, once MCCP3 is on). */
function countParsed(): { readonly bytes: number } {
  let total = 0;
  const feed = IacParser.prototype.feed;
  vi.spyOn(IacParser.prototype, "feed").mockImplementation(function (this: IacParser, chunk: Buffer) {
    total += chunk.length;
    return feed.call(this, chunk);
  });
  return {
    get bytes() {
      return total;
    },
  };
}

describe("MCCP3 input", () => {
  it("drops a client whose compressed input inflates far beyond any real text (a zip bomb)", async () => {
    const s = await mccp3Session();
    const compressed = await bomb(256);
    expect(compressed.length).toBeLessThan(1_000_000);
    const parsed = countParsed();
    s.client.send(compressed);
    await waitUntil(() => s.rec.disconnects.length > 0, "bomb dropped", 5000);
    expect(s.rec.disconnects[0]).toMatch(/decompress/);
    // dropped after a few MiB, not 256
    expect(parsed.bytes).toBeLessThan(16 * 1024 * 1024);
  });

  it("stops reading the socket while the inflater is behind (its queue stays small)", async () => {
    let maxQueued = 0;
    const original = zlib.createInflate;
    vi.spyOn(zlib, "createInflate").mockImplementation((options?: zlib.ZlibOptions) => {
      const inflate = original(options);
      const write = inflate.write.bind(inflate) as (chunk: Buffer) => boolean;
      (inflate as unknown as { write: (chunk: Buffer) => boolean }).write = (chunk: Buffer) => {
        const result = write(chunk);
        maxQueued = Math.max(maxQueued, inflate.writableLength);
        return result;
      };
      return inflate;
    });
    const s = await mccp3Session();
    // 16 MB of text lines that compress about 2:1, sent as fast as the socket takes them
    const letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    let text = "";
    let seed = 1;
    for (let i = 0; i < 1 << 20; i++) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      text += (i & 63) === 63 ? "\n" : letters[seed % letters.length];
    }
    const block = zlib.deflateSync(Buffer.from(text.repeat(16)), { finishFlush: zlib.constants.Z_SYNC_FLUSH, level: 1 });
    s.client.send(block, "");
    const lastLine = text.slice(text.lastIndexOf("\n", text.length - 2) + 1, -1);
    await waitUntil(() => s.rec.inputs.length >= 16 * 16384, "every line", 30_000);
    expect(s.rec.inputs[s.rec.inputs.length - 1]?.[1]?.[0]).toBe(lastLine);
    expect(s.client.closed).toBe(false);
    expect(maxQueued).toBeLessThan(512 * 1024);
  });
});

/** A registry that admits as the portal does, with the given per-address limit. */
class AdmittingRegistry extends RecordingRegistry {
  readonly limits: PortalLimits;
  admitted = 0;
  constructor(maxConnectionsPerIp: number) {
    super();
    this.limits = new PortalLimits({ ...NO_LIMITS, maxConnectionsPerIp });
  }
  admit(address: string): string | null {
    const refusal = this.limits.admit(address);
    if (!refusal) this.admitted++;
    return refusal;
  }
  released(address: string): void {
    this.limits.released(address);
  }
}

/** Open a plain TCP connection (no TLS handshake is ever sent on it). */
async function rawTcp(port: number): Promise<RawClient> {
  const client = await RawClient.connect(port);
  open.push({ cleanup: () => client.close() });
  return client;
}

describe("telnet over TLS: unfinished handshakes", () => {
  const cert = generateSelfSignedCertificate("localhost");

  async function tlsServer(registry: RecordingRegistry, handshakeMs?: number): Promise<number> {
    const server = new TelnetServer(registry, {
      tls: cert,
      maxLineLength: 1000,
      maxOutputBuffer: 1 << 20,
      serverName: "TestMUD",
      telnetOptions: { all: false },
      ...(handshakeMs !== undefined ? { tlsHandshakeTimeoutMs: handshakeMs } : {}),
    });
    open.push({ cleanup: () => server.close() });
    return server.listen(0, "127.0.0.1");
  }

  it("counts a connection against the per-address limit from its TCP connect, before any handshake", async () => {
    const registry = new AdmittingRegistry(2);
    const port = await tlsServer(registry);
    const clients: RawClient[] = [];
    for (let i = 0; i < 5; i++) clients.push(await rawTcp(port));
    await waitUntil(() => clients.filter((c) => c.closed).length >= 3, "three refused", 3000);
    await settle(100);
    expect(clients.filter((c) => !c.closed)).toHaveLength(2);
    expect(registry.limits.admission.openFrom("127.0.0.1")).toBe(2);
    expect(registry.sessions).toHaveLength(0);
    // the open ones are released when they go
    for (const c of clients) await c.close();
    await waitUntil(() => registry.limits.admission.openFrom("127.0.0.1") === 0, "released");
    expect(registry.limits.cap.open).toBe(0);
  });

  it("closes and releases a connection that does not finish its handshake in time", async () => {
    const registry = new AdmittingRegistry(5);
    const port = await tlsServer(registry, 200);
    const idle = await rawTcp(port);
    await waitUntil(() => registry.limits.admission.openFrom("127.0.0.1") === 1, "counted");
    await waitUntil(() => idle.closed, "handshake timeout", 3000);
    await waitUntil(() => registry.limits.admission.openFrom("127.0.0.1") === 0, "released");
    // a real client still gets in, admitted once, and is released once when it goes
    const client = await RawClient.connectTls(port);
    const rec = await registry.session();
    client.send("look\r\n");
    await waitUntil(() => rec.inputs.length > 0, "line");
    expect(registry.admitted).toBe(2);
    await client.close();
    await waitUntil(() => registry.limits.cap.open === 0 && registry.limits.admission.openFrom("127.0.0.1") === 0, "released");
  });
});

describe("client option reports", () => {
  it("reports a stream of window sizes to the portal a few times a second, the last one always", async () => {
    const s = await session({ telnetOptions: { all: false, naws: true } });
    s.client.send([IAC, WILL, NAWS]);
    await s.client.waitFor([[IAC, DO, NAWS]]);
    const started = Date.now();
    // 400 resizes, each in its own packet and turn
    for (let i = 1; i <= 400; i++) {
      s.client.send([IAC, SB, NAWS, 0, 20 + (i % 200), 0, 40, IAC, SE]);
      await new Promise((r) => setImmediate(r));
      if (i % 20 === 0) await settle(2);
    }
    const last = 20 + (400 % 200);
    await waitUntil(() => s.rec.merged.screenwidth === last, "the last width", 5000);
    const elapsed = (Date.now() - started) / 1000;
    const reports = s.rec.options.filter((o) => "screenwidth" in o).length;
    expect(reports).toBeLessThanOrEqual(20 + Math.ceil(elapsed * 10) + 1);
    expect(s.client.closed).toBe(false);
  });

  it("keeps a client's name, version and terminal type to a sane length", async () => {
    const s = await session({ telnetOptions: { all: false, ttype: true } });
    s.client.send([IAC, WILL, TTYPE]);
    await s.client.waitFor([[IAC, SB, TTYPE, 1, IAC, SE]]);
    s.client.send(bytes([IAC, SB, TTYPE, 0], "M".repeat(50_000) + " " + "9".repeat(10_000), [IAC, SE]));
    await waitUntil(() => typeof s.rec.merged.client_name === "string", "client name");
    expect((s.rec.merged.client_name as string).length).toBeLessThanOrEqual(256);
    expect((s.rec.merged.client_version as string).length).toBeLessThanOrEqual(256);
  });
});

describe("output writer", () => {
  it("merges many small writes of one turn in linear time (each byte copied a bounded number of times)", () => {
    const socket = new net.Socket();
    const writer = new TelnetOutputWriter(socket, 64 * 1024 * 1024, () => {}, () => {});
    let copied = 0;
    const concat = Buffer.concat;
    vi.spyOn(Buffer, "concat").mockImplementation((list: readonly Uint8Array[], total?: number) => {
      const out = concat(list, total);
      copied += out.length;
      return out;
    });
    const piece = Buffer.from([IAC, 252, 1]);
    for (let i = 0; i < 100_000; i++) writer.write(piece);
    expect(writer.unsentBytes).toBe(300_000);
    writer.kill();
    socket.destroy();
    // one merge per 256 writes, then a final join: a few times the 300 KB, not N²
    expect(copied).toBeLessThan(4 * 300_000);
  });
});
