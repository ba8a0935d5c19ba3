/**
 * The names of the framework's migrations, oldest first, as TypeORM records them in
 * its `migrations` table: the server compares them with that table to know whether
 * anything is pending without loading TypeORM (`index.ts` loads it, through the
 * migrations' `Table` builders). `test/db/migrations.test.ts` checks the list
 * against the migrations themselves.
 */
export const FRAMEWORK_MIGRATION_NAMES: readonly string[] = ["InitialSchema1700000000001", "IdHighWater1700000000002", "Comms1700000000004", "WebSessions1700000000005", "ObjectReferenceIndexes1700000000006"];
