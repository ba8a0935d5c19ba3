/**
 * Heap tracking during a load test (`loadtest --heap-track S`): the server's heap is
 * sampled every S seconds (the control socket's `stats`, so from outside the server)
 * and, once the warm-up is over, the first sample is compared with the last. A heap
 * that keeps growing under a steady load is a leak; one within a few percent is flat.
 * Each sample asks the server to run a full garbage collection first (`stats` with
 * `gc`), so it reads the live heap, not the live heap plus whatever garbage the young
 * generation held at that moment (a `heapUsed` read at random moved by tens of
 * percent between collections). The lowest sample of the first and of the last
 * quarter (after the warm-up) are compared too: with samples that were not collected
 * (a server without `gc()`) the floor is the steadier figure.
 */
import { EvenniaError } from "../../utils/errors.ts";
import { formatMiB } from "../../utils/bytes.ts";

/** One reading of the server's heap. */
export interface HeapSample {
  /** Seconds since tracking began. */
  atSeconds: number;
  heapUsed: number;
  heapTotal: number;
  rss: number;
  /** A full collection ran just before this reading: `heapUsed` is the live heap. */
  collected: boolean;
}

/** What the samples after the warm-up show. */
export interface HeapTrackSummary {
  intervalSeconds: number;
  warmupSeconds: number;
  /** Samples taken in all (the warm-up's included) and those after it. */
  samples: number;
  samplesAfterWarmup: number;
  first: HeapSample | null;
  last: HeapSample | null;
  /** (last − first) / first heap used, in percent; null with fewer than two samples after the warm-up. */
  changePercent: number | null;
  /** The same for the lowest heap used of the first and of the last quarter of those samples. */
  floorChangePercent: number | null;
  /** Samples that failed (the server did not answer). */
  failures: number;
  /** True when every sample after the warm-up followed a full collection (live heap). */
  live: boolean;
  /** Every sample, for the JSON report. */
  series: HeapSample[];
}

/** Summarise `series` (in time order) ignoring samples before `warmupSeconds`. */
export function summarizeHeapTrack(series: readonly HeapSample[], options: { intervalSeconds: number; warmupSeconds: number; failures: number }): HeapTrackSummary {
  const after = series.filter((s) => s.atSeconds >= options.warmupSeconds);
  const first = after[0] ?? null;
  const last = after.at(-1) ?? null;
  const percent = (from: number, to: number): number => ((to - from) / from) * 100;
  let changePercent: number | null = null;
  let floorChangePercent: number | null = null;
  if (after.length >= 2 && first && last && first.heapUsed > 0) {
    changePercent = percent(first.heapUsed, last.heapUsed);
    const quarter = Math.max(1, Math.floor(after.length / 4));
    const floor = (part: readonly HeapSample[]): number => Math.min(...part.map((s) => s.heapUsed));
    floorChangePercent = percent(floor(after.slice(0, quarter)), floor(after.slice(-quarter)));
  }
  return {
    intervalSeconds: options.intervalSeconds,
    warmupSeconds: options.warmupSeconds,
    samples: series.length,
    samplesAfterWarmup: after.length,
    first,
    last,
    changePercent,
    floorChangePercent,
    failures: options.failures,
    live: after.length > 0 && after.every((s) => s.collected),
    series: [...series],
  };
}

/** Lines for the terminal. */
export function formatHeapTrack(summary: HeapTrackSummary): string[] {
  const pct = (p: number | null): string => (p === null ? "n/a" : `${p >= 0 ? "+" : ""}${p.toFixed(1)}%`);
  const what = summary.live ? "live heap (each sample after a full collection)" : "heap used (no collection before the samples: garbage included)";
  const out = [`Server ${what}, every ${summary.intervalSeconds} s after a warm-up of ${summary.warmupSeconds} s (${summary.samplesAfterWarmup} of ${summary.samples} samples; ${summary.failures} unanswered):`];
  if (!summary.first || !summary.last || summary.changePercent === null) {
    out.push("  too few samples after the warm-up: run longer or sample more often.");
    return out;
  }
  out.push(`  first ${formatMiB(summary.first.heapUsed)} used (RSS ${formatMiB(summary.first.rss)}) at ${summary.first.atSeconds.toFixed(0)} s; last ${formatMiB(summary.last.heapUsed)} (RSS ${formatMiB(summary.last.rss)}) at ${summary.last.atSeconds.toFixed(0)} s`);
  out.push(`  change ${pct(summary.changePercent)}; lowest of first vs last quarter ${pct(summary.floorChangePercent)}${Math.abs(summary.floorChangePercent ?? 0) <= 5 ? " (flat within 5%)" : " (NOT flat within 5%)"}`);
  return out;
}

/** Samples the heap every `intervalSeconds` with `read` until stopped. */
export class HeapTracker {
  private readonly series: HeapSample[] = [];
  private failures = 0;
  private timer: NodeJS.Timeout | null = null;
  private readonly startedAt = Date.now();
  private pending: Promise<void> = Promise.resolve();

  constructor(
    private readonly read: () => Promise<{ heapUsed: number; heapTotal: number; rss: number; collected?: boolean }>,
    private readonly options: { intervalSeconds: number; warmupSeconds: number },
  ) {
    if (!(options.intervalSeconds > 0)) throw new EvenniaError("EV_ERR_BAD_INPUT", `the heap sampling interval must be > 0 s, got ${options.intervalSeconds}`);
    if (!(options.warmupSeconds >= 0)) throw new EvenniaError("EV_ERR_BAD_INPUT", `the warm-up must be >= 0 s, got ${options.warmupSeconds}`);
  }

  /** Take a sample now and then every interval. */
  start(): void {
    this.sample();
    this.timer = setInterval(() => this.sample(), this.options.intervalSeconds * 1000);
  }

  /** Take a last sample, stop, and summarise. */
  async stop(): Promise<HeapTrackSummary> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.sample();
    await this.pending;
    return summarizeHeapTrack(this.series, { ...this.options, failures: this.failures });
  }

  private sample(): void {
    const at = (Date.now() - this.startedAt) / 1000;
    // one at a time, in order
    this.pending = this.pending.then(async () => {
      try {
        const heap = await this.read();
        this.series.push({ atSeconds: at, heapUsed: heap.heapUsed, heapTotal: heap.heapTotal, rss: heap.rss, collected: heap.collected === true });
      } catch {
        this.failures++;
      }
    });
  }
}
