/**
 * The portal's end of the link: it listens (loopback by default) and accepts a
 * server that proves itself with the shared token in its first message. Anything
 * else — a wrong token, a malformed or oversized frame, silence — closes that
 * connection with a logged error; the portal carries on.
 */
import net from "node:net";
import { timingSafeEqual } from "node:crypto";
import { LinkConnection } from "../protocol/link-connection.ts";
import { parseServerMessage, type PortalToServer, type ServerToPortal } from "../protocol/link-messages.ts";
import { getLogger } from "../utils/logger.ts";
import { listenOn } from "./listen.ts";

const log = getLogger("portal.link");

/** An authenticated server connection. */
export type ServerLink = LinkConnection<ServerToPortal, PortalToServer>;

/** Options of the link listener. */
export interface LinkServerOptions {
  token: string;
  maxFrameBytes: number;
  /** Bytes allowed to wait for the server to read them (see `LinkConnection`). */
  maxBufferedBytes?: number;
  /** Milliseconds a new connection has to say hello. */
  helloTimeoutMs?: number;
}

/** Accepts server connections on the link port. */
export class LinkServer {
  private readonly server = net.createServer((socket) => this.accept(socket));
  private readonly pendingSockets = new Set<net.Socket>();

  /**
   * @param options token and limits
   * @param onServer called with each authenticated server link and its pid
   */
  constructor(
    private readonly options: LinkServerOptions,
    private readonly onServer: (link: ServerLink, pid: number) => void,
  ) {
    this.server.on("error", (err) => {
      // errors while starting to listen are reported by listen()
      if (this.server.listening) log.error("link listener error", err);
    });
  }

  /** Listen; resolves with the bound port. */
  listen(port: number, host: string): Promise<number> {
    return listenOn(this.server, port, host, "link", "EV_ERR_CONFIG", "linkPort");
  }

  /** Stop listening and drop connections that never authenticated. */
  close(): Promise<void> {
    for (const socket of this.pendingSockets) socket.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: net.Socket): void {
    this.pendingSockets.add(socket);
    const link: ServerLink = new LinkConnection(socket, parseServerMessage, {
      maxFrameBytes: this.options.maxFrameBytes,
      maxBufferedBytes: this.options.maxBufferedBytes,
      peer: "server",
    });
    const timer = setTimeout(() => {
      log.error(`link connection from ${socket.remoteAddress} said no hello in time; closing it`);
      link.close("hello timeout");
    }, this.options.helloTimeoutMs ?? 10_000);
    timer.unref();
    let authenticated = false;
    link.onClose(() => {
      clearTimeout(timer);
      this.pendingSockets.delete(socket);
    });
    link.onMessage((msg) => {
      if (authenticated) return;
      if (msg.t !== "hello" || !tokensMatch(msg.token, this.options.token)) {
        log.error(`link connection from ${socket.remoteAddress} failed authentication; closing it`);
        link.close("authentication failed");
        return;
      }
      authenticated = true;
      clearTimeout(timer);
      this.pendingSockets.delete(socket);
      this.onServer(link, msg.pid);
    });
  }
}

function tokensMatch(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
