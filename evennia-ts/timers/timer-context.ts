/**
 * What a timer service runs with once started: the database its callbacks run
 * their units of work on, where it saves, and the clock. Also how a failing
 * callback is logged (with an error id, as a failing command is).
 */
import { randomBytes } from "node:crypto";
import type { Database } from "../db/database.ts";
import { currentUnitOfWork, runInUnitOfWork } from "../db/unit-of-work.ts";
import { EvenniaError } from "../utils/errors.ts";
import { trackActivity } from "../utils/activity.ts";
import { getLogger } from "../utils/logger.ts";
import type { TimerClock } from "./timer-clock.ts";
import { TimerStorage } from "./timer-storage.ts";

const log = getLogger("timers");

/** Callbacks waiting for (or running after) the unit of work they were called in. */
const deferred = new Set<Promise<void>>();

/** Resolves when the callbacks called inside a unit of work (to run after it) have run. */
export async function deferredCallbacksSettled(): Promise<void> {
  while (deferred.size) await Promise.allSettled([...deferred]);
}

/** How a timer service is started. */
export interface TimerContext {
  /** The game's database (units of work and saved state). */
  readonly db: Database;
  /** The clock (default: the system clock). */
  readonly clock: TimerClock;
  /** Saved state. */
  readonly storage: TimerStorage;
}

/** A context for `db` on `clock`. */
export function timerContext(db: Database, clock: TimerClock): TimerContext {
  return { db, clock, storage: new TimerStorage(db) };
}

/** The context of a started service, or EV_ERR_NOT_LOADED naming it. */
export function requireContext(ctx: TimerContext | null, service: string): TimerContext {
  if (!ctx) throw new EvenniaError("EV_ERR_NOT_LOADED", `the ${service} is not running (the server starts it; tests call its start())`);
  return ctx;
}

/**
 * Run `fn` as its own unit of work; a throw is logged with an error id (and `what`)
 * and swallowed, so one failing callback never stops the others. Resolves true
 * when `fn` succeeded. Called inside another unit of work (a command running a
 * task now), `fn` runs right after that unit commits, never as part of it, and
 * this resolves at once (true).
 */
export async function runTimerCallback(db: Database, what: string, fn: () => unknown): Promise<boolean> {
  const outer = currentUnitOfWork();
  if (outer) {
    outer.afterCommit(() => {
      const run = runTimerCallback(db, what, fn).then(() => undefined);
      deferred.add(run);
      void run.finally(() => deferred.delete(run));
    });
    return true;
  }
  try {
    // the stall watchdog names this timer if it blocks the event loop
    await trackActivity(what, () =>
      runInUnitOfWork(db, async () => {
        await fn();
      }),
    );
    return true;
  } catch (err) {
    const id = randomBytes(4).toString("hex");
    log.error(`${what} failed [error id ${id}]; nothing it changed was kept`, err);
    return false;
  }
}
