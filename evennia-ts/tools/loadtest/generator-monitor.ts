/**
 * Is the load generator itself the bottleneck? It watches its own event-loop delay
 * and CPU while a run goes on: a generator whose loop lags or whose CPU is near one
 * core measures itself, not the game.
 */
import { monitorEventLoopDelay, type IntervalHistogram } from "node:perf_hooks";

/** CPU share (percent of one core) above which the generator counts as saturated. */
export const SATURATED_CPU_PERCENT = 90;
/** Event-loop delay p99 (ms) above which the generator counts as saturated. */
export const SATURATED_LAG_MS = 50;

/** What the generator used over a run. */
export interface GeneratorUsage {
  /** CPU of the load-test process, percent of one core. */
  cpuPercent: number;
  /** Its event-loop delay, ms. */
  lagP99Ms: number;
  lagMaxMs: number;
  /** True when either is past its threshold: the figures then say more about the generator. */
  saturated: boolean;
}

/** Watches this process during a run. */
export class GeneratorMonitor {
  private histogram: IntervalHistogram | null = null;
  private cpuAtStart = process.cpuUsage();
  private startedAt = 0;

  constructor(private readonly now: () => number) {}

  start(): void {
    this.histogram = monitorEventLoopDelay({ resolution: 10 });
    this.histogram.enable();
    this.cpuAtStart = process.cpuUsage();
    this.startedAt = this.now();
  }

  stop(): GeneratorUsage {
    const h = this.histogram;
    h?.disable();
    const cpu = process.cpuUsage(this.cpuAtStart);
    const seconds = Math.max(0.001, (this.now() - this.startedAt) / 1000);
    const cpuPercent = ((cpu.user + cpu.system) / 1e6 / seconds) * 100;
    // the histogram counts in ns and includes the sampling resolution itself
    const lagP99Ms = h && h.count > 0 ? Math.max(0, h.percentile(99) / 1e6 - 10) : 0;
    const lagMaxMs = h && h.count > 0 ? Math.max(0, h.max / 1e6 - 10) : 0;
    return { cpuPercent, lagP99Ms, lagMaxMs, saturated: cpuPercent >= SATURATED_CPU_PERCENT || lagP99Ms >= SATURATED_LAG_MS };
  }
}
