/**
 * When the game was first started: kept in the server config (`server_epoch`,
 * as Evennia's), written at the first start and read by the `time` command.
 */
import type { Database } from "../db/database.ts";
import { runInUnitOfWork } from "../db/unit-of-work.ts";
import type { ServerConfig } from "./server-config.ts";

/** The server-config key of the first start time (ms since the epoch, as text). */
export const SERVER_EPOCH_KEY = "server_epoch";

/** The first start time, or null when it was never recorded. */
export async function firstStartTime(config: Pick<ServerConfig, "get">): Promise<number | null> {
  const value = Number(await config.get(SERVER_EPOCH_KEY));
  return Number.isFinite(value) && value > 0 ? value : null;
}

/**
 * Record `now` as the first start unless one is recorded (a game from before this
 * was kept gets the time of its first start with it). Returns the first start time.
 */
export async function recordFirstStart(db: Database, config: ServerConfig, now = Date.now()): Promise<number> {
  const known = await firstStartTime(config);
  if (known !== null) return known;
  await runInUnitOfWork(db, () => config.stage(SERVER_EPOCH_KEY, String(now)));
  return now;
}
