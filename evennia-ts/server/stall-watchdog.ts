/**
 * The event-loop stall watchdog: it notices when the game loop was blocked longer
 * than a threshold (setting `stallWarningMs`) and logs how long, naming the
 * commands (or tracked timers) that were running then (`utils/activity.ts`) — the
 * command, what was typed, who typed it.
 *
 * How: a timer that should tick every `checkIntervalMs` measures how late it ran; a
 * late tick means nothing could run meanwhile. The process's CPU time over the same
 * window (`process.cpuUsage()`, every thread of it) tells a loop that was busy from one
 * that waited for a core another process had: on a shared or overloaded machine the
 * block is the machine's, not the game's. The work registered as running at
 * some moment in that window is named: when one command ran, it is the culprit;
 * when several did, they are all listed (past ten, the log line counts them by
 * command instead: under load hundreds are in flight, waiting on their commit). Cost: one timer (unref'd), no hooks on
 * every callback.
 */
import { activitiesSince, type Activity } from "../utils/activity.ts";
import { getLogger } from "../utils/logger.ts";

const log = getLogger("stall-watchdog");

/** One stall. */
export interface StallReport {
  /** How long the loop was blocked beyond the timer's interval, in ms. */
  blockedMs: number;
  /** What ran in that time (commands, tracked timers), oldest first. */
  activities: string[];
  /** When it was noticed (`Date.now()`). */
  at: number;
  /** The window measured: the timer's interval and the block, in ms. */
  windowMs?: number;
  /** CPU time the process (all its threads) used in that window, in ms. */
  cpuMs?: number;
}

/** Options of a {@link StallWatchdog}. */
export interface StallWatchdogOptions {
  /** Report blocks longer than this, in ms. */
  thresholdMs: number;
  /** How often the timer ticks, in ms (default: a quarter of the threshold, between 10 and 250). */
  checkIntervalMs?: number;
  /** Called for each stall (after it is logged). */
  onStall?: (report: StallReport) => void;
}

/** How many reports {@link StallWatchdog.recent} keeps. */
const KEEP = 20;

/** How many activities a stall's log line names one by one; past that it counts them by command. */
export const NAMED_IN_LOG = 10;

/** The command (or timer) word of an activity label: `command "look" ("look") by ...` → `command "look"`. */
function activityKind(label: string): string {
  const match = /^(\w+ "[^"]*")/.exec(label);
  return match ? match[1]! : label;
}

/**
 * A long list of activities, summarised: how many, then counts by command, most
 * frequent first (`183 in flight: command "channel" ×150, command "look" ×30, ...`).
 * Under load hundreds of commands are in flight at once (waiting on their commit or
 * the database); naming each made a single log line tens of kilobytes long.
 */
function summariseActivities(activities: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const label of activities) {
    const kind = activityKind(label);
    counts.set(kind, (counts.get(kind) ?? 0) + 1);
  }
  const top = [...counts].sort((a, b) => b[1] - a[1]);
  const shown = top.slice(0, NAMED_IN_LOG).map(([kind, n]) => `${kind} ×${n}`);
  const rest = top.length - shown.length;
  return `${activities.length} in flight: ${shown.join(", ")}${rest > 0 ? `, and ${rest} other kinds` : ""}; the first was ${activities[0]}`;
}

/** Describe a stall for the log (the report itself keeps every activity). */
export function describeStall(report: StallReport): string {
  const what =
    report.activities.length === 0
      ? "no command or tracked timer was running (game code outside them, or the garbage collector)"
      : report.activities.length === 1
        ? `while running ${report.activities[0]}`
        : report.activities.length <= NAMED_IN_LOG
          ? `while running one of: ${report.activities.join("; ")}`
          : `while running one of ${summariseActivities(report.activities)}`;
  return `the event loop was blocked for ${Math.round(report.blockedMs)} ms${describeCpu(report)} ${what}`;
}

/** " (CPU 21 of 80 ms: ...)" when the report has the process's CPU time; "" else. */
function describeCpu(report: StallReport): string {
  if (report.cpuMs === undefined || report.windowMs === undefined) return "";
  const cpu = `CPU ${Math.round(report.cpuMs)} of ${Math.round(report.windowMs)} ms`;
  return report.cpuMs < report.windowMs / 2 ? ` (${cpu}: it waited for a core most of that time, another process had it)` : ` (${cpu})`;
}

/** CPU time of this process so far, ms (user and system, every thread). */
function processCpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

/** Watches the event loop for stalls. */
export class StallWatchdog {
  private timer: NodeJS.Timeout | null = null;
  private lastTick = 0;
  private lastCpuMs = 0;
  private readonly intervalMs: number;
  /** The latest stalls, newest last. */
  readonly recent: StallReport[] = [];

  constructor(private readonly options: StallWatchdogOptions) {
    this.intervalMs = options.checkIntervalMs ?? Math.min(250, Math.max(10, Math.floor(options.thresholdMs / 4)));
  }

  /** True while watching. */
  get running(): boolean {
    return this.timer !== null;
  }

  /** Start watching (no-op when running). */
  start(): void {
    if (this.timer) return;
    this.lastTick = performance.now();
    this.lastCpuMs = processCpuMs();
    this.timer = setInterval(() => this.check(), this.intervalMs);
    this.timer.unref();
  }

  /** Stop watching. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private check(): void {
    const now = performance.now();
    const blockedMs = now - this.lastTick - this.intervalMs;
    const windowStart = this.lastTick;
    const cpuMs = processCpuMs();
    const cpuUsedMs = cpuMs - this.lastCpuMs;
    this.lastTick = now;
    this.lastCpuMs = cpuMs;
    if (blockedMs < this.options.thresholdMs) return;
    const activities = activitiesSince(windowStart).map((a: Activity) => a.label);
    const report: StallReport = { blockedMs, activities, at: Date.now(), windowMs: now - windowStart, cpuMs: cpuUsedMs };
    this.recent.push(report);
    if (this.recent.length > KEEP) this.recent.shift();
    log.warn(describeStall(report));
    try {
      this.options.onStall?.(report);
    } catch (err) {
      log.error("a stall listener failed", err);
    }
  }
}
