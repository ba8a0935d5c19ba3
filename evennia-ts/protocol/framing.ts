/**
 * Length-prefixed frames for the portal ⇄ server link: a 4-byte big-endian length
 * followed by that many bytes of UTF-8 JSON. A frame larger than the limit, or one
 * that is not valid JSON, is a protocol error: the receiver closes the link.
 */
import { EvenniaError } from "../utils/errors.ts";

/** Bytes of the length prefix. */
export const FRAME_HEADER_BYTES = 4;

/** Encode one JSON value as a frame. */
export function encodeFrame(value: unknown): Buffer {
  const body = Buffer.from(JSON.stringify(value), "utf8");
  const frame = Buffer.allocUnsafe(FRAME_HEADER_BYTES + body.length);
  frame.writeUInt32BE(body.length, 0);
  body.copy(frame, FRAME_HEADER_BYTES);
  return frame;
}

/**
 * Incremental frame decoder: feed it bytes as they arrive, get whole decoded values.
 * Throws {@link EvenniaError} `EV_ERR_LINK_FRAME` on an oversized or malformed frame;
 * after that the decoder is unusable and the link must be closed.
 *
 * Received chunks are kept as a list, never joined: a frame inside one chunk is
 * decoded from a view of it (no copy), and a frame spread over several chunks is
 * copied once, into a buffer of its own size. Bytes after a frame are not copied.
 */
export class FrameDecoder {
  private chunks: Buffer[] = [];
  /** Index of the first chunk not wholly consumed (chunks before it are dropped in bulk). */
  private head = 0;
  /** Bytes of `chunks[head]` already consumed. */
  private offset = 0;
  private buffered = 0;
  private failed = false;
  /** Bytes copied to join frames that arrived in several chunks (a diagnostic for tests and benchmarks). */
  copiedBytes = 0;

  constructor(private readonly maxFrameBytes: number) {}

  /** Add received bytes; returns every value completed by them, in order. */
  push(data: Buffer): unknown[] {
    if (this.failed) throw new EvenniaError("EV_ERR_LINK_FRAME", "decoder already failed");
    if (data.length > 0) {
      this.chunks.push(data);
      this.buffered += data.length;
    }
    const values: unknown[] = [];
    while (this.buffered >= FRAME_HEADER_BYTES) {
      const length = this.readLength();
      if (length > this.maxFrameBytes) {
        this.failed = true;
        throw new EvenniaError(
          "EV_ERR_LINK_FRAME",
          `link frame of ${length} bytes exceeds the limit of ${this.maxFrameBytes} (setting linkMaxFrameBytes)`,
        );
      }
      if (this.buffered < FRAME_HEADER_BYTES + length) break;
      this.skip(FRAME_HEADER_BYTES);
      const body = this.take(length);
      try {
        values.push(JSON.parse(body.toString("utf8")));
      } catch (err) {
        this.failed = true;
        throw new EvenniaError("EV_ERR_LINK_FRAME", `malformed link frame: ${(err as Error).message}`, { cause: err });
      }
    }
    return values;
  }

  /** The 4-byte big-endian length at the read position (which may span chunks). */
  private readLength(): number {
    const first = this.chunks[this.head]!;
    if (first.length - this.offset >= FRAME_HEADER_BYTES) return first.readUInt32BE(this.offset);
    let value = 0;
    let chunk = this.head;
    let at = this.offset;
    for (let i = 0; i < FRAME_HEADER_BYTES; i++) {
      while (at >= this.chunks[chunk]!.length) {
        chunk++;
        at = 0;
      }
      value = value * 256 + this.chunks[chunk]![at++]!;
    }
    return value;
  }

  /** Consume `n` buffered bytes without reading them. */
  private skip(n: number): void {
    this.buffered -= n;
    while (n > 0) {
      const left = this.chunks[this.head]!.length - this.offset;
      if (n < left) {
        this.offset += n;
        return;
      }
      n -= left;
      this.head++;
      this.offset = 0;
    }
    if (this.head === this.chunks.length) {
      this.chunks = [];
      this.head = 0;
    } else if (this.head >= 64) {
      this.chunks = this.chunks.slice(this.head);
      this.head = 0;
    }
  }

  /** Consume `n` buffered bytes: a view when they lie in one chunk, else one copy. */
  private take(n: number): Buffer {
    const first = this.chunks[this.head];
    if (n === 0) return Buffer.alloc(0);
    if (first && first.length - this.offset >= n) {
      const out = first.subarray(this.offset, this.offset + n);
      this.skip(n);
      return out;
    }
    const out = Buffer.allocUnsafe(n);
    let written = 0;
    while (written < n) {
      const chunk = this.chunks[this.head]!;
      const count = Math.min(n - written, chunk.length - this.offset);
      chunk.copy(out, written, this.offset, this.offset + count);
      written += count;
      this.skip(count);
    }
    this.copiedBytes += n;
    return out;
  }
}
