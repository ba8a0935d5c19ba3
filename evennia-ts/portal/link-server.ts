/**
 * The portal's end of the link: it listens (loopback by default) and accepts a
 * server that proves itself with the shared token in its first message. Anything
 * else — a wrong token, a malformed or oversized frame, silence — closes that
 * connection with a logged error; the portal carries on.
 */
import net from "node:net";
import { randomBytes, timingSafeEqual } from "node:crypto";
import { readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { LinkConnection } from "../protocol/link-connection.ts";
import { parseServerMessage, type PortalToServer, type ServerToPortal } from "../protocol/link-messages.ts";
import { getLogger } from "../utils/logger.ts";
import { isProcessAlive } from "../utils/process-alive.ts";
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

/**
 * A fresh path for the link's local socket: a Windows named pipe, or a Unix socket in
 * the temporary folder (short: a socket path may not be longer than about 100 bytes,
 * and a game folder can be deep).
 */
export function localLinkPath(): string {
  const name = `evennia-link-${process.pid}-${randomBytes(6).toString("hex")}`;
  return process.platform === "win32" ? `\\\\.\\pipe\\${name}` : path.join(os.tmpdir(), `${name}.sock`);
}

const LOCAL_LINK_FILE = /^evennia-link-(\d+)-[0-9a-f]+\.sock$/;

/**
 * Remove local link sockets left in `folder` by portals that are gone (killed: a portal
 * that stops removes its own). Returns how many were removed.
 */
export function removeStaleLinkSockets(folder = os.tmpdir()): number {
  let removed = 0;
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return 0;
  }
  for (const name of names) {
    const match = LOCAL_LINK_FILE.exec(name);
    if (!match || isProcessAlive(Number(match[1]))) continue;
    try {
      rmSync(path.join(folder, name), { force: true });
      removed++;
    } catch {
      // another portal's, or not ours to remove: leave it
    }
  }
  return removed;
}

/**
 * Accepts server connections on the link port and, where the portal and the server
 * share a machine, on a local socket too (a Unix socket: a command's two link hops
 * cost less in the kernel than over loopback TCP; `bench/link-floor.ts`). Both take
 * the same hello with the token.
 */
export class LinkServer {
  private readonly server = net.createServer((socket) => this.accept(socket));
  private local: { server: net.Server; path: string } | null = null;
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

  /**
   * Listen on a local socket too (see {@link localLinkPath}); resolves with its path, or
   * null when it cannot (the link port still serves, and the reason is logged).
   */
  listenLocal(socketPath = localLinkPath()): Promise<string | null> {
    if (process.platform !== "win32") {
      removeStaleLinkSockets(path.dirname(socketPath));
      rmSync(socketPath, { force: true });
    }
    const server = net.createServer((socket) => this.accept(socket));
    return new Promise((resolve) => {
      server.once("error", (err) => {
        log.warn(`no local socket for the link (${socketPath}): ${err.message}; the server uses the link port`);
        resolve(null);
      });
      server.listen(socketPath, () => {
        server.on("error", (err) => log.error("link local socket error", err));
        this.local = { server, path: socketPath };
        resolve(socketPath);
      });
    });
  }

  /** Stop listening (the local socket's file removed) and drop connections that never authenticated. */
  async close(): Promise<void> {
    for (const socket of this.pendingSockets) socket.destroy();
    const local = this.local;
    this.local = null;
    await Promise.all([
      new Promise<void>((resolve) => this.server.close(() => resolve())),
      local ? new Promise<void>((resolve) => local.server.close(() => resolve())) : undefined,
    ]);
    if (local && process.platform !== "win32") rmSync(local.path, { force: true });
  }

  private accept(socket: net.Socket): void {
    this.pendingSockets.add(socket);
    const link: ServerLink = new LinkConnection(socket, parseServerMessage, {
      maxFrameBytes: this.options.maxFrameBytes,
      maxBufferedBytes: this.options.maxBufferedBytes,
      peer: "server",
    });
    const timer = setTimeout(() => {
      log.error(`link connection from ${socket.remoteAddress || "the local socket"} said no hello in time; closing it`);
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
        log.error(`link connection from ${socket.remoteAddress || "the local socket"} failed authentication; closing it`);
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
