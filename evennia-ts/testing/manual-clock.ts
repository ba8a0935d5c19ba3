/**
 * A clock that only moves when told: inject it into the timer services
 * (`startTimerServices({ clock })`, or a handler's `start`) and call
 * {@link ManualClock.advance}; due timers fire in order, and each callback's
 * promise is awaited before the next fires.
 *
 * ```ts
 * const clock = new ManualClock(Date.UTC(2026, 0, 1));
 * delay(30, () => fired++, { clock });
 * await clock.advance(30_000); // fired === 1
 * ```
 */
import type { TimerClock, TimerHandle } from "../timers/timer-clock.ts";

class ManualTimer implements TimerHandle {
  constructor(
    readonly dueAt: number,
    readonly seq: number,
    readonly fn: () => unknown,
  ) {}
}

/** A {@link TimerClock} whose time moves only by {@link advance} or {@link set}. */
export class ManualClock implements TimerClock {
  private time: number;
  private seq = 0;
  private readonly timers = new Set<ManualTimer>();

  /** Start at `start` (ms since the Unix epoch; default: the real time now). */
  constructor(start = Date.now()) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  setTimer(fn: () => unknown, ms: number): TimerHandle {
    const timer = new ManualTimer(this.time + Math.max(0, ms), this.seq++, fn);
    this.timers.add(timer);
    return timer;
  }

  clearTimer(handle: TimerHandle): void {
    this.timers.delete(handle as ManualTimer);
  }

  /** How many timers are pending (to check that subscribers share one). */
  get pendingTimers(): number {
    return this.timers.size;
  }

  /** When the earliest pending timer is due, or null. */
  nextDue(): number | null {
    return this.earliest()?.dueAt ?? null;
  }

  /** Move time `ms` forward, firing (and awaiting) every timer that falls due, in order. */
  async advance(ms: number): Promise<void> {
    await this.runUntil(this.time + ms);
  }

  /** Move time to `time` (ms; never backwards), firing what falls due on the way. */
  async set(time: number): Promise<void> {
    await this.runUntil(Math.max(this.time, time));
  }

  private async runUntil(target: number): Promise<void> {
    for (;;) {
      const next = this.earliest();
      if (!next || next.dueAt > target) break;
      this.timers.delete(next);
      this.time = Math.max(this.time, next.dueAt);
      await next.fn();
    }
    this.time = target;
  }

  private earliest(): ManualTimer | null {
    let best: ManualTimer | null = null;
    for (const t of this.timers) if (!best || t.dueAt < best.dueAt || (t.dueAt === best.dueAt && t.seq < best.seq)) best = t;
    return best;
  }
}
