/**
 * The table declarations (`entities/schemas.ts`) are the single source of the schema:
 * after every migration has run, TypeORM's schema builder — comparing the database
 * with the entity schemas made from the declarations — finds nothing to change, on
 * both databases. A migration that forgets a declared column is caught.
 */
import { Table, type MigrationInterface, type QueryRunner } from "typeorm";
import { expect, it } from "vitest";
import { Database } from "../../evennia-ts/db/database.ts";
import { idColumn, nullableText, text } from "../../evennia-ts/db/entities/columns.ts";
import { defineTable, frameworkTables } from "../../evennia-ts/db/entities/schemas.ts";
import { describeEachDatabase } from "../../evennia-ts/testing/database-fixture.ts";

/** Statements TypeORM would run to make the database match the entity schemas. */
async function pendingSchemaChanges(db: Database): Promise<string[]> {
  const log = await db.dataSource.driver.createSchemaBuilder().log();
  return log.upQueries.map((q) => q.query);
}

/** A declaration with a column its migration does not create. */
const ProbeTable = defineTable({
  entityName: "SchemaProbe",
  table: "schema_probe",
  columns: { id: idColumn, name: text(), forgotten_column: nullableText() },
});

class CreateProbe1730000000000 implements MigrationInterface {
  name = "CreateProbe1730000000000";
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: "schema_probe",
        columns: [
          { name: "id", type: "integer", isPrimary: true, isGenerated: true, generationStrategy: "increment" },
          { name: "name", type: "text" },
        ],
      }),
    );
  }
  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable("schema_probe");
  }
}

describeEachDatabase("schema declarations and migrations", (ctx) => {
  it("the framework's migrations leave exactly the declared schema", async () => {
    expect(await pendingSchemaChanges(ctx.db)).toEqual([]);
    // every declared table exists with its declared columns
    for (const table of frameworkTables) {
      const rows = await ctx.db.query(`SELECT ${table.columnNames.map((c) => `"${c}"`).join(", ")} FROM ${table.table} WHERE 1 = 0`);
      expect(rows).toEqual([]);
    }
  });

  it("catches a migration that does not create a declared column", async () => {
    const probe = await Database.open({ url: ctx.fixture.scratch.url, entities: [ProbeTable.entitySchema], migrations: [CreateProbe1730000000000] });
    try {
      const pending = await pendingSchemaChanges(probe);
      expect(pending.some((q) => q.includes("forgotten_column"))).toBe(true);
    } finally {
      await probe.close();
    }
  });
});
