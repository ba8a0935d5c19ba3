/**
 * Column helpers shared by the entity schemas. Types are explicit because the
 * TypeScript loader (esbuild) emits no decorator metadata, and they are chosen to
 * mean the same on SQLite and PostgreSQL.
 */
import type { EntitySchemaColumnOptions } from "typeorm";

/** Auto-increment integer primary key. */
export const idColumn: EntitySchemaColumnOptions = { type: "integer", primary: true, generated: "increment" };

/** Text column, optional default. */
export function text(options: Partial<EntitySchemaColumnOptions> = {}): EntitySchemaColumnOptions {
  return { type: "text", ...options };
}

/** Nullable integer reference to another row (no FK action: deletes are handled in code). */
export function ref(): EntitySchemaColumnOptions {
  return { type: "integer", nullable: true };
}

/** Milliseconds since the epoch; bigint on PostgreSQL, integer on SQLite, read as a number. */
export function timestamp(options: Partial<EntitySchemaColumnOptions> = {}): EntitySchemaColumnOptions {
  return {
    type: "bigint",
    transformer: { to: (v: number | null) => v, from: (v: string | number | null) => (v === null ? null : Number(v)) },
    ...options,
  };
}

/** Boolean stored as 0/1 integer on both databases. */
export function flag(defaultValue: boolean): EntitySchemaColumnOptions {
  return {
    type: "integer",
    default: defaultValue ? 1 : 0,
    transformer: { to: (v: boolean) => (v ? 1 : 0), from: (v: number) => v === 1 },
  };
}
