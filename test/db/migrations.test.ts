/**
 * Migrations on both databases: a game's own entity schema and migration run after
 * the framework's; running them again does nothing; a migration added later runs
 * once on an existing database.
 */
import { EntitySchema, Table, type MigrationInterface, type QueryRunner } from "typeorm";
import { expect, it } from "vitest";
import { Database } from "../../evennia-ts/db/database.ts";
import { frameworkMigrations } from "../../evennia-ts/db/migrations/index.ts";
import { describeEachDatabase } from "../../evennia-ts/testing/database-fixture.ts";

interface WidgetRow {
  id: number;
  name: string;
  weight: number;
  colour: string | null;
}

const widgetColumns = {
  id: { type: "integer", primary: true, generated: "increment" },
  name: { type: "text" },
  weight: { type: "integer", default: 0 },
} as const;

/** The game's entity in its first version. */
const WidgetEntity = new EntitySchema<Omit<WidgetRow, "colour">>({ name: "GameWidget", tableName: "game_widgets", columns: widgetColumns });

/** The same entity after {@link AddWidgetColour1720000000000}. */
const WidgetEntityV2 = new EntitySchema<WidgetRow>({
  name: "GameWidget",
  tableName: "game_widgets",
  columns: { ...widgetColumns, colour: { type: "text", nullable: true } },
});

/** The game's first migration. It reads a framework table, so it fails if it runs first. */
class CreateGameWidgets1710000000000 implements MigrationInterface {
  name = "CreateGameWidgets1710000000000";
  async up(queryRunner: QueryRunner): Promise<void> {
    const [row] = (await queryRunner.query("SELECT COUNT(*) AS n FROM objects")) as { n: number | string }[];
    await queryRunner.createTable(
      new Table({
        name: "game_widgets",
        columns: [
          { name: "id", type: "integer", isPrimary: true, isGenerated: true, generationStrategy: "increment" },
          { name: "name", type: "text" },
          { name: "weight", type: "integer", default: 0 },
        ],
      }),
    );
    await queryRunner.query(`INSERT INTO server_config (key, value) VALUES ('widgets_seen_objects', '${Number(row?.n ?? -1)}')`);
  }
  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable("game_widgets");
  }
}

/** A migration the game adds in a later version. */
class AddWidgetColour1720000000000 implements MigrationInterface {
  name = "AddWidgetColour1720000000000";
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE game_widgets ADD COLUMN colour text");
  }
  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE game_widgets DROP COLUMN colour");
  }
}

/** The framework's migrations' names, oldest first. */
const FRAMEWORK = frameworkMigrations.map((m) => new m().name as string);

const appliedNames = async (db: Database): Promise<string[]> => (await db.query<{ name: string }>("SELECT name FROM migrations ORDER BY id")).map((r) => r.name);

describeEachDatabase(
  "migrations",
  (ctx) => {
    it("runs the framework's migrations, then the game's, once", async () => {
      expect(FRAMEWORK.slice(0, 2)).toEqual(["InitialSchema1700000000001", "IdHighWater1700000000002"]);
      expect(await appliedNames(ctx.db)).toEqual([...FRAMEWORK, "CreateGameWidgets1710000000000"]);
      const [seen] = await ctx.db.query<{ value: string }>("SELECT value FROM server_config WHERE key = 'widgets_seen_objects'");
      expect(seen?.value).toBe("0");
      expect(await ctx.db.migrate()).toEqual([]);
      expect(await ctx.db.migrate()).toEqual([]);
      expect(await appliedNames(ctx.db)).toHaveLength(FRAMEWORK.length + 1);
    });

    it("lets game code use its entity through TypeORM next to the framework's tables", async () => {
      const repo = ctx.db.dataSource.getRepository(WidgetEntity);
      await ctx.db.write([{ sql: "INSERT INTO game_widgets (name, weight) VALUES (?, ?)", params: ["cog", 3] }]);
      const found = await repo.findOneBy({ name: "cog" });
      expect(found).toMatchObject({ name: "cog", weight: 3 });
    });

    it("does nothing when reopened, and runs a migration added later exactly once", async () => {
      const url = ctx.fixture.scratch.url;
      const again = await Database.open({ url, entities: [WidgetEntity], migrations: [CreateGameWidgets1710000000000] });
      try {
        expect(await again.migrate()).toEqual([]);
        expect(await appliedNames(again)).toHaveLength(FRAMEWORK.length + 1);
        expect((await again.query<{ name: string }>("SELECT name FROM game_widgets")).map((r) => r.name)).toEqual(["cog"]);
      } finally {
        await again.close();
      }
      const upgraded = await Database.open({ url, entities: [WidgetEntityV2], migrations: [CreateGameWidgets1710000000000, AddWidgetColour1720000000000] });
      try {
        expect(await appliedNames(upgraded)).toEqual([
          ...FRAMEWORK,
          "CreateGameWidgets1710000000000",
          "AddWidgetColour1720000000000",
        ]);
        expect(await upgraded.migrate()).toEqual([]);
        await upgraded.write([{ sql: "UPDATE game_widgets SET colour = ? WHERE name = ?", params: ["brass", "cog"] }]);
        const repo = upgraded.dataSource.getRepository(WidgetEntityV2);
        expect(await repo.findOneBy({ name: "cog" })).toMatchObject({ colour: "brass" });
      } finally {
        await upgraded.close();
      }
    });
  },
  { entities: [WidgetEntity], migrations: [CreateGameWidgets1710000000000] },
);
