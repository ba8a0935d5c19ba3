/**
 * The script scheduler: runs every started script's `atRepeat` on time.
 *
 * One timer is armed, for the earliest due script (a min-heap of due times), not
 * one per script. When it fires, each due script runs: `isValid` is checked, its
 * next due time and repeat count are written (one unit of work), then `atRepeat`
 * runs in a unit of work of its own. A throwing `atRepeat` is logged with an error
 * id and its script keeps its schedule. Next due times keep the script's phase
 * (due + interval), so intervals do not drift with the time `atRepeat` takes.
 *
 * An `atRepeat` holds up only its own script, as each script's own timer does in
 * Evennia: the scheduler goes on to the next due script without waiting for it, and
 * a script whose last `atRepeat` still runs (one that awaits something that never
 * comes) skips its runs until it ends, logged. Stopping waits for running calls a
 * few seconds at most ({@link SCRIPT_STOP_WAIT_MS}).
 *
 * At {@link ScriptScheduler.start} every active script is loaded from the database
 * (its object need not be in memory) and its timer resumed; at
 * {@link ScriptScheduler.stop} non-persistent scripts are deleted, and a reload
 * notes when the clock stopped so that the next start gives every script the
 * time it had left. The rules are in docs/scripts.md.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { randomBytes } from "node:crypto";
import { runInUnitOfWork } from "../db/unit-of-work.ts";
import { trackActivity } from "../utils/activity.ts";
import { settledWithin } from "../utils/settled-within.ts";
import { getLogger, type Logger } from "../utils/logger.ts";
import { MinHeap } from "../utils/min-heap.ts";
import { activeScriptScheduler, setActiveScriptScheduler, type ScriptTimerService } from "./script-scheduler-context.ts";
import { DefaultScript } from "./scripts.ts";
import type { Store } from "./store.ts";

/** The clock and timers the scheduler uses (tests pass a manual one). */
export interface SchedulerClock {
  /** Ms since the epoch. */
  now(): number;
  /** Call `fn` after `ms` ms; returns a handle for {@link clearTimer}. */
  setTimer(fn: () => void, ms: number): unknown;
  /** Cancel a timer from {@link setTimer}. */
  clearTimer(handle: unknown): void;
}

/** The system clock (`Date.now`, `setTimeout`); its timers do not keep the process alive. */
export const systemClock: SchedulerClock = {
  now: () => Date.now(),
  setTimer: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref?.();
    return t;
  },
  clearTimer: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** Persistent key/value strings the scheduler keeps a note in (the server's `ServerConfig`). */
export interface SchedulerNotes {
  get(key: string): Promise<string | null>;
  /** Stage a write in the current unit of work. */
  stage(key: string, value: string): void;
}

/** Why the scheduler stops: a reload keeps every persistent script's time left; anything else is downtime. */
export type SchedulerStopMode = "reload" | "reset" | "shutdown" | "link-lost" | (string & {});

/** Options of {@link ScriptScheduler}. */
export interface ScriptSchedulerOptions {
  clock?: SchedulerClock;
  /** Where the reload note is kept; without it every start counts as a start after downtime. */
  notes?: SchedulerNotes | null;
  logger?: Logger;
  /** How long {@link ScriptScheduler.stop} waits for `atRepeat` calls still running (ms; default {@link SCRIPT_STOP_WAIT_MS}). */
  stopWaitMs?: number;
}

/** The server-config key noting when a reload stopped the scripts' clock (ms since the epoch; "" for none). */
export const RELOAD_NOTE_KEY = "scripts_reload_stopped_at";

/** Set while the scheduler's own work runs: a `forceRepeat` from inside `atRepeat` runs at once, not queued behind itself. */
const insideWork = new AsyncLocalStorage<ScriptScheduler>();

/** How long {@link ScriptScheduler.stop} waits for `atRepeat` calls still running (ms); a reload is not held up longer. */
export const SCRIPT_STOP_WAIT_MS = 5000;

/** setTimeout's longest delay; a later due time is reached in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;

interface HeapItem {
  at: number;
  id: number;
  seq: number;
}

interface Scheduled {
  script: DefaultScript;
  at: number;
  seq: number;
}

/** Runs scripts' timers. One per server; {@link start} makes it the one scripts report to. */
export class ScriptScheduler implements ScriptTimerService {
  private readonly clock: SchedulerClock;
  private readonly notes: SchedulerNotes | null;
  private readonly log: Logger;
  private readonly stopWaitMs: number;
  private readonly heap = new MinHeap<HeapItem>((a, b) => a.at < b.at || (a.at === b.at && a.seq < b.seq));
  private readonly scheduled = new Map<number, Scheduled>();
  private seq = 0;
  private timer: unknown = null;
  private timerAt: number | null = null;
  private draining = false;
  private work: Promise<void> = Promise.resolve();
  private running = false;
  /** `atRepeat` calls running now (the scheduler does not wait for them). */
  private readonly repeats = new Set<Promise<void>>();
  /** Per script id: how many of its `atRepeat` calls run now. */
  private readonly repeatingScripts = new Map<number, number>();
  /** `atRepeat` calls that threw, since start. */
  failures = 0;

  constructor(
    private readonly store: Store,
    options: ScriptSchedulerOptions = {},
  ) {
    this.clock = options.clock ?? systemClock;
    this.notes = options.notes ?? null;
    this.log = options.logger ?? getLogger("scripts");
    this.stopWaitMs = options.stopWaitMs ?? SCRIPT_STOP_WAIT_MS;
  }

  /** Now, on this scheduler's clock. */
  now(): number {
    return this.clock.now();
  }

  /** How many scripts have a due time (running, not paused). */
  get size(): number {
    return this.scheduled.size;
  }

  /** True while a timer is armed (at most one is). */
  get timerArmed(): boolean {
    return this.timer !== null;
  }

  /** True between {@link start} and {@link stop}. */
  get isRunning(): boolean {
    return this.running;
  }

  /**
   * Start: become the scheduler scripts report to, delete non-persistent scripts
   * left by a crash, load every active script and resume its timer. After a
   * reload each gets the time it had left; after downtime, its `catchUp` choice
   * decides about missed runs. `atStart` runs for each script resumed.
   */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    setActiveScriptScheduler(this);
    const db = this.store.db;
    const note = this.notes ? await this.notes.get(RELOAD_NOTE_KEY) : null;
    const stoppedAt = note ? Number(note) : NaN;
    const reload = Number.isFinite(stoppedAt);
    const resumed: DefaultScript[] = [];
    await runInUnitOfWork(db, async () => {
      for (const leftover of await this.scriptsWhere("persistent = 0")) await leftover.delete();
      const now = this.now();
      for (const script of await this.scriptsWhere("is_active = 1")) {
        const next = script.nextRunAt;
        if (next !== null && script.interval > 0) {
          script._setNextRunAt(reload ? next + Math.max(0, now - stoppedAt) : afterDowntime(script, next, now));
          resumed.push(script);
        } else if (script.isPaused) resumed.push(script);
      }
      if (this.notes && note) this.notes.stage(RELOAD_NOTE_KEY, "");
    });
    for (const script of resumed) {
      this.sync(script);
      if (script.isPaused) continue;
      try {
        await runInUnitOfWork(db, () => script.atStart());
      } catch (err) {
        this.logFailure(script, "atStart", err);
      }
    }
    this.log.info(`script scheduler started: ${this.scheduled.size} timer(s) running${reload ? " (resumed after reload)" : ""}`);
  }

  /**
   * Stop: cancel the timer, wait for a running `atRepeat`, delete non-persistent
   * scripts. A `reload` notes when the clock stopped (the next start gives the
   * time back); any other mode counts what follows as downtime.
   */
  async stop(mode: SchedulerStopMode): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.disarm();
    await this.work;
    await this.repeatsEndedWithin(this.stopWaitMs);
    const stoppedAt = this.now();
    try {
      await runInUnitOfWork(this.store.db, async () => {
        for (const script of await this.scriptsWhere("persistent = 0")) await script.delete();
        this.notes?.stage(RELOAD_NOTE_KEY, mode === "reload" ? String(stoppedAt) : "");
      });
    } catch (err) {
      this.log.error("could not put the scripts away at stop", err);
    }
    for (const entry of this.scheduled.values()) this.store.unpin(entry.script, "script");
    this.scheduled.clear();
    this.heap.clear();
    if (activeScriptScheduler() === this) setActiveScriptScheduler(null);
  }

  /** Resolves once no `atRepeat` is running or waiting to run. */
  async settled(): Promise<void> {
    let seen: Promise<void>;
    do {
      seen = this.work;
      await seen;
      if (this.repeats.size > 0) await Promise.allSettled([...this.repeats]);
    } while (seen !== this.work || this.repeats.size > 0);
  }

  /** Wait for the running `atRepeat` calls, `ms` at most; log those still running then. */
  private async repeatsEndedWithin(ms: number): Promise<void> {
    if (!(await settledWithin([...this.repeats], ms))) this.log.warn(`script scheduler stopped with ${this.repeats.size} atRepeat call(s) still running after ${ms} ms; not waiting for them`);
  }

  /** Follow `script`'s timer state: schedule it at its next due time, or drop it. */
  sync(script: DefaultScript): void {
    if (!this.running) return;
    const at = script.isDeleted || !script.isActive || script.interval <= 0 ? null : script.nextRunAt;
    const current = this.scheduled.get(script.id);
    if (at === null) {
      if (current) {
        this.scheduled.delete(script.id);
        this.store.unpin(current.script, "script");
        this.arm();
      }
      return;
    }
    if (current && current.at === at && current.script === script) return;
    if (current && current.script !== script) this.store.unpin(current.script, "script");
    const seq = ++this.seq;
    this.scheduled.set(script.id, { script, at, seq });
    this.heap.push({ at, id: script.id, seq });
    if (!current || current.script !== script) this.store.pin(script, "script");
    this.arm();
  }

  /**
   * Run `script` now as if due (`forceRepeat`): counts a repeat; its next run is one
   * interval from now. Resolves once its `atRepeat` has ended.
   */
  async fire(script: DefaultScript): Promise<void> {
    const step = () => this.runOnce(script, this.now(), true);
    const started = insideWork.getStore() === this ? await step() : await this.enqueue(step);
    await started?.done;
  }

  private enqueue<T>(task: () => Promise<T>): Promise<T> {
    const run = () => insideWork.run(this, task);
    const next = this.work.then(run, run);
    this.work = next.then(
      () => undefined,
      () => undefined,
    );
    return next;
  }

  /**
   * One run of `script`, due at `dueAt`: the checks and bookkeeping, then its `atRepeat`
   * started. Resolves (never rejects) once that is started, with the running call (null
   * when nothing was started; wrapped, as a promise would be awaited), so that one
   * `atRepeat` never holds up another script.
   * A scheduled run of a script whose last `atRepeat` still runs is skipped; a forced
   * one (`forceRepeat`) is not.
   */
  private async runOnce(script: DefaultScript, dueAt: number, forced = false): Promise<{ done: Promise<void> } | null> {
    const db = this.store.db;
    if (script.isDeleted || !script.isActive || script.isPaused) return null;
    if (!forced && this.repeatingScripts.has(script.id)) {
      const interval = Math.max(1000, script.interval * 1000);
      let next = dueAt + interval;
      if (next <= this.now()) next = this.now() + interval;
      this.log.warn(`script ${script.key}(${script.dbref}): its last atRepeat has not ended yet; this run is skipped`);
      this.scheduleInMemory(script, next);
      return null;
    }
    try {
      const valid = await runInUnitOfWork(db, () => script.isValid());
      if (!valid) {
        await this.stopScript(script);
        return null;
      }
      const interval = script.interval * 1000;
      const done = script.repeatsDone + 1;
      const last = script.repeats > 0 && done >= script.repeats;
      const now = this.now();
      let next = dueAt + interval;
      if (next <= now) next = now + interval; // fell behind (a stalled loop): no burst of runs
      await runInUnitOfWork(db, () => {
        script._setRepeatsDone(done);
        script._setNextRunAt(last || interval <= 0 ? null : next);
      });
      this.sync(script);
      return { done: this.startRepeat(script, last) };
    } catch (err) {
      // the bookkeeping failed (a database outage): keep the script on its schedule
      this.logFailure(script, "timer step", err);
      const interval = Math.max(1000, script.interval * 1000);
      if (!script.isDeleted && script.isActive) this.scheduleInMemory(script, this.now() + interval);
      return null;
    }
  }

  /** Start `script`'s `atRepeat` (its own unit of work), then stop the script if that was its `last` run. Never rejects. */
  private startRepeat(script: DefaultScript, last: boolean): Promise<void> {
    const db = this.store.db;
    const id = script.id;
    this.repeatingScripts.set(id, (this.repeatingScripts.get(id) ?? 0) + 1);
    const run = (async () => {
      try {
        // the stall watchdog names this script if its atRepeat blocks the event loop
        await trackActivity(`script "${script.key}" (${script.dbref}) atRepeat`, () => runInUnitOfWork(db, () => script.atRepeat()));
      } catch (err) {
        this.failures++;
        this.logFailure(script, "atRepeat", err);
      }
      if (last && script.isActive && !script.isDeleted) await this.stopScript(script);
    })()
      .catch((err: unknown) => this.logFailure(script, "stop after the last repeat", err))
      .finally(() => {
        this.repeats.delete(run);
        const left = (this.repeatingScripts.get(id) ?? 1) - 1;
        if (left > 0) this.repeatingScripts.set(id, left);
        else this.repeatingScripts.delete(id);
      });
    this.repeats.add(run);
    return run;
  }

  /**
   * Stop `script` in a unit of work of its own. When `atStop` throws, what it did is
   * undone, the failure logged, and the timer stopped without the hook: else the
   * script would run on forever, past its repeats or while invalid.
   */
  private async stopScript(script: DefaultScript): Promise<void> {
    const db = this.store.db;
    try {
      await runInUnitOfWork(db, () => script.stop());
    } catch (err) {
      this.logFailure(script, "atStop", err);
      if (!script.isDeleted) await runInUnitOfWork(db, () => script._stopTimer());
    }
  }

  private logFailure(script: DefaultScript, what: string, err: unknown): void {
    const id = randomBytes(4).toString("hex");
    const name = script.constructor.name;
    this.log.error(`script ${script.key}(${script.dbref}) of type ${name}: ${what} failed [error id ${id}]`, err);
  }

  private scheduleInMemory(script: DefaultScript, at: number): void {
    if (!this.running) return;
    const seq = ++this.seq;
    const current = this.scheduled.get(script.id);
    this.scheduled.set(script.id, { script, at, seq });
    this.heap.push({ at, id: script.id, seq });
    if (!current) this.store.pin(script, "script");
    this.arm();
  }

  private async scriptsWhere(where: string): Promise<DefaultScript[]> {
    const found = await this.store.where("script", where, [], "ORDER BY id");
    return found.filter((s): s is DefaultScript => s instanceof DefaultScript && !s.isDeleted);
  }

  /** The live heap top, dropping entries replaced or removed since they were pushed. */
  private top(): HeapItem | undefined {
    for (;;) {
      const item = this.heap.peek();
      if (!item) return undefined;
      const entry = this.scheduled.get(item.id);
      if (entry && entry.seq === item.seq) return item;
      this.heap.pop();
    }
  }

  /** Arm the one timer for the earliest due time (unless a drain is running; it re-arms). */
  private arm(): void {
    if (!this.running || this.draining) return;
    const item = this.top();
    if (!item) {
      this.disarm();
      return;
    }
    if (this.timer !== null && this.timerAt === item.at) return;
    this.disarm();
    const delay = Math.min(MAX_TIMER_MS, Math.max(0, item.at - this.now()));
    this.timerAt = item.at;
    this.timer = this.clock.setTimer(() => {
      this.timer = null;
      this.timerAt = null;
      this.drain();
    }, delay);
  }

  private disarm(): void {
    if (this.timer !== null) this.clock.clearTimer(this.timer);
    this.timer = null;
    this.timerAt = null;
  }

  /** Run every script due now, one after another, then re-arm. */
  private drain(): void {
    if (!this.running) return;
    this.draining = true;
    void this.enqueue(async () => {
      try {
        for (;;) {
          if (!this.running) return;
          const item = this.top();
          if (!item || item.at > this.now()) break;
          this.heap.pop();
          const entry = this.scheduled.get(item.id)!;
          await this.runOnce(entry.script, item.at);
        }
      } finally {
        this.draining = false;
        this.arm();
      }
    });
  }
}

/** When a script whose run was due at `due` runs next, the server having been down until `now`. */
export function afterDowntime(script: DefaultScript, due: number, now: number): number {
  if (due > now) return due;
  if (script.catchUp === "once") return now;
  const interval = script.interval * 1000;
  const missed = Math.floor((now - due) / interval) + 1;
  return due + missed * interval;
}
