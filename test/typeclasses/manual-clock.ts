/**
 * A clock for the script scheduler that only moves when a test says so:
 * `advance(ms)` runs every timer due on the way, in order, waiting after each for
 * the scheduler to finish what the timer started.
 */
import type { SchedulerClock } from "../../evennia-ts/typeclasses/script-scheduler.ts";

interface PendingTimer {
  at: number;
  fn: () => void;
}

/** A manual clock with timers. */
export class ManualClock implements SchedulerClock {
  private t: number;
  private readonly timers = new Map<number, PendingTimer>();
  private nextId = 1;
  /** Awaited after each timer fires (the scheduler's `settled`). */
  settle: () => Promise<void> = async () => undefined;

  constructor(start = Date.UTC(2026, 0, 1, 12, 0, 0)) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  setTimer(fn: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.timers.set(id, { at: this.t + ms, fn });
    return id;
  }

  clearTimer(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  /** How many timers are armed. */
  get pendingTimers(): number {
    return this.timers.size;
  }

  /** Move time by `ms` without running timers (the server is down). */
  jump(ms: number): void {
    this.t += ms;
  }

  /** Move time by `ms`, running each timer due on the way at its due time. */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    for (;;) {
      let nextId: number | null = null;
      let next: PendingTimer | null = null;
      for (const [id, timer] of this.timers) if (timer.at <= end && (!next || timer.at < next.at)) [nextId, next] = [id, timer];
      if (!next || nextId === null) break;
      this.timers.delete(nextId);
      this.t = Math.max(this.t, next.at);
      next.fn();
      await this.settle();
    }
    this.t = end;
    await this.settle();
  }
}
