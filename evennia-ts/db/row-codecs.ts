/**
 * How each typeclassed table's rows are read and written with plain SQL on both
 * databases, derived from the table declarations (`entities/schemas.ts`): raw
 * driver values converted by column kind (PostgreSQL returns bigint as text, SQLite
 * returns booleans as 0/1), the whole-row upsert, the delete, and new-row defaults.
 */
import type { DbRefKind } from "./db-ref.ts";
import { emptyValue, readValue } from "./entities/columns.ts";
import type { AccountRow, ChannelRow, ObjectRow, ScriptRow } from "./entities/rows.ts";
import { AccountTable, ChannelTable, ObjectTable, ScriptTable, type ColumnMap, type TableDef } from "./entities/schemas.ts";
import { deleteWhere, quoteIdent, upsertRow as upsertWholeRow, type DeleteWrite, type UpsertWrite } from "./writes.ts";

/** A row of any typeclassed table. */
export interface TypedRow {
  id: number;
  key?: string;
  typeclass_path: string;
  /** Lock definitions (`access_type:func(args) ...;...`). */
  lock_storage: string;
  date_created: number;
}

/** One typeclassed table: its reference kind and declaration. */
export interface RowCodec<R extends TypedRow = TypedRow> {
  kind: DbRefKind;
  table: string;
  def: TableDef<ColumnMap>;
  /** @internal carries `R`; never set */
  readonly __row?: R;
}

function codec<R extends TypedRow>(kind: DbRefKind, def: TableDef<any>): RowCodec<R> {
  return { kind, table: def.table, def };
}

/** Codecs by kind. */
export const rowCodecs = {
  object: codec<ObjectRow>("object", ObjectTable),
  account: codec<AccountRow>("account", AccountTable),
  script: codec<ScriptRow>("script", ScriptTable),
  channel: codec<ChannelRow>("channel", ChannelTable),
} as const;

/** The typeclassed kinds. */
export type TypedKind = keyof typeof rowCodecs;

/** Row type of each kind. */
export interface RowOfKind {
  object: ObjectRow;
  account: AccountRow;
  script: ScriptRow;
  channel: ChannelRow;
}

/** Convert a raw driver row to a typed row. */
export function decodeRow<R extends TypedRow>(codec: RowCodec<R>, raw: Record<string, unknown>): R {
  const row: Record<string, unknown> = {};
  const { columns, columnNames } = codec.def;
  for (const name of columnNames) row[name] = readValue(columns[name]!, raw[name]);
  return row as R;
}

/** A new row: every column at its declared default (or the empty value of its kind). */
export function newRow(codec: RowCodec): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  const { columns, columnNames } = codec.def;
  for (const name of columnNames) row[name] = emptyValue(columns[name]!);
  return row;
}

/** Upsert of the whole row, keyed by id. */
export function upsertRow<R extends TypedRow>(codec: RowCodec<R>, row: R): UpsertWrite {
  return upsertWholeRow(codec.def, row as never);
}

/** Delete of one row by id. */
export function deleteRow(codec: RowCodec, id: number): DeleteWrite {
  return deleteWhere(codec.def, ["id"], [id]);
}

/** The column list for SELECTs. */
export function selectColumns(codec: RowCodec): string {
  let list = selectLists.get(codec);
  if (list === undefined) {
    list = codec.def.columnNames.map(quoteIdent).join(", ");
    selectLists.set(codec, list);
  }
  return list;
}
const selectLists = new WeakMap<RowCodec, string>();
