/**
 * The script scheduler the server runs, reachable from scripts (`script.start()`
 * tells it what to schedule). Kept apart from the scheduler so that `scripts.ts`
 * and the scheduler do not import each other.
 */
import type { DefaultScript } from "./scripts.ts";

/** What scripts need of the scheduler. */
export interface ScriptTimerService {
  /** The scheduler's clock, ms since the epoch. */
  now(): number;
  /** Follow `script`'s timer state: (re)schedule it, or drop it when it is stopped, paused or deleted. */
  sync(script: DefaultScript): void;
  /** Run `script`'s `atRepeat` now as if due, counting a repeat, and restart its interval. */
  fire(script: DefaultScript): Promise<void>;
}

let active: ScriptTimerService | null = null;

/** Make `scheduler` the one scripts report to (null: none; scripts keep their state for the next one). */
export function setActiveScriptScheduler(scheduler: ScriptTimerService | null): void {
  active = scheduler;
}

/** The running scheduler, or null. */
export function activeScriptScheduler(): ScriptTimerService | null {
  return active;
}

/** Now, on the running scheduler's clock (the system clock when none runs). */
export function scriptClockNow(): number {
  return active ? active.now() : Date.now();
}
