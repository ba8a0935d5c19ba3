/**
 * The telnet listener (plain TCP, or TLS for telnet/ssl). Every TCP connection is
 * admitted by the portal (per-address limits, the global cap) the moment it is accepted,
 * before a TLS handshake: a flood of handshakes that never finish is counted and refused
 * like any other, and each has {@link TLS_HANDSHAKE_TIMEOUT_MS} to finish. Each connection
 * that gets through becomes a {@link TelnetSession} registered with the portal.
 */
import { listenOn } from "../listen.ts";
import net from "node:net";
import tls from "node:tls";
import { getLogger } from "../../utils/logger.ts";
import type { SessionRegistry } from "../session-transport.ts";
import { defaultTelnetOptionFactories, type TelnetOptionToggles } from "./telnet-options.ts";
import { TELNET_INITIAL_CLIENT_OPTIONS, TelnetSession, type TelnetRateLimits } from "./telnet-session.ts";
import type { TelnetServerInfo } from "./telnet-option.ts";

const log = getLogger("portal.telnet");

/** How a {@link TelnetServer} is set up. */
export interface TelnetServerOptions {
  /** PEM certificate and key: serve telnet over TLS (protocol key `telnet/ssl`). */
  tls?: { cert: Buffer | string; key: Buffer | string };
  /** Longest input line, in characters; longer lines are cut with a notice. */
  maxLineLength: number;
  /** Bytes of unsent output a connection may queue before it is dropped. */
  maxOutputBuffer: number;
  /** Milliseconds broadcast output may wait for more after a write (setting `broadcastBatchMs`; default 0). */
  broadcastBatchMs?: number;
  /** The game's name (MSSP NAME). */
  serverName: string;
  /** MSSP variables (NAME, PLAYERS, UPTIME, ...); missing basics are filled in. */
  msspData?: () => Record<string, string | string[]>;
  /** Which options to offer (all on except MXP by default). */
  telnetOptions?: TelnetOptionToggles;
  /** Largest sub-negotiation accepted, in bytes (default 64 KiB). */
  maxSubnegotiation?: number;
  /** Send IAC NOP to every connection this often, in ms (0 or unset: never). */
  keepAliveMs?: number;
  /** Per-connection reply and option-change budgets (defaults: the settings' defaults). */
  rateLimits?: Partial<TelnetRateLimits>;
  /** Ms a TLS client has to finish its handshake (default {@link TLS_HANDSHAKE_TIMEOUT_MS}). */
  tlsHandshakeTimeoutMs?: number;
}

/** Listens for telnet connections and hands them to the portal. */
export class TelnetServer {
  /** Accepts TCP connections and admits them before anything else (TLS included) sees them. */
  private readonly server: net.Server;
  /** Runs the TLS handshake of admitted connections (telnet/ssl only; it never listens itself). */
  private readonly tlsServer: tls.Server | null = null;
  private readonly sessions = new Map<TelnetSession, { session: TelnetSession; closed: Promise<void> }>();
  private readonly startedAt = Date.now();
  private port = 0;

  constructor(
    private readonly registry: SessionRegistry,
    private readonly options: TelnetServerOptions,
  ) {
    if (options.tls) {
      const handshakeTimeout = options.tlsHandshakeTimeoutMs ?? TLS_HANDSHAKE_TIMEOUT_MS;
      const tlsServer = tls.createServer({ cert: options.tls.cert, key: options.tls.key, handshakeTimeout });
      tlsServer.on("secureConnection", (socket) => this.accept(socket, "telnet/ssl"));
      tlsServer.on("tlsClientError", (err, socket) => {
        log.debug(`TLS handshake failed from ${socket.remoteAddress ?? "?"}: ${err.message}`);
        socket.destroy();
      });
      this.tlsServer = tlsServer;
    }
    this.server = net.createServer((socket) => this.onConnection(socket));
    this.server.on("error", (err) => log.error(`telnet listener error: ${err.message}`));
  }

  /** Open connections. */
  get connectionCount(): number {
    return this.sessions.size;
  }

  /** Start listening; resolves with the bound port (useful with port 0). */
  async listen(port: number, host: string): Promise<number> {
    this.port = await listenOn(this.server, port, host, "telnet", "EV_ERR_TELNET");
    log.info(`${this.options.tls ? "telnet/ssl" : "telnet"} listening on ${host}:${this.port}`);
    return this.port;
  }

  /** Stop listening and close every connection; resolves once all are gone. */
  async close(): Promise<void> {
    const closing = [...this.sessions.values()];
    for (const { session } of closing) session.close();
    const stopped = new Promise<void>((resolve) => {
      if (!this.server.listening) resolve();
      else this.server.close(() => resolve());
    });
    await Promise.all([stopped, ...closing.map((c) => c.closed)]);
  }

  /** A new TCP connection: admitted (counted until it closes), else refused at once. */
  private onConnection(socket: net.Socket): void {
    socket.on("error", () => {
      // reported by the session; an unhandled 'error' would crash the process
    });
    const address = clientAddress(socket);
    const protocolKey = this.tlsServer ? "telnet/ssl" : "telnet";
    const refusal = this.registry.admit?.(address, protocolKey);
    if (refusal) {
      // a TLS client could not read a plain-text reason: it is closed without one
      if (this.tlsServer) socket.destroy();
      else refuse(socket, refusal);
      return;
    }
    socket.once("close", () => this.registry.released?.(address));
    if (this.tlsServer) this.tlsServer.emit("connection", socket);
    else this.accept(socket, protocolKey);
  }

  /** An admitted connection (after its handshake, for TLS) becomes a session. */
  private accept(socket: net.Socket, protocolKey: string): void {
    socket.setNoDelay(true);
    socket.on("error", () => {
      // reported by the session; an unhandled 'error' would crash the process
    });
    const info = this.serverInfo();
    const session = new TelnetSession(socket, {
      protocolKey,
      maxLineLength: this.options.maxLineLength,
      maxOutputBuffer: this.options.maxOutputBuffer,
      broadcastBatchMs: this.options.broadcastBatchMs,
      maxSubnegotiation: this.options.maxSubnegotiation,
      options: defaultTelnetOptionFactories(this.options.telnetOptions),
      server: info,
      ...this.options.rateLimits,
    });
    const closed = new Promise<void>((resolve) => {
      socket.once("close", () => {
        this.sessions.delete(session);
        resolve();
      });
    });
    this.sessions.set(session, { session, closed });
    try {
      const sink = this.registry.connect(session, { ...TELNET_INITIAL_CLIENT_OPTIONS });
      session.start(sink);
      if (this.options.keepAliveMs) session.keepAlive(this.options.keepAliveMs);
    } catch (err) {
      log.error("the portal refused a telnet connection", err);
      this.sessions.delete(session);
      socket.destroy();
    }
  }

  private serverInfo(): TelnetServerInfo {
    const options = this.options;
    const info = {
      serverName: options.serverName,
      startedAt: this.startedAt,
      msspData: () => options.msspData?.() ?? {},
    };
    return Object.defineProperties(info, {
      port: { get: () => this.port, enumerable: true },
      connectionCount: { get: () => this.sessions.size, enumerable: true },
    }) as TelnetServerInfo;
  }
}

/** Ms a TLS client has to complete its handshake. */
const TLS_HANDSHAKE_TIMEOUT_MS = 10_000;

/** Ms a refused client gets to read its reason before the socket is destroyed. */
const REFUSE_GRACE_MS = 2000;

/** The client's IP, IPv4-mapped IPv6 addresses as plain IPv4. */
function clientAddress(socket: net.Socket): string {
  const address = socket.remoteAddress ?? "";
  return address.startsWith("::ffff:") ? address.slice(7) : address;
}

/** Send a refused client its one-line reason and close; destroy it if it does not close. */
function refuse(socket: net.Socket, reason: string): void {
  socket.end(`${reason}\r\n`);
  const timer = setTimeout(() => socket.destroy(), REFUSE_GRACE_MS);
  timer.unref();
  socket.once("close", () => clearTimeout(timer));
  socket.resume();
}
