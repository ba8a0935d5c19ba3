/**
 * The server's local admin control channel: a Unix domain socket (a named pipe on
 * Windows) in the game folder, readable and writable by the owner only, speaking
 * newline-delimited JSON (see `control-protocol.ts`). `evennia-ts memory` and
 * `heapdump` use it. Each request runs its command's handler; whatever a client sends,
 * it gets an error response at worst — a bad request never takes the server down.
 */
import { randomBytes } from "node:crypto";
import { chmodSync, mkdirSync, renameSync, rmSync, statSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { describeError, isEvenniaError } from "../../utils/errors.ts";
import { getLogger } from "../../utils/logger.ts";
import { encodeControlResponse, LineSplitter, MAX_CONTROL_LINE_BYTES, parseControlLine, type ControlRequest, type ControlResponse } from "./control-protocol.ts";

const log = getLogger("control");

/** Runs one control command; its resolved value is the response's `result` (it must be JSON-serialisable). */
export type ControlHandler = (args: Record<string, unknown>) => unknown;

/** Options of {@link ControlServer.start}. */
export interface ControlServerOptions {
  /** Where to listen (see `controlSocketPath`). An existing file there is replaced. */
  socketPath: string;
  /** Commands by name. */
  handlers: Record<string, ControlHandler>;
  /** Longest request line accepted. */
  maxLineBytes?: number;
}

/** A listening control channel. */
export class ControlServer {
  readonly #server: net.Server;
  readonly #sockets = new Set<net.Socket>();
  readonly #handlers: Map<string, ControlHandler>;
  readonly #maxLineBytes: number;
  /** Inode of the socket file we created, so `stop()` never removes a successor's. */
  #inode: number | null = null;
  #stopped: Promise<void> | null = null;

  private constructor(
    /** The socket path. */
    readonly socketPath: string,
    options: ControlServerOptions,
  ) {
    this.#handlers = new Map(Object.entries(options.handlers));
    this.#maxLineBytes = options.maxLineBytes ?? MAX_CONTROL_LINE_BYTES;
    this.#server = net.createServer((socket) => this.#accept(socket));
  }

  /** Listen on `options.socketPath` (replacing a stale socket file; the file gets mode 0600). */
  static async start(options: ControlServerOptions): Promise<ControlServer> {
    const server = new ControlServer(options.socketPath, options);
    await server.#listen();
    return server;
  }

  /** Names of the commands served. */
  get commands(): string[] {
    return [...this.#handlers.keys()];
  }

  /**
   * Bind to a temporary name beside the socket path, restrict it to the owner, then
   * rename it into place: the public name never exists with wider permissions, a stale
   * file there is replaced atomically, and closing this server (libuv unlinks the name
   * it bound) cannot remove a successor's socket.
   */
  async #listen(): Promise<void> {
    const file = this.socketPath;
    if (process.platform === "win32") {
      await this.#bind(file);
    } else {
      mkdirSync(path.dirname(file), { recursive: true });
      const temp = `${file}.${randomBytes(3).toString("hex")}`;
      await this.#bind(temp);
      try {
        chmodSync(temp, 0o600);
        renameSync(temp, file);
      } catch (err) {
        this.#server.close();
        throw err;
      }
      this.#inode = statSync(file).ino;
    }
    this.#server.on("error", (err) => log.error("control socket error", err));
    log.info(`control channel listening on ${file}`);
  }

  #bind(where: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const onError = (err: Error) => reject(err);
      this.#server.once("error", onError);
      this.#server.listen(where, () => {
        this.#server.off("error", onError);
        resolve();
      });
    });
  }

  /** Stop listening, drop open connections and remove the socket file (if it is still this server's). Idempotent. */
  stop(): Promise<void> {
    this.#stopped ??= (async () => {
      if (this.#inode !== null) {
        try {
          // while this server listens its socket's inode cannot be reused, so equal means ours
          if (statSync(this.socketPath).ino === this.#inode) rmSync(this.socketPath, { force: true });
        } catch {
          // already gone
        }
      }
      const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
      for (const socket of this.#sockets) socket.destroy();
      await closed;
    })();
    return this.#stopped;
  }

  #accept(socket: net.Socket): void {
    this.#sockets.add(socket);
    socket.on("close", () => this.#sockets.delete(socket));
    socket.on("error", (err) => log.debug(`control connection error: ${err.message}`));
    const splitter = new LineSplitter(this.#maxLineBytes);
    socket.on("data", (chunk: Buffer) => {
      let lines: string[];
      try {
        lines = splitter.push(chunk);
      } catch (err) {
        this.#send(socket, { id: null, ok: false, error: { code: "EV_ERR_LIMIT", message: describeError(err) } });
        socket.end();
        return;
      }
      for (const line of lines) void this.#handleLine(socket, line);
    });
  }

  async #handleLine(socket: net.Socket, line: string): Promise<void> {
    const parsed = parseControlLine(line);
    if (!parsed.ok) {
      this.#send(socket, { id: parsed.id, ok: false, error: parsed.error });
      return;
    }
    this.#send(socket, await this.#run(parsed.request));
  }

  async #run(request: ControlRequest): Promise<ControlResponse> {
    const { id, cmd, args } = request;
    const handler = this.#handlers.get(cmd);
    if (!handler) {
      return { id, ok: false, error: { code: "EV_ERR_NOT_FOUND", message: `unknown command "${cmd}"; known: ${this.commands.join(", ")}` } };
    }
    try {
      return { id, ok: true, result: (await handler(args)) ?? null };
    } catch (err) {
      if (isEvenniaError(err)) return { id, ok: false, error: { code: err.code, message: err.message } };
      log.error(`control command "${cmd}" failed`, err);
      return { id, ok: false, error: { code: "EV_ERR_INTERNAL", message: describeError(err) } };
    }
  }

  #send(socket: net.Socket, response: ControlResponse): void {
    if (socket.destroyed || !socket.writable) return;
    let line: string;
    try {
      line = encodeControlResponse(response);
    } catch (err) {
      line = encodeControlResponse({ id: response.id, ok: false, error: { code: "EV_ERR_INTERNAL", message: `unserialisable result: ${describeError(err)}` } });
    }
    socket.write(line);
  }
}
