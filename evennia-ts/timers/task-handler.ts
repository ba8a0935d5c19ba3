/**
 * Delayed tasks (Evennia's `utils.delay` and TaskHandler): call something once,
 * `seconds` from now.
 *
 * ```ts
 * const task = delay(5, () => caller.msg("The bell rings."), { persistent: false });
 * task.cancel();
 * delay(3600, [door, "close"]);              // an object method: persistent by default
 * delay(10, [npc, "say"], { args: ["hi"] }); // arguments are saved with it
 * ```
 *
 * A persistent task (an object method) is saved with its deadline and survives a
 * reload and a restart; one that fell due while the server was down runs once, right
 * after the start. The callback runs in its own unit of work; a throw is logged with
 * an error id. A task whose object was deleted is dropped when due.
 */
import { currentUnitOfWork, flushImplicitWrites } from "../db/unit-of-work.ts";
import { EvenniaError } from "../utils/errors.ts";
import { getLogger } from "../utils/logger.ts";
import type { TypedObject } from "../typeclasses/typed-object.ts";
import {
  callMethod,
  checkCallback,
  decodeArgs,
  encodeArgs,
  isObjectMethod,
  loadMethodOwner,
  saveMethod,
  type SavedMethod,
  type TimerCallback,
} from "./timer-callback.ts";
import { settledWithin, TIMER_STOP_WAIT_MS } from "./bounded-wait.ts";
import type { TimerHandle } from "./timer-clock.ts";
import { requireContext, runTimerCallback, type TimerContext } from "./timer-context.ts";

const log = getLogger("timers.tasks");

/** The `server_config` key the persistent tasks are saved under. */
export const TASK_STORAGE_KEY = "delayed_tasks";

/** The last moment a `Date` holds (ms since the epoch): no deadline may come later. */
const MAX_DATE_MS = 8.64e15;

/** Options of {@link delay}. */
export interface DelayOptions {
  /** Save it (default: true for an object method; a plain function cannot persist). */
  persistent?: boolean;
  /** Arguments the callback is called with (saved with a persistent task). */
  args?: unknown[];
}

interface SavedTask {
  id: number;
  deadline: number;
  /** Milliseconds left when paused; null when running. */
  pausedLeft: number | null;
  callback: SavedMethod;
  args: string;
}

interface SavedTasks {
  nextId: number;
  tasks: SavedTask[];
}

/** A delayed call; see the module description. */
export class DelayedTask {
  /** Running, or paused, and not yet called, cancelled or removed. */
  private live = true;
  /** Milliseconds left while paused, else null. */
  private pausedLeft: number | null;
  /** The pending timer. */
  handle: TimerHandle | null = null;

  /** @internal built by {@link TaskHandler} */
  constructor(
    private readonly handler: TaskHandler,
    /** The task's id (unique in the game, not reused). */
    readonly id: number,
    /** When it is due (ms since the epoch); while paused, when it would be due. */
    public deadline: number,
    readonly persistent: boolean,
    /** What it calls: a saved object method or a function. */
    readonly target: { saved: SavedMethod; obj: TypedObject | null } | { fn: (...args: unknown[]) => unknown },
    readonly args: unknown[],
    readonly argsJson: string | null,
    pausedLeft: number | null = null,
  ) {
    this.pausedLeft = pausedLeft;
  }

  /** True while it waits to be called (paused included). */
  get active(): boolean {
    return this.live;
  }

  /** True while paused. */
  get paused(): boolean {
    return this.live && this.pausedLeft !== null;
  }

  /** The callback's name: the method's, or the function's. */
  get callbackName(): string {
    return "saved" in this.target ? this.target.saved.method : this.target.fn.name || "<anonymous function>";
  }

  /** `#12` for an object method, null for a function. */
  get objRef(): string | null {
    return "saved" in this.target ? `#${this.target.saved.id}` : null;
  }

  /** Never call it. True when it was waiting. */
  cancel(): boolean {
    if (!this.live) return false;
    this.handler.finish(this);
    return true;
  }

  /** Same as {@link cancel} (Evennia's `remove`: forget the task without calling it). */
  remove(): boolean {
    return this.cancel();
  }

  /** Call it now instead of at its deadline (Evennia's `do_task`); resolves when it has run. */
  async callNow(): Promise<void> {
    if (!this.live) throw new EvenniaError("EV_ERR_NOT_FOUND", `task ${this.id} is no longer waiting`);
    this.handler.finish(this);
    await this.handler.run(this);
  }

  /** Call the callback now and keep the task waiting for its deadline (Evennia's `call`). */
  async call(): Promise<void> {
    if (!this.live) throw new EvenniaError("EV_ERR_NOT_FOUND", `task ${this.id} is no longer waiting`);
    await this.handler.run(this);
  }

  /** Stop the countdown; {@link unpause} resumes it with the time that was left. */
  pause(): boolean {
    if (!this.live || this.pausedLeft !== null) return false;
    this.pausedLeft = Math.max(0, this.deadline - this.handler.now());
    this.handler.rearm(this);
    return true;
  }

  /** Resume a paused countdown. */
  unpause(): boolean {
    if (!this.live || this.pausedLeft === null) return false;
    this.deadline = this.handler.now() + this.pausedLeft;
    this.pausedLeft = null;
    this.handler.rearm(this);
    return true;
  }

  /** @internal */
  markDone(): void {
    this.live = false;
  }

  /** @internal */
  savedForm(): SavedTask | null {
    if (!this.persistent || !("saved" in this.target)) return null;
    return { id: this.id, deadline: this.deadline, pausedLeft: this.pausedLeft, callback: this.target.saved, args: this.argsJson ?? "[]" };
  }
}

/** Every delayed task of the game. */
export class TaskHandler {
  /** @param options.stopWaitMs how long {@link stop} waits for tasks still running (ms; default {@link TIMER_STOP_WAIT_MS}) */
  constructor(private readonly options: { stopWaitMs?: number } = {}) {}

  private ctx: TimerContext | null = null;
  /** Replaced (not cleared) at stop: a save staged before still sees the tasks it was staged for. */
  private tasks = new Map<number, DelayedTask>();
  private readonly running = new Set<Promise<void>>();
  private nextId = 1;

  /** True between {@link start} and {@link stop}. */
  get started(): boolean {
    return this.ctx !== null;
  }

  /**
   * Start: load the saved tasks; those due already (during downtime) run once now,
   * the rest wait for their deadlines. Starting again first stops.
   */
  async start(ctx: TimerContext): Promise<void> {
    if (this.ctx) await this.stop();
    const saved = await ctx.storage.read<SavedTasks>(TASK_STORAGE_KEY);
    this.ctx = ctx;
    this.nextId = Math.max(1, saved?.nextId ?? 1);
    for (const s of saved?.tasks ?? []) {
      const task = new DelayedTask(this, s.id, s.deadline, true, { saved: s.callback, obj: null }, [], s.args, s.pausedLeft);
      this.tasks.set(task.id, task);
      this.rearm(task);
    }
    log.info(`task handler started with ${saved?.tasks.length ?? 0} persistent task(s)`);
  }

  /**
   * Stop every timer and forget the tasks (persistent ones are saved and come back at the
   * next start). Tasks running now are waited for a few seconds at most: one that never
   * ends does not hold up a reload.
   */
  async stop(): Promise<void> {
    const ctx = this.ctx;
    if (!ctx) return;
    for (const task of this.tasks.values()) if (task.handle) ctx.clock.clearTimer(task.handle);
    this.tasks = new Map();
    this.ctx = null;
    await settledWithin([...this.running], this.options.stopWaitMs ?? TIMER_STOP_WAIT_MS, "task handler");
    await flushImplicitWrites(); // what was saved is on disk before the next start reads it
  }

  /** Call `callback` once, `seconds` from now; see {@link delay}. */
  add(seconds: number, callback: TimerCallback, options: DelayOptions = {}): DelayedTask {
    const ctx = requireContext(this.ctx, "task handler");
    if (!(typeof seconds === "number" && Number.isFinite(seconds) && seconds >= 0)) {
      throw new EvenniaError("EV_ERR_BAD_INPUT", `delay: seconds must be a number >= 0, got ${String(seconds)}`);
    }
    const deadline = ctx.clock.now() + seconds * 1000;
    // past the last date there is, a deadline cannot be shown or saved (Infinity is saved as null: due at once)
    if (!(deadline <= MAX_DATE_MS)) {
      throw new EvenniaError("EV_ERR_BAD_INPUT", `delay: ${String(seconds)} seconds is too long (it ends after the last date there is); cancel the task instead of waiting forever`);
    }
    const persistent = options.persistent ?? isObjectMethod(callback);
    checkCallback(callback, persistent, "delay");
    const args = options.args ?? [];
    const target = isObjectMethod(callback)
      ? { saved: saveMethod(callback), obj: persistent ? null : callback[0] }
      : { fn: callback as (...a: unknown[]) => unknown };
    const task = new DelayedTask(this, this.nextId++, deadline, persistent, target, persistent ? [] : [...args], persistent ? encodeArgs(args) : null);
    this.tasks.set(task.id, task);
    this.rearm(task);
    if (persistent) this.save(ctx);
    // a unit of work (a command) that fails leaves no task behind
    currentUnitOfWork()?.recordUndo(() => void task.cancel());
    return task;
  }

  /** The waiting task with `id`, or null. */
  get(id: number): DelayedTask | null {
    return this.tasks.get(id) ?? null;
  }

  /** The waiting tasks, by id. */
  all(): DelayedTask[] {
    return [...this.tasks.values()].sort((a, b) => a.id - b.id);
  }

  /** The clock's time now (ms). */
  now(): number {
    return requireContext(this.ctx, "task handler").clock.now();
  }

  /** @internal (re)arm a task's timer after a change (none while paused). */
  rearm(task: DelayedTask): void {
    const ctx = requireContext(this.ctx, "task handler");
    if (task.handle) ctx.clock.clearTimer(task.handle);
    task.handle = null;
    if (task.active && !task.paused) {
      task.handle = ctx.clock.setTimer(() => this.fire(task), Math.max(0, task.deadline - ctx.clock.now()));
    }
    if (task.persistent) this.save(ctx);
  }

  /** @internal take a task out of the handler (called, cancelled or removed). */
  finish(task: DelayedTask): void {
    if (this.tasks.get(task.id) !== task) return;
    task.markDone();
    this.tasks.delete(task.id);
    if (task.handle) this.ctx?.clock.clearTimer(task.handle);
    task.handle = null;
    if (task.persistent && this.ctx) this.save(this.ctx);
  }

  /** @internal run a task's callback in its own unit of work. */
  run(task: DelayedTask): Promise<void> {
    const ctx = requireContext(this.ctx, "task handler");
    const p = (async () => {
      await runTimerCallback(ctx.db, `delayed task ${task.id} (${task.callbackName})`, async () => {
        if ("fn" in task.target) return task.target.fn(...task.args);
        const obj = task.target.obj ? (task.target.obj.isDeleted ? null : task.target.obj) : await loadMethodOwner(task.target.saved);
        if (!obj) {
          log.info(`delayed task ${task.id}: its object (#${task.target.saved.id}) is gone; not called`);
          return;
        }
        const args = task.argsJson !== null ? await decodeArgs(task.argsJson) : task.args;
        return callMethod(obj, task.target.saved.method, args);
      });
    })();
    this.running.add(p);
    void p.finally(() => this.running.delete(p));
    return p;
  }

  private fire(task: DelayedTask): Promise<void> | undefined {
    if (this.tasks.get(task.id) !== task || !task.active || task.paused) return undefined;
    task.handle = null;
    this.finish(task);
    return this.run(task);
  }

  private save(ctx: TimerContext): void {
    const tasks = this.tasks;
    ctx.storage.save(TASK_STORAGE_KEY, (): SavedTasks => ({
      nextId: this.nextId,
      tasks: [...tasks.values()].sort((a, b) => a.id - b.id).flatMap((t) => t.savedForm() ?? []),
    }));
  }
}

/** The game's task handler (started and stopped with the server). */
export const taskHandler = new TaskHandler();

/**
 * Call `callback` once, `seconds` from now (Evennia's `utils.delay`); returns the
 * task (`cancel()`, `active`, `deadline`, `callNow()`, `pause()`...). `callback` is a
 * plain function (kept in memory only) or `[obj, "method"]` (saved by default, so it
 * survives reloads and restarts).
 */
export function delay(seconds: number, callback: TimerCallback, options: DelayOptions = {}): DelayedTask {
  return taskHandler.add(seconds, callback, options);
}
