/**
 * Structured writes: what a unit of work stages, and the one place their SQL is
 * rendered, per dialect.
 *
 * Game and framework code describe a write as data — `{table, conflictKey, columns,
 * values}` for an upsert, `{table, where, values}` for a delete — and the write queue
 * renders it. Because the structure is kept until then, single-row upserts of one
 * shape can be merged into multi-row statements (`write-merger.ts`) without parsing
 * SQL. Raw SQL (`{sql, params}` with `?` placeholders) is still accepted; it is never
 * merged and is ordered against every other write.
 */
import { writeValue } from "./entities/columns.ts";
import type { ColumnMap, RowOf, TableDef } from "./entities/schemas.ts";

/** Which database engine. */
export type Dialect = "sqlite" | "postgres";

/** `INSERT ... ON CONFLICT (conflictKey) DO UPDATE SET update = excluded.update` (or `DO NOTHING`). */
export interface UpsertWrite {
  readonly type: "upsert";
  readonly table: string;
  /** The columns of the unique constraint or primary key that decides "already there". */
  readonly conflictKey: readonly string[];
  readonly columns: readonly string[];
  /** One value per column. */
  readonly values: readonly unknown[];
  /** Columns overwritten when the row exists; empty: `DO NOTHING`. */
  readonly update: readonly string[];
}

/** `DELETE FROM table WHERE where[0] = values[0] AND ...` */
export interface DeleteWrite {
  readonly type: "delete";
  readonly table: string;
  readonly where: readonly string[];
  readonly values: readonly unknown[];
}

/** Raw SQL with `?` placeholders. Never merged; nothing is moved across it. */
export interface SqlWrite {
  readonly type?: undefined;
  readonly sql: string;
  readonly params?: readonly unknown[];
}

/** One staged write. */
export type Write = UpsertWrite | DeleteWrite | SqlWrite;

/** A statement ready for a driver: SQL in the dialect's placeholder style, and its parameters. */
export interface RenderedStatement {
  readonly sql: string;
  readonly params: readonly unknown[];
}

/** Upsert of a whole row, keyed by the table's primary key; every other column is updated. */
export function upsertRow<C extends ColumnMap>(table: TableDef<C>, row: RowOf<C>): UpsertWrite {
  const shape = wholeRowShape(table);
  const r = row as Record<string, unknown>;
  const values = new Array<unknown>(shape.columns.length);
  for (let i = 0; i < values.length; i++) values[i] = writeValue(r[shape.columns[i]!]);
  return { type: "upsert", table: table.table, conflictKey: shape.conflictKey, columns: shape.columns, values, update: shape.update };
}

/**
 * Upsert of some columns of a row. `conflictKey` must be a unique constraint or the
 * primary key; `update` the columns to overwrite when the row exists ([] = keep it).
 * The argument arrays are kept as they are (reuse constants: merging compares shapes
 * by them).
 */
export function upsert<C extends ColumnMap>(
  table: TableDef<C>,
  shape: { columns: readonly (keyof C & string)[]; conflictKey: readonly (keyof C & string)[]; update: readonly (keyof C & string)[] },
  values: readonly unknown[],
): UpsertWrite {
  return { type: "upsert", table: table.table, conflictKey: shape.conflictKey, columns: shape.columns, values: values.map(writeValue), update: shape.update };
}

/** Delete the rows whose `where` columns equal `values`. */
export function deleteWhere<C extends ColumnMap>(table: TableDef<C>, where: readonly (keyof C & string)[], values: readonly unknown[]): DeleteWrite {
  return { type: "delete", table: table.table, where, values };
}

interface WholeRowShape {
  columns: readonly string[];
  conflictKey: readonly string[];
  update: readonly string[];
}
const wholeRowShapes = new WeakMap<TableDef<any>, WholeRowShape>();

function wholeRowShape(table: TableDef<any>): WholeRowShape {
  let shape = wholeRowShapes.get(table);
  if (!shape) {
    const key = table.primaryKey;
    shape = { columns: table.columnNames, conflictKey: key, update: table.columnNames.filter((n) => !key.includes(n)) };
    wholeRowShapes.set(table, shape);
  }
  return shape;
}

// ---------------------------------------------------------------------------------------------
// Rendering: the only place SQL text is made from writes

/** A double-quoted identifier (a quote inside is doubled). */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * A shape key: writes with equal keys render to the same SQL (for the same row
 * count). Memoised on the column arrays, which are shared constants in practice.
 */
export function upsertShapeKey(w: UpsertWrite): string {
  return `${w.table}\u0000${listKey(w.columns)}\u0000${listKey(w.conflictKey)}\u0000${listKey(w.update)}`;
}

const listKeys = new WeakMap<readonly string[], string>();
function listKey(list: readonly string[]): string {
  let key = listKeys.get(list);
  if (key === undefined) {
    key = list.join(",");
    listKeys.set(list, key);
  }
  return key;
}

const upsertSql = new Map<string, string>();
const MAX_CACHED_SQL = 1000;

/**
 * The SQL of an upsert of `rows` rows of `w`'s shape. Row counts of one and of powers
 * of two are kept (a few per shape: SQLite's chunks, whose prepared statements are
 * cached too); other counts are built each time, since keeping every size seen
 * would hold on to many large strings.
 */
export function renderUpsert(dialect: Dialect, w: UpsertWrite, rows = 1): string {
  const keep = (rows & (rows - 1)) === 0;
  const cacheKey = keep ? `${dialect}\u0000${rows}\u0000${upsertShapeKey(w)}` : "";
  const cached = keep ? upsertSql.get(cacheKey) : undefined;
  if (cached) return cached;
  const n = w.columns.length;
  const tuples: string[] = [];
  let p = 0;
  for (let r = 0; r < rows; r++) {
    const marks: string[] = [];
    for (let c = 0; c < n; c++) marks.push(placeholder(dialect, ++p));
    tuples.push(`(${marks.join(", ")})`);
  }
  const action =
    w.update.length === 0 ? "DO NOTHING" : `DO UPDATE SET ${w.update.map((c) => `${quoteIdent(c)} = excluded.${quoteIdent(c)}`).join(", ")}`;
  const sql =
    `INSERT INTO ${quoteIdent(w.table)} (${w.columns.map(quoteIdent).join(", ")}) VALUES ${tuples.join(", ")} ` +
    `ON CONFLICT (${w.conflictKey.map(quoteIdent).join(", ")}) ${action}`;
  if (keep) {
    if (upsertSql.size >= MAX_CACHED_SQL) upsertSql.clear();
    upsertSql.set(cacheKey, sql);
  }
  return sql;
}

/** The SQL of a delete. */
export function renderDelete(dialect: Dialect, w: DeleteWrite): string {
  return `DELETE FROM ${quoteIdent(w.table)} WHERE ${w.where.map((c, i) => `${quoteIdent(c)} = ${placeholder(dialect, i + 1)}`).join(" AND ")}`;
}

/** Raw SQL with `?` placeholders in the dialect's style (`$1, $2 ...` on PostgreSQL; our SQL never has `?` inside literals). */
export function renderSql(dialect: Dialect, sql: string): string {
  if (dialect === "sqlite") return sql;
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

/** One write as a single statement. */
export function renderWrite(dialect: Dialect, w: Write): RenderedStatement {
  switch (w.type) {
    case "upsert":
      return { sql: renderUpsert(dialect, w), params: w.values };
    case "delete":
      return { sql: renderDelete(dialect, w), params: w.values };
    default:
      return { sql: renderSql(dialect, w.sql), params: w.params ?? [] };
  }
}

function placeholder(dialect: Dialect, n: number): string {
  return dialect === "sqlite" ? "?" : `$${n}`;
}
