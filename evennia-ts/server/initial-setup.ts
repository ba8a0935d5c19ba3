/**
 * First-start setup: create Limbo, the room new characters start in, and remember
 * it as the default home and start location; with the `demoWorld` setting, build
 * the demo world around it.
 */
import type { Database } from "../db/database.ts";
import { runInUnitOfWork } from "../db/unit-of-work.ts";
import type { Settings } from "../conf/settings.ts";
import { createObject } from "../typeclasses/create.ts";
import { findTypeclass } from "../typeclasses/registry.ts";
import { buildDemoWorld } from "./demo-world.ts";
import { getLogger } from "../utils/logger.ts";
import type { LifecycleHooks } from "./lifecycle-hooks.ts";
import { ServerConfig } from "./server-config.ts";

const log = getLogger("initial-setup");

/** Text of Limbo's description. */
export const LIMBO_DESC =
  "Welcome to your new |wevennia-ts|n-based game! This is Limbo, the room every new character starts in. " +
  "Game developers change it, and everything else, in the game folder's code.";

/**
 * Run the initial setup unless it has been done, then the game's
 * `atInitialSetup` hook unless it has run: a hook that fails is logged and
 * tried again at the next start. Returns true when this was the first start.
 */
export async function runInitialSetup(db: Database, config: ServerConfig, settings: Settings, hooks: LifecycleHooks = {}): Promise<boolean> {
  const first = (await config.get("initial_setup_done")) !== "1";
  if (first) await createLimbo(db, config, settings);
  // "0": the hook failed at an earlier start and is tried again
  if (first || (await config.get("at_initial_setup_done")) === "0") {
    // the hook's changes and its "done" commit together: a server killed between them (before,
    // Limbo was committed with no mark at all, and the hook never ran again) runs it again
    const hook = hooks.atInitialSetup;
    try {
      await runInUnitOfWork(db, async () => {
        await hook?.();
        config.stage("at_initial_setup_done", "1");
      });
    } catch (err) {
      log.error("the game's atInitialSetup hook failed; its changes were rolled back", err);
      await runInUnitOfWork(db, () => config.stage("at_initial_setup_done", "0"));
    }
  }
  return first;
}

async function createLimbo(db: Database, config: ServerConfig, settings: Settings): Promise<void> {
  log.info("first start: creating Limbo");
  await runInUnitOfWork(db, async () => {
    const roomClass = findTypeclass(settings.baseRoomTypeclass) ? settings.baseRoomTypeclass : "evennia.objects.DefaultRoom";
    const limbo = await createObject(roomClass, { key: "Limbo" });
    limbo.db.desc = LIMBO_DESC;
    config.stage("start_location", String(limbo.id));
    config.stage("default_home", String(limbo.id));
    if (settings.demoWorld) {
      log.info("first start: building the demo world");
      await buildDemoWorld(limbo, settings);
    }
    config.stage("initial_setup_done", "1");
    // with Limbo: until the game's hook has committed, the next start runs it
    config.stage("at_initial_setup_done", "0");
  });
}
