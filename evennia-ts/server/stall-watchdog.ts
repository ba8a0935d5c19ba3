/**
 * The event-loop stall watchdog: it notices when the game loop was blocked longer
 * than a threshold (setting `stallWarningMs`) and logs how long, naming the
 * commands (or tracked timers) that were running then (`utils/activity.ts`) — the
 * command, what was typed, who typed it.
 *
 * How: a timer that should tick every `checkIntervalMs` measures how late it ran; a
 * late tick means nothing could run meanwhile. What the loop's thread did over the
 * same window says whose block it was: on Linux the kernel's account of that thread
 * (`/proc/thread-self/schedstat`: time on a core, time waiting for one) splits it into
 * running (the game's work), waiting for a core (another process had it: the
 * machine's block, not the game's) and neither (blocked in a synchronous system call:
 * a disk write, an `fsync`, a lock). The process's CPU time (`process.cpuUsage()`,
 * every thread of it) is given too. The work registered as running at
 * some moment in that window is named: when one command ran, it is the culprit;
 * when several did, they are all listed (past ten, the log line counts them by
 * command instead: under load hundreds are in flight, waiting on their commit). Cost: one timer (unref'd), no hooks on
 * every callback.
 */
import { closeSync, openSync, readSync } from "node:fs";
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
  /** Time the loop's thread ran on a core in that window, ms (Linux only). */
  ranMs?: number;
  /** Time the loop's thread was ready to run but waited for a core, ms (Linux only). */
  waitedForCoreMs?: number;
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

/**
 * " (CPU 21 of 80 ms; the loop's thread ran 15, waited 60 for a core: ...)" when the
 * report has the figures; "" else.
 */
function describeCpu(report: StallReport): string {
  const { cpuMs, windowMs, ranMs, waitedForCoreMs } = report;
  if (cpuMs === undefined || windowMs === undefined) return "";
  const cpu = `CPU ${Math.round(cpuMs)} of ${Math.round(windowMs)} ms`;
  if (ranMs === undefined || waitedForCoreMs === undefined) {
    return cpuMs < windowMs / 2 ? ` (${cpu}: it was not running most of that time: another process had the core, or it waited in a system call)` : ` (${cpu})`;
  }
  const blockedMs = Math.max(0, windowMs - ranMs - waitedForCoreMs);
  const thread = `the loop's thread ran ${Math.round(ranMs)}, waited ${Math.round(waitedForCoreMs)} for a core, ${Math.round(blockedMs)} in system calls`;
  const why =
    waitedForCoreMs > windowMs / 2
      ? ": another process had the core most of that time"
      : blockedMs > windowMs / 2
        ? ": it was blocked most of that time in a synchronous system call (a disk write or fsync, a lock)"
        : "";
  return ` (${cpu}; ${thread}${why})`;
}

/** CPU time of this process so far, ms (user and system, every thread). */
function processCpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

/**
 * The calling thread's time on a core and waiting for one, from Linux's
 * `/proc/thread-self/schedstat` (read through a descriptor kept open: one system call
 * a tick). Null where there is no such file.
 */
export class ThreadScheduleClock {
  private fd: number | null = null;
  private readonly buffer = Buffer.alloc(128);

  /** Open the file; false when this system has none. */
  open(): boolean {
    try {
      this.fd ??= openSync("/proc/thread-self/schedstat", "r");
      return this.read() !== null;
    } catch {
      this.close();
      return false;
    }
  }

  /** Ms on a core and ms waiting for one since the thread started; null when not open or unreadable. */
  read(): { ranMs: number; waitedMs: number } | null {
    if (this.fd === null) return null;
    try {
      const n = readSync(this.fd, this.buffer, 0, this.buffer.length, 0);
      const [ran, waited] = this.buffer.toString("latin1", 0, n).split(" ");
      const ranMs = Number(ran) / 1e6;
      const waitedMs = Number(waited) / 1e6;
      return Number.isFinite(ranMs) && Number.isFinite(waitedMs) ? { ranMs, waitedMs } : null;
    } catch {
      return null;
    }
  }

  /** Close the descriptor. */
  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}

/** Watches the event loop for stalls. */
export class StallWatchdog {
  private timer: NodeJS.Timeout | null = null;
  private lastTick = 0;
  private lastCpuMs = 0;
  private lastSchedule: { ranMs: number; waitedMs: number } | null = null;
  private readonly schedule = new ThreadScheduleClock();
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
    this.lastSchedule = this.schedule.open() ? this.schedule.read() : null;
    this.timer = setInterval(() => this.check(), this.intervalMs);
    this.timer.unref();
  }

  /** Stop watching. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.schedule.close();
  }

  private check(): void {
    const now = performance.now();
    const blockedMs = now - this.lastTick - this.intervalMs;
    const windowStart = this.lastTick;
    const cpuMs = processCpuMs();
    const cpuUsedMs = cpuMs - this.lastCpuMs;
    const schedule = this.schedule.read();
    const before = this.lastSchedule;
    this.lastTick = now;
    this.lastCpuMs = cpuMs;
    this.lastSchedule = schedule;
    if (blockedMs < this.options.thresholdMs) return;
    const activities = activitiesSince(windowStart).map((a: Activity) => a.label);
    const report: StallReport = { blockedMs, activities, at: Date.now(), windowMs: now - windowStart, cpuMs: cpuUsedMs };
    if (schedule && before) {
      report.ranMs = schedule.ranMs - before.ranMs;
      report.waitedForCoreMs = schedule.waitedMs - before.waitedMs;
    }
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
