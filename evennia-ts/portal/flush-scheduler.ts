/**
 * When a connection's queued output is written.
 *
 * Output asked for with {@link FlushScheduler.soon} leaves at the end of this turn of
 * the event loop (everything of one turn in one write). Broadcast output — what other
 * players did, heard by many (a room's `say`, a channel message: a multicast) — is
 * asked for with {@link FlushScheduler.background}: it leaves at the end of this turn
 * too when the connection was not written to in the last `batchMs`, else when those
 * milliseconds since the last write are over, with whatever else came meanwhile.
 *
 * Each write is a system call, and in a crowded room they are most of the portal's
 * work: 200 players hearing 1,000 says a second were written to at every turn. With a
 * few milliseconds of batching a listener gets a handful of writes a second per
 * window instead; a reply to its own command never waits (and takes what waits with it).
 */
export class FlushScheduler {
  private lastWriteAt = -Infinity;
  private immediate = false;
  private timer: NodeJS.Timeout | null = null;

  /**
   * @param write writes everything queued (and calls {@link flushed}).
   * @param batchMs how long broadcast output may wait after a write (0: never waits).
   */
  constructor(
    private readonly write: () => void,
    private readonly batchMs: number,
  ) {}

  /** Write at the end of this turn. */
  soon(): void {
    if (this.immediate) return;
    this.immediate = true;
    setImmediate(() => {
      if (this.immediate) this.run();
    });
  }

  /** Write at the end of this turn if the connection was quiet for `batchMs`, else when that time is up. */
  background(): void {
    if (this.immediate || this.timer) return;
    const wait = this.batchMs > 0 ? this.lastWriteAt + this.batchMs - performance.now() : 0;
    if (wait < 1) {
      this.soon();
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = null;
      this.run();
    }, wait);
  }

  /** The owner wrote everything queued (its flush calls this, whoever asked for the flush). */
  flushed(): void {
    this.cancel();
    this.lastWriteAt = performance.now();
  }

  /** Forget what was asked (the connection is gone). */
  cancel(): void {
    this.immediate = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private run(): void {
    this.cancel();
    this.write();
  }
}
