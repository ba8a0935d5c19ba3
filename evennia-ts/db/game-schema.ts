/**
 * A game's own tables: game code registers entity schemas and migrations while it
 * loads (before the server opens the database), and `Database.open` includes them
 * after the framework's.
 *
 * ```ts
 * registerGameSchema({ entities: [AuctionEntity], migrations: [CreateAuctions1710000000000] });
 * ```
 */
import type { EntitySchema, MigrationInterface } from "typeorm";

/** What a game adds to the schema. */
export interface GameSchema {
  entities?: EntitySchema<any>[];
  migrations?: (new () => MigrationInterface)[];
}

const entities: EntitySchema<any>[] = [];
const migrations: (new () => MigrationInterface)[] = [];

/** Add a game's entity schemas and migrations (call at module load). */
export function registerGameSchema(schema: GameSchema): void {
  for (const e of schema.entities ?? []) if (!entities.includes(e)) entities.push(e);
  for (const m of schema.migrations ?? []) if (!migrations.includes(m)) migrations.push(m);
}

/** Everything registered so far. */
export function registeredGameSchema(): Required<GameSchema> {
  return { entities: [...entities], migrations: [...migrations] };
}
