/** Byte helpers: counts for people to read, and a bounded accumulator for partial input. */

/** `bytes` in MiB with `digits` decimals: `12.3 MiB`. */
export function formatMiB(bytes: number, digits = 1): string {
  return `${(bytes / 1048576).toFixed(digits)} MiB`;
}

/** Storage larger than this is let go after {@link ByteAccumulator.take} (a one-off big message does not stay). */
const KEEP_STORAGE_BYTES = 4096;
const EMPTY = Buffer.alloc(0);

/**
 * Collects bytes that arrive in pieces (a line, a sub-negotiation) into one growing
 * buffer, up to `limit` bytes; what does not fit is dropped and counted. Growth doubles,
 * so appending is linear in the bytes kept however small the pieces are, and the memory
 * held is at most twice the limit: a list of pieces would cost one object per piece,
 * which a client sending one byte at a time turns into ~100 bytes held per byte sent.
 */
export class ByteAccumulator {
  private storage: Buffer | null = null;
  private used = 0;
  private dropped = 0;

  /** @param limit most bytes kept (at least 0). */
  constructor(readonly limit: number) {}

  /** Bytes kept so far. */
  get length(): number {
    return this.used;
  }

  /** Bytes offered since the last {@link take} or {@link clear} that did not fit. */
  get droppedBytes(): number {
    return this.dropped;
  }

  /** True when something was dropped for lack of room since the last take or clear. */
  get overflowed(): boolean {
    return this.dropped > 0;
  }

  /** Append `bytes` (copied) as far as the limit allows; returns how many were kept. */
  append(bytes: Uint8Array): number {
    const room = Math.max(0, this.limit - this.used);
    const kept = Math.min(room, bytes.length);
    this.dropped += bytes.length - kept;
    if (kept === 0) return 0;
    this.reserve(this.used + kept);
    this.storage!.set(kept === bytes.length ? bytes : bytes.subarray(0, kept), this.used);
    this.used += kept;
    return kept;
  }

  /** Append one byte; false when it did not fit. */
  appendByte(byte: number): boolean {
    if (this.used >= this.limit) {
      this.dropped++;
      return false;
    }
    this.reserve(this.used + 1);
    this.storage![this.used++] = byte;
    return true;
  }

  /** The bytes kept, as a new buffer of their own; the accumulator is emptied. */
  take(): Buffer {
    const out = Buffer.allocUnsafe(this.used);
    if (this.used > 0) this.storage!.copy(out, 0, 0, this.used);
    this.clear();
    return out;
  }

  /**
   * Hand the bytes kept to `use` as a view valid only during the call (no copy), then
   * empty the accumulator; returns what `use` returns.
   */
  consume<T>(use: (bytes: Buffer) => T): T {
    const view = this.storage ? this.storage.subarray(0, this.used) : EMPTY;
    try {
      return use(view);
    } finally {
      this.clear();
    }
  }

  /** Forget everything kept and dropped (large storage is released). */
  clear(): void {
    this.used = 0;
    this.dropped = 0;
    if (this.storage && this.storage.length > KEEP_STORAGE_BYTES) this.storage = null;
  }

  private reserve(needed: number): void {
    const capacity = this.storage?.length ?? 0;
    if (needed <= capacity) return;
    const size = Math.min(Math.max(needed, capacity * 2, 64), Math.max(this.limit, needed));
    const grown = Buffer.allocUnsafe(size);
    if (this.storage && this.used > 0) this.storage.copy(grown, 0, 0, this.used);
    this.storage = grown;
  }
}
