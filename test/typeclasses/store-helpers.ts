/**
 * Helpers shared by the typeclass contract tests: dropping objects from memory for
 * real (flush + GC) and reading raw rows.
 */
import { expect } from "vitest";
import type { Database } from "../../evennia-ts/db/database.ts";
import { decodeValue } from "../../evennia-ts/db/tagged-json.ts";
import { collectGarbage } from "../../evennia-ts/testing/database-fixture.ts";
import type { Store } from "../../evennia-ts/typeclasses/store.ts";

/**
 * Flush the store and collect garbage, then check that every instance watched by
 * `weak` is gone (so the next load must come from the database).
 */
export async function forget(store: Store, ...weak: WeakRef<object>[]): Promise<void> {
  store.flush();
  await collectGarbage();
  for (const w of weak) expect(w.deref(), "instance should have been collected").toBeUndefined();
}

/** The stored (decoded, references left as `{kind, id}`) value of an attribute row, or undefined. */
export async function storedAttribute(db: Database, ownerId: number, key: string, category = "", ownerKind = "object"): Promise<unknown> {
  const rows = await db.query<{ value: string }>("SELECT value FROM attributes WHERE owner_kind = ? AND owner_id = ? AND key = ? AND category = ?", [
    ownerKind,
    ownerId,
    key,
    category,
  ]);
  if (rows.length === 0) return undefined;
  return decodeValue(rows[0]!.value, (ref) => ({ ...ref }));
}

/** Number of rows in `table` matching `where`. */
export async function countRows(db: Database, table: string, where = "1 = 1", params: unknown[] = []): Promise<number> {
  const [row] = await db.query<{ n: number | string }>(`SELECT COUNT(*) AS n FROM ${table} WHERE ${where}`, params);
  return Number(row?.n ?? 0);
}

/** A unique name per call (suites share one database). */
let counter = 0;
export function uniqueName(prefix: string): string {
  counter++;
  return `${prefix}${counter}x${Math.random().toString(36).slice(2, 7)}`;
}
