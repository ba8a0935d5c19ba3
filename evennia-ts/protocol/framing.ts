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
 */
export class FrameDecoder {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private failed = false;

  constructor(private readonly maxFrameBytes: number) {}

  /** Add received bytes; returns every value completed by them, in order. */
  push(data: Buffer): unknown[] {
    if (this.failed) throw new EvenniaError("EV_ERR_LINK_FRAME", "decoder already failed");
    this.chunks.push(data);
    this.buffered += data.length;
    const values: unknown[] = [];
    while (this.buffered >= FRAME_HEADER_BYTES) {
      const head = this.peek(FRAME_HEADER_BYTES);
      const length = head.readUInt32BE(0);
      if (length > this.maxFrameBytes) {
        this.failed = true;
        throw new EvenniaError(
          "EV_ERR_LINK_FRAME",
          `link frame of ${length} bytes exceeds the limit of ${this.maxFrameBytes} (setting linkMaxFrameBytes)`,
        );
      }
      if (this.buffered < FRAME_HEADER_BYTES + length) break;
      const frame = this.take(FRAME_HEADER_BYTES + length).subarray(FRAME_HEADER_BYTES);
      try {
        values.push(JSON.parse(frame.toString("utf8")));
      } catch (err) {
        this.failed = true;
        throw new EvenniaError("EV_ERR_LINK_FRAME", `malformed link frame: ${(err as Error).message}`, { cause: err });
      }
    }
    return values;
  }

  private peek(n: number): Buffer {
    if (this.chunks[0]!.length >= n) return this.chunks[0]!.subarray(0, n);
    const joined = Buffer.concat(this.chunks);
    this.chunks = [joined];
    return joined.subarray(0, n);
  }

  private take(n: number): Buffer {
    const joined = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
    const out = joined.subarray(0, n);
    const rest = joined.subarray(n);
    this.chunks = rest.length > 0 ? [rest] : [];
    this.buffered -= n;
    return out;
  }
}
