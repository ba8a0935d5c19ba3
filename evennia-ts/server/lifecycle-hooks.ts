/**
 * Server lifecycle hooks from the game folder (Evennia's
 * `server/conf/at_server_startstop.py` and `at_initial_setup.py`):
 *
 * - `server/conf/at-server-startstop.ts` exports any of `atServerInit`,
 *   `atServerStart`, `atServerStop`, `atServerReloadStart`, `atServerReloadStop`,
 *   `atServerColdStart`, `atServerColdStop`;
 * - `server/conf/at-initial-setup.ts` exports `atInitialSetup` (or a default
 *   function), run once, on the very first start, after Limbo is made.
 *
 * Each hook runs in its own unit of work; one that throws is logged (its
 * changes rolled back) and the server carries on.
 */
import type { Database } from "../db/database.ts";
import { runInUnitOfWork } from "../db/unit-of-work.ts";
import { getLogger } from "../utils/logger.ts";

const log = getLogger("lifecycle");

/** The hooks a game may export. */
export interface LifecycleHooks {
  /** Every start, first of all (the database is open, no session is known yet). */
  atServerInit?: () => unknown;
  /** Every start, once the portal's sessions are known. */
  atServerStart?: () => unknown;
  /** Every stop. */
  atServerStop?: () => unknown;
  /** A start after a reload (or a crash): players stayed connected. */
  atServerReloadStart?: () => unknown;
  /** A stop for a reload. */
  atServerReloadStop?: () => unknown;
  /** A start after a full stop or a reset: nobody is logged in. */
  atServerColdStart?: () => unknown;
  /** A stop for a shutdown or a reset. */
  atServerColdStop?: () => unknown;
  /** Once ever, on the first start, after Limbo is made. */
  atInitialSetup?: () => unknown;
}

/** Names of the hooks, as exported. */
export const LIFECYCLE_HOOK_NAMES: readonly (keyof LifecycleHooks)[] = [
  "atServerInit",
  "atServerStart",
  "atServerStop",
  "atServerReloadStart",
  "atServerReloadStop",
  "atServerColdStart",
  "atServerColdStop",
  "atInitialSetup",
];

/** Pick the hooks out of a game module's exports (a default function counts as `defaultName`). */
export function hooksFromModule(mod: Record<string, unknown>, defaultName?: keyof LifecycleHooks): LifecycleHooks {
  const hooks: LifecycleHooks = {};
  for (const name of LIFECYCLE_HOOK_NAMES) {
    if (typeof mod[name] === "function") hooks[name] = mod[name] as () => unknown;
  }
  if (defaultName && !hooks[defaultName] && typeof mod.default === "function") hooks[defaultName] = mod.default as () => unknown;
  return hooks;
}

/** Run one hook in a unit of work; returns false (and logs) when it threw. */
export async function runLifecycleHook(db: Database, hooks: LifecycleHooks, name: keyof LifecycleHooks): Promise<boolean> {
  const hook = hooks[name];
  if (!hook) return true;
  try {
    await runInUnitOfWork(db, async () => {
      await hook();
    });
    return true;
  } catch (err) {
    log.error(`the game's ${name} hook failed; its changes were rolled back`, err);
    return false;
  }
}
