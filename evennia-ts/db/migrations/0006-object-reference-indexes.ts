/**
 * Indexes on `objects.destination_id` and `objects.home_id`: deleting an object looks
 * up the exits leading to it and the objects whose home it was, and without them each
 * delete read the whole table.
 */
import { TableIndex, type MigrationInterface, type QueryRunner } from "typeorm";

/** Adds `idx_objects_destination` and `idx_objects_home`. */
export class ObjectReferenceIndexes1700000000006 implements MigrationInterface {
  name = "ObjectReferenceIndexes1700000000006";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createIndex("objects", new TableIndex({ name: "idx_objects_destination", columnNames: ["destination_id"] }));
    await queryRunner.createIndex("objects", new TableIndex({ name: "idx_objects_home", columnNames: ["home_id"] }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex("objects", "idx_objects_home");
    await queryRunner.dropIndex("objects", "idx_objects_destination");
  }
}
