/**
 * Waiting a bounded time for timer callbacks still running. A timer service that
 * stops (at a reload or shutdown) waits for the callbacks it started, so that their
 * writes are on disk before the next start reads; but one callback that awaits what
 * never comes must not hold the reload up for ever.
 */
import { getLogger } from "../utils/logger.ts";
import { settledWithin as settledWithinMs } from "../utils/settled-within.ts";

const log = getLogger("timers");

/** How long stopping a timer service waits for callbacks still running (ms). */
export const TIMER_STOP_WAIT_MS = 5000;

/**
 * Wait until every promise of `calls` has settled, `ms` at most. Resolves true when they
 * all did; false (logged as a warning naming `what`) when some still run then.
 */
export async function settledWithin(calls: readonly Promise<unknown>[], ms: number, what: string): Promise<boolean> {
  const ended = await settledWithinMs(calls, ms);
  if (!ended) log.warn(`${what}: callbacks still running after ${ms} ms; stopped without waiting for them`);
  return ended;
}
