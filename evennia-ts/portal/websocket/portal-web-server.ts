/**
 * The portal's web front: one HTTP server (settings `webPort` / `webInterface`).
 *
 * - `/ws`: websocket connections, each a {@link WebSocketSession} registered with the
 *   portal's session registry; `/ws` without an upgrade gets 426.
 * - `/webclientdata`: the comet (long-polling) fallback of the webclient (`comet/`).
 * - `/webclient/<file>`: the webclient (`evennia-ts/portal/webclient/`, or the game's
 *   `web/webclient/` when it has a file of that name: an override); `/webclient/` is
 *   `index.html` and `/webclient` redirects there. Validators and 304s: `web/static-files.ts`.
 * - Every other path, any method, is proxied to the server's web app (website, admin,
 *   API) on loopback (`web/web-proxy.ts`); while the server is away the client gets a
 *   "restarting" answer at once. Websocket upgrades on other paths get 404.
 *
 * Every TCP connection, plain HTTP or websocket, is admitted by the portal first
 * (per-IP limits and the global connection cap); a refused one is answered 429 or
 * 503 with its reason and closed. Idle keep-alive connections close after
 * `keepAliveTimeoutMs`, a request's headers must arrive within `headersTimeoutMs`
 * (408 after), its body within twice that, and headers over `maxHeaderBytes` are
 * answered 431. A websocket that answers no heartbeat ping (`websocketPingMs`) is
 * dropped. Requests pipelined on one connection are handled one at a time, and
 * more than 16 waiting closes the connection (`web/pipelined-requests.ts`).
 */
import { listenOn } from "../listen.ts";
import net from "node:net";
import http from "node:http";
import path from "node:path";
import { frameworkSourceDir } from "../../utils/framework-root.ts";
import type { Duplex } from "node:stream";
import { createRequire } from "node:module";
import type { WebSocket, WebSocketServer } from "ws";
import { getLogger } from "../../utils/logger.ts";
import type { SessionRegistry } from "../session-transport.ts";
import { CAPACITY_REFUSAL } from "../limits/connection-cap.ts";
import { WEBSOCKET_INITIAL_CLIENT_OPTIONS, WebSocketSession } from "./websocket-session.ts";
import { COMET_PATH, CometEndpoint } from "../comet/comet-endpoint.ts";
import { webSessionOf } from "../web/web-session-cookie.ts";
import { safeFileName, StaticFiles } from "../web/static-files.ts";
import { WebProxy } from "../web/web-proxy.ts";
import { PipelinedRequests } from "../web/pipelined-requests.ts";
import { WEBCLIENT_SECURITY_HEADERS } from "../web/webclient-security-headers.ts";

const log = getLogger("portal.web");

/**
 * `ws` through `require`: imported from an ES module, Node scans its CommonJS files for
 * their exports, and that scan, hot over 100 KB of source, wakes V8's optimizing
 * compiler at start (2-5 MiB more memory in an idle portal; docs/perf.md).
 */
const { WebSocketServer: WebSocketServerClass } = createRequire(import.meta.url)("ws") as typeof import("ws");

/** Path of the websocket endpoint. */
export const WEBSOCKET_PATH = "/ws";

/** Path under which the webclient is served (with a trailing slash). */
export const WEBCLIENT_PATH = "/webclient/";

/** The webclient's own files. */
export const WEBCLIENT_DIR = path.join(frameworkSourceDir, "portal", "webclient");

/** Default largest websocket frame accepted, in bytes. */
export const DEFAULT_MAX_FRAME_BYTES = 64 * 1024;

/** How a {@link PortalWebServer} is set up. */
export interface PortalWebServerOptions {
  /** Longest `text` input, in characters. */
  maxLineLength: number;
  /** Bytes of unsent output a connection may queue before it is dropped. */
  maxOutputBuffer: number;
  /** Milliseconds broadcast output may wait for more after a write (setting `broadcastBatchMs`; default 0). */
  broadcastBatchMs?: number;
  /** Largest frame accepted (default 64 KiB); a larger one closes the connection with 1009. */
  maxFrameBytes?: number;
  /** The game folder: a file in its `web/webclient/` replaces the webclient's file of that name. */
  gameDir?: string;
  /** Folder of the webclient's own files (default {@link WEBCLIENT_DIR}). */
  webclientDir?: string;
  /** Ms an idle keep-alive connection stays open (default 5 s). */
  keepAliveTimeoutMs?: number;
  /** Ms a client has to send a request's headers (default 10 s). */
  headersTimeoutMs?: number;
  /** Largest request header block, in bytes (default 8 KiB); larger is answered 431. */
  maxHeaderBytes?: number;
  /** Websocket error replies per second per connection (bad and binary frames); 0 = unlimited. */
  replyRatePerSecond?: number;
  /** Burst of websocket error replies. */
  replyBurst?: number;
  /** Name of the website session cookie passed on with webclient connections (default `evennia_ts.sid`). */
  webSessionCookie?: string;
  /** Seconds a comet poll waits for output (default 25). */
  cometPollSeconds?: number;
  /** Seconds a comet session lives without a request (default 60). */
  cometSessionTimeout?: number;
  /** The server web app's loopback port now, or null while it is not serving (default: never serving). */
  upstreamPort?: () => number | null;
  /** Ms of silence from the server's web app before a proxied request gets 504 (default 30 s). */
  proxyTimeoutMs?: number;
  /** The game's name, for the "restarting" page. */
  serverName?: string;
  /**
   * Ms between websocket heartbeat pings (default {@link DEFAULT_WEBSOCKET_PING_MS}; 0 = none):
   * a client that sends nothing, not even the pong, between two pings is dropped.
   */
  websocketPingMs?: number;
}

/** Default ms between websocket heartbeat pings: a vanished browser is dropped within twice this. */
export const DEFAULT_WEBSOCKET_PING_MS = 30_000;

/** Ms a refused client gets to read its answer before the socket is destroyed. */
const REFUSE_GRACE_MS = 2000;

/** The HTTP + websocket listener of the portal. */
export class PortalWebServer {
  /** Accepts TCP connections and admits them before HTTP sees them. */
  private readonly listener: net.Server;
  private readonly server: http.Server;
  private readonly wss: WebSocketServer;
  private readonly sessions = new Map<WebSocketSession, Promise<void>>();
  /** The long-polling fallback, `/webclientdata`. */
  readonly comet: CometEndpoint;
  /** Forwards what the portal does not serve to the server's web app. */
  readonly proxy: WebProxy;
  /** The webclient's files. */
  readonly staticFiles = new StaticFiles();
  /** Requests of one connection, one at a time. */
  private readonly pipelined = new PipelinedRequests();
  private closing = false;
  private port = 0;
  /** Pings every websocket each `websocketPingMs` (one timer for all). */
  private heartbeatTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly registry: SessionRegistry,
    private readonly options: PortalWebServerOptions,
  ) {
    const headersTimeout = options.headersTimeoutMs ?? 10_000;
    this.server = http.createServer(
      {
        maxHeaderSize: options.maxHeaderBytes ?? 8192,
        headersTimeout,
        // a whole request (headers and body) within twice the header deadline; the answer may take longer (comet polls)
        requestTimeout: headersTimeout * 2,
        keepAliveTimeout: options.keepAliveTimeoutMs ?? 5000,
        // how often deadlines are checked (Node's default, 30 s, would let them slip far)
        connectionsCheckingInterval: Math.max(100, Math.min(1000, Math.floor(headersTimeout / 4))),
      },
      (req, res) => this.onRequest(req, res),
    );
    this.server.on("upgrade", (req: http.IncomingMessage, socket: Duplex, head: Buffer) => this.onUpgrade(req, socket, head));
    this.server.on("clientError", (err: NodeJS.ErrnoException, socket) => answerClientError(err, socket));
    this.listener = net.createServer((socket) => this.onConnection(socket));
    this.listener.on("error", (err) => {
      // errors while starting to listen are reported by listen()
      if (this.listener.listening) log.error(`web listener error: ${err.message}`);
    });
    this.proxy = new WebProxy({
      upstreamPort: options.upstreamPort ?? (() => null),
      timeoutMs: options.proxyTimeoutMs ?? 30_000,
      serverName: options.serverName ?? "",
    });
    this.comet = new CometEndpoint(registry, {
      maxLineLength: options.maxLineLength,
      maxOutputBuffer: options.maxOutputBuffer,
      maxBodyBytes: options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES,
      pollSeconds: options.cometPollSeconds ?? 25,
      sessionTimeoutSeconds: options.cometSessionTimeout ?? 60,
      webSessionCookie: this.webSessionCookie,
    });
    this.wss = new WebSocketServerClass({
      noServer: true,
      clientTracking: false,
      perMessageDeflate: false,
      maxPayload: options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES,
    });
  }

  /** Open websocket connections. */
  get connectionCount(): number {
    return this.sessions.size;
  }

  /** Start listening; resolves with the bound port (useful with port 0). */
  async listen(port: number, host: string): Promise<number> {
    this.port = await listenOn(this.listener, port, host, "web", "EV_ERR_CONFIG");
    // HTTP never listens itself (it is handed admitted sockets): start its deadline checks
    this.server.emit("listening");
    this.startHeartbeat();
    log.info(`web (webclient ${WEBCLIENT_PATH}, websocket ${WEBSOCKET_PATH}) listening on ${host}:${this.port}`);
    return this.port;
  }

  /** Stop listening and close every connection; resolves once all are gone. */
  async close(): Promise<void> {
    this.closing = true;
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = null;
    const stopped = new Promise<void>((resolve) => {
      if (!this.listener.listening) resolve();
      else this.listener.close(() => resolve());
    });
    const open = [...this.sessions.entries()];
    for (const [session] of open) session.close();
    this.comet.close();
    this.proxy.close();
    await Promise.all(open.map(([, closed]) => closed));
    this.server.closeAllConnections();
    this.server.close();
    await stopped;
    this.wss.close();
  }

  /** Start the one heartbeat timer of the websockets (unref'd). */
  private startHeartbeat(): void {
    const interval = this.options.websocketPingMs ?? DEFAULT_WEBSOCKET_PING_MS;
    if (interval <= 0 || this.heartbeatTimer) return;
    this.heartbeatTimer = setInterval(() => {
      for (const session of this.sessions.keys()) session.heartbeat();
    }, interval);
    this.heartbeatTimer.unref();
  }

  /** A new TCP connection: admitted (then handed to HTTP) or answered with why not. */
  private onConnection(socket: net.Socket): void {
    socket.on("error", () => {
      // a reset by the client; nothing to report
    });
    const address = normalizeAddress(socket.remoteAddress);
    const refusal = this.closing ? "The game is shutting down." : (this.registry.admit?.(address, "http") ?? null);
    if (refusal) {
      const status = refusal === CAPACITY_REFUSAL || this.closing ? "503 Service Unavailable" : "429 Too Many Requests";
      const body = `${refusal}\n`;
      socket.end(
        `HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n` +
          `Retry-After: 60\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
      socket.resume(); // read and drop the request, so the answer is not lost to a reset
      const timer = setTimeout(() => socket.destroy(), REFUSE_GRACE_MS);
      timer.unref();
      socket.once("close", () => clearTimeout(timer));
      return;
    }
    socket.once("close", () => this.registry.released?.(address));
    this.server.emit("connection", socket);
  }

  /** A request: handled once the earlier requests of its connection are answered (`web/pipelined-requests.ts`). */
  private onRequest(req: http.IncomingMessage, res: http.ServerResponse): void {
    this.pipelined.run(req, res, () => this.route(req, res));
  }

  private route(req: http.IncomingMessage, res: http.ServerResponse): void {
    const urlPath = pathOf(req.url);
    if (urlPath === WEBSOCKET_PATH) {
      plainResponse(req, res, 426, "This address takes websocket connections only.\n", { upgrade: "websocket" });
      return;
    }
    if (urlPath === COMET_PATH) {
      this.comet.handle(req, res, normalizeAddress(req.socket.remoteAddress));
      return;
    }
    if (urlPath === WEBCLIENT_PATH.slice(0, -1)) {
      res.writeHead(302, { location: WEBCLIENT_PATH, "content-length": 0, "cache-control": "no-cache" });
      res.end();
      return;
    }
    if (urlPath.startsWith(WEBCLIENT_PATH)) {
      this.serveWebclientFile(req, res, urlPath.slice(WEBCLIENT_PATH.length) || "index.html").catch((err: unknown) => {
        log.error(`cannot serve ${urlPath}: ${(err as Error).message}`);
        if (!res.headersSent) plainResponse(req, res, 500, "Internal error.\n");
        else res.destroy();
      });
      return;
    }
    this.proxy.handle(req, res, normalizeAddress(req.socket.remoteAddress));
  }

  /** Serve one webclient file (`rawName` still URL-encoded), from the game's folder first. */
  private async serveWebclientFile(req: http.IncomingMessage, res: http.ServerResponse, rawName: string): Promise<void> {
    if (req.method !== "GET" && req.method !== "HEAD") {
      plainResponse(req, res, 405, "Method not allowed.\n", { allow: "GET, HEAD" });
      return;
    }
    const name = safeFileName(rawName);
    const found = name === null ? null : await this.staticFiles.find(this.webclientFolders(), name);
    if (!found) {
      plainResponse(req, res, 404, "Not found.\n");
      return;
    }
    await this.staticFiles.serve(req, res, found.file, found.stat, WEBCLIENT_SECURITY_HEADERS);
  }

  /** Where webclient files are looked for, the game's override folder first. */
  private webclientFolders(): string[] {
    return [
      ...(this.options.gameDir ? [path.resolve(this.options.gameDir, "web", "webclient")] : []),
      path.resolve(this.options.webclientDir ?? WEBCLIENT_DIR),
    ];
  }

  private onUpgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on("error", () => {
      // reported by the session; an unhandled 'error' would crash the process
    });
    if (this.closing || pathOf(req.url) !== WEBSOCKET_PATH) {
      socket.end("HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
      socket.destroy();
      return;
    }
    // the connection was admitted when it was accepted (onConnection)
    (socket as net.Socket).setNoDelay?.(true);
    const webSession = webSessionOf(req, this.webSessionCookie);
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, socket as net.Socket, webSession));
  }

  private get webSessionCookie(): string {
    return this.options.webSessionCookie ?? "evennia_ts.sid";
  }

  private accept(ws: WebSocket, socket: net.Socket, webSession: string | undefined): void {
    if (this.closing) {
      ws.terminate();
      return;
    }
    const session = new WebSocketSession(ws, socket, {
      maxLineLength: this.options.maxLineLength,
      maxOutputBuffer: this.options.maxOutputBuffer,
      broadcastBatchMs: this.options.broadcastBatchMs,
      replyRatePerSecond: this.options.replyRatePerSecond,
      replyBurst: this.options.replyBurst,
      ...(webSession !== undefined ? { webSession } : {}),
    });
    const closed = new Promise<void>((resolve) => {
      ws.once("close", () => {
        this.sessions.delete(session);
        resolve();
      });
    });
    this.sessions.set(session, closed);
    try {
      const sink = this.registry.connect(session, { ...WEBSOCKET_INITIAL_CLIENT_OPTIONS });
      session.start(sink);
    } catch (err) {
      log.error("the portal refused a websocket connection", err);
      this.sessions.delete(session);
      ws.terminate();
    }
  }
}

/** Answer with a short plain-text body (none for HEAD). */
function plainResponse(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  status: number,
  body: string,
  extra: http.OutgoingHttpHeaders = {},
): void {
  res.writeHead(status, {
    "content-type": "text/plain; charset=utf-8",
    "content-length": Buffer.byteLength(body),
    ...extra,
  });
  res.end(req.method === "HEAD" ? undefined : body);
}

/** Answer a request HTTP could not take (headers too large, too slow, malformed), then close. */
function answerClientError(err: NodeJS.ErrnoException, socket: Duplex): void {
  const status =
    err.code === "HPE_HEADER_OVERFLOW"
      ? "431 Request Header Fields Too Large"
      : err.code === "ERR_HTTP_REQUEST_TIMEOUT"
        ? "408 Request Timeout"
        : "400 Bad Request";
  if (socket.writable && !(socket as net.Socket).destroyed) {
    const body = `${status.slice(4)}.\n`;
    socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
    const timer = setTimeout(() => socket.destroy(), REFUSE_GRACE_MS);
    timer.unref();
    socket.once("close", () => clearTimeout(timer));
  } else {
    socket.destroy();
  }
}

function normalizeAddress(address: string | undefined): string {
  if (!address) return "";
  return address.startsWith("::ffff:") ? address.slice(7) : address;
}

function pathOf(url: string | undefined): string {
  const raw = url ?? "/";
  const q = raw.indexOf("?");
  return q < 0 ? raw : raw.slice(0, q);
}
