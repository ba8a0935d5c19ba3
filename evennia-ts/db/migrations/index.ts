/**
 * The framework's migrations, oldest first. A schema change is a new migration
 * here, its name in `names.ts` (the server compares those with the database without
 * loading this file, which loads TypeORM) and the change in `entities/schemas.ts`; `test/db/schema-sync.test.ts`
 * checks that, after every migration, the database matches the declarations.
 */
import { InitialSchema1700000000001 } from "./0001-initial-schema.ts";
import { IdHighWater1700000000002 } from "./0002-id-high-water.ts";
import { Comms1700000000004 } from "./0004-comms.ts";
import { WebSessions1700000000005 } from "./0005-web-sessions.ts";
import { ObjectReferenceIndexes1700000000006 } from "./0006-object-reference-indexes.ts";

/** The framework's migrations, oldest first. */
export const frameworkMigrations = [InitialSchema1700000000001, IdHighWater1700000000002, Comms1700000000004, WebSessions1700000000005, ObjectReferenceIndexes1700000000006];
