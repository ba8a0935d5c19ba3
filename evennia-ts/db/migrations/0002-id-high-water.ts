/**
 * `id_high_water`: the highest id handed out per typeclassed table, so that ids are
 * never handed out twice (see `id-allocator.ts`). Existing databases start from
 * their tables' highest ids.
 */
import { Table, type MigrationInterface, type QueryRunner } from "typeorm";

/** The tables whose ids the server allocates. */
const TABLES = ["objects", "accounts", "scripts", "channels"];

/** Creates and seeds `id_high_water`. */
export class IdHighWater1700000000002 implements MigrationInterface {
  name = "IdHighWater1700000000002";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: "id_high_water",
        columns: [
          { name: "table_name", type: "text", isPrimary: true },
          { name: "high_water", type: "integer" },
        ],
      }),
      true,
    );
    for (const table of TABLES) {
      await queryRunner.query(`INSERT INTO id_high_water (table_name, high_water) SELECT '${table}', COALESCE(MAX(id), 0) FROM ${table}`);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable("id_high_water", true);
  }
}
