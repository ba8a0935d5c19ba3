/**
 * Where the timer services keep what must survive a reload or restart: one JSON
 * value per service in the `server_config` table (as Evennia keeps its ticker and
 * task storage in ServerConfig). A save is staged in the current unit of work (or
 * the implicit one) and built at commit, so many changes in one unit write once.
 */
import type { Database } from "../db/database.ts";
import { ServerConfigTable } from "../db/entities/schemas.ts";
import { unitOfWorkFor } from "../db/unit-of-work.ts";
import { upsertRow } from "../db/writes.ts";
import { getLogger } from "../utils/logger.ts";

const log = getLogger("timers");

/** JSON values in `server_config`, read at start and saved on change. */
export class TimerStorage {
  constructor(readonly db: Database) {}

  /** The value saved under `key`, or null (never saved, or unreadable: logged). */
  async read<T>(key: string): Promise<T | null> {
    const [row] = await this.db.query<{ value: string }>("SELECT value FROM server_config WHERE key = ?", [key]);
    if (!row?.value) return null;
    try {
      return JSON.parse(row.value) as T;
    } catch (err) {
      log.error(`the saved timer state "${key}" is not JSON; starting without it`, err);
      return null;
    }
  }

  /** Stage saving `build()` (run at commit) under `key`; a later save in the same unit replaces it. */
  save(key: string, build: () => unknown): void {
    unitOfWorkFor(this.db).stage(`config:${key}`, () => [upsertRow(ServerConfigTable, { key, value: JSON.stringify(build()) })]);
  }
}
