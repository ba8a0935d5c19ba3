/**
 * Test fixtures for the telnet stack: a registry that records what sessions report,
 * and a byte-level client over a real loopback socket.
 */
import net from "node:net";
import tls from "node:tls";
import type { OobMessage } from "../../../evennia-ts/protocol/message.ts";
import type {
  ClientOptions,
  PortalSessionSink,
  SessionRegistry,
  SessionTransport,
} from "../../../evennia-ts/portal/session-transport.ts";
import { TelnetServer, type TelnetServerOptions } from "../../../evennia-ts/portal/telnet/telnet-server.ts";
import type { TelnetSession } from "../../../evennia-ts/portal/telnet/telnet-session.ts";

/** Telnet bytes for tests. */
export const IAC = 255;
export const DONT = 254;
export const DO = 253;
export const WONT = 252;
export const WILL = 251;
export const SB = 250;
export const GA = 249;
export const NOP = 241;
export const AYT = 246;
/** The answer to IAC AYT. */
const YES = Buffer.from("[Yes]");
export const SE = 240;
export const EOR = 239;

/** One recorded connection. */
export interface RecordedSession {
  transport: SessionTransport;
  initialOptions: ClientOptions | undefined;
  inputs: OobMessage[];
  options: ClientOptions[];
  /** Merged client options (initial + updates). */
  merged: ClientOptions;
  disconnects: string[];
}

/** A {@link SessionRegistry} that records everything its sinks are told. */
export class RecordingRegistry implements SessionRegistry {
  readonly sessions: RecordedSession[] = [];

  connect(transport: SessionTransport, clientOptions?: ClientOptions): PortalSessionSink {
    const rec: RecordedSession = {
      transport,
      initialOptions: clientOptions,
      inputs: [],
      options: [],
      merged: { ...clientOptions },
      disconnects: [],
    };
    this.sessions.push(rec);
    return {
      input: (messages) => rec.inputs.push(...messages),
      updateClientOptions: (options) => {
        rec.options.push(options);
        Object.assign(rec.merged, options);
      },
      disconnected: (reason) => rec.disconnects.push(reason),
    };
  }

  /** Wait until `n` connections were registered; returns the last one. */
  async session(n = 1): Promise<RecordedSession> {
    await waitUntil(() => this.sessions.length >= n, "session registered");
    return this.sessions[n - 1]!;
  }
}

/** Poll `predicate` until it is true (or fail after `timeoutMs`). */
export async function waitUntil(predicate: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > end) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Let pending I/O and immediates run. */
export async function settle(ms = 30): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
}

/** A raw client: records every byte received and each chunk's arrival. */
export class RawClient {
  received = Buffer.alloc(0);
  chunks: Buffer[] = [];
  closed = false;

  constructor(readonly socket: net.Socket) {
    socket.on("data", (chunk: Buffer) => {
      this.chunks.push(chunk);
      this.received = Buffer.concat([this.received, chunk]);
    });
    socket.on("close", () => {
      this.closed = true;
    });
    socket.on("error", () => {});
  }

  /** Connect to a plain telnet server. */
  static async connect(port: number): Promise<RawClient> {
    const socket = net.connect({ port, host: "127.0.0.1" });
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", resolve);
      socket.once("error", reject);
    });
    return new RawClient(socket);
  }

  /** Connect to a TLS telnet server, accepting a self-signed certificate. */
  static async connectTls(port: number): Promise<RawClient> {
    const socket = tls.connect({ port, host: "127.0.0.1", rejectUnauthorized: false });
    await new Promise<void>((resolve, reject) => {
      socket.once("secureConnect", resolve);
      socket.once("error", reject);
    });
    return new RawClient(socket);
  }

  /** Send bytes (numbers, strings as UTF-8, or buffers, concatenated). */
  send(...parts: Array<number[] | string | Buffer>): void {
    this.socket.write(bytes(...parts));
  }

  /** Wait until the received bytes contain `needle`. */
  async waitFor(needle: Array<number[] | string | Buffer> | Buffer | string, timeoutMs = 3000): Promise<void> {
    const n = Buffer.isBuffer(needle) ? needle : typeof needle === "string" ? Buffer.from(needle) : bytes(...needle);
    await waitUntil(() => this.received.includes(n), `bytes ${JSON.stringify([...n])} (got ${JSON.stringify([...this.received])})`, timeoutMs);
  }

  /**
   * A round trip through the server: send `IAC AYT` and wait for its "[Yes]" answer. The
   * server handles its input in order and writes its output in order, so once the answer is
   * here it has handled everything sent before, and whatever it wrote in reply has arrived.
   * Assert that something did NOT happen after this, not after a fixed wait. The answer is
   * taken out of {@link received}, so byte-exact assertions still hold. One AYT per call (a
   * server may rate-limit AYT to a few a second).
   */
  async roundTrip(timeoutMs = 3000): Promise<void> {
    const before = countOf(this.received, YES);
    this.send([IAC, AYT]);
    await waitUntil(() => countOf(this.received, YES) > before, "the answer to IAC AYT", timeoutMs);
    // take out the (before+1)-th answer and its line end
    let at = -1;
    for (let i = 0; i <= before; i++) at = this.received.indexOf(YES, at + 1);
    let end = at + YES.length;
    if (this.received[end] === 0x0d) end++;
    if (this.received[end] === 0x0a) end++;
    this.received = Buffer.concat([this.received.subarray(0, at), this.received.subarray(end)]);
  }

  /** True when `needle` was received. */
  has(...needle: Array<number[] | string | Buffer>): boolean {
    return this.received.includes(bytes(...needle));
  }

  /** Forget what was received so far. */
  clear(): void {
    this.received = Buffer.alloc(0);
    this.chunks = [];
  }

  /** Close and wait for the socket to go. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.socket.end();
    this.socket.destroy();
    await waitUntil(() => this.closed, "client closed");
  }
}

/** Concatenate byte specs. */
export function bytes(...parts: Array<number[] | string | Buffer>): Buffer {
  return Buffer.concat(
    parts.map((p) => (Buffer.isBuffer(p) ? p : typeof p === "string" ? Buffer.from(p, "utf8") : Buffer.from(p))),
  );
}

/** Count the occurrences of `needle` in `haystack`. */
export function countOf(haystack: Buffer, needle: Buffer | number[]): number {
  const n = Buffer.isBuffer(needle) ? needle : Buffer.from(needle);
  let count = 0;
  for (let i = haystack.indexOf(n); i !== -1; i = haystack.indexOf(n, i + n.length)) count++;
  return count;
}

/** A running server with its recording registry. */
export interface TestServer {
  server: TelnetServer;
  registry: RecordingRegistry;
  port: number;
}

/** Start a telnet server on 127.0.0.1:0. */
export async function startServer(options: Partial<TelnetServerOptions> = {}): Promise<TestServer> {
  const registry = new RecordingRegistry();
  const server = new TelnetServer(registry, {
    maxLineLength: 1000,
    maxOutputBuffer: 1024 * 1024,
    serverName: "TestMUD",
    ...options,
  });
  const port = await server.listen(0, "127.0.0.1");
  return { server, registry, port };
}

/** A server, one connected client and its recorded session. */
export interface OpenSession {
  ts: TestServer;
  client: RawClient;
  rec: RecordedSession;
  session: TelnetSession;
  /** Close the client and the server. */
  cleanup(): Promise<void>;
}

/** Start a server with `options` and connect one raw client to it. */
export async function openSession(options: Partial<TelnetServerOptions> = {}): Promise<OpenSession> {
  const ts = await startServer(options);
  const client = await RawClient.connect(ts.port);
  const rec = await ts.registry.session();
  return {
    ts,
    client,
    rec,
    session: rec.transport as TelnetSession,
    cleanup: async () => {
      await client.close();
      await ts.server.close();
    },
  };
}

/** Every `IAC SB <option> ... IAC SE` payload (unescaped) found in `data`. */
export function subnegotiations(data: Buffer, option: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < data.length - 2; i++) {
    if (data[i] !== IAC || data[i + 1] !== SB || data[i + 2] !== option) continue;
    const body: number[] = [];
    let j = i + 3;
    for (; j < data.length - 1; j++) {
      if (data[j] === IAC && data[j + 1] === SE) break;
      if (data[j] === IAC && data[j + 1] === IAC) j++;
      body.push(data[j]!);
    }
    if (j < data.length - 1) out.push(Buffer.from(body));
    i = j;
  }
  return out;
}
