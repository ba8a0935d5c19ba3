/**
 * Merging of one write batch's single-row upserts into multi-row ones, so that a
 * unit of work creating 1,000 objects sends a handful of statements instead of
 * 6,000. It works on the structured writes (`writes.ts`), never on SQL text.
 *
 * Upserts of one shape (same table, columns, conflict key and update list) are
 * gathered in a bucket; a bucket becomes one multi-row statement, run at the
 * position of its first member.
 *
 * Why that keeps the batch's effects: a member that joins a bucket moves earlier,
 * across the writes between it and the bucket's first member. Those never touch its
 * table, because a bucket is closed (no later member joins it) as soon as a write
 * that may touch its table comes along:
 * - a delete of the same table;
 * - an upsert of the same table with another shape;
 * - raw SQL (it may touch any table: every bucket closes);
 * - a member whose conflict key is already in the bucket (PostgreSQL refuses to
 *   update one row twice in one statement; the duplicate starts a new bucket).
 * Writes to other tables do not observe each other within one transaction as long
 * as there are no triggers, foreign keys or views joining them (the framework has
 * none; SQLite runs with foreign keys off). Rows within a bucket keep their order,
 * and both databases apply a multi-row VALUES list row by row.
 */
import { renderUpsert, renderWrite, upsertShapeKey, type Dialect, type RenderedStatement, type UpsertWrite, type Write } from "./writes.ts";

/** How merged statements are cut into chunks. */
export type ChunkSizing =
  /** As many rows a statement as fit under the parameter limit (fewest statements). */
  | "exact"
  /**
   * Power-of-two row counts only (1,000 rows → 512 + 256 + 128 + 64 + 32 + 8), so
   * that few distinct SQL strings exist and prepared statements can be cached.
   */
  | "power-of-two";

/** Options of {@link planWrites}. */
export interface PlanOptions {
  /** Merge upserts (default true). */
  merge?: boolean;
  /** Most parameters in one statement (default {@link DEFAULT_MAX_PARAMS}). */
  maxParams?: number;
  /** Chunk sizing (default `"exact"`). */
  chunking?: ChunkSizing;
}

/**
 * Default parameter limit of a merged statement: under PostgreSQL's 65,535 and
 * SQLite's default SQLITE_MAX_VARIABLE_NUMBER of 32,766.
 */
export const DEFAULT_MAX_PARAMS = 30_000;

/** A batch rendered for a driver. */
export interface WritePlan {
  /** The statements to run, in order. */
  statements: RenderedStatement[];
  /**
   * For each statement: the index of the write it is (its rows are that write's
   * result), or -1 for a merged statement (every write it stands for returns no rows).
   */
  origins: number[];
  /** How many writes were merged away (0: nothing merged). */
  mergedAway: number;
}

/** An open or closed group of upserts of one shape. */
interface Bucket {
  table: string;
  shape: string;
  /** Indexes of the writes, in order. */
  members: number[];
  keys: Set<string>;
}

/**
 * Render a batch, merging its single-row upserts (see the module comment for the
 * rule). Pure: the writes are not changed.
 */
export function planWrites(writes: readonly Write[], dialect: Dialect, options: PlanOptions = {}): WritePlan {
  const out: WritePlan = { statements: [], origins: [], mergedAway: 0 };
  if (options.merge === false) {
    writes.forEach((w, i) => {
      out.statements.push(renderWrite(dialect, w));
      out.origins.push(i);
    });
    return out;
  }
  // each slot is a write (by index) or a bucket, in run order
  const slots: (number | Bucket)[] = [];
  const open = new Map<string, Bucket>(); // by shape
  const closeWhere = (test: (b: Bucket) => boolean): void => {
    for (const [shape, bucket] of open) if (test(bucket)) open.delete(shape);
  };

  writes.forEach((w, index) => {
    if (w.type !== "upsert") {
      if (open.size > 0) {
        if (w.type === "delete") closeWhere((b) => b.table === w.table);
        else open.clear();
      }
      slots.push(index);
      return;
    }
    const shape = upsertShapeKey(w);
    // another upsert shape on the same table is ordered against this table's buckets
    if (open.size > 0) closeWhere((b) => b.table === w.table && b.shape !== shape);
    const key = conflictKeyOf(w);
    let bucket = open.get(shape);
    if (bucket && bucket.keys.has(key)) {
      open.delete(shape);
      bucket = undefined;
    }
    if (!bucket) {
      bucket = { table: w.table, shape, members: [], keys: new Set() };
      open.set(shape, bucket);
      slots.push(bucket);
    }
    bucket.members.push(index);
    bucket.keys.add(key);
  });

  const maxParams = Math.max(1, options.maxParams ?? DEFAULT_MAX_PARAMS);
  const sizing = options.chunking ?? "exact";
  for (const slot of slots) {
    if (typeof slot === "number") {
      out.statements.push(renderWrite(dialect, writes[slot]!));
      out.origins.push(slot);
      continue;
    }
    const { members } = slot;
    const first = writes[members[0]!] as UpsertWrite;
    const maxRows = Math.max(1, Math.floor(maxParams / first.columns.length));
    for (const [start, count] of chunks(members.length, maxRows, sizing)) {
      if (count === 1) {
        out.statements.push(renderWrite(dialect, writes[members[start]!]!));
        out.origins.push(members[start]!);
        continue;
      }
      const params: unknown[] = [];
      for (let i = start; i < start + count; i++) {
        const values = (writes[members[i]!] as UpsertWrite).values;
        for (let j = 0; j < values.length; j++) params.push(values[j]);
      }
      out.statements.push({ sql: renderUpsert(dialect, first, count), params });
      out.origins.push(-1);
      out.mergedAway += count - 1;
    }
  }
  return out;
}

/** The conflict key of one upsert's row, as a string (equal strings: the rows may conflict). */
function conflictKeyOf(w: UpsertWrite): string {
  let key = "";
  for (const column of w.conflictKey) key += `${String(w.values[w.columns.indexOf(column)])}\u0000`;
  return key;
}

/** `[start, count]` pieces of `total` rows. */
function chunks(total: number, maxRows: number, sizing: ChunkSizing): [number, number][] {
  const out: [number, number][] = [];
  let start = 0;
  if (sizing === "power-of-two") {
    let top = 1;
    while (top * 2 <= maxRows) top *= 2;
    while (start < total) {
      let size = top;
      while (size > total - start) size /= 2;
      out.push([start, size]);
      start += size;
    }
    return out;
  }
  while (start < total) {
    const size = Math.min(maxRows, total - start);
    out.push([start, size]);
    start += size;
  }
  return out;
}
