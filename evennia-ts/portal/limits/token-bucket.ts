/**
 * A token bucket: `capacity` tokens, refilled continuously at `ratePerSecond`.
 * Each allowed action takes one token; with none left the action is refused.
 * It keeps two numbers, so one per session costs nothing.
 */

/** A token bucket rate limiter. */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  /**
   * @param ratePerSecond tokens added per second (the sustained rate); 0 or less: unlimited
   * @param capacity most tokens held (the burst); starts full
   */
  constructor(
    readonly ratePerSecond: number,
    readonly capacity: number,
    now = Date.now(),
  ) {
    this.tokens = Math.max(1, capacity);
    this.updatedAt = now;
  }

  /** True when the bucket never refuses (rate 0 or less). */
  get unlimited(): boolean {
    return !(this.ratePerSecond > 0);
  }

  /** Take one token; false (and nothing taken) when the bucket is empty. */
  take(now = Date.now()): boolean {
    if (this.unlimited) return true;
    this.refill(now);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Tokens available now (fractional). */
  available(now = Date.now()): number {
    if (this.unlimited) return Infinity;
    this.refill(now);
    return this.tokens;
  }

  private refill(now: number): void {
    const elapsed = now - this.updatedAt;
    if (elapsed <= 0) return;
    this.updatedAt = now;
    this.tokens = Math.min(Math.max(1, this.capacity), this.tokens + (elapsed / 1000) * this.ratePerSecond);
  }
}
