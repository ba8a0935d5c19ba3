/**
 * Latency samples and their percentiles, for the load tester's report. Every sample
 * of a run is kept (a growable Float64Array: 8 bytes each), so the percentiles are
 * exact, not estimated.
 */
import { EvenniaError } from "../../utils/errors.ts";

/** Percentiles of a set of samples, in milliseconds. */
export interface PercentileSummary {
  count: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/** The value at quantile `q` (0..1) of ascending `sorted` (nearest rank); 0 when empty. */
export function percentile(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return 0;
  if (!(q >= 0 && q <= 1)) throw new EvenniaError("EV_ERR_BAD_INPUT", `a quantile is between 0 and 1, got ${q}`);
  const rank = Math.max(1, Math.ceil(q * n));
  return sorted[rank - 1]!;
}

/** A growing list of latency samples (ms). */
export class LatencySamples {
  private values = new Float64Array(1024);
  private size = 0;
  private sum = 0;

  /** Samples recorded. */
  get count(): number {
    return this.size;
  }

  /** Record one sample; negative and non-finite values are refused (they are bugs in the caller). */
  add(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new EvenniaError("EV_ERR_BAD_INPUT", `a latency is a finite number >= 0, got ${ms}`);
    if (this.size === this.values.length) {
      const bigger = new Float64Array(this.values.length * 2);
      bigger.set(this.values);
      this.values = bigger;
    }
    this.values[this.size++] = ms;
    this.sum += ms;
  }

  /** Forget every sample. */
  clear(): void {
    this.size = 0;
    this.sum = 0;
  }

  /** Add every sample of `other`. */
  merge(other: LatencySamples): void {
    for (let i = 0; i < other.size; i++) this.add(other.values[i]!);
  }

  /** Count, mean, p50, p90, p99 and max (all 0 when empty). */
  summary(): PercentileSummary {
    const sorted = this.values.slice(0, this.size).sort();
    return {
      count: this.size,
      mean: this.size === 0 ? 0 : this.sum / this.size,
      p50: percentile(sorted, 0.5),
      p90: percentile(sorted, 0.9),
      p99: percentile(sorted, 0.99),
      max: this.size === 0 ? 0 : sorted[this.size - 1]!,
    };
  }
}
