/**
 * HTTP pipelining on the web port, one request at a time: Node's server parses every
 * request a client sent ahead on one connection at once and hands them all over,
 * so without this one TCP connection holding thousands of tiny pipelined `GET`s
 * would open thousands of connections to the server's web app at the same moment
 * (the per-IP connection limit counts connections, not requests).
 *
 * A connection's requests are handled one after another: the next starts when the
 * answer to the one before is done (Node writes the answers in order anyway, and
 * browsers do not pipeline). More than {@link MAX_PIPELINED_REQUESTS} requests
 * waiting on one connection is no browser: the connection is destroyed.
 */
import type http from "node:http";
import type { Socket } from "node:net";
import { getLogger } from "../../utils/logger.ts";

const log = getLogger("portal.web");

/** Most requests that may wait behind the one being answered on one connection. */
export const MAX_PIPELINED_REQUESTS = 16;

/** One connection's request being answered and those waiting for it. */
interface ConnectionRequests {
  busy: boolean;
  waiting: (() => void)[];
}

/** Handles the requests of each connection in order, one at a time. */
export class PipelinedRequests {
  private readonly connections = new WeakMap<Socket, ConnectionRequests>();

  /** Run `handle` for `req` once the earlier requests of its connection are answered. */
  run(req: http.IncomingMessage, res: http.ServerResponse, handle: () => void): void {
    const socket = req.socket;
    let state = this.connections.get(socket);
    if (!state) {
      const created: ConnectionRequests = { busy: false, waiting: [] };
      this.connections.set(socket, created);
      socket.once("close", () => {
        created.waiting = [];
        this.connections.delete(socket);
      });
      state = created;
    }
    const current = state;
    const start = (): void => {
      current.busy = true;
      res.once("close", () => {
        current.busy = false;
        // a connection that is gone answers nothing more: what waited on it is dropped
        if (socket.destroyed) current.waiting = [];
        else current.waiting.shift()?.();
      });
      handle();
    };
    if (!current.busy) {
      start();
      return;
    }
    if (current.waiting.length >= MAX_PIPELINED_REQUESTS) {
      log.warn(`${socket.remoteAddress ?? "?"}: more than ${MAX_PIPELINED_REQUESTS} pipelined requests on one connection, closing it`);
      current.waiting = [];
      socket.destroy();
      return;
    }
    current.waiting.push(start);
  }
}
