/**
 * Merging of one write batch's single-row upserts into multi-row ones, so that a
 * unit of work creating 1,000 objects sends a handful of statements instead of
 * 6,000 (each a network round trip on PostgreSQL).
 *
 * A statement is mergeable when its SQL has exactly the shape
 * `INSERT INTO t (c1, ..., cn) VALUES (?, ..., ?) ON CONFLICT (k1, ...) DO NOTHING | DO UPDATE SET a = excluded.a, ...`
 * (no `RETURNING`, no sub-queries, one `?` per column and as many parameters).
 * Statements with identical SQL are gathered in a bucket; a bucket becomes one
 * multi-row statement, run at the position of its first member.
 *
 * Why that keeps the batch's effects: a member that joins a bucket moves earlier,
 * across the statements between it and the bucket's first member. Those never
 * touch its table, because a bucket is closed (no later member joins it) as soon
 * as any statement that may touch its table comes along:
 * - a non-mergeable statement whose SQL names the table as a word anywhere
 *   (DELETE, UPDATE, a SELECT or sub-query reading it, an upsert with RETURNING ...);
 * - a mergeable statement on the same table with different SQL;
 * - a member whose conflict key is already in the bucket (PostgreSQL refuses to
 *   update one row twice in one statement; the duplicate starts a new bucket).
 * Statements on other tables do not observe each other within one transaction as
 * long as there are no triggers, foreign keys or views joining them (the framework
 * has none; SQLite runs with foreign keys off). Rows within a bucket keep their
 * order, and both databases apply a multi-row VALUES list row by row.
 */

/** One SQL statement with `?` placeholders (the shape {@link Database.write} takes). */
export interface MergeableStatement {
  sql: string;
  params?: unknown[];
}

/** How merged statements are cut into chunks. */
export type ChunkSizing =
  /** As many rows a statement as fit under the parameter limit (fewest statements). */
  | "exact"
  /**
   * Power-of-two row counts only (1,000 rows → 512 + 256 + 128 + 64 + 32 + 8), so
   * that few distinct SQL strings exist and prepared statements can be cached.
   */
  | "power-of-two";

/** Options of {@link mergeStatements}. */
export interface MergeOptions {
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

/** A batch after merging. */
export interface MergedBatch {
  /** The statements to run, in order. */
  statements: MergeableStatement[];
  /**
   * For each statement to run: the index of the original statement it is (its rows
   * are that statement's result), or -1 for a merged statement (every original it
   * stands for returns no rows).
   */
  origins: number[];
  /** How many original statements were merged away (0: nothing merged). */
  mergedAway: number;
}

/** The parsed shape of a mergeable upsert. */
interface UpsertShape {
  /** Bare table name, lower case. */
  table: string;
  /** Matches the table's name as a word in other SQL. */
  mention: RegExp;
  columns: number;
  /** Parameter positions of the conflict target's columns. */
  keyPositions: number[];
  head: string;
  row: string;
  tail: string;
  /** Multi-row SQL by row count (power-of-two counts only, bounded). */
  sqlByRows: Map<number, string>;
}

const IDENT = String.raw`(?:"[^"]+"|[A-Za-z_][A-Za-z0-9_$]*)`;
const UPSERT = new RegExp(
  String.raw`^\s*(INSERT\s+INTO\s+((?:${IDENT}\s*\.\s*)?${IDENT})\s*\(([^()?;]*)\)\s*VALUES)\s*\(([\s?,]*)\)\s*` +
    String.raw`(ON\s+CONFLICT\s*\(([^()?;]*)\)\s*DO\s+(?:NOTHING|UPDATE\s+SET\s+[A-Za-z0-9_$\s".,=]+?))\s*;?\s*$`,
  "i",
);

const shapes = new Map<string, UpsertShape | null>();
const MAX_CACHED_SHAPES = 500;
const MAX_CACHED_ROW_COUNTS = 64;

/** The shape of `sql` if it is a mergeable single-row upsert, else null (memoised). */
function shapeOf(sql: string): UpsertShape | null {
  const known = shapes.get(sql);
  if (known !== undefined) return known;
  const shape = parseUpsert(sql);
  if (shapes.size >= MAX_CACHED_SHAPES) shapes.clear();
  shapes.set(sql, shape);
  return shape;
}

function parseUpsert(sql: string): UpsertShape | null {
  if (/\bRETURNING\b/i.test(sql)) return null;
  const m = UPSERT.exec(sql);
  if (!m) return null;
  const [, head, tableRef, columnList, placeholders, tail, keyList] = m as unknown as string[];
  const columns = splitIdentifiers(columnList!);
  const keys = splitIdentifiers(keyList!);
  if (!columns || !keys || keys.length === 0) return null;
  if (new Set(columns).size !== columns.length) return null;
  const marks = placeholders!.split(",").map((p) => p.trim());
  if (marks.length !== columns.length || marks.some((p) => p !== "?")) return null;
  const keyPositions = keys.map((k) => columns.indexOf(k));
  if (keyPositions.some((p) => p < 0)) return null;
  const table = unquote(tableRef!.split(".").pop()!.trim()).toLowerCase();
  return {
    table,
    mention: new RegExp(String.raw`(?<![A-Za-z0-9_$])${escapeRegExp(table)}(?![A-Za-z0-9_$])`, "i"),
    columns: columns.length,
    keyPositions,
    head: head!,
    row: `(${marks.join(", ")})`,
    tail: tail!,
    sqlByRows: new Map(),
  };
}

/** Identifiers of a column list (lower case unless quoted), or null if it is not a plain list. */
function splitIdentifiers(list: string): string[] | null {
  const parts = list.split(",").map((p) => p.trim());
  const re = new RegExp(`^${IDENT}$`);
  if (parts.some((p) => !re.test(p))) return null;
  return parts.map((p) => (p.startsWith('"') ? unquote(p) : p.toLowerCase()));
}

function unquote(name: string): string {
  return name.startsWith('"') && name.endsWith('"') ? name.slice(1, -1) : name;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** The conflict key of one row, by its parameters (a string; equal keys may conflict). */
function conflictKey(shape: UpsertShape, params: unknown[]): string {
  let key = "";
  for (const p of shape.keyPositions) key += `${String(params[p])}\u0000`;
  return key;
}

/** An open or closed group of identical upserts. */
interface Bucket {
  shape: UpsertShape;
  sql: string;
  /** Indexes of the original statements, in order. */
  members: number[];
  keys: Set<string>;
}

/**
 * Merge a batch's mergeable single-row upserts (see the module comment for the
 * rule). Pure: the input is not changed; statements that are not merged are
 * passed through as the same objects.
 */
export function mergeStatements(statements: readonly MergeableStatement[], options: MergeOptions = {}): MergedBatch {
  const maxParams = Math.max(1, options.maxParams ?? DEFAULT_MAX_PARAMS);
  // each slot is an original statement (by index) or a bucket, in run order
  const slots: (number | Bucket)[] = [];
  const open = new Map<string, Bucket>(); // by SQL
  let anyMergeable = false;

  const closeWhere = (test: (b: Bucket) => boolean): void => {
    for (const [sql, bucket] of open) if (test(bucket)) open.delete(sql);
  };

  statements.forEach((statement, index) => {
    const params = statement.params ?? [];
    const shape = shapeOf(statement.sql);
    if (!shape || params.length !== shape.columns) {
      // may touch any table it names: no bucket of those may take members across it
      if (open.size > 0) closeWhere((b) => b.shape.mention.test(statement.sql));
      slots.push(index);
      return;
    }
    anyMergeable = true;
    // a different upsert on the same table is ordered against this table's buckets
    closeWhere((b) => b.shape.table === shape.table && b.sql !== statement.sql);
    const key = conflictKey(shape, params);
    let bucket = open.get(statement.sql);
    if (bucket && bucket.keys.has(key)) {
      open.delete(statement.sql);
      bucket = undefined;
    }
    if (!bucket) {
      bucket = { shape, sql: statement.sql, members: [], keys: new Set() };
      open.set(statement.sql, bucket);
      slots.push(bucket);
    }
    bucket.members.push(index);
    bucket.keys.add(key);
  });

  const out: MergedBatch = { statements: [], origins: [], mergedAway: 0 };
  if (!anyMergeable) {
    statements.forEach((s, i) => {
      out.statements.push(s);
      out.origins.push(i);
    });
    return out;
  }
  for (const slot of slots) {
    if (typeof slot === "number") {
      out.statements.push(statements[slot]!);
      out.origins.push(slot);
      continue;
    }
    const { shape, members } = slot;
    if (members.length === 1) {
      out.statements.push(statements[members[0]!]!);
      out.origins.push(members[0]!);
      continue;
    }
    const maxRows = Math.max(1, Math.floor(maxParams / shape.columns));
    const sizing = options.chunking ?? "exact";
    for (const [start, count] of chunks(members.length, maxRows, sizing)) {
      if (count === 1) {
        out.statements.push(statements[members[start]!]!);
        out.origins.push(members[start]!);
        continue;
      }
      const params: unknown[] = [];
      for (let i = start; i < start + count; i++) {
        const p = statements[members[i]!]!.params!;
        for (let j = 0; j < p.length; j++) params.push(p[j]);
      }
      out.statements.push({ sql: multiRowSql(shape, count, sizing === "power-of-two"), params });
      out.origins.push(-1);
      out.mergedAway += count - 1;
    }
  }
  return out;
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

/**
 * The SQL of `rows` rows. Power-of-two sizes are kept (a few per shape, and the
 * caller caches their prepared statements anyway); exact sizes are built each time,
 * since keeping every size seen would hold on to many large strings.
 */
function multiRowSql(shape: UpsertShape, rows: number, keep: boolean): string {
  const cached = shape.sqlByRows.get(rows);
  if (cached) return cached;
  const sql = `${shape.head} ${new Array<string>(rows).fill(shape.row).join(", ")} ${shape.tail}`;
  if (keep && shape.sqlByRows.size < MAX_CACHED_ROW_COUNTS) shape.sqlByRows.set(rows, sql);
  return sql;
}
