/**
 * Website sessions (`web_sessions`): the express-session store of the server's web
 * app keeps each browser session here, so logins survive a server reload (the
 * server process restarts). `expires` (ms since the epoch) is indexed for pruning.
 */
import { Table, TableIndex, type MigrationInterface, type QueryRunner } from "typeorm";

/** Creates `web_sessions`. */
export class WebSessions1700000000005 implements MigrationInterface {
  name = "WebSessions1700000000005";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: "web_sessions",
        columns: [
          { name: "sid", type: "text", isPrimary: true },
          { name: "data", type: "text" },
          { name: "expires", type: "bigint" },
        ],
        indices: [new TableIndex({ name: "idx_web_sessions_expires", columnNames: ["expires"] })],
      }),
      true,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable("web_sessions", true);
  }
}
