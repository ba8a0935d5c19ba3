/**
 * The first schema: every framework table. Written with TypeORM's Table API so the
 * same migration runs on SQLite and PostgreSQL.
 */
import { Table, TableIndex, TableUnique, type MigrationInterface, type QueryRunner } from "typeorm";
import type { TableColumnOptions } from "typeorm/schema-builder/options/TableColumnOptions.js";

const id: TableColumnOptions = { name: "id", type: "integer", isPrimary: true, isGenerated: true, generationStrategy: "increment" };
const textCol = (name: string, extra: Partial<TableColumnOptions> = {}): TableColumnOptions => ({ name, type: "text", ...extra });
const intCol = (name: string, extra: Partial<TableColumnOptions> = {}): TableColumnOptions => ({ name, type: "integer", ...extra });
const refCol = (name: string): TableColumnOptions => intCol(name, { isNullable: true });
const timeCol = (name: string, extra: Partial<TableColumnOptions> = {}): TableColumnOptions => ({ name, type: "bigint", ...extra });

const tables: { table: Table; indices?: TableIndex[]; uniques?: TableUnique[] }[] = [
  {
    table: new Table({
      name: "accounts",
      columns: [
        id,
        textCol("username"),
        textCol("username_lower", { isUnique: true }),
        textCol("password_hash"),
        textCol("email", { isNullable: true }),
        textCol("typeclass_path"),
        intCol("is_superuser", { default: 0 }),
        textCol("lock_storage", { default: "''" }),
        timeCol("date_created"),
        timeCol("last_login", { isNullable: true }),
      ],
    }),
  },
  {
    table: new Table({
      name: "objects",
      columns: [
        id,
        textCol("key"),
        textCol("key_lower"),
        textCol("typeclass_path"),
        refCol("location_id"),
        refCol("home_id"),
        refCol("destination_id"),
        refCol("account_id"),
        textCol("lock_storage", { default: "''" }),
        timeCol("date_created"),
      ],
    }),
    indices: [
      new TableIndex({ name: "idx_objects_key_lower", columnNames: ["key_lower"] }),
      new TableIndex({ name: "idx_objects_location", columnNames: ["location_id"] }),
      new TableIndex({ name: "idx_objects_account", columnNames: ["account_id"] }),
      new TableIndex({ name: "idx_objects_typeclass", columnNames: ["typeclass_path"] }),
    ],
  },
  {
    table: new Table({
      name: "scripts",
      columns: [
        id,
        textCol("key"),
        textCol("typeclass_path"),
        refCol("obj_id"),
        refCol("account_id"),
        textCol("description", { default: "''" }),
        intCol("interval", { default: 0 }),
        intCol("start_delay", { default: 0 }),
        intCol("repeats", { default: 0 }),
        intCol("persistent", { default: 1 }),
        intCol("is_active", { default: 0 }),
        textCol("lock_storage", { default: "''" }),
        timeCol("date_created"),
      ],
    }),
    indices: [new TableIndex({ name: "idx_scripts_obj", columnNames: ["obj_id"] })],
  },
  {
    table: new Table({
      name: "channels",
      columns: [
        id,
        textCol("key"),
        textCol("key_lower", { isUnique: true }),
        textCol("typeclass_path"),
        textCol("lock_storage", { default: "''" }),
        timeCol("date_created"),
      ],
    }),
  },
  {
    table: new Table({
      name: "messages",
      columns: [
        id,
        textCol("senders", { default: "'[]'" }),
        textCol("receivers", { default: "'[]'" }),
        refCol("channel_id"),
        textCol("header", { default: "''" }),
        textCol("message"),
        timeCol("date_created"),
      ],
    }),
    indices: [new TableIndex({ name: "idx_messages_channel", columnNames: ["channel_id", "date_created"] })],
  },
  {
    table: new Table({
      name: "help_entries",
      columns: [
        id,
        textCol("key"),
        textCol("key_lower", { isUnique: true }),
        textCol("category", { default: "'general'" }),
        textCol("text"),
        textCol("lock_storage", { default: "''" }),
        timeCol("date_created"),
      ],
    }),
  },
  {
    table: new Table({
      name: "attributes",
      columns: [
        id,
        textCol("owner_kind"),
        intCol("owner_id"),
        textCol("key"),
        textCol("category", { default: "''" }),
        textCol("value"),
        textCol("lock_string", { default: "''" }),
        timeCol("date_created"),
      ],
    }),
    uniques: [new TableUnique({ name: "uq_attributes_owner_key", columnNames: ["owner_kind", "owner_id", "key", "category"] })],
    indices: [new TableIndex({ name: "idx_attributes_key", columnNames: ["key", "category"] })],
  },
  {
    table: new Table({
      name: "tags",
      columns: [id, textCol("owner_kind"), intCol("owner_id"), textCol("key"), textCol("category", { default: "''" }), textCol("kind", { default: "'tag'" })],
    }),
    uniques: [new TableUnique({ name: "uq_tags_owner_key", columnNames: ["owner_kind", "owner_id", "key", "category", "kind"] })],
    indices: [new TableIndex({ name: "idx_tags_lookup", columnNames: ["key", "category", "kind"] })],
  },
  {
    table: new Table({ name: "server_config", columns: [textCol("key", { isPrimary: true }), textCol("value")] }),
  },
];

/** Creates every framework table. */
export class InitialSchema1700000000001 implements MigrationInterface {
  name = "InitialSchema1700000000001";

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const { table, indices = [], uniques = [] } of tables) {
      const withUniques = new Table({ ...table, uniques: [...table.uniques, ...uniques] });
      await queryRunner.createTable(withUniques, true);
      for (const index of indices) await queryRunner.createIndex(table.name, index);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const { table } of [...tables].reverse()) await queryRunner.dropTable(table.name, true);
  }
}
