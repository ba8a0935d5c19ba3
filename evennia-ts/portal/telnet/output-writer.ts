/**
 * Coalescing socket writer for one telnet connection. Everything written within one
 * turn of the event loop leaves in ONE `socket.write` (TCP_NODELAY is on, so separate
 * writes would be separate packets). It can switch the outgoing stream to MCCP2
 * compression (zlib deflate, flushed with Z_SYNC_FLUSH after each write) and enforces
 * a bound on unsent output.
 */
import type { Socket } from "node:net";
import zlib from "node:zlib";

/** Writes telnet output to a socket in coalesced batches. */
export class TelnetOutputWriter {
  private queue: Buffer[] = [];
  private queued = 0;
  private scheduled = false;
  private deflate: zlib.Deflate | null = null;
  private ending = false;
  private paused = false;
  private dead = false;

  /**
   * @param socket the connection.
   * @param maxOutputBuffer most unsent bytes allowed before `onOverflow` is called.
   * @param onOverflow called once when the bound is exceeded (the writer stops writing).
   * @param onError called when compression fails.
   */
  constructor(
    private readonly socket: Socket,
    private readonly maxOutputBuffer: number,
    private readonly onOverflow: () => void,
    private readonly onError: (err: Error) => void,
  ) {}

  /** True while outgoing data is MCCP2-compressed. */
  get compressing(): boolean {
    return this.deflate !== null;
  }

  /** Bytes not yet handed to the network (queued, being compressed, or in the socket buffer). */
  get unsentBytes(): number {
    return this.queued + this.socket.writableLength + (this.deflate?.writableLength ?? 0);
  }

  /** Queue bytes; they are written at the end of this event-loop turn. */
  write(bytes: Buffer): void {
    if (this.dead || this.ending || bytes.length === 0) return;
    this.queue.push(bytes);
    this.queued += bytes.length;
    if (this.unsentBytes > this.maxOutputBuffer) {
      this.kill();
      this.onOverflow();
      return;
    }
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** Write everything queued now. */
  flush(): void {
    this.scheduled = false;
    if (this.dead || this.paused || this.queued === 0) return;
    const data = this.queue.length === 1 ? this.queue[0]! : Buffer.concat(this.queue, this.queued);
    this.queue = [];
    this.queued = 0;
    if (this.deflate) {
      this.deflate.write(data);
      this.deflate.flush(zlib.constants.Z_SYNC_FLUSH);
    } else if (!this.socket.destroyed) {
      this.socket.write(data);
    }
  }

  /**
   * Send `marker` uncompressed (IAC SB MCCP2 IAC SE), then compress everything after.
   * Output queued before the call leaves uncompressed, ahead of the marker.
   */
  startCompression(marker: Buffer): void {
    if (this.dead || this.ending || this.deflate) return;
    this.write(marker);
    this.flush();
    const deflate = zlib.createDeflate({ level: 6 });
    deflate.on("data", (chunk: Buffer) => {
      if (!this.socket.destroyed) this.socket.write(chunk);
    });
    deflate.on("error", (err) => {
      this.kill();
      this.onError(err);
    });
    this.deflate = deflate;
  }

  /** End the compressed stream (client sent DONT MCCP2); later output is plain again. */
  stopCompression(): void {
    const deflate = this.deflate;
    if (!deflate) return;
    this.flush();
    this.deflate = null;
    // hold later output until the compressed stream has ended
    this.paused = true;
    deflate.once("end", () => {
      this.paused = false;
      if (this.ending) {
        this.flush();
        if (!this.socket.destroyed) this.socket.end();
      } else if (this.queued > 0) {
        this.flush();
      }
    });
    deflate.end();
  }

  /** Flush, end the compressed stream if any, then end the socket. */
  end(): void {
    if (this.dead) {
      if (!this.socket.destroyed) this.socket.end();
      return;
    }
    if (this.ending) return;
    this.flush();
    this.ending = true;
    if (this.paused) return; // stopCompression ends the socket once the stream is done
    const deflate = this.deflate;
    if (deflate) {
      deflate.once("end", () => {
        if (!this.socket.destroyed) this.socket.end();
      });
      deflate.end();
    } else {
      this.socket.end();
    }
  }

  /** Drop everything and stop writing (the connection is being destroyed). */
  kill(): void {
    this.dead = true;
    this.queue = [];
    this.queued = 0;
    if (this.deflate) {
      this.deflate.removeAllListeners("data");
      this.deflate.destroy();
      this.deflate = null;
    }
  }
}
