/**
 * The database test fixture cleans up after itself: SQLite files are removed and
 * PostgreSQL databases are dropped.
 */
import { existsSync } from "node:fs";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { Database } from "../../evennia-ts/db/database.ts";
import { createScratchDatabase, openDatabaseFixture, postgresTestUrl, withDatabase } from "../../evennia-ts/testing/database-fixture.ts";
import { getStore } from "../../evennia-ts/typeclasses/store-context.ts";

describe("database fixture [sqlite]", () => {
  it("opens a migrated database in a temporary file and removes it afterwards", async () => {
    const fx = await openDatabaseFixture("sqlite");
    const file = fx.scratch.name;
    expect(fx.scratch.url).toBe(`sqlite:${file}`);
    expect(file).toMatch(/[/\\]\.tmp[/\\]evts-[0-9a-f]+\.sqlite3$/);
    expect(getStore()).toBe(fx.store);
    await fx.db.write([{ sql: "INSERT INTO server_config (key, value) VALUES ('k', 'v')" }]);
    expect(existsSync(file)).toBe(true);
    expect(existsSync(`${file}-wal`)).toBe(true);
    await fx.close();
    expect(fx.db.isClosed).toBe(true);
    for (const f of [file, `${file}-wal`, `${file}-shm`]) expect(existsSync(f)).toBe(false);
    expect(() => getStore()).toThrow(expect.objectContaining({ code: "EV_ERR_INTERNAL" }));
  });
});

describe.skipIf(!postgresTestUrl)("database fixture [postgres]", () => {
  const databaseExists = async (name: string): Promise<boolean> => {
    const client = new pg.Client({ connectionString: withDatabase(postgresTestUrl!, "postgres") });
    await client.connect();
    try {
      return (await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name])).rowCount === 1;
    } finally {
      await client.end();
    }
  };

  it("creates a database of its own and drops it afterwards, even with connections left open", async () => {
    const scratch = await createScratchDatabase("postgres");
    expect(scratch.name).toMatch(/^evts_[0-9a-f]+$/);
    expect(await databaseExists(scratch.name)).toBe(true);
    const db = await Database.open({ url: scratch.url });
    expect((await db.query<{ name: string }>("SELECT current_database() AS name"))[0]?.name).toBe(scratch.name);
    await scratch.dispose(); // the Database is still open: dropped WITH (FORCE)
    expect(await databaseExists(scratch.name)).toBe(false);
    await db.close();
  });
});
