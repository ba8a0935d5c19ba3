/**
 * The scripts service of the server: starts the script scheduler (resuming every
 * active script) and the global scripts of settings at boot, and stops it at
 * shutdown or reload. See docs/scripts.md.
 */
import type { Settings } from "../conf/settings.ts";
import { runInUnitOfWork } from "../db/unit-of-work.ts";
import { ensureGlobalScripts } from "../typeclasses/global-scripts.ts";
import { ScriptScheduler, type SchedulerNotes } from "../typeclasses/script-scheduler.ts";
import type { Store } from "../typeclasses/store.ts";

/** Start the scheduler, then make sure the global scripts exist once and run. */
export async function startScriptService(store: Store, notes: SchedulerNotes, settings: Settings): Promise<ScriptScheduler> {
  const scheduler = new ScriptScheduler(store, { notes });
  await scheduler.start();
  await runInUnitOfWork(store.db, () => ensureGlobalScripts(settings.globalScripts ?? {}));
  return scheduler;
}
