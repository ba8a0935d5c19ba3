/**
 * Comms: who subscribes to which channel (`channel_subscriptions`), who sent and
 * received each stored message (`message_parties`, so a player's pages are found
 * by an index, and pages to someone offline wait there, `pending`), and a
 * `category` on messages (`channel`, `page`...).
 */
import { Table, TableColumn, TableIndex, TableUnique, type MigrationInterface, type QueryRunner } from "typeorm";

/** Creates the comms tables and adds `messages.category`. */
export class Comms1700000000004 implements MigrationInterface {
  name = "Comms1700000000004";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: "channel_subscriptions",
        columns: [
          { name: "id", type: "integer", isPrimary: true, isGenerated: true, generationStrategy: "increment" },
          { name: "channel_id", type: "integer" },
          { name: "subscriber_kind", type: "text" },
          { name: "subscriber_id", type: "integer" },
          { name: "muted", type: "integer", default: 0 },
          { name: "date_created", type: "bigint" },
        ],
        uniques: [new TableUnique({ name: "uq_channel_subscriptions", columnNames: ["channel_id", "subscriber_kind", "subscriber_id"] })],
        indices: [new TableIndex({ name: "idx_channel_subscriptions_subscriber", columnNames: ["subscriber_kind", "subscriber_id"] })],
      }),
      true,
    );
    await queryRunner.createTable(
      new Table({
        name: "message_parties",
        columns: [
          { name: "id", type: "integer", isPrimary: true, isGenerated: true, generationStrategy: "increment" },
          { name: "message_id", type: "integer" },
          { name: "role", type: "text" },
          { name: "party_kind", type: "text" },
          { name: "party_id", type: "integer" },
          { name: "pending", type: "integer", default: 0 },
        ],
        indices: [
          new TableIndex({ name: "idx_message_parties_party", columnNames: ["party_kind", "party_id", "role"] }),
          new TableIndex({ name: "idx_message_parties_message", columnNames: ["message_id"] }),
        ],
      }),
      true,
    );
    await queryRunner.addColumn("messages", new TableColumn({ name: "category", type: "text", default: "''" }));
    await queryRunner.createIndex("messages", new TableIndex({ name: "idx_messages_category", columnNames: ["category", "date_created"] }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex("messages", "idx_messages_category");
    await queryRunner.dropColumn("messages", "category");
    await queryRunner.dropTable("message_parties", true);
    await queryRunner.dropTable("channel_subscriptions", true);
  }
}
