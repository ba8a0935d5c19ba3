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
import { ServerConfig } from "./server-config.ts";

const log = getLogger("initial-setup");

/** Text of Limbo's description. */
export const LIMBO_DESC =
  "Welcome to your new |wevennia-ts|n-based game! This is Limbo, the room every new character starts in. " +
  "Game developers change it, and everything else, in the game folder's code.";

/** Run the initial setup unless it has been done. */
export async function runInitialSetup(db: Database, config: ServerConfig, settings: Settings): Promise<void> {
  if ((await config.get("initial_setup_done")) === "1") return;
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
  });
}
