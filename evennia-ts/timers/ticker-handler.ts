/**
 * The ticker handler (Evennia's TickerHandler): subscribe a callback to be called
 * every `interval` seconds. All subscribers of one interval share ONE timer, so a
 * thousand objects ticking every 10 s cost one timer, not a thousand.
 *
 * ```ts
 * tickerHandler.add(10, [npc, "atTick"], { idstring: "hunger" });   // persistent
 * tickerHandler.add(5, () => weather.step(), { persistent: false }); // plain function
 * tickerHandler.remove(10, [npc, "atTick"], { idstring: "hunger" });
 * ```
 *
 * - Each subscriber runs in its own unit of work: one that throws is logged with an
 *   error id, its changes are undone, and the others still run.
 * - A subscriber that never ends (it awaits what does not come) holds up only itself:
 *   the others of its interval run at every tick all the same, and it is skipped
 *   (logged) until its call ends. Stopping waits for running calls a few seconds at
 *   most ({@link TIMER_STOP_WAIT_MS}).
 * - A persistent subscription (object methods only) is saved and comes back after a
 *   reload or a restart. Ticks stay on the interval's grid (counted from when its
 *   timer first started), so a reload mid-interval neither resets nor repeats a tick;
 *   ticks missed while the server was down are skipped.
 * - A subscription whose object was deleted is dropped at its next tick.
 */
import { currentUnitOfWork, flushImplicitWrites } from "../db/unit-of-work.ts";
import { EvenniaError } from "../utils/errors.ts";
import { getLogger } from "../utils/logger.ts";
import type { TypedObject } from "../typeclasses/typed-object.ts";
import { getStore } from "../typeclasses/store-context.ts";
import {
  callMethod,
  checkCallback,
  decodeArgs,
  encodeArgs,
  isObjectMethod,
  loadMethodOwner,
  methodKey,
  saveMethod,
  type SavedMethod,
  type TimerCallback,
} from "./timer-callback.ts";
import { settledWithin, TIMER_STOP_WAIT_MS } from "./bounded-wait.ts";
import type { TimerHandle } from "./timer-clock.ts";
import { requireContext, runTimerCallback, type TimerContext } from "./timer-context.ts";

const log = getLogger("timers.tickers");

/** Options of a {@link TickerHandler}. */
export interface TickerHandlerOptions {
  /** How long {@link TickerHandler.stop} waits for calls still running (ms; default {@link TIMER_STOP_WAIT_MS}). */
  stopWaitMs?: number;
}

/** The `server_config` key the persistent tickers are saved under (as Evennia's). */
export const TICKER_STORAGE_KEY = "ticker_storage";

/** Options of {@link TickerHandler.add}. */
export interface TickerOptions {
  /** Tells apart several subscriptions of one callback on one interval. */
  idstring?: string;
  /** Save it (default: true for an object method; a plain function cannot persist). */
  persistent?: boolean;
  /** Arguments the callback is called with (saved with a persistent subscription). */
  args?: unknown[];
}

/** One subscription, as {@link TickerHandler.all} lists it. */
export interface TickerInfo {
  readonly interval: number;
  /** The object whose method is called (null for a plain function, or an object not in memory). */
  readonly obj: TypedObject | null;
  /** `#12` for an object method, null for a plain function. */
  readonly objRef: string | null;
  /** The method's (or function's) name. */
  readonly method: string;
  readonly idstring: string;
  readonly persistent: boolean;
  /** The store key `remove` and `tickers` know it by. */
  readonly key: string;
}

interface Subscription {
  readonly key: string;
  readonly interval: number;
  readonly idstring: string;
  readonly persistent: boolean;
  /** An object method's saved form (null for a plain function). */
  readonly saved: SavedMethod | null;
  /** The live object of a non-persistent method subscription. */
  readonly obj: TypedObject | null;
  readonly fn: ((...args: unknown[]) => unknown) | null;
  /** Live arguments (non-persistent) ... */
  readonly args: unknown[];
  /** ... or saved ones (persistent). */
  readonly argsJson: string | null;
}

/** What is saved. */
interface SavedTickers {
  /** The time (ms) each interval's grid counts from. */
  anchors: Record<string, number>;
  subscriptions: { interval: number; idstring: string; callback: SavedMethod; args: string }[];
}

interface IntervalTimer {
  readonly interval: number;
  readonly anchor: number;
  handle: TimerHandle | null;
}

const functionIds = new WeakMap<object, number>();
let nextFunctionId = 1;

/** Shared timers per interval; see the module description. */
export class TickerHandler {
  private ctx: TimerContext | null = null;
  /** Both replaced (not cleared) at stop: a save staged before still sees what it was staged for. */
  private subscriptions = new Map<number, Map<string, Subscription>>();
  private timers = new Map<number, IntervalTimer>();
  private readonly running = new Set<Promise<void>>();
  /** Keys of subscriptions whose call from an earlier tick still runs: skipped until it ends. */
  private readonly busy = new Set<string>();
  /** Keys of busy subscriptions whose skipping was logged already (once per call that runs long). */
  private readonly skipLogged = new Set<string>();

  constructor(private readonly options: TickerHandlerOptions = {}) {}

  /** True between {@link start} and {@link stop}. */
  get started(): boolean {
    return this.ctx !== null;
  }

  /**
   * Start: load the saved subscriptions and resume their timers on their grids.
   * Starting again first stops (nothing is scheduled twice).
   */
  async start(ctx: TimerContext): Promise<void> {
    if (this.ctx) await this.stop();
    const saved = await ctx.storage.read<SavedTickers>(TICKER_STORAGE_KEY);
    this.ctx = ctx;
    for (const s of saved?.subscriptions ?? []) {
      const sub: Subscription = {
        key: subscriptionKey(s.interval, s.idstring, methodKey(s.callback)),
        interval: s.interval,
        idstring: s.idstring,
        persistent: true,
        saved: s.callback,
        obj: null,
        fn: null,
        args: [],
        argsJson: s.args,
      };
      this.bucket(s.interval).set(sub.key, sub);
    }
    for (const interval of this.subscriptions.keys()) this.ensureTimer(interval, saved?.anchors[String(interval)]);
    log.info(`ticker handler started with ${saved?.subscriptions.length ?? 0} persistent subscription(s)`);
  }

  /** Stop every timer and forget every subscription (persistent ones are saved and come back at the next start). */
  async stop(): Promise<void> {
    const ctx = this.ctx;
    if (!ctx) return;
    for (const timer of this.timers.values()) if (timer.handle) ctx.clock.clearTimer(timer.handle);
    this.timers = new Map();
    this.subscriptions = new Map();
    this.ctx = null;
    await settledWithin([...this.running], this.options.stopWaitMs ?? TIMER_STOP_WAIT_MS, "ticker handler");
    await flushImplicitWrites(); // what was saved is on disk before the next start reads it
  }

  /**
   * Call `callback` every `interval` seconds. Adding the same callback with the same
   * interval and idstring again replaces the subscription. Returns its store key.
   */
  add(interval: number, callback: TimerCallback, options: TickerOptions = {}): string {
    const ctx = requireContext(this.ctx, "ticker handler");
    if (!(typeof interval === "number" && Number.isFinite(interval) && interval > 0)) {
      throw new EvenniaError("EV_ERR_BAD_INPUT", `ticker interval must be a number of seconds > 0, got ${String(interval)}`);
    }
    const persistent = options.persistent ?? isObjectMethod(callback);
    checkCallback(callback, persistent, "tickerHandler.add");
    const idstring = options.idstring ?? "";
    const args = options.args ?? [];
    const saved = isObjectMethod(callback) ? saveMethod(callback) : null;
    const sub: Subscription = {
      key: subscriptionKey(interval, idstring, callbackIdentity(callback)),
      interval,
      idstring,
      persistent,
      saved,
      obj: isObjectMethod(callback) && !persistent ? callback[0] : null,
      fn: isObjectMethod(callback) ? null : (callback as (...a: unknown[]) => unknown),
      args: persistent ? [] : [...args],
      argsJson: persistent ? encodeArgs(args) : null,
    };
    const bucket = this.bucket(interval);
    const replaced = bucket.get(sub.key);
    bucket.set(sub.key, sub);
    this.ensureTimer(interval);
    if (persistent || replaced?.persistent) this.save(ctx);
    // a unit of work (a command) that fails leaves no subscription behind
    currentUnitOfWork()?.recordUndo(() => {
      if (this.subscriptions.get(interval)?.get(sub.key) !== sub) return;
      this.drop(sub);
      if (replaced) {
        this.bucket(interval).set(replaced.key, replaced);
        this.ensureTimer(interval);
      }
    });
    return sub.key;
  }

  /** Stop calling `callback` every `interval` seconds (the subscription with `idstring`). True when one was removed. */
  remove(interval: number, callback: TimerCallback, options: { idstring?: string } = {}): boolean {
    return this.removeByKey(subscriptionKey(interval, options.idstring ?? "", callbackIdentity(callback)));
  }

  /** Remove a subscription by its store key (from {@link add} or {@link all}). */
  removeByKey(key: string): boolean {
    for (const bucket of this.subscriptions.values()) {
      const sub = bucket.get(key);
      if (!sub) continue;
      this.drop(sub);
      if (sub.persistent && this.ctx) this.save(this.ctx);
      return true;
    }
    return false;
  }

  /** The subscriptions, of one interval or all, by interval then order added. */
  all(interval?: number): TickerInfo[] {
    const out: TickerInfo[] = [];
    const intervals = interval === undefined ? [...this.subscriptions.keys()].sort((a, b) => a - b) : [interval];
    const store = safeStore();
    for (const i of intervals) {
      for (const sub of this.subscriptions.get(i)?.values() ?? []) {
        const obj = sub.obj ?? (sub.saved && store ? (store.peek(sub.saved) as TypedObject | null) : null);
        out.push({
          interval: i,
          obj,
          objRef: sub.saved ? `#${sub.saved.id}` : null,
          method: sub.saved?.method ?? (sub.fn?.name || "<anonymous function>"),
          idstring: sub.idstring,
          persistent: sub.persistent,
          key: sub.key,
        });
      }
    }
    return out;
  }

  /** How many timers run now (one per interval with subscribers). */
  get timerCount(): number {
    let n = 0;
    for (const t of this.timers.values()) if (t.handle) n++;
    return n;
  }

  /** When (ms) the next tick of `interval` is due, or null when nothing ticks at it. */
  nextTickAt(interval: number): number | null {
    return this.timers.get(interval)?.handle?.dueAt ?? null;
  }

  private bucket(interval: number): Map<string, Subscription> {
    let bucket = this.subscriptions.get(interval);
    if (!bucket) this.subscriptions.set(interval, (bucket = new Map()));
    return bucket;
  }

  private drop(sub: Subscription): void {
    const bucket = this.subscriptions.get(sub.interval);
    if (!bucket || bucket.get(sub.key) !== sub) return;
    bucket.delete(sub.key);
    if (bucket.size > 0) return;
    this.subscriptions.delete(sub.interval);
    const timer = this.timers.get(sub.interval);
    if (timer?.handle) this.ctx?.clock.clearTimer(timer.handle);
    this.timers.delete(sub.interval);
  }

  /** Make sure `interval` has its one timer, on the grid from `anchor` (default: now). */
  private ensureTimer(interval: number, anchor?: number): void {
    const ctx = this.ctx;
    if (!ctx || this.timers.has(interval)) return;
    const timer: IntervalTimer = { interval, anchor: anchor ?? ctx.clock.now(), handle: null };
    this.timers.set(interval, timer);
    this.schedule(timer);
  }

  /** Arm `timer` for its next tick on the grid after now. */
  private schedule(timer: IntervalTimer): void {
    const ctx = this.ctx;
    if (!ctx || this.timers.get(timer.interval) !== timer) return;
    const now = ctx.clock.now();
    const step = timer.interval * 1000;
    const ticks = Math.floor((now - timer.anchor) / step) + 1;
    const due = timer.anchor + Math.max(1, ticks) * step;
    timer.handle = ctx.clock.setTimer(() => this.track(this.tick(timer)), due - now);
  }

  private track(p: Promise<void>): Promise<void> {
    this.running.add(p);
    void p.finally(() => this.running.delete(p));
    return p;
  }

  /**
   * One tick: every subscriber of the interval, each in its own unit of work, started one
   * after another without waiting for each other; the next tick is armed before they end.
   * Resolves once they all have.
   */
  private async tick(timer: IntervalTimer): Promise<void> {
    const ctx = this.ctx;
    if (!ctx || this.timers.get(timer.interval) !== timer) return;
    timer.handle = null;
    const subs = [...(this.subscriptions.get(timer.interval)?.values() ?? [])];
    const calls: Promise<void>[] = [];
    for (const sub of subs) {
      if (this.ctx !== ctx) break; // stopped mid-tick
      if (this.subscriptions.get(sub.interval)?.get(sub.key) !== sub) continue;
      if (this.busy.has(sub.key)) {
        if (!this.skipLogged.has(sub.key)) log.warn(`ticker ${sub.interval}s: ${sub.key} still runs from an earlier tick; skipped until it ends`);
        this.skipLogged.add(sub.key);
        continue;
      }
      calls.push(this.callSubscriber(ctx, sub));
    }
    if (this.ctx === ctx) this.schedule(timer);
    await Promise.all(calls);
  }

  /** Call one subscriber in its own unit of work; drop it when its object is gone. Never rejects. */
  private async callSubscriber(ctx: TimerContext, sub: Subscription): Promise<void> {
    this.busy.add(sub.key);
    let gone = false;
    try {
      await runTimerCallback(ctx.db, `ticker ${sub.interval}s subscriber ${sub.key}`, async () => {
        if (sub.fn) return sub.fn(...sub.args);
        const obj = sub.obj ? (sub.obj.isDeleted ? null : sub.obj) : await loadMethodOwner(sub.saved!);
        if (!obj) {
          gone = true;
          return;
        }
        const args = sub.argsJson !== null ? await decodeArgs(sub.argsJson) : sub.args;
        return callMethod(obj, sub.saved!.method, args);
      });
    } finally {
      this.busy.delete(sub.key);
      this.skipLogged.delete(sub.key);
    }
    if (gone) {
      log.info(`ticker ${sub.interval}s: the object of ${sub.key} is gone; subscription dropped`);
      this.drop(sub);
      if (sub.persistent) this.save(ctx);
    }
  }

  private save(ctx: TimerContext): void {
    const all = this.subscriptions;
    const timers = this.timers;
    ctx.storage.save(TICKER_STORAGE_KEY, (): SavedTickers => {
      const anchors: Record<string, number> = {};
      const subscriptions: SavedTickers["subscriptions"] = [];
      for (const [interval, bucket] of all) {
        let kept = false;
        for (const sub of bucket.values()) {
          if (!sub.persistent || !sub.saved) continue;
          subscriptions.push({ interval, idstring: sub.idstring, callback: sub.saved, args: sub.argsJson ?? "[]" });
          kept = true;
        }
        // only the grids of saved subscriptions: intervals that only non-persistent ones use (a
        // client's OOB repeats, any number it likes) are nothing to resume and stay out of the database
        const timer = timers.get(interval);
        if (timer && kept) anchors[String(interval)] = timer.anchor;
      }
      return { anchors, subscriptions };
    });
  }
}

function subscriptionKey(interval: number, idstring: string, identity: string): string {
  return `${interval}s:${identity}${idstring ? `:${idstring}` : ""}`;
}

function callbackIdentity(callback: TimerCallback): string {
  if (isObjectMethod(callback)) return methodKey(saveMethod(callback));
  let id = functionIds.get(callback);
  if (id === undefined) functionIds.set(callback, (id = nextFunctionId++));
  return `function-${id}(${callback.name || "anonymous"})`;
}

function safeStore(): ReturnType<typeof getStore> | null {
  try {
    return getStore();
  } catch {
    return null;
  }
}

/** The game's ticker handler (started and stopped with the server). */
export const tickerHandler = new TickerHandler();
