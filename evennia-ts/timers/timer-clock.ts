/**
 * The clock every timer service reads and schedules on. Production uses
 * {@link systemClock} (`Date.now` and `setTimeout`); tests inject a manual clock
 * (`ManualClock` in `evennia-ts/testing`) and move time forward by hand, so no
 * test waits for real minutes.
 */
import { getLogger } from "../utils/logger.ts";

const log = getLogger("timers");

/** A pending timer of a {@link TimerClock}, as it hands it out. */
export interface TimerHandle {
  /** The clock time (ms) the timer is due at. */
  readonly dueAt: number;
}

/** What the timer services need of time: the time now and one-shot timers. */
export interface TimerClock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  /**
   * Call `fn` once after `ms` milliseconds. `fn` may return a promise: a manual
   * clock waits for it before moving on; the system clock logs its rejection.
   */
  setTimer(fn: () => unknown, ms: number): TimerHandle;
  /** Forget a pending timer (no-op when it fired or was cleared). */
  clearTimer(handle: TimerHandle): void;
}

/** The longest delay Node's `setTimeout` takes; longer waits are chained. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

class SystemTimer implements TimerHandle {
  timeout: NodeJS.Timeout | null = null;
  constructor(readonly dueAt: number) {}
}

/** The real clock: `Date.now()` and (chained, unref'd) `setTimeout`s. */
export const systemClock: TimerClock = {
  now: () => Date.now(),
  setTimer(fn, ms) {
    const timer = new SystemTimer(Date.now() + Math.max(0, ms));
    const arm = (): void => {
      const left = timer.dueAt - Date.now();
      timer.timeout = setTimeout(
        () => {
          if (timer.dueAt - Date.now() > 0) return arm();
          timer.timeout = null;
          try {
            void Promise.resolve(fn()).catch((err) => log.error("a timer callback failed", err));
          } catch (err) {
            log.error("a timer callback failed", err);
          }
        },
        Math.min(Math.max(0, left), MAX_TIMEOUT_MS),
      );
      timer.timeout.unref?.();
    };
    arm();
    return timer;
  },
  clearTimer(handle) {
    const timer = handle as SystemTimer;
    if (timer.timeout) clearTimeout(timer.timeout);
    timer.timeout = null;
  },
};
