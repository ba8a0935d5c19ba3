/**
 * Two processes opening one new database at once (two hosts of a game on PostgreSQL,
 * `evennia-ts migrate` beside a starting server) both find its migrations pending.
 * Migrations run one process at a time: every opener succeeds and each migration is
 * applied once. (PostgreSQL: SQLite opens in one process never interleave a migration.)
 */
import { afterEach, expect, it } from "vitest";
import { Database } from "../../evennia-ts/db/database.ts";
import { frameworkMigrations } from "../../evennia-ts/db/migrations/index.ts";
import { createScratchDatabase, describeOnDatabases, type ScratchDatabase } from "../../evennia-ts/testing/database-fixture.ts";

const FRAMEWORK = frameworkMigrations.map((m) => new m().name as string);
let scratch: ScratchDatabase | null = null;

afterEach(async () => {
  await scratch?.dispose();
  scratch = null;
});

describeOnDatabases(
  ["postgres"],
  "concurrent migrations",
  (ctx) => {
    it("four openers of a new database at once all succeed, and every migration is applied once", { timeout: 60_000 }, async () => {
      scratch = await createScratchDatabase(ctx.dialect);
      const url = scratch.url;
      const opened = await Promise.allSettled(Array.from({ length: 4 }, () => Database.open({ url })));
      const dbs = opened.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
      try {
        expect(opened.filter((r) => r.status === "rejected").map((r) => String((r as PromiseRejectedResult).reason))).toEqual([]);
        const names = (await dbs[0]!.query<{ name: string }>("SELECT name FROM migrations ORDER BY id")).map((r) => r.name);
        expect(names).toEqual(FRAMEWORK);
        for (const db of dbs) expect(await db.migrate()).toEqual([]);
      } finally {
        for (const db of dbs) await db.close();
      }
    });
  },
);
