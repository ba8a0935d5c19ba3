/**
 * Persistent server configuration (the `server_config` table): small key/value
 * strings the server keeps between runs (start location, setup flags).
 */
import type { Database } from "../db/database.ts";
import { ServerConfigTable } from "../db/entities/schemas.ts";
import { unitOfWorkFor } from "../db/unit-of-work.ts";
import { upsertRow } from "../db/writes.ts";

/** Access to `server_config`. */
export class ServerConfig {
  private readonly cache = new Map<string, string | null>();

  constructor(private readonly db: Database) {}

  /** Read a value (cached after the first read). */
  async get(key: string): Promise<string | null> {
    if (this.cache.has(key)) return this.cache.get(key)!;
    const [row] = await this.db.query<{ value: string }>("SELECT value FROM server_config WHERE key = ?", [key]);
    const value = row?.value ?? null;
    this.cache.set(key, value);
    return value;
  }

  /** Stage a write in the current unit of work. */
  stage(key: string, value: string): void {
    const uow = unitOfWorkFor(this.db);
    const previous = this.cache.get(key);
    this.cache.set(key, value);
    uow.recordUndo(() => (previous === undefined ? this.cache.delete(key) : this.cache.set(key, previous)));
    uow.stage(`config:${key}`, () => [upsertRow(ServerConfigTable, { key, value })]);
  }
}
