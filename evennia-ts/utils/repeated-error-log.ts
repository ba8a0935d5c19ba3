/**
 * Logs a burst of alike errors (a database outage failing every command) as one line
 * each for the first few, then one summary line per interval with the count, instead
 * of a line — or a stack trace — per failure.
 */
import type { Logger } from "./logger.ts";

/** Alike errors logged in full within one interval before the rest are only counted. */
export const REPEATS_LOGGED = 3;
/** Length of a summary interval, in ms. */
export const REPEAT_INTERVAL_MS = 60_000;

interface Burst {
  logged: number;
  suppressed: number;
  timer: NodeJS.Timeout | null;
}

/** Summarises repeats of errors with the same key (an error code, say). */
export class RepeatedErrorLog {
  private readonly bursts = new Map<string, Burst>();

  constructor(
    private readonly log: Logger,
    private readonly intervalMs = REPEAT_INTERVAL_MS,
    private readonly perInterval = REPEATS_LOGGED,
  ) {}

  /** Log `line` (one line, no trace) unless `key` has been logged enough this interval; then count it. */
  report(key: string, line: string): void {
    let burst = this.bursts.get(key);
    if (!burst) {
      burst = { logged: 0, suppressed: 0, timer: null };
      this.bursts.set(key, burst);
      burst.timer = setTimeout(() => this.endInterval(key), this.intervalMs);
      burst.timer.unref();
    }
    if (burst.logged < this.perInterval) {
      burst.logged++;
      this.log.error(line);
      return;
    }
    burst.suppressed++;
  }

  /** Write the pending summaries now (at shutdown). */
  flush(): void {
    for (const key of [...this.bursts.keys()]) this.endInterval(key);
  }

  private endInterval(key: string): void {
    const burst = this.bursts.get(key);
    if (!burst) return;
    if (burst.timer) clearTimeout(burst.timer);
    this.bursts.delete(key);
    if (burst.suppressed > 0) {
      this.log.error(`... and ${burst.suppressed} more like it (${key}) in the last ${Math.round(this.intervalMs / 1000)} s; not logged one by one`);
    }
  }
}
