/**
 * The inflating side of MCCP3 (client-to-server compression) for one connection. The
 * compressed bytes after `IAC SB MCCP3 IAC SE` go through zlib; what comes out is handed
 * on as plain input, and the plain bytes that follow the end of the zlib stream are
 * handed back when it ends.
 *
 * Two guards against a hostile client:
 * - **pacing**: while zlib has more compressed input waiting than its buffer holds, the
 *   socket is paused, so a client cannot queue input faster than it is inflated;
 * - **ratio**: inflated input may not exceed {@link MAX_INFLATE_RATIO} times the
 *   compressed bytes read, beyond {@link INFLATE_ALLOWANCE_BYTES}; a small stream that
 *   inflates to gigabytes (a "zip bomb") is cut off after a few MiB. Typed commands
 *   compress a few times at most (every client write is flushed on its own).
 */
import type { Socket } from "node:net";
import zlib from "node:zlib";

/** Most inflated bytes per compressed byte, past the allowance. */
export const MAX_INFLATE_RATIO = 100;
/** Inflated bytes allowed whatever the ratio (a short, very repetitive start). */
export const INFLATE_ALLOWANCE_BYTES = 1024 * 1024;

/** What an {@link InputInflater} reports. */
export interface InputInflaterEvents {
  /** Inflated input, in stream order. */
  plain(bytes: Buffer): void;
  /** The client ended its zlib stream; `rest` is the plain input that followed it. */
  ended(rest: Buffer): void;
  /** The stream is broken or too expansive; the connection should be dropped. */
  failed(reason: string): void;
}

/** Inflates one MCCP3 stream. */
export class InputInflater {
  private readonly inflate = zlib.createInflate();
  /** Compressed chunks zlib has not wholly consumed (to find the plain rest after its end). */
  private pending: Buffer[] = [];
  /** Bytes of chunks dropped from `pending` (consumed in full). */
  private trimmed = 0;
  private inflated = 0;
  private pausedSocket = false;
  private done = false;

  constructor(
    private readonly socket: Socket,
    private readonly events: InputInflaterEvents,
  ) {
    this.inflate.on("data", (plain: Buffer) => this.onPlain(plain));
    this.inflate.on("error", (err) => this.fail(`input decompression error: ${err.message}`));
    this.inflate.on("end", () => this.onEnd());
    this.inflate.on("drain", () => this.resumeSocket());
  }

  /** Inflated bytes so far. */
  get inflatedBytes(): number {
    return this.inflated;
  }

  /** Feed compressed bytes read from the socket. */
  write(chunk: Buffer): void {
    if (this.done) return;
    this.trim();
    this.pending.push(chunk);
    if (!this.inflate.write(chunk) && !this.socket.destroyed) {
      // zlib is behind: read no more until it has caught up
      this.pausedSocket = true;
      this.socket.pause();
    }
  }

  /** Stop inflating (the connection is going); nothing more is reported. */
  destroy(): void {
    if (this.done) return;
    this.done = true;
    this.pending = [];
    this.inflate.removeAllListeners("data");
    this.inflate.removeAllListeners("end");
    this.inflate.on("error", () => {});
    this.inflate.destroy();
  }

  private onPlain(plain: Buffer): void {
    if (this.done) return;
    this.trim();
    this.inflated += plain.length;
    if (this.inflated > INFLATE_ALLOWANCE_BYTES + MAX_INFLATE_RATIO * this.inflate.bytesWritten) {
      this.fail(
        `input decompression ratio too high (${this.inflated} bytes from ${this.inflate.bytesWritten} compressed; ` +
          `at most ${MAX_INFLATE_RATIO}:1 past ${INFLATE_ALLOWANCE_BYTES} bytes)`,
      );
      return;
    }
    this.events.plain(plain);
  }

  private onEnd(): void {
    if (this.done) return;
    const consumed = this.inflate.bytesWritten - this.trimmed;
    const rest = Buffer.concat(this.pending).subarray(consumed);
    this.destroy();
    this.resumeSocket();
    this.events.ended(rest);
  }

  private fail(reason: string): void {
    if (this.done) return;
    this.destroy();
    this.events.failed(reason);
  }

  private resumeSocket(): void {
    if (!this.pausedSocket) return;
    this.pausedSocket = false;
    if (!this.socket.destroyed) this.socket.resume();
  }

  /** Drop the chunks zlib has consumed in full. */
  private trim(): void {
    const consumed = this.inflate.bytesWritten;
    while (this.pending.length > 0 && this.trimmed + this.pending[0]!.length <= consumed) {
      this.trimmed += this.pending.shift()!.length;
    }
  }
}
