/**
 * The control channel's wire format: newline-delimited JSON, one request or response
 * a line, UTF-8.
 *
 *   → {"id": 1, "cmd": "memory", "args": {}}
 *   ← {"id": 1, "ok": true, "result": {...}}
 *   ← {"id": 1, "ok": false, "error": {"code": "EV_ERR_NOT_FOUND", "message": "..."}}
 *
 * A request that cannot be read gets a response with `"id": null`.
 */
import { EvenniaError } from "../../utils/errors.ts";

/** Longest line accepted; a longer one is answered with an error and the connection closed. */
export const MAX_CONTROL_LINE_BYTES = 64 * 1024;

/** A request id: what the client chose to match responses with. */
export type ControlRequestId = string | number | null;

/** One request. */
export interface ControlRequest {
  id: ControlRequestId;
  cmd: string;
  args: Record<string, unknown>;
}

/** An error in a response. */
export interface ControlError {
  code: string;
  message: string;
}

/** One response. */
export type ControlResponse = { id: ControlRequestId; ok: true; result: unknown } | { id: ControlRequestId; ok: false; error: ControlError };

/** The outcome of reading one request line: the request, or the error to answer (with the id if one was readable). */
export type ParsedControlLine = { ok: true; request: ControlRequest } | { ok: false; id: ControlRequestId; error: ControlError };

function isId(value: unknown): value is ControlRequestId {
  return value === null || typeof value === "string" || (typeof value === "number" && Number.isFinite(value));
}

/** Read one request line. Never throws. */
export function parseControlLine(line: string): ParsedControlLine {
  let data: unknown;
  try {
    data = JSON.parse(line);
  } catch {
    return { ok: false, id: null, error: { code: "EV_ERR_BAD_INPUT", message: "the request is not JSON" } };
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    return { ok: false, id: null, error: { code: "EV_ERR_BAD_INPUT", message: 'a request is a JSON object {"id", "cmd", "args"}' } };
  }
  const { id, cmd, args } = data as Record<string, unknown>;
  const replyId = isId(id) ? id : null;
  if (id !== undefined && !isId(id)) {
    return { ok: false, id: null, error: { code: "EV_ERR_BAD_INPUT", message: "id must be a string, a number or null" } };
  }
  if (typeof cmd !== "string" || cmd === "") {
    return { ok: false, id: replyId, error: { code: "EV_ERR_BAD_INPUT", message: "cmd must be a non-empty string" } };
  }
  if (args !== undefined && (typeof args !== "object" || args === null || Array.isArray(args))) {
    return { ok: false, id: replyId, error: { code: "EV_ERR_BAD_INPUT", message: "args must be a JSON object" } };
  }
  return { ok: true, request: { id: replyId, cmd, args: (args ?? {}) as Record<string, unknown> } };
}

/** A response as one line (newline included). */
export function encodeControlResponse(response: ControlResponse): string {
  return JSON.stringify(response) + "\n";
}

/**
 * Splits a byte stream into lines. `push` returns the complete lines so far; it
 * throws `EV_ERR_LIMIT` when a line grows past `maxBytes` without ending.
 */
export class LineSplitter {
  #pending: Buffer[] = [];
  #pendingBytes = 0;

  constructor(private readonly maxBytes: number = MAX_CONTROL_LINE_BYTES) {}

  push(chunk: Buffer): string[] {
    const lines: string[] = [];
    let start = 0;
    for (let nl = chunk.indexOf(0x0a); nl >= 0; nl = chunk.indexOf(0x0a, start)) {
      const piece = chunk.subarray(start, nl);
      if (this.#pendingBytes + piece.length > this.maxBytes) throw this.#tooLong();
      const bytes = this.#pending.length > 0 ? Buffer.concat([...this.#pending, piece]) : piece;
      this.#pending = [];
      this.#pendingBytes = 0;
      const line = bytes.toString("utf8").replace(/\r$/, "");
      if (line.trim() !== "") lines.push(line);
      start = nl + 1;
    }
    if (start < chunk.length) {
      this.#pendingBytes += chunk.length - start;
      if (this.#pendingBytes > this.maxBytes) throw this.#tooLong();
      this.#pending.push(Buffer.from(chunk.subarray(start)));
    }
    return lines;
  }

  #tooLong(): EvenniaError {
    return new EvenniaError("EV_ERR_LIMIT", `a request line is longer than ${this.maxBytes} bytes`);
  }
}
