/**
 * CPU and memory of other processes (the game's portal and server), read from
 * `/proc/<pid>/stat` and `/proc/<pid>/status` (Linux only; elsewhere the figures are
 * left out). CPU is the user+system time used between two samples over the wall time
 * between them: 100% is one core busy.
 */
import { readFileSync } from "node:fs";

/** Clock ticks per second of `/proc/<pid>/stat` times (USER_HZ: 100 on every Linux port). */
const TICKS_PER_SECOND = 100;

/** One reading of a process. */
export interface ProcessSample {
  /** When it was taken (ms, `performance.now()` clock of the caller). */
  at: number;
  /** user + system CPU seconds used so far. */
  cpuSeconds: number;
  /** Resident set, bytes. */
  rssBytes: number;
  /** Peak resident set so far (VmHWM), bytes. */
  peakRssBytes: number;
}

/** Read `pid` now; null when it does not exist or /proc is not there. */
export function readProcessSample(pid: number, at: number): ProcessSample | null {
  let stat: string;
  let status: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    status = readFileSync(`/proc/${pid}/status`, "utf8");
  } catch {
    return null;
  }
  // the command name (field 2) is in parentheses and may hold spaces: count from after it
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // fields[0] is field 3 (state); utime and stime are fields 14 and 15
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  const kb = (name: string): number => {
    const match = new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(status);
    return match ? Number(match[1]) * 1024 : 0;
  };
  return { at, cpuSeconds: (utime + stime) / TICKS_PER_SECOND, rssBytes: kb("VmRSS"), peakRssBytes: kb("VmHWM") };
}

/** What a watched process used over a run. */
export interface ProcessUsage {
  /** Its role (`portal`, `server`, `echo`). */
  role: string;
  pid: number;
  /** CPU used over the run, percent of one core. */
  cpuPercent: number;
  /** Resident set at the end, bytes. */
  rssBytes: number;
  /** Largest resident set seen during the run, bytes. */
  maxRssBytes: number;
}

/** Samples a set of processes during a run. */
export class ProcessWatcher {
  private readonly first = new Map<string, ProcessSample>();
  private readonly last = new Map<string, ProcessSample>();
  private readonly maxRss = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    /** Role → pid. */
    private readonly pids: Readonly<Record<string, number>>,
    private readonly now: () => number,
  ) {}

  /** Take the first sample and one a second after. */
  start(): void {
    this.sample();
    this.timer = setInterval(() => this.sample(), 1000);
    this.timer.unref();
  }

  /** Take the last sample and stop. */
  stop(): ProcessUsage[] {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.sample();
    const out: ProcessUsage[] = [];
    for (const [role, pid] of Object.entries(this.pids)) {
      const a = this.first.get(role);
      const b = this.last.get(role);
      if (!a || !b) continue;
      const seconds = (b.at - a.at) / 1000;
      out.push({
        role,
        pid,
        cpuPercent: seconds > 0 ? ((b.cpuSeconds - a.cpuSeconds) / seconds) * 100 : 0,
        rssBytes: b.rssBytes,
        maxRssBytes: this.maxRss.get(role) ?? b.rssBytes,
      });
    }
    return out;
  }

  private sample(): void {
    for (const [role, pid] of Object.entries(this.pids)) {
      const s = readProcessSample(pid, this.now());
      if (!s) continue;
      if (!this.first.has(role)) this.first.set(role, s);
      this.last.set(role, s);
      this.maxRss.set(role, Math.max(this.maxRss.get(role) ?? 0, s.rssBytes));
    }
  }
}
