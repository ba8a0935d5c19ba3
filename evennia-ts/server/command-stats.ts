/**
 * Commands per second, for the `server` command: every line a player sends to the
 * command handler is counted in one-second buckets; the rate is the average over
 * the last minute (or since the start, when the server is younger).
 */

/** Counts commands and gives the recent rate. */
export class CommandRateCounter {
  /** Commands counted since this counter was made. */
  total = 0;
  private readonly buckets: number[];
  /** The second (since the epoch) the newest bucket counts. */
  private currentSecond: number;
  private readonly startedAt: number;

  constructor(
    /** Seconds the rate is averaged over. */
    readonly windowSeconds = 60,
    private readonly now: () => number = Date.now,
  ) {
    this.buckets = new Array<number>(windowSeconds).fill(0);
    this.startedAt = now();
    this.currentSecond = Math.floor(this.startedAt / 1000);
  }

  /** Count one command, now. */
  record(): void {
    this.advance();
    this.total++;
    this.buckets[this.currentSecond % this.windowSeconds]!++;
  }

  /** Commands per second over the window (or over the time since the start, when shorter). */
  perSecond(): number {
    this.advance();
    const counted = this.buckets.reduce((sum, n) => sum + n, 0);
    const elapsed = Math.max(1, Math.min(this.windowSeconds, (this.now() - this.startedAt) / 1000));
    return counted / elapsed;
  }

  /** Move to the current second, emptying the buckets of seconds that passed. */
  private advance(): void {
    const second = Math.floor(this.now() / 1000);
    if (second === this.currentSecond) return;
    const steps = Math.min(this.windowSeconds, second - this.currentSecond);
    for (let i = 1; i <= steps; i++) this.buckets[(this.currentSecond + i) % this.windowSeconds] = 0;
    this.currentSecond = second;
  }
}
