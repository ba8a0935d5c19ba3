/**
 * Commands per second, for the `server` command: every line a player sends to the
 * command handler is counted in one-second buckets; the rate is the average over
 * the last minute (or since the start, when the server is younger).
 */
import { EvenniaError } from "../utils/errors.ts";

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

/** Percentiles of recent command latencies, in milliseconds. */
export interface LatencySummary {
  /** Commands the figures are taken over (the most recent, at most the recorder's capacity). */
  samples: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/**
 * How long the last commands took, from the line reaching the server to its unit
 * of work committed (output handed to the portal). A fixed ring of the most recent
 * `capacity` latencies: recording writes one number and allocates nothing; the
 * percentiles are worked out (sorting a copy) only when asked for.
 */
export class CommandLatencyRecorder {
  private readonly ring: Float64Array;
  private next = 0;
  private filled = 0;

  constructor(
    /** How many recent commands the percentiles cover. */
    readonly capacity = 2048,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new EvenniaError("EV_ERR_BAD_INPUT", `capacity must be a positive integer, got ${capacity}`);
    this.ring = new Float64Array(capacity);
  }

  /** Record one command that took `ms` milliseconds (negative or non-finite values are ignored). */
  record(ms: number): void {
    if (!(ms >= 0) || ms === Infinity) return;
    this.ring[this.next] = ms;
    this.next = this.next + 1 === this.capacity ? 0 : this.next + 1;
    if (this.filled < this.capacity) this.filled++;
  }

  /** p50, p90, p99 and max over the recorded window (all 0 when nothing was recorded). */
  summary(): LatencySummary {
    const n = this.filled;
    if (n === 0) return { samples: 0, p50: 0, p90: 0, p99: 0, max: 0 };
    const sorted = this.ring.slice(0, n).sort();
    const at = (q: number): number => sorted[Math.min(n - 1, Math.ceil(q * n) - 1)]!;
    return { samples: n, p50: at(0.5), p90: at(0.9), p99: at(0.99), max: sorted[n - 1]! };
  }
}
