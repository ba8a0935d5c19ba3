/**
 * Talking to a server's control channel (the launcher's `memory` and `heapdump`, tests).
 */
import net from "node:net";
import { EvenniaError, type EvenniaErrorCode } from "../../utils/errors.ts";
import { LineSplitter, type ControlResponse } from "./control-protocol.ts";

/** Options of {@link sendControlRequest}. */
export interface ControlRequestOptions {
  /** Give up after this long (default 60 s; a heap snapshot of a big server takes a while). */
  timeoutMs?: number;
}

let nextId = 1;

/**
 * Send one request and resolve with its result. Rejects with `EV_ERR_NOT_RUNNING` when
 * nothing listens at `socketPath`, and with the server's error code when it answers
 * with an error.
 */
export function sendControlRequest(socketPath: string, cmd: string, args: Record<string, unknown> = {}, options: ControlRequestOptions = {}): Promise<unknown> {
  const id = nextId++;
  const timeoutMs = options.timeoutMs ?? 60_000;
  return new Promise((resolve, reject) => {
    const socket = net.connect(socketPath);
    const splitter = new LineSplitter(Number.MAX_SAFE_INTEGER);
    let settled = false;
    const finish = (err: Error | null, value?: unknown) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (err) reject(err);
      else resolve(value);
    };
    const timer = setTimeout(
      () => finish(new EvenniaError("EV_ERR_LIMIT", `the server did not answer "${cmd}" within ${Math.round(timeoutMs / 1000)} s`)),
      timeoutMs,
    );
    socket.once("connect", () => socket.write(JSON.stringify({ id, cmd, args }) + "\n"));
    socket.on("data", (chunk: Buffer) => {
      for (const line of splitter.push(chunk)) {
        let response: ControlResponse;
        try {
          response = JSON.parse(line) as ControlResponse;
        } catch {
          finish(new EvenniaError("EV_ERR_INTERNAL", "the server sent a response that is not JSON"));
          return;
        }
        if (response.id !== id) continue;
        if (response.ok) finish(null, response.result);
        else {
          const code = (/^EV_ERR_[A-Z_]+$/.test(response.error?.code ?? "") ? response.error.code : "EV_ERR_INTERNAL") as EvenniaErrorCode;
          finish(new EvenniaError(code, response.error?.message ?? "the server reported an error"));
        }
      }
    });
    socket.on("error", (err: NodeJS.ErrnoException) => {
      if (err.code === "ENOENT" || err.code === "ECONNREFUSED") {
        finish(new EvenniaError("EV_ERR_NOT_RUNNING", `the server is not running (nothing listens at ${socketPath})`));
      } else finish(new EvenniaError("EV_ERR_INTERNAL", `control channel: ${err.message}`, { cause: err }));
    });
    socket.on("close", () => finish(new EvenniaError("EV_ERR_INTERNAL", `the server closed the control channel before answering "${cmd}"`)));
  });
}
