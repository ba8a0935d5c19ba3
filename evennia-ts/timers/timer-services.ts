/**
 * Starting and stopping the timer services together, as the server does at
 * start and stop (and a reload does both): the game clock first (the on-demand
 * handler measures on its runtime), then the ticker handler, the task handler and
 * the on-demand handler. Starting again stops first, so a reload never schedules
 * anything twice.
 */
import type { Database } from "../db/database.ts";
import { flushImplicitWrites } from "../db/unit-of-work.ts";
import { gametime, type GameTimeSettings } from "./gametime.ts";
import { onDemandHandler } from "./on-demand-handler.ts";
import { taskHandler } from "./task-handler.ts";
import { tickerHandler } from "./ticker-handler.ts";
import { systemClock, type TimerClock } from "./timer-clock.ts";
import { settledWithin, TIMER_STOP_WAIT_MS } from "./bounded-wait.ts";
import { deferredCallbacksSettled, timerContext } from "./timer-context.ts";

/** Options of {@link startTimerServices}. */
export interface TimerServicesOptions {
  /** The game's database. */
  db: Database;
  /** The game-time settings (`timeFactor`, `timeGameEpoch`, `timeIgnoreDowntimes`, `timeCalendar`). */
  settings: GameTimeSettings;
  /** The clock (default: the system clock; tests pass a manual one). */
  clock?: TimerClock;
}

/** Start the game clock, tickers, delayed tasks and on-demand handler. */
export async function startTimerServices(options: TimerServicesOptions): Promise<void> {
  await stopTimerServices();
  const ctx = timerContext(options.db, options.clock ?? systemClock);
  await gametime.start(ctx, options.settings);
  await tickerHandler.start(ctx);
  await taskHandler.start(ctx);
  await onDemandHandler.start(ctx, () => gametime.runtime());
  await flushImplicitWrites();
}

/** Stop them all (what must persist is saved); waits for callbacks running now, a few seconds at most. */
export async function stopTimerServices(): Promise<void> {
  await settledWithin([deferredCallbacksSettled()], TIMER_STOP_WAIT_MS, "timer callbacks run after their unit of work");
  onDemandHandler.stop();
  await taskHandler.stop();
  await tickerHandler.stop();
  await gametime.stop();
  await flushImplicitWrites();
}
