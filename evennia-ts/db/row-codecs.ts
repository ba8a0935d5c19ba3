/**
 * How each typeclassed table's rows are read and written with plain SQL on both
 * databases: column types, conversion of what the driver returns (PostgreSQL
 * returns bigint as text, SQLite returns booleans as 0/1), and the upsert that
 * writes a whole row.
 */
import type { DbRefKind } from "./db-ref.ts";
import type { Statement } from "./database.ts";
import type { AccountRow, ChannelRow, ObjectRow, ScriptRow } from "./entities/rows.ts";

type ColumnType = "int" | "ref" | "text" | "ntext" | "bool" | "time" | "ntime";

/** A row of any typeclassed table. */
export interface TypedRow {
  id: number;
  key?: string;
  typeclass_path: string;
  /** Lock definitions (`access_type:func(args) ...;...`). */
  lock_storage: string;
  date_created: number;
}

/** The SQL shape of one typeclassed table. */
export interface RowCodec<R extends TypedRow> {
  kind: DbRefKind;
  table: string;
  columns: Record<keyof R & string, ColumnType>;
}

const objectCodec: RowCodec<ObjectRow> = {
  kind: "object",
  table: "objects",
  columns: {
    id: "int",
    key: "text",
    key_lower: "text",
    typeclass_path: "text",
    location_id: "ref",
    home_id: "ref",
    destination_id: "ref",
    account_id: "ref",
    lock_storage: "text",
    date_created: "time",
  },
};

const accountCodec: RowCodec<AccountRow> = {
  kind: "account",
  table: "accounts",
  columns: {
    id: "int",
    username: "text",
    username_lower: "text",
    password_hash: "text",
    email: "ntext",
    typeclass_path: "text",
    is_superuser: "bool",
    lock_storage: "text",
    date_created: "time",
    last_login: "ntime",
  },
};

const scriptCodec: RowCodec<ScriptRow> = {
  kind: "script",
  table: "scripts",
  columns: {
    id: "int",
    key: "text",
    typeclass_path: "text",
    obj_id: "ref",
    account_id: "ref",
    description: "text",
    interval: "int",
    start_delay: "bool",
    repeats: "int",
    persistent: "bool",
    is_active: "bool",
    lock_storage: "text",
    date_created: "time",
  },
};

const channelCodec: RowCodec<ChannelRow> = {
  kind: "channel",
  table: "channels",
  columns: { id: "int", key: "text", key_lower: "text", typeclass_path: "text", lock_storage: "text", date_created: "time" },
};

/** Codecs by kind. */
export const rowCodecs = {
  object: objectCodec,
  account: accountCodec,
  script: scriptCodec,
  channel: channelCodec,
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
  for (const [name, type] of Object.entries(codec.columns) as [string, ColumnType][]) {
    const v = raw[name];
    switch (type) {
      case "int":
      case "time":
        row[name] = Number(v);
        break;
      case "ref":
      case "ntime":
        row[name] = v === null || v === undefined ? null : Number(v);
        break;
      case "bool":
        row[name] = v === true || v === 1 || v === "1";
        break;
      case "text":
        row[name] = v === null || v === undefined ? "" : String(v);
        break;
      case "ntext":
        row[name] = v === null || v === undefined ? null : String(v);
        break;
    }
  }
  return row as R;
}

/** `INSERT ... ON CONFLICT (id) DO UPDATE` writing the whole row. */
export function upsertRow<R extends TypedRow>(codec: RowCodec<R>, row: R): Statement {
  let shape = upsertShapes.get(codec);
  if (!shape) {
    const names = Object.keys(codec.columns);
    const updates = names.filter((n) => n !== "id").map((n) => `${quote(n)} = excluded.${quote(n)}`);
    shape = {
      names,
      sql: `INSERT INTO ${codec.table} (${names.map(quote).join(", ")}) VALUES (${names.map(() => "?").join(", ")}) ON CONFLICT (id) DO UPDATE SET ${updates.join(", ")}`,
    };
    upsertShapes.set(codec, shape);
  }
  const values = row as unknown as Record<string, unknown>;
  const params = shape.names.map((n) => {
    const v = values[n];
    return typeof v === "boolean" ? (v ? 1 : 0) : v;
  });
  return { sql: shape.sql, params };
}

/** The upsert SQL of each codec, built once. */
const upsertShapes = new WeakMap<object, { names: string[]; sql: string }>();

/** `DELETE` of one row by id. */
export function deleteRow(codec: RowCodec<TypedRow>, id: number): Statement {
  return { sql: `DELETE FROM ${codec.table} WHERE id = ?`, params: [id] };
}

/** The column list for SELECTs. */
export function selectColumns(codec: RowCodec<TypedRow>): string {
  return Object.keys(codec.columns).map(quote).join(", ");
}

function quote(name: string): string {
  return `"${name}"`;
}
