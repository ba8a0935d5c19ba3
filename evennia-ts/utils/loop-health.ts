/**
 * How well a process's event loop keeps up (the server's, for `evennia-ts status` and the
 * `server` command): its delay (node's `monitorEventLoopDelay`: how late a 10 ms
 * timer fires, i.e. how long something held the loop) over the last half minute or
 * so, and the garbage collector's pauses since start, by kind.
 *
 * A player's answer waits for whatever holds the loop when the command arrives: a
 * p99 of the delay in tens of milliseconds says the commands' own latency is not the
 * whole story, and the pauses say whether the collector is the cause (a major
 * collection of a heap of 200 MB stops the loop for milliseconds) or the game's code
 * is (then the stall watchdog names the commands). Cost: the histogram's 10 ms
 * timer and one observer callback per collection.
 */
import { formatMiB } from "./bytes.ts";
import { constants, monitorEventLoopDelay, PerformanceObserver, type IntervalHistogram } from "node:perf_hooks";

/** Pauses of one kind of collection. */
export interface GcPauses {
  count: number;
  totalMs: number;
  maxMs: number;
}

/** What {@link LoopHealth.figures} reports. */
export interface LoopHealthFigures {
  /** Event-loop delay, ms, over the last `windowSeconds` (null before the first measurement). */
  delay: { p50: number; p99: number; max: number; windowSeconds: number } | null;
  /** Collector pauses since the monitor started: scavenges, full mark-compacts, the rest (incremental marking steps, weak callbacks). */
  gc: { minor: GcPauses; major: GcPauses; other: GcPauses };
}

/** The histogram's timer interval, ms: it records when each tick came, so this is taken off. */
const RESOLUTION_MS = 10;

/** The delay histogram restarts this often, keeping the last full window. */
const WINDOW_MS = 30_000;

function emptyPauses(): GcPauses {
  return { count: 0, totalMs: 0, maxMs: 0 };
}

/** The event-loop delay and collector pauses of this process. */
export class LoopHealth {
  private histogram: IntervalHistogram | null = null;
  private observer: PerformanceObserver | null = null;
  private rotation: NodeJS.Timeout | null = null;
  private windowStartedAt = 0;
  private previous: LoopHealthFigures["delay"] = null;
  private readonly gc = { minor: emptyPauses(), major: emptyPauses(), other: emptyPauses() };

  /** Start measuring (no-op when started). */
  start(): void {
    if (this.histogram) return;
    this.histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
    this.histogram.enable();
    this.windowStartedAt = performance.now();
    this.rotation = setInterval(() => this.rotate(), WINDOW_MS);
    this.rotation.unref();
    this.observer = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) this.notePause((entry as { detail?: { kind?: number } }).detail?.kind, entry.duration);
    });
    this.observer.observe({ entryTypes: ["gc"] });
  }

  /** Stop measuring (the figures stay readable). */
  stop(): void {
    this.histogram?.disable();
    this.histogram = null;
    this.observer?.disconnect();
    this.observer = null;
    if (this.rotation) clearInterval(this.rotation);
    this.rotation = null;
  }

  /** The figures now: the current window's delay once it is 10 s old (else the previous window's), and the pauses since start. */
  figures(): LoopHealthFigures {
    const current = this.currentDelay();
    const delay = current && (current.windowSeconds >= 10 || !this.previous) ? current : this.previous;
    return { delay, gc: { minor: { ...this.gc.minor }, major: { ...this.gc.major }, other: { ...this.gc.other } } };
  }

  /** @internal count one collection's pause (exposed for tests) */
  notePause(kind: number | undefined, durationMs: number): void {
    const into =
      kind === constants.NODE_PERFORMANCE_GC_MINOR ? this.gc.minor : kind === constants.NODE_PERFORMANCE_GC_MAJOR ? this.gc.major : this.gc.other;
    into.count++;
    into.totalMs += durationMs;
    if (durationMs > into.maxMs) into.maxMs = durationMs;
  }

  private currentDelay(): LoopHealthFigures["delay"] {
    const h = this.histogram;
    if (!h || h.count === 0) return null;
    // the histogram counts nanoseconds between ticks: a loop that kept up shows the interval
    const late = (ns: number) => Math.max(0, ns / 1e6 - RESOLUTION_MS);
    return {
      p50: late(h.percentile(50)),
      p99: late(h.percentile(99)),
      max: late(h.max),
      windowSeconds: Math.ceil((performance.now() - this.windowStartedAt) / 1000),
    };
  }

  private rotate(): void {
    const current = this.currentDelay();
    if (current) this.previous = current;
    this.histogram?.reset();
    this.windowStartedAt = performance.now();
  }
}

/** "delay p50/p99/max 0.5/12.1/31.0 ms (last 30 s); GC pauses since start: ..." */
export function describeLoopHealth(figures: LoopHealthFigures): string {
  const d = figures.delay;
  const delay = d === null ? "delay not measured yet" : `delay p50/p99/max ${d.p50.toFixed(1)}/${d.p99.toFixed(1)}/${d.max.toFixed(1)} ms (last ${d.windowSeconds} s)`;
  const pauses = (name: string, p: GcPauses) =>
    p.count === 0 ? `0 ${name}` : `${p.count} ${name} (mean ${(p.totalMs / p.count).toFixed(1)}, max ${p.maxMs.toFixed(1)} ms)`;
  return `${delay}; GC pauses since start: ${pauses("minor", figures.gc.minor)}, ${pauses("major", figures.gc.major)}`;
}

/**
 * The portal's health as it reports it to the server over the link (every few
 * seconds): its memory and its loop. The portal has no control socket of its own;
 * `evennia-ts status`, the `server` command and a load test's end show it through
 * the server.
 */
export interface PortalHealth {
  rss: number;
  heapUsed: number;
  heapTotal: number;
  loop: LoopHealthFigures;
}

/** A portal's report as the server holds it: how many seconds ago it came. */
export interface PortalReport extends PortalHealth {
  ageSeconds: number;
}

/** "RSS 57.2 MiB, heap 6.3 of 9.1 MiB; delay p50/p99/max ...; GC pauses ... (reported 3 s ago)" */
export function describePortalHealth(report: PortalReport): string {
  return `RSS ${formatMiB(report.rss)}, heap ${formatMiB(report.heapUsed)} of ${formatMiB(report.heapTotal)}; ${describeLoopHealth(report.loop)} (reported ${report.ageSeconds} s ago)`;
}

function isCount(v: unknown): v is number {
  return typeof v === "number" && Number.isFinite(v) && v >= 0;
}

function isPauses(v: unknown): v is GcPauses {
  const p = v as GcPauses | null;
  return typeof p === "object" && p !== null && isCount(p.count) && isCount(p.totalMs) && isCount(p.maxMs);
}

/** True when `v` has the shape of {@link LoopHealthFigures} (what arrives over the link is checked). */
export function isLoopHealthFigures(v: unknown): v is LoopHealthFigures {
  const f = v as LoopHealthFigures | null;
  if (typeof f !== "object" || f === null || typeof f.gc !== "object" || f.gc === null) return false;
  const d = f.delay as LoopHealthFigures["delay"];
  const delayOk = d === null || (typeof d === "object" && isCount(d.p50) && isCount(d.p99) && isCount(d.max) && isCount(d.windowSeconds));
  return delayOk && isPauses(f.gc.minor) && isPauses(f.gc.major) && isPauses(f.gc.other);
}

/** True when `v` has the shape of {@link PortalHealth}. */
export function isPortalHealth(v: unknown): v is PortalHealth {
  const h = v as PortalHealth | null;
  return typeof h === "object" && h !== null && isCount(h.rss) && isCount(h.heapUsed) && isCount(h.heapTotal) && isLoopHealthFigures(h.loop);
}
