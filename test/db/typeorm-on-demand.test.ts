/**
 * TypeORM on demand (`Database.open({ typeorm: "on-demand" })`, what the server does):
 * a database whose schema is up to date is opened, read and written without loading
 * TypeORM (checked in fresh node processes, where nothing else loaded it); pending
 * migrations are found through the database's own connection and run here or
 * elsewhere; `dataSource` says how to get it when it is not loaded.
 */
import { execFileSync } from "node:child_process";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { Database } from "../../evennia-ts/db/database.ts";
import { frameworkMigrations } from "../../evennia-ts/db/migrations/index.ts";
import { FRAMEWORK_MIGRATION_NAMES } from "../../evennia-ts/db/migrations/names.ts";
import { createScratchDatabase, dialectAvailable, TEST_DIALECTS } from "../../evennia-ts/testing/database-fixture.ts";
import { packageRoot } from "../../evennia-ts/testing/game-folder.ts";

const databaseModule = pathToFileURL(path.join(packageRoot, "evennia-ts", "db", "database.ts")).href;

interface ChildReport {
  typeormBefore: number;
  typeormAfterOpen: number;
  typeormAfterOpenDataSource: number;
  rows: number;
  dataSourceError: string;
}

/** Open `url` on demand in a new node process, write and read a row, then ask for TypeORM. */
function openOnDemandInChild(url: string): ChildReport {
  const script = `
    import { createRequire } from "node:module";
    const typeormModules = () => Object.keys(createRequire(import.meta.url).cache).filter((k) => k.includes("/node_modules/typeorm/")).length;
    const { Database } = await import(${JSON.stringify(databaseModule)});
    const typeormBefore = typeormModules();
    const db = await Database.open({ url: process.argv[1], typeorm: "on-demand", walCheckpoints: false });
    await db.write([{ sql: "INSERT INTO server_config (key, value) VALUES (?, ?)", params: ["probe-" + Date.now(), "1"] }]);
    const rows = (await db.query("SELECT count(*) AS n FROM server_config WHERE key LIKE 'probe-%'"))[0].n;
    const typeormAfterOpen = typeormModules();
    let dataSourceError = "";
    try { db.dataSource; } catch (err) { dataSourceError = err.code + ": " + err.message; }
    await db.openDataSource();
    const typeormAfterOpenDataSource = typeormModules();
    await db.close();
    process.stdout.write(JSON.stringify({ typeormBefore, typeormAfterOpen, typeormAfterOpenDataSource, rows: Number(rows), dataSourceError }));`;
  const out = execFileSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script, url], { cwd: packageRoot, encoding: "utf8", timeout: 60_000 });
  return JSON.parse(out) as ChildReport;
}

it("the names the server checks are the framework's migrations, in order", () => {
  expect(FRAMEWORK_MIGRATION_NAMES).toEqual(frameworkMigrations.map((M) => new M().name));
});

for (const dialect of TEST_DIALECTS) {
  describe.runIf(dialectAvailable(dialect))(`TypeORM on demand (${dialect})`, () => {
    it("a database that is up to date is used without loading TypeORM; openDataSource loads it", async () => {
      const scratch = await createScratchDatabase(dialect);
      try {
        const migrated = await Database.open({ url: scratch.url });
        expect(await migrated.pendingFrameworkMigrations()).toEqual([]);
        await migrated.close();
        const report = openOnDemandInChild(scratch.url);
        expect(report.typeormBefore).toBe(0);
        expect(report.typeormAfterOpen).toBe(0);
        expect(report.rows).toBe(1);
        expect(report.dataSourceError).toMatch(/^EV_ERR_NOT_LOADED: TypeORM is not loaded in this process: await db.openDataSource\(\) first/);
        expect(report.typeormAfterOpenDataSource).toBeGreaterThan(0);
      } finally {
        await scratch.dispose();
      }
    }, 90_000);

    it("finds pending migrations through its own connection and runs them where it is told", async () => {
      const scratch = await createScratchDatabase(dialect);
      try {
        let runs = 0;
        const db = await Database.open({
          url: scratch.url,
          typeorm: "on-demand",
          runMigrationsElsewhere: async () => {
            runs++;
            const other = await Database.open({ url: scratch.url });
            await other.close();
          },
        });
        try {
          expect(runs).toBe(1);
          expect(db.hasDataSource).toBe(false);
          expect(await db.pendingFrameworkMigrations()).toEqual([]);
          expect(await db.query("SELECT count(*) AS n FROM objects")).toEqual([{ n: dialect === "postgres" ? "0" : 0 }]);
        } finally {
          await db.close();
        }
      } finally {
        await scratch.dispose();
      }
    }, 90_000);

    it("fails clearly when the runner leaves migrations pending, and without a runner migrates here", async () => {
      const scratch = await createScratchDatabase(dialect);
      try {
        await expect(Database.open({ url: scratch.url, typeorm: "on-demand", runMigrationsElsewhere: async () => undefined })).rejects.toMatchObject({
          code: "EV_ERR_DB",
          message: expect.stringContaining(`migrations still pending after running them: ${FRAMEWORK_MIGRATION_NAMES.join(", ")}`),
        });
        const db = await Database.open({ url: scratch.url, typeorm: "on-demand" });
        try {
          expect(db.hasDataSource).toBe(true);
          expect(await db.pendingFrameworkMigrations()).toEqual([]);
        } finally {
          await db.close();
        }
      } finally {
        await scratch.dispose();
      }
    }, 90_000);
  });
}

describe.runIf(dialectAvailable("postgres"))("TypeORM on demand in a PostgreSQL schema", () => {
  it("reads the migrations table of its own schema, not one the search path finds in public, and migrates in that schema", async () => {
    const scratch = await createScratchDatabase("postgres");
    try {
      // public holds a migrations table that lists every framework migration (another game's)
      const { default: pg } = await import("pg");
      const client = new pg.Client({ connectionString: scratch.url });
      await client.connect();
      try {
        await client.query("CREATE TABLE public.migrations (id serial PRIMARY KEY, timestamp bigint NOT NULL, name varchar NOT NULL)");
        for (const name of FRAMEWORK_MIGRATION_NAMES) await client.query("INSERT INTO public.migrations (timestamp, name) VALUES (0, $1)", [name]);
        await client.query('CREATE SCHEMA "evts_game"');
      } finally {
        await client.end();
      }
      const db = await Database.open({ url: scratch.url, schema: "evts_game", typeorm: "on-demand", autoMigrate: false });
      try {
        expect(await db.pendingFrameworkMigrations()).toEqual(FRAMEWORK_MIGRATION_NAMES);
        // and they apply in that schema (the migrations' own SQL names no schema)
        expect(await db.migrate()).toEqual(FRAMEWORK_MIGRATION_NAMES);
        expect(await db.pendingFrameworkMigrations()).toEqual([]);
        expect(await db.query("SELECT count(*) AS n FROM evts_game.id_high_water")).toEqual([{ n: expect.any(String) }]);
      } finally {
        await db.close();
      }
    } finally {
      await scratch.dispose();
    }
  }, 90_000);
});
