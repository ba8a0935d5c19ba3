/**
 * `DefaultScript`: a typeclassed object without a place in the world, for game
 * state and timers. A script is global, or belongs to an object or an account
 * (`obj.scripts.add(...)`). With an `interval` it calls {@link DefaultScript.atRepeat}
 * every `interval` seconds once started, run by the script scheduler
 * (`script-scheduler.ts`), each call in a unit of work of its own.
 *
 * The timer's state (when it next fires, how long it had left when paused, how
 * many times it fired) is kept in attributes of category `script_timer`, so it
 * survives reloads and restarts; docs/scripts.md has the rules.
 */
import type { ScriptRow } from "../db/entities/rows.ts";
import { EvenniaError } from "../utils/errors.ts";
import { getLogger } from "../utils/logger.ts";
import type { DefaultAccount } from "./accounts.ts";
import type { DefaultObject } from "./objects.ts";
import { registerDefaultTypeclass } from "./registry.ts";
import { activeScriptScheduler, scriptClockNow } from "./script-scheduler-context.ts";
import { TypedObject } from "./typed-object.ts";

/**
 * What a persistent script does about the runs it missed while the server was
 * down (a `stop` then `start`; a reload is not downtime):
 * - `"skip"`: forget them; the next run is the next one on its schedule;
 * - `"once"`: run once right away for all of them, then every interval from then.
 */
export type CatchUpPolicy = "skip" | "once";

const log = getLogger("scripts");

/** Category of the attributes that hold a script's timer state. */
export const SCRIPT_TIMER_CATEGORY = "script_timer";

/** A script. */
export class DefaultScript extends TypedObject<ScriptRow> {
  static override readonly kind = "script" as const;

  /** The class's choice for missed runs after downtime (a script may override it with {@link catchUp}). */
  static catchUp: CatchUpPolicy = "skip";

  private objRef: DefaultObject | null = null;
  private accountRef: DefaultAccount | null = null;

  /** A short description (shown by the `scripts` command). */
  get description(): string {
    return this._row.description;
  }
  set description(value: string) {
    this._setField("description", String(value));
  }

  /** Alias of {@link description}, as Evennia's `desc`. */
  get desc(): string {
    return this.description;
  }
  set desc(value: string) {
    this.description = value;
  }

  /** Seconds between `atRepeat` calls; 0 for a script without a timer. Takes effect at the next {@link start}. */
  get interval(): number {
    return this._row.interval;
  }
  set interval(value: number) {
    this._setField("interval", checkWhole("interval", value));
  }

  /** True: the first `atRepeat` comes one interval after start; false: right at start. */
  get startDelay(): boolean {
    return this._row.start_delay;
  }
  set startDelay(value: boolean) {
    this._setField("start_delay", Boolean(value));
  }

  /** How many times `atRepeat` runs before the script stops; 0 for no limit. */
  get repeats(): number {
    return this._row.repeats;
  }
  set repeats(value: number) {
    this._setField("repeats", checkWhole("repeats", value));
  }

  /** False: the script is deleted at every reload and shutdown. */
  get persistent(): boolean {
    return this._row.persistent;
  }
  set persistent(value: boolean) {
    this._setField("persistent", Boolean(value));
  }

  /** True from {@link start} until {@link stop} (also while paused). */
  get isActive(): boolean {
    return this._row.is_active;
  }

  /** True while paused. */
  get isPaused(): boolean {
    return this.timerState("paused_remaining") !== undefined;
  }

  /** What this script does about runs missed while the server was down (default: its class's `catchUp`). */
  get catchUp(): CatchUpPolicy {
    const own = this.timerState<CatchUpPolicy>("catch_up");
    return own ?? (this.constructor as typeof DefaultScript).catchUp ?? "skip";
  }
  set catchUp(value: CatchUpPolicy) {
    if (value !== "skip" && value !== "once") throw new EvenniaError("EV_ERR_BAD_INPUT", `catchUp must be "skip" or "once", not ${String(value)}`);
    this.setTimerState("catch_up", value);
  }

  /** The object this script belongs to, or null. */
  get obj(): DefaultObject | null {
    const id = this._row.obj_id;
    if (id === null) return null;
    if (this.objRef?.id === id) return this.objRef.isDeleted ? null : this.objRef;
    this.objRef = this._store.peek({ kind: "object", id }) as DefaultObject | null;
    return this.objRef;
  }

  /** The account this script belongs to, or null. */
  get account(): DefaultAccount | null {
    const id = this._row.account_id;
    if (id === null) return null;
    if (this.accountRef?.id === id) return this.accountRef.isDeleted ? null : this.accountRef;
    this.accountRef = this._store.peek({ kind: "account", id }) as DefaultAccount | null;
    return this.accountRef;
  }

  /** True for a script that belongs to no object and no account. */
  get isGlobal(): boolean {
    return this._row.obj_id === null && this._row.account_id === null;
  }

  /** @internal hold the owner while the script is in memory (the store calls this after loading) */
  _linkRelations(): void {
    void this.obj;
    void this.account;
  }

  // ----- hooks -----

  /** Hook: runs once, when the script is created (set `interval`, `repeats` ... here). */
  async atScriptCreation(): Promise<void> {}

  /** @internal Evennia's creation hook name on scripts */
  override async atObjectCreation(): Promise<void> {
    await this.atScriptCreation();
  }

  /** Hook: the timer started, or was unpaused (also after a reload). */
  async atStart(): Promise<void> {}

  /** Hook: every `interval` seconds while started. Runs in a unit of work of its own; a throw is logged and the schedule kept. */
  async atRepeat(): Promise<void> {}

  /** Hook: the timer was paused (`manual` false: paused by the server at a reload). */
  async atPause(_options: { manual: boolean } = { manual: true }): Promise<void> {}

  /** Hook: the timer stopped (by {@link stop}, repeats running out, or {@link isValid} failing). */
  async atStop(): Promise<void> {}

  /** Hook: checked before each `atRepeat`; returning false stops the script instead. */
  async isValid(): Promise<boolean> {
    return true;
  }

  // ----- the timer -----

  /**
   * Start the timer (a script without an interval just becomes active). Given
   * values replace `interval`, `startDelay` and `repeats` first; a paused script
   * is unpaused; a running one is restarted only when a value changed.
   */
  async start(options: { interval?: number; startDelay?: boolean; repeats?: number } = {}): Promise<void> {
    this.assertAlive();
    let changed = false;
    if (options.interval !== undefined && options.interval !== this.interval) {
      this.interval = options.interval;
      changed = true;
    }
    if (options.startDelay !== undefined && options.startDelay !== this.startDelay) {
      this.startDelay = options.startDelay;
      changed = true;
    }
    if (options.repeats !== undefined && options.repeats !== this.repeats) {
      this.repeats = options.repeats;
      changed = true;
    }
    if (this.isPaused && !changed) {
      await this.unpause();
      return;
    }
    if (this.isActive && !changed && (this.interval <= 0 || this.nextRunAt !== null)) return;
    this._setField("is_active", true);
    this.setTimerState("paused_remaining", undefined);
    this.setTimerState("repeats_done", 0);
    const delay = this.interval > 0 ? (this.startDelay ? this.interval * 1000 : 0) : null;
    this.setTimerState("next_at", delay === null ? undefined : scriptClockNow() + delay);
    this.syncSchedule();
    await this.atStart();
  }

  /** Pause the timer where it is; {@link unpause} (or {@link start}) continues with the time that was left. */
  async pause(options: { manual?: boolean } = {}): Promise<void> {
    const next = this.nextRunAt;
    if (!this.isActive || this.isPaused || next === null) return;
    this.setTimerState("paused_remaining", Math.max(0, next - scriptClockNow()));
    this.setTimerState("next_at", undefined);
    this.syncSchedule();
    await this.atPause({ manual: options.manual ?? true });
  }

  /** Continue a paused timer with the time it had left. */
  async unpause(): Promise<void> {
    const remaining = this.timerState<number>("paused_remaining");
    if (!this.isActive || remaining === undefined) return;
    this.setTimerState("paused_remaining", undefined);
    this.setTimerState("next_at", scriptClockNow() + remaining);
    this.syncSchedule();
    await this.atStart();
  }

  /** Stop the timer (the script stays; {@link start} starts it anew). */
  async stop(): Promise<void> {
    if (!this.isActive) return;
    this._stopTimer();
    await this.atStop();
  }

  /** @internal stop the timer without calling `atStop` (the scheduler's way out when that hook throws) */
  _stopTimer(): void {
    if (!this.isActive) return;
    this._setField("is_active", false);
    this.setTimerState("next_at", undefined);
    this.setTimerState("paused_remaining", undefined);
    this.syncSchedule();
  }

  /** Run `atRepeat` now, counting it as a repeat, and restart the interval from now. */
  async forceRepeat(): Promise<void> {
    if (!this.isActive || this.isPaused || this.nextRunAt === null) return;
    const scheduler = activeScriptScheduler();
    if (!scheduler) throw new EvenniaError("EV_ERR_INTERNAL", "no script scheduler is running");
    await scheduler.fire(this);
  }

  /** Seconds until the next `atRepeat` (rounded), or null when not running (stopped, paused, no interval). */
  timeUntilNextRepeat(): number | null {
    const next = this.nextRunAt;
    if (!this.isActive || next === null) return null;
    return Math.max(0, Math.round((next - scriptClockNow()) / 1000));
  }

  /** Seconds left in the interval when paused, or null. */
  pausedTimeLeft(): number | null {
    const remaining = this.timerState<number>("paused_remaining");
    return remaining === undefined ? null : Math.round(remaining / 1000);
  }

  /** How many `atRepeat` calls are left before the script stops, or null without a limit. */
  remainingRepeats(): number | null {
    if (this.repeats <= 0) return null;
    return Math.max(0, this.repeats - this.repeatsDone);
  }

  /** How many times `atRepeat` ran since the last start. */
  get repeatsDone(): number {
    return this.timerState<number>("repeats_done") ?? 0;
  }

  /** @internal when the next `atRepeat` is due (ms since the epoch, scheduler clock), or null */
  get nextRunAt(): number | null {
    return this.timerState<number>("next_at") ?? null;
  }

  /** @internal set by the scheduler */
  _setNextRunAt(at: number | null): void {
    this.setTimerState("next_at", at ?? undefined);
  }

  /** @internal set by the scheduler */
  _setRepeatsDone(count: number): void {
    this.setTimerState("repeats_done", count);
  }

  /**
   * Stop the timer, then delete the script. An `atStop` that throws is logged and the
   * script is deleted all the same (else a buggy hook would keep it, and its object, forever).
   */
  override async delete(): Promise<boolean> {
    if (this.isDeleted) return false;
    if ((await this.atObjectDelete()) === false) return false;
    try {
      await this.stop();
    } catch (err) {
      log.error(`script ${this.key}(${this.dbref}) of type ${this.constructor.name}: atStop failed while it was deleted; deleted anyway`, err);
    }
    await this._store.deleteObject(this);
    this.syncSchedule();
    return true;
  }

  /** Tell the scheduler (once the change commits) to follow this script's timer state. */
  private syncSchedule(): void {
    this._store.unitOfWork().afterCommit(() => activeScriptScheduler()?.sync(this));
  }

  private timerState<T>(key: string): T | undefined {
    return this.attributes.get<T>(key, { category: SCRIPT_TIMER_CATEGORY }) ?? undefined;
  }

  private setTimerState(key: string, value: unknown): void {
    if (value === undefined) {
      if (this.attributes.has(key, { category: SCRIPT_TIMER_CATEGORY })) this.attributes.remove(key, { category: SCRIPT_TIMER_CATEGORY });
      return;
    }
    if (this.attributes.get(key, { category: SCRIPT_TIMER_CATEGORY }) === value) return;
    this.attributes.add(key, value, { category: SCRIPT_TIMER_CATEGORY });
  }
}

/** Largest `interval` or `repeats`: what the database's integer column holds (PostgreSQL's `integer`). */
export const MAX_SCRIPT_NUMBER = 2 ** 31 - 1;

function checkWhole(name: string, value: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > MAX_SCRIPT_NUMBER) {
    throw new EvenniaError("EV_ERR_BAD_INPUT", `${name} must be a whole number from 0 to ${MAX_SCRIPT_NUMBER}, not ${String(value)}`);
  }
  return n;
}

registerDefaultTypeclass("evennia.scripts.DefaultScript", DefaultScript);
