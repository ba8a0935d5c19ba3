/**
 * Game time (Evennia's `utils.gametime`): a game clock that runs `timeFactor`
 * times faster than real time from an epoch, read with a calendar, and
 * {@link GameTime.schedule} to call something at game-time moments.
 *
 * ```ts
 * gametime.gametime({ absolute: true });          // game seconds since the calendar's zero
 * gametime.now();                                 // { year, month, day, hour, min, sec }
 * gametime.schedule([world, "atDawn"], { hour: 6, min: 0 }, { repeat: true });
 * ```
 *
 * - `runtime()`: seconds the server has run since its first start, downtime excluded
 *   (saved every minute and at stop). `uptime()`: since this start. `realtime()`:
 *   since the first start, downtime included.
 * - `gametime()`: `(runtime - reset offset) × timeFactor` (with `timeIgnoreDowntimes`,
 *   real time since the first start × timeFactor), plus the epoch when absolute.
 * - A schedule whose callback is an object method is saved and comes back after a
 *   reload or restart, re-armed for its next moment. Game time stands still while the
 *   server is down (unless `timeIgnoreDowntimes`), so no moment is missed; with
 *   `timeIgnoreDowntimes` a moment passed during downtime is skipped.
 */
import { currentUnitOfWork, flushImplicitWrites } from "../db/unit-of-work.ts";
import { EvenniaError } from "../utils/errors.ts";
import { getLogger } from "../utils/logger.ts";
import type { TypedObject } from "../typeclasses/typed-object.ts";
import { calendarFromSetting, type GameCalendar, type GameMoment } from "./calendar.ts";
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

const log = getLogger("timers.gametime");

/** `server_config` keys: the accumulated runtime, the reset offset, the saved schedules, the first start. */
export const RUNTIME_KEY = "run_time";
export const GAMETIME_OFFSET_KEY = "gametime_offset";
export const SCHEDULES_KEY = "gametime_schedules";
export const SERVER_EPOCH_CONFIG_KEY = "server_epoch";

/** How often (real seconds) the runtime is saved, so a crash loses at most this much. */
export const RUNTIME_SAVE_INTERVAL = 60;

/** The settings the game clock reads. */
export interface GameTimeSettings {
  timeFactor: number;
  timeGameEpoch: number | null;
  timeIgnoreDowntimes: boolean;
  timeCalendar: { units: Record<string, number>; names?: Record<string, string[]> } | null;
}

/** Options of {@link GameTime.schedule}. */
export interface ScheduleOptions {
  /** Fire at every such moment (default: once). */
  repeat?: boolean;
  /** Save it (default: true for an object method; a plain function cannot persist). */
  persistent?: boolean;
  /** Arguments the callback is called with. */
  args?: unknown[];
}

interface SavedSchedule {
  id: number;
  moment: GameMoment;
  repeat: boolean;
  callback: SavedMethod;
  args: string;
}

/** A scheduled call at a game-time moment. */
export class ScheduledEvent {
  /** @internal */
  handle: TimerHandle | null = null;
  /** @internal */
  done = false;

  /** @internal built by {@link GameTime.schedule} */
  constructor(
    private readonly owner: GameTime,
    readonly id: number,
    /** The moment: `{hour: 6, min: 0}`. */
    readonly moment: GameMoment,
    readonly repeat: boolean,
    readonly persistent: boolean,
    readonly target: { saved: SavedMethod; obj: TypedObject | null } | { fn: (...args: unknown[]) => unknown },
    readonly args: unknown[],
    readonly argsJson: string | null,
  ) {}

  /** True until it fired (once) or was cancelled. */
  get active(): boolean {
    return !this.done;
  }

  /** The real time (ms) it fires next, or null. */
  get nextAt(): number | null {
    return this.handle?.dueAt ?? null;
  }

  /** Never fire again. */
  cancel(): boolean {
    return this.owner.unschedule(this);
  }
}

/** The game clock; see the module description. */
export class GameTime {
  /** @param options.stopWaitMs how long {@link stop} waits for scheduled callbacks still running (ms; default {@link TIMER_STOP_WAIT_MS}) */
  constructor(private readonly options: { stopWaitMs?: number } = {}) {}

  private ctx: TimerContext | null = null;
  private settings: GameTimeSettings = { timeFactor: 2, timeGameEpoch: null, timeIgnoreDowntimes: false, timeCalendar: null };
  /** The calendar game time reads with. */
  calendar: GameCalendar = calendarFromSetting(null);
  private runtimeAtStart = 0;
  private startedAt = 0;
  private serverEpochMs = 0;
  private offset = 0;
  private saveTimer: TimerHandle | null = null;
  /** Replaced (not cleared) at stop: a save staged before still sees what it was staged for. */
  private schedules = new Map<number, ScheduledEvent>();
  private readonly running = new Set<Promise<void>>();
  private nextId = 1;

  /** True between {@link start} and {@link stop}. */
  get started(): boolean {
    return this.ctx !== null;
  }

  /** Start the clock: read the saved runtime and schedules (re-arming them). Starting again first stops. */
  async start(ctx: TimerContext, settings: GameTimeSettings): Promise<void> {
    if (this.ctx) await this.stop();
    if (!(Number.isFinite(settings.timeFactor) && settings.timeFactor > 0)) {
      throw new EvenniaError("EV_ERR_CONFIG", `setting timeFactor must be a number > 0, got ${String(settings.timeFactor)}`);
    }
    this.calendar = calendarFromSetting(settings.timeCalendar);
    this.settings = settings;
    const saved = await ctx.storage.read<{ runtime: number }>(RUNTIME_KEY);
    this.runtimeAtStart = Math.max(0, Number(saved?.runtime) || 0);
    this.offset = Number(await ctx.storage.read<number>(GAMETIME_OFFSET_KEY)) || 0;
    this.startedAt = ctx.clock.now();
    const epoch = Number(await ctx.storage.read<number>(SERVER_EPOCH_CONFIG_KEY));
    this.serverEpochMs = Number.isFinite(epoch) && epoch > 0 ? epoch : this.startedAt - this.runtimeAtStart * 1000;
    this.ctx = ctx;
    const schedules = await ctx.storage.read<{ nextId: number; schedules: SavedSchedule[] }>(SCHEDULES_KEY);
    this.nextId = Math.max(1, schedules?.nextId ?? 1);
    for (const s of schedules?.schedules ?? []) {
      const event = new ScheduledEvent(this, s.id, s.moment, s.repeat, true, { saved: s.callback, obj: null }, [], s.args);
      this.schedules.set(event.id, event);
      if (!this.arm(event)) this.finish(event);
    }
    this.armRuntimeSave();
  }

  /** Stop: save the runtime, stop every schedule's timer (saved ones come back at the next start). */
  async stop(): Promise<void> {
    const ctx = this.ctx;
    if (!ctx) return;
    this.saveRuntime(ctx);
    if (this.saveTimer) ctx.clock.clearTimer(this.saveTimer);
    this.saveTimer = null;
    for (const event of this.schedules.values()) if (event.handle) ctx.clock.clearTimer(event.handle);
    this.schedules = new Map();
    this.ctx = null;
    // a callback that never ends does not hold up a reload
    await settledWithin([...this.running], this.options.stopWaitMs ?? TIMER_STOP_WAIT_MS, "game clock schedules");
    await flushImplicitWrites(); // what was saved is on disk before the next start reads it
  }

  /** Seconds the server has run since its first start, downtime excluded. */
  runtime(): number {
    const ctx = requireContext(this.ctx, "game clock");
    return this.runtimeAtStart + (ctx.clock.now() - this.startedAt) / 1000;
  }

  /** Seconds since this start (or reload). */
  uptime(): number {
    const ctx = requireContext(this.ctx, "game clock");
    return (ctx.clock.now() - this.startedAt) / 1000;
  }

  /** Seconds since the game's first start, downtime included. */
  realtime(): number {
    const ctx = requireContext(this.ctx, "game clock");
    return (ctx.clock.now() - this.serverEpochMs) / 1000;
  }

  /** The game's first start (real seconds since the Unix epoch). */
  serverEpoch(): number {
    requireContext(this.ctx, "game clock");
    return this.serverEpochMs / 1000;
  }

  /** The game time the clock counts from (`timeGameEpoch`, default: the first start's real time). */
  gameEpoch(): number {
    return this.settings.timeGameEpoch ?? this.serverEpoch();
  }

  /** The game's speed factor (`timeFactor`). */
  get timeFactor(): number {
    return this.settings.timeFactor;
  }

  /** Game seconds passed (since the epoch when `absolute`: a time to read with the calendar). */
  gametime(options: { absolute?: boolean } = {}): number {
    const epoch = options.absolute ? this.gameEpoch() : 0;
    const passed = this.settings.timeIgnoreDowntimes ? this.realtime() : this.runtime() - this.offset;
    return epoch + passed * this.settings.timeFactor;
  }

  /** The game time now by calendar unit (`{year, month, day, hour, min, sec}` on the standard calendar). */
  now(): Record<string, number> {
    return this.calendar.breakdown(this.gametime({ absolute: true }));
  }

  /** The game time now in words. */
  format(): string {
    return this.calendar.format(this.gametime({ absolute: true }));
  }

  /** Real seconds until the game time next reaches `moment`; null when it never will. */
  realSecondsUntil(moment: GameMoment): number | null {
    const now = this.gametime({ absolute: true });
    const next = this.calendar.nextMatch(now, moment);
    return next === null ? null : (next - now) / this.settings.timeFactor;
  }

  /** Make game time start over from now (the epoch still applies); saved. */
  reset(): void {
    const ctx = requireContext(this.ctx, "game clock");
    this.offset = this.runtime();
    const offset = this.offset;
    ctx.storage.save(GAMETIME_OFFSET_KEY, () => offset);
    for (const event of this.schedules.values()) this.arm(event);
  }

  /**
   * Call `callback` when game time reaches `moment` (`{hour: 6, min: 0}`: the next
   * 06:00), and at every such moment with `repeat`. An object method is saved.
   */
  schedule(callback: TimerCallback, moment: GameMoment, options: ScheduleOptions = {}): ScheduledEvent {
    const ctx = requireContext(this.ctx, "game clock");
    const persistent = options.persistent ?? isObjectMethod(callback);
    checkCallback(callback, persistent, "gametime.schedule");
    if (this.realSecondsUntil(moment) === null) throw new EvenniaError("EV_ERR_BAD_INPUT", `gametime.schedule: ${JSON.stringify(moment)} has passed and will not come again`);
    const args = options.args ?? [];
    const target = isObjectMethod(callback) ? { saved: saveMethod(callback), obj: persistent ? null : callback[0] } : { fn: callback as (...a: unknown[]) => unknown };
    const event = new ScheduledEvent(this, this.nextId++, { ...moment }, options.repeat ?? false, persistent, target, persistent ? [] : [...args], persistent ? encodeArgs(args) : null);
    this.schedules.set(event.id, event);
    this.arm(event);
    if (persistent) this.saveSchedules(ctx);
    // a unit of work (a command) that fails leaves no schedule behind
    currentUnitOfWork()?.recordUndo(() => void event.cancel());
    return event;
  }

  /** The active schedules. */
  scheduled(): ScheduledEvent[] {
    return [...this.schedules.values()];
  }

  /** @internal */
  unschedule(event: ScheduledEvent): boolean {
    if (this.schedules.get(event.id) !== event) return false;
    this.finish(event);
    return true;
  }

  private finish(event: ScheduledEvent): void {
    event.done = true;
    if (event.handle) this.ctx?.clock.clearTimer(event.handle);
    event.handle = null;
    this.schedules.delete(event.id);
    if (event.persistent && this.ctx) this.saveSchedules(this.ctx);
  }

  /** Arm the event's timer for its next moment; false when it has none. */
  private arm(event: ScheduledEvent): boolean {
    const ctx = requireContext(this.ctx, "game clock");
    if (event.handle) ctx.clock.clearTimer(event.handle);
    event.handle = null;
    const seconds = this.realSecondsUntil(event.moment);
    if (seconds === null) return false;
    // a hair past the moment, so the game clock reads the moment itself when it fires
    event.handle = ctx.clock.setTimer(() => this.fire(event), Math.ceil(seconds * 1000));
    return true;
  }

  private fire(event: ScheduledEvent): Promise<void> | undefined {
    const ctx = this.ctx;
    if (!ctx || this.schedules.get(event.id) !== event) return undefined;
    event.handle = null;
    if (event.repeat) {
      if (!this.arm(event)) this.finish(event);
    } else this.finish(event);
    const p = (async () => {
      await runTimerCallback(ctx.db, `game-time schedule ${event.id} ${JSON.stringify(event.moment)}`, async () => {
        if ("fn" in event.target) return event.target.fn(...event.args);
        const obj = event.target.obj ? (event.target.obj.isDeleted ? null : event.target.obj) : await loadMethodOwner(event.target.saved);
        if (!obj) {
          log.info(`game-time schedule ${event.id}: its object (#${event.target.saved.id}) is gone; cancelled`);
          this.unschedule(event);
          return;
        }
        const args = event.argsJson !== null ? await decodeArgs(event.argsJson) : event.args;
        return callMethod(obj, event.target.saved.method, args);
      });
    })();
    this.running.add(p);
    void p.finally(() => this.running.delete(p));
    return p;
  }

  private armRuntimeSave(): void {
    const ctx = this.ctx;
    if (!ctx) return;
    this.saveTimer = ctx.clock.setTimer(() => {
      if (this.ctx !== ctx) return;
      this.saveRuntime(ctx);
      this.armRuntimeSave();
    }, RUNTIME_SAVE_INTERVAL * 1000);
  }

  private saveRuntime(ctx: TimerContext): void {
    const runtime = this.runtimeAtStart + (ctx.clock.now() - this.startedAt) / 1000;
    ctx.storage.save(RUNTIME_KEY, () => ({ runtime }));
  }

  private saveSchedules(ctx: TimerContext): void {
    const schedules = this.schedules;
    ctx.storage.save(SCHEDULES_KEY, () => ({
      nextId: this.nextId,
      schedules: [...schedules.values()].flatMap((e): SavedSchedule[] =>
        e.persistent && "saved" in e.target ? [{ id: e.id, moment: e.moment, repeat: e.repeat, callback: e.target.saved, args: e.argsJson ?? "[]" }] : [],
      ),
    }));
  }
}

/** The game's clock (started and stopped with the server). */
export const gametime = new GameTime();
