/**
 * The portal's web front: one HTTP server (settings `webPort` / `webInterface`)
 * whose path `/ws` takes websocket connections, each a {@link WebSocketSession}
 * registered with the portal's session registry. For now every other request is
 * answered with a small plain-text 404 (the webclient and the proxy to the
 * server's web app come later); `/ws` without an upgrade gets 426.
 */
import http from "node:http";
import type { Duplex } from "node:stream";
import type { Socket } from "node:net";
import { WebSocketServer, type WebSocket } from "ws";
import { EvenniaError } from "../../utils/errors.ts";
import { getLogger } from "../../utils/logger.ts";
import type { SessionRegistry } from "../session-transport.ts";
import { WEBSOCKET_INITIAL_CLIENT_OPTIONS, WebSocketSession } from "./websocket-session.ts";

const log = getLogger("portal.web");

/** Path of the websocket endpoint. */
export const WEBSOCKET_PATH = "/ws";

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
  listen(port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      const onError = (err: NodeJS.ErrnoException): void => {
        this.server.off("listening", onListening);
        if (err.code === "EADDRINUSE") {
          reject(new EvenniaError("EV_ERR_PORT_IN_USE", `web port ${port} on ${host} is already in use`, { cause: err }));
        } else {
          reject(new EvenniaError("EV_ERR_CONFIG", `cannot listen on ${host}:${port}: ${err.message}`, { cause: err }));
        }
      };
      const onListening = (): void => {
        this.server.off("error", onError);
        const address = this.server.address();
        this.port = typeof address === "object" && address ? address.port : port;
        log.info(`web (websocket ${WEBSOCKET_PATH}) listening on ${host}:${this.port}`);
        resolve(this.port);
      };
      this.server.once("error", onError);
      this.server.once("listening", onListening);
      this.server.listen({ port, host });
    });
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
    const isWs = pathOf(req.url) === WEBSOCKET_PATH;
    const status = isWs ? 426 : 404;
    const body = isWs ? "This address takes websocket connections only.\n" : "Not found.\n";
    res.writeHead(status, {
      "content-type": "text/plain; charset=utf-8",
      "content-length": Buffer.byteLength(body),
      ...(isWs ? { upgrade: "websocket" } : {}),
    });
    res.end(req.method === "HEAD" ? undefined : body);
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

function pathOf(url: string | undefined): string {
  const raw = url ?? "/";
  const q = raw.indexOf("?");
  return q < 0 ? raw : raw.slice(0, q);
}
