/**
 * The portal's web front: one HTTP server (settings `webPort` / `webInterface`)
 * whose path `/ws` takes websocket connections, each a {@link WebSocketSession}
 * registered with the portal's session registry; `/ws` without an upgrade gets 426.
 *
 * It also serves the webclient: `/` and `/webclient` redirect (302) to `/webclient/`,
 * which is `index.html`, and `/webclient/<file>` is a file of the webclient folder
 * (`evennia-ts/portal/webclient/`), or of the game's `web/webclient/` when the game
 * has a file of that name (an override). Only plain file names of one folder level
 * are served (no `..`, no hidden files, no sub-folders), with `Cache-Control: no-cache`.
 * Every other request gets a small plain-text 404 (the proxy to the server's web app
 * comes later).
 */
import { listenOn } from "../listen.ts";
import { createHash } from "node:crypto";
import { promises as fs } from "node:fs";
import http from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Duplex } from "node:stream";
import type { Socket } from "node:net";
import { WebSocketServer, type WebSocket } from "ws";
import { getLogger } from "../../utils/logger.ts";
import type { SessionRegistry } from "../session-transport.ts";
import { WEBSOCKET_INITIAL_CLIENT_OPTIONS, WebSocketSession } from "./websocket-session.ts";

const log = getLogger("portal.web");

/** Path of the websocket endpoint. */
export const WEBSOCKET_PATH = "/ws";

/** Path under which the webclient is served (with a trailing slash). */
export const WEBCLIENT_PATH = "/webclient/";

/** The webclient's own files. */
export const WEBCLIENT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "webclient");

/** Content types of the files the webclient folder may hold, by extension. */
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
  ".ico": "image/x-icon",
  ".woff": "font/woff",
  ".woff2": "font/woff2",
  ".ttf": "font/ttf",
  ".mp3": "audio/mpeg",
  ".ogg": "audio/ogg",
  ".wav": "audio/wav",
};

/** A file name the webclient route serves: one path segment, no leading dot. */
const SAFE_FILE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

/** Default largest websocket frame accepted, in bytes. */
export const DEFAULT_MAX_FRAME_BYTES = 64 * 1024;

/** How a {@link PortalWebServer} is set up. */
export interface PortalWebServerOptions {
  /** Longest `text` input, in characters. */
  maxLineLength: number;
  /** Bytes of unsent output a connection may queue before it is dropped. */
  maxOutputBuffer: number;
  /** Largest frame accepted (default 64 KiB); a larger one closes the connection with 1009. */
  maxFrameBytes?: number;
  /** The game folder: a file in its `web/webclient/` replaces the webclient's file of that name. */
  gameDir?: string;
  /** Folder of the webclient's own files (default {@link WEBCLIENT_DIR}). */
  webclientDir?: string;
}

/** The HTTP + websocket listener of the portal. */
export class PortalWebServer {
  private readonly server: http.Server;
  private readonly wss: WebSocketServer;
  private readonly sessions = new Map<WebSocketSession, Promise<void>>();
  private closing = false;
  private port = 0;

  constructor(
    private readonly registry: SessionRegistry,
    private readonly options: PortalWebServerOptions,
  ) {
    this.server = http.createServer((req, res) => this.onRequest(req, res));
    this.server.on("upgrade", (req: http.IncomingMessage, socket: Duplex, head: Buffer) => this.onUpgrade(req, socket, head));
    this.server.on("clientError", (_err, socket) => socket.destroy());
    this.server.on("error", (err) => {
      // errors while starting to listen are reported by listen()
      if (this.server.listening) log.error(`web listener error: ${err.message}`);
    });
    this.wss = new WebSocketServer({
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
    this.port = await listenOn(this.server, port, host, "web", "EV_ERR_CONFIG");
    log.info(`web (webclient ${WEBCLIENT_PATH}, websocket ${WEBSOCKET_PATH}) listening on ${host}:${this.port}`);
    return this.port;
  }

  /** Stop listening and close every connection; resolves once all are gone. */
  async close(): Promise<void> {
    this.closing = true;
    const stopped = new Promise<void>((resolve) => {
      if (!this.server.listening) resolve();
      else this.server.close(() => resolve());
    });
    const open = [...this.sessions.entries()];
    for (const [session] of open) session.close();
    await Promise.all(open.map(([, closed]) => closed));
    this.server.closeAllConnections();
    await stopped;
    this.wss.close();
  }

  private onRequest(req: http.IncomingMessage, res: http.ServerResponse): void {
    const urlPath = pathOf(req.url);
    if (urlPath === WEBSOCKET_PATH) {
      plainResponse(req, res, 426, "This address takes websocket connections only.\n", { upgrade: "websocket" });
      return;
    }
    if (urlPath === "/" || urlPath === WEBCLIENT_PATH.slice(0, -1)) {
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
    plainResponse(req, res, 404, "Not found.\n");
  }

  /** Serve one webclient file (`rawName` still URL-encoded), from the game's folder first. */
  private async serveWebclientFile(req: http.IncomingMessage, res: http.ServerResponse, rawName: string): Promise<void> {
    if (req.method !== "GET" && req.method !== "HEAD") {
      plainResponse(req, res, 405, "Method not allowed.\n", { allow: "GET, HEAD" });
      return;
    }
    const file = await this.findWebclientFile(rawName);
    if (!file) {
      plainResponse(req, res, 404, "Not found.\n");
      return;
    }
    const body = await fs.readFile(file);
    const etag = `"${createHash("sha1").update(body).digest("base64url")}"`;
    const headers: http.OutgoingHttpHeaders = {
      "content-type": CONTENT_TYPES[path.extname(file).toLowerCase()] ?? "application/octet-stream",
      "cache-control": "no-cache",
      etag,
      "x-content-type-options": "nosniff",
    };
    if (req.headers["if-none-match"] === etag) {
      res.writeHead(304, headers);
      res.end();
      return;
    }
    res.writeHead(200, { ...headers, "content-length": body.length });
    res.end(req.method === "HEAD" ? undefined : body);
  }

  /** The file to serve for a requested name, or null (bad name, or no such regular file). */
  private async findWebclientFile(rawName: string): Promise<string | null> {
    let name: string;
    try {
      name = decodeURIComponent(rawName);
    } catch {
      return null;
    }
    if (!SAFE_FILE_NAME.test(name) || name.includes("..")) return null;
    const folders = [
      ...(this.options.gameDir ? [path.resolve(this.options.gameDir, "web", "webclient")] : []),
      path.resolve(this.options.webclientDir ?? WEBCLIENT_DIR),
    ];
    for (const folder of folders) {
      const file = path.join(folder, name);
      if (path.dirname(file) !== folder) continue;
      const stat = await fs.stat(file).catch(() => null);
      if (stat?.isFile()) return file;
    }
    return null;
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
    const refusal = this.registry.admit?.((socket as Socket).remoteAddress ?? "unknown", "websocket");
    if (refusal) {
      const body = `${refusal}\n`;
      socket.end(`HTTP/1.1 429 Too Many Requests\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
      setTimeout(() => socket.destroy(), 1000).unref();
      return;
    }
    (socket as Socket).setNoDelay?.(true);
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, socket as Socket));
  }

  private accept(ws: WebSocket, socket: Socket): void {
    if (this.closing) {
      ws.terminate();
      return;
    }
    const session = new WebSocketSession(ws, socket, {
      maxLineLength: this.options.maxLineLength,
      maxOutputBuffer: this.options.maxOutputBuffer,
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

function pathOf(url: string | undefined): string {
  const raw = url ?? "/";
  const q = raw.indexOf("?");
  return q < 0 ? raw : raw.slice(0, q);
}
