/**
 * Coalescing socket writer for one telnet connection. Everything written within one
 * turn of the event loop leaves in ONE `socket.write` (TCP_NODELAY is on, so separate
 * writes would be separate packets). It can switch the outgoing stream to MCCP2
 * compression (zlib deflate, flushed with Z_SYNC_FLUSH after each write) and enforces
 * a bound on unsent output.
 */
import type { Socket } from "node:net";
import zlib from "node:zlib";
import { FlushScheduler } from "../flush-scheduler.ts";

/** Queued buffers merged into one when this many pile up within one turn. */
const COMPACT_AFTER = 256;

/** Writes telnet output to a socket in coalesced batches. */
export class TelnetOutputWriter {
  private queue: Buffer[] = [];
  private queued = 0;
  /** Queue entries before this index are merges already (never merged again: merging stays linear). */
  private mergedUpTo = 0;
  private readonly flushes: FlushScheduler;
  /** The compressed stream in use, or null. */
  private deflate: zlib.Deflate | null = null;
  /** A compressed stream that was told to end and has not finished yet (output waits for it). */
  private retiring: zlib.Deflate | null = null;
  /**
   * Compression asked for while the previous stream is still ending: the marker sits in
   * the queue, and what is queued before it leaves plain, what after it compressed.
   */
  private pendingStart: Buffer | null = null;
  private ending = false;
  private dead = false;

  /**
   * @param socket the connection.
   * @param maxOutputBuffer most unsent bytes allowed before `onOverflow` is called.
   * @param onOverflow called once when the bound is exceeded (the writer stops writing).
   * @param onError called when compression fails.
   * @param batchMs how long broadcast output may wait for more after a write (see `FlushScheduler`).
   */
  constructor(
    private readonly socket: Socket,
    private readonly maxOutputBuffer: number,
    private readonly onOverflow: () => void,
    private readonly onError: (err: Error) => void,
    batchMs = 0,
  ) {
    this.flushes = new FlushScheduler(() => this.flush(), batchMs);
  }

  /** True while outgoing data is MCCP2-compressed (or will be, once the previous stream ended). */
  get compressing(): boolean {
    return this.deflate !== null || this.pendingStart !== null;
  }

  /** Compression streams alive right now (the one in use and one still ending): never more than one. */
  get compressionStreams(): number {
    return (this.deflate ? 1 : 0) + (this.retiring ? 1 : 0);
  }

  /** Bytes not yet handed to the network (queued, being compressed, or in the socket buffer). */
  get unsentBytes(): number {
    return this.queued + this.socket.writableLength + (this.deflate?.writableLength ?? 0) + (this.retiring?.writableLength ?? 0);
  }

  /** Queue bytes; they are written at the end of this event-loop turn. */
  write(bytes: Buffer): void {
    if (this.enqueue(bytes)) this.flushes.soon();
  }

  /** Queue broadcast bytes: written with the next write, or once the batching time since the last one is up. */
  writeBackground(bytes: Buffer): void {
    if (this.enqueue(bytes)) this.flushes.background();
  }

  /** Queue bytes; false when nothing is to be written (dead, ending, empty, overflow). */
  private enqueue(bytes: Buffer): boolean {
    if (this.dead || this.ending || bytes.length === 0) return false;
    this.queue.push(bytes);
    this.queued += bytes.length;
    if (this.queue.length - this.mergedUpTo > COMPACT_AFTER && !this.pendingStart) {
      // many small writes in one turn: one buffer per COMPACT_AFTER instead of thousands of objects
      this.queue.push(Buffer.concat(this.queue.splice(this.mergedUpTo)));
      this.mergedUpTo = this.queue.length;
    }
    if (this.unsentBytes > this.maxOutputBuffer) {
      this.kill();
      this.onOverflow();
      return false;
    }
    return true;
  }

  /** Write everything queued now (nothing while a compressed stream is still ending). */
  flush(): void {
    this.flushes.cancel();
    if (this.dead || this.retiring || this.queued === 0) return;
    const data = this.queue.length === 1 ? this.queue[0]! : Buffer.concat(this.queue, this.queued);
    this.queue = [];
    this.queued = 0;
    this.mergedUpTo = 0;
    if (this.deflate) {
      this.deflate.write(data);
      this.deflate.flush(zlib.constants.Z_SYNC_FLUSH);
    } else if (!this.socket.destroyed) {
      this.socket.write(data);
    }
    this.flushes.flushed();
  }

  /**
   * Send `marker` uncompressed (IAC SB MCCP2 IAC SE), then compress everything after.
   * Output queued before the call leaves uncompressed, ahead of the marker. While an
   * earlier stream is still ending, the start waits for it: at most one compression
   * stream exists at any time, however fast a client toggles.
   */
  startCompression(marker: Buffer): void {
    if (this.dead || this.ending || this.deflate || this.pendingStart) return;
    if (this.retiring) {
      this.pendingStart = marker;
      this.write(marker);
      return;
    }
    this.write(marker);
    this.flush();
    this.openDeflate();
  }

  /** End the compressed stream (client sent DONT MCCP2); later output is plain again. */
  stopCompression(): void {
    if (this.pendingStart) {
      // started and stopped while the previous stream was still ending: it never began
      this.dropQueued(this.pendingStart);
      this.pendingStart = null;
      return;
    }
    const deflate = this.deflate;
    if (!deflate) return;
    this.flush();
    this.deflate = null;
    this.retire(deflate);
  }

  /** Flush, end the compressed stream if any, then end the socket. */
  end(): void {
    if (this.dead) {
      if (!this.socket.destroyed) this.socket.end();
      return;
    }
    if (this.ending) return;
    if (this.pendingStart) {
      this.dropQueued(this.pendingStart);
      this.pendingStart = null;
    }
    this.flush();
    this.ending = true;
    if (this.retiring) return; // the retiring stream's end finishes the socket
    const deflate = this.deflate;
    if (deflate) {
      this.deflate = null;
      this.retire(deflate);
    } else {
      this.socket.end();
    }
  }

  /** Drop everything and stop writing (the connection is being destroyed). */
  kill(): void {
    this.dead = true;
    this.flushes.cancel();
    this.queue = [];
    this.queued = 0;
    this.mergedUpTo = 0;
    this.pendingStart = null;
    for (const stream of [this.deflate, this.retiring]) {
      if (!stream) continue;
      stream.removeAllListeners("data");
      stream.removeAllListeners("end");
      stream.destroy();
    }
    this.deflate = null;
    this.retiring = null;
  }

  private openDeflate(): void {
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

  /** End `deflate`; output waits until its last bytes are out, then a pending start or the socket end follows. */
  private retire(deflate: zlib.Deflate): void {
    this.retiring = deflate;
    deflate.once("end", () => {
      if (this.retiring !== deflate) return;
      this.retiring = null;
      deflate.destroy(); // free its zlib memory now, before a new stream is made
      if (this.dead) return;
      const marker = this.pendingStart;
      if (marker) {
        // plain output up to and including the marker, then a fresh stream for the rest
        this.pendingStart = null;
        const at = this.queue.lastIndexOf(marker);
        const plain = this.queue.splice(0, at + 1);
        this.mergedUpTo = Math.max(0, this.mergedUpTo - plain.length);
        const plainBytes = plain.reduce((n, b) => n + b.length, 0);
        this.queued -= plainBytes;
        if (!this.socket.destroyed && plainBytes > 0) this.socket.write(Buffer.concat(plain, plainBytes));
        this.openDeflate();
      }
      if (this.ending) {
        this.flush();
        if (!this.socket.destroyed) this.socket.end();
      } else if (this.queued > 0) {
        this.flush();
      }
    });
    deflate.end();
  }

  /** Take one queued buffer (by identity) out of the queue. */
  private dropQueued(buffer: Buffer): void {
    const at = this.queue.lastIndexOf(buffer);
    if (at < 0) return;
    this.queue.splice(at, 1);
    this.queued -= buffer.length;
    if (at < this.mergedUpTo) this.mergedUpTo--;
  }
}
