/**
 * The on-demand handler (Evennia's OnDemandHandler): state that follows from how
 * much time has passed — a crop growing, hunger rising — computed when someone
 * asks, with no timer running in between.
 *
 * ```ts
 * onDemandHandler.add(plant, { category: "growth", stages: { 0: "seedling", 600: "sprout", 3600: "flowering" } });
 * onDemandHandler.getStage(plant, "growth"); // "sprout" after ten minutes
 * onDemandHandler.setDt(plant, "growth", 0); // start over
 * ```
 *
 * Time is measured on the game's runtime (as Evennia's): it does not move while the
 * server is down, so a plant does not grow during a week of downtime. Tasks are
 * saved on every change and come back after a reload or a restart.
 */
import { EvenniaError } from "../utils/errors.ts";
import { TypedObject } from "../typeclasses/typed-object.ts";
import { requireContext, type TimerContext } from "./timer-context.ts";

/** The `server_config` key the on-demand tasks are saved under. */
export const ON_DEMAND_STORAGE_KEY = "on_demand_timers";

/** What a task is known by: a string, or a typeclassed object (known by its row). */
export type OnDemandKey = string | TypedObject;

/** Options of {@link OnDemandHandler.add}. */
export interface OnDemandOptions {
  /** Groups tasks (several per key, one per category). */
  category?: string | null;
  /** Stage names by the seconds after the start they begin at: `{0: "seedling", 60: "sprout"}`. */
  stages?: Record<number, string>;
}

/** One lazily computed timer. */
export class OnDemandTask {
  /** @internal built by {@link OnDemandHandler} */
  constructor(
    private readonly handler: OnDemandHandler,
    /** The key it is stored under (`object#12` for an object). */
    readonly key: string,
    readonly category: string | null,
    /** Its stages, earliest first: [seconds, name]. */
    readonly stages: readonly (readonly [number, string])[],
    /** When it started, in runtime seconds. */
    public startedAt: number,
  ) {}

  /** Seconds since the task started. */
  getDt(): number {
    return Math.max(0, this.handler.runtime() - this.startedAt);
  }

  /** The stage reached now: the name of the latest stage whose time has come; null before the first or without stages. */
  getStage(): string | null {
    const dt = this.getDt();
    let stage: string | null = null;
    for (const [at, name] of this.stages) if (dt >= at) stage = name;
    return stage;
  }
}

interface SavedTask {
  key: string;
  category: string | null;
  startedAt: number;
  stages: [number, string][];
}

/** Every on-demand task; see the module description. */
export class OnDemandHandler {
  private ctx: TimerContext | null = null;
  private runtimeSource: () => number = () => 0;
  /** Replaced (not cleared) at stop: a save staged before still sees what it was staged for. */
  private tasks = new Map<string, OnDemandTask>();

  /** True between {@link start} and {@link stop}. */
  get started(): boolean {
    return this.ctx !== null;
  }

  /**
   * Start: load the saved tasks. `runtime` gives the time tasks are measured on, in
   * seconds (the server passes the game's runtime; default: the context's clock).
   */
  async start(ctx: TimerContext, runtime?: () => number): Promise<void> {
    this.stop();
    const saved = await ctx.storage.read<SavedTask[]>(ON_DEMAND_STORAGE_KEY);
    this.ctx = ctx;
    this.runtimeSource = runtime ?? (() => ctx.clock.now() / 1000);
    for (const s of saved ?? []) {
      this.tasks.set(taskKey(s.key, s.category), new OnDemandTask(this, s.key, s.category, s.stages, s.startedAt));
    }
  }

  /** Forget the tasks (they are saved and come back at the next start). */
  stop(): void {
    this.tasks = new Map();
    this.ctx = null;
  }

  /** The time tasks are measured on now (seconds). */
  runtime(): number {
    requireContext(this.ctx, "on-demand handler");
    return this.runtimeSource();
  }

  /** Start a task now (replacing one with the same key and category). */
  add(key: OnDemandKey, options: OnDemandOptions = {}): OnDemandTask {
    const ctx = requireContext(this.ctx, "on-demand handler");
    const name = keyName(key);
    const category = options.category ?? null;
    const stages = parseStages(options.stages ?? {});
    const task = new OnDemandTask(this, name, category, stages, this.runtime());
    this.tasks.set(taskKey(name, category), task);
    this.save(ctx);
    return task;
  }

  /** The task of `key` and `category`, or null. */
  get(key: OnDemandKey, category: string | null = null): OnDemandTask | null {
    return this.tasks.get(taskKey(keyName(key), category)) ?? null;
  }

  /** Seconds since the task started; null when there is no such task. */
  getDt(key: OnDemandKey, category: string | null = null): number | null {
    return this.get(key, category)?.getDt() ?? null;
  }

  /** The task's stage now; null when there is no such task (or no stage reached). */
  getStage(key: OnDemandKey, category: string | null = null): string | null {
    return this.get(key, category)?.getStage() ?? null;
  }

  /** Make the task `dt` seconds old (0: start over); false when there is no such task. */
  setDt(key: OnDemandKey, category: string | null, dt: number): boolean {
    const ctx = requireContext(this.ctx, "on-demand handler");
    const task = this.get(key, category);
    if (!task) return false;
    if (!(Number.isFinite(dt) && dt >= 0)) throw new EvenniaError("EV_ERR_BAD_INPUT", `setDt: dt must be a number of seconds >= 0, got ${String(dt)}`);
    task.startedAt = this.runtime() - dt;
    this.save(ctx);
    return true;
  }

  /** Jump the task to the start of stage `stage` (by name); false when there is no such task or stage. */
  setStage(key: OnDemandKey, category: string | null, stage: string): boolean {
    const found = this.get(key, category)?.stages.find(([, name]) => name === stage);
    return found ? this.setDt(key, category, found[0]) : false;
  }

  /** Remove one task; false when there was none. */
  remove(key: OnDemandKey, category: string | null = null): boolean {
    const ctx = requireContext(this.ctx, "on-demand handler");
    const removed = this.tasks.delete(taskKey(keyName(key), category));
    if (removed) this.save(ctx);
    return removed;
  }

  /** The tasks, all or of one category. */
  all(category?: string | null): OnDemandTask[] {
    const list = [...this.tasks.values()];
    return category === undefined ? list : list.filter((t) => t.category === category);
  }

  /** Remove the tasks of `category`, or all of them when no category is given. Returns how many. */
  clear(category?: string | null): number {
    const ctx = requireContext(this.ctx, "on-demand handler");
    const doomed = this.all(category);
    for (const t of doomed) this.tasks.delete(taskKey(t.key, t.category));
    if (doomed.length) this.save(ctx);
    return doomed.length;
  }

  private save(ctx: TimerContext): void {
    const tasks = this.tasks;
    ctx.storage.save(ON_DEMAND_STORAGE_KEY, (): SavedTask[] =>
      [...tasks.values()].map((t) => ({ key: t.key, category: t.category, startedAt: t.startedAt, stages: t.stages.map(([a, n]) => [a, n]) })),
    );
  }
}

function keyName(key: OnDemandKey): string {
  if (key instanceof TypedObject) return `${key.kind}#${key.id}`;
  if (typeof key !== "string" || !key) throw new EvenniaError("EV_ERR_BAD_INPUT", "an on-demand task's key must be a non-empty string or a typeclassed object");
  return key;
}

function taskKey(key: string, category: string | null): string {
  return JSON.stringify([key, category]);
}

function parseStages(stages: Record<number, string>): [number, string][] {
  const out: [number, string][] = [];
  for (const [at, name] of Object.entries(stages)) {
    const seconds = Number(at);
    if (!Number.isFinite(seconds) || seconds < 0) throw new EvenniaError("EV_ERR_BAD_INPUT", `on-demand stage "${name}": ${at} is not a number of seconds >= 0`);
    if (typeof name !== "string") throw new EvenniaError("EV_ERR_BAD_INPUT", `on-demand stage at ${at}s must be named by a string`);
    out.push([seconds, name]);
  }
  return out.sort((a, b) => a[0] - b[0]);
}

/** The game's on-demand handler (started and stopped with the server). */
export const onDemandHandler = new OnDemandHandler();
