/**
 * Raw-driver baselines: the same SQL the data layer sends, run straight through
 * better-sqlite3 or pg on a connection of their own, with no framework in between.
 * Ratios against these show what the data layer costs on top of the database.
 *
 * Writes go to `raw_objects` / `raw_attributes`, copies of the real tables (same
 * columns, keys and indexes) in the same database; cold reads use the real tables.
 */
import BetterSqlite3 from "better-sqlite3";
import pg from "pg";
import type { Dialect } from "../evennia-ts/db/database.ts";
import { attributesOf, keyOf, OBJECT_TYPECLASS_PATH } from "./workload.ts";

const OBJECT_COLUMNS = ["id", "key", "key_lower", "typeclass_path", "location_id", "home_id", "destination_id", "account_id", "lock_storage", "date_created"];

function objectUpsert(table: string): string {
  const cols = OBJECT_COLUMNS.map((c) => `"${c}"`);
  const updates = cols.filter((c) => c !== '"id"').map((c) => `${c} = excluded.${c}`);
  return `INSERT INTO ${table} (${cols.join(", ")}) VALUES (${cols.map(() => "?").join(", ")}) ON CONFLICT (id) DO UPDATE SET ${updates.join(", ")}`;
}

function attributeUpsert(table: string): string {
  return (
    `INSERT INTO ${table} (owner_kind, owner_id, key, category, value, lock_string, date_created) VALUES (?, ?, ?, ?, ?, ?, ?) ` +
    "ON CONFLICT (owner_kind, owner_id, key, category) DO UPDATE SET value = excluded.value, lock_string = excluded.lock_string"
  );
}

const SELECT_OBJECT = `SELECT ${OBJECT_COLUMNS.map((c) => `"${c}"`).join(", ")} FROM objects WHERE id IN (?)`;
const SELECT_ATTRS = "SELECT owner_id, key, category, value, lock_string FROM attributes WHERE owner_kind = ? AND owner_id IN (?)";
const SELECT_TAGS = "SELECT owner_id, key, category, kind FROM tags WHERE owner_kind = ? AND owner_id IN (?)";

function objectParams(i: number): unknown[] {
  const key = keyOf(i);
  return [i, key, key.toLowerCase(), OBJECT_TYPECLASS_PATH, null, null, null, null, "", Date.now()];
}

/** What a baseline driver can do. */
export interface RawBaseline {
  readonly dialect: Dialect;
  /** Create `raw_objects` and `raw_attributes` shaped like the real tables. */
  prepareTables(): Promise<void>;
  /** Insert objects 1..count (one row plus five attribute rows each), `perTx` objects per transaction. */
  createObjects(count: number, perTx: number): Promise<void>;
  /** `count` attribute updates (upserts on existing rows of objects 1..maxId), one transaction each. */
  writeAttributes(count: number, maxId: number): Promise<void>;
  /** The three SELECTs the store makes to load one object cold (row, attributes, tags). */
  getById(id: number): Promise<number>;
  /** Close the connection. */
  close(): Promise<void>;
}

/** A baseline on its own connection to the benchmark database. */
export function openRawBaseline(dialect: Dialect, url: string): RawBaseline {
  return dialect === "sqlite" ? new SqliteRawBaseline(url.slice("sqlite:".length)) : new PostgresRawBaseline(url);
}

class SqliteRawBaseline implements RawBaseline {
  readonly dialect = "sqlite" as const;
  private readonly db: BetterSqlite3.Database;

  constructor(file: string) {
    this.db = new BetterSqlite3(file);
    // the same settings the data layer uses
    this.db.pragma("journal_mode = WAL");
    this.db.pragma("synchronous = NORMAL");
    this.db.pragma("busy_timeout = 5000");
  }

  async prepareTables(): Promise<void> {
    const ddl = this.db
      .prepare("SELECT sql FROM sqlite_master WHERE tbl_name IN ('objects', 'attributes') AND sql IS NOT NULL ORDER BY type DESC")
      .all() as { sql: string }[];
    if (ddl.length === 0) throw new Error("raw baseline: the objects/attributes tables are missing (migrations not run?)");
    for (const { sql } of ddl) {
      const renamed = sql.replace(/"(objects|attributes)"/g, '"raw_$1"').replace(/"((?:idx|uq|pk|fk)_[A-Za-z0-9_]+)"/g, '"raw_$1"');
      this.db.exec(renamed);
    }
  }

  async createObjects(count: number, perTx: number): Promise<void> {
    const obj = this.db.prepare(objectUpsert("raw_objects"));
    const attr = this.db.prepare(attributeUpsert("raw_attributes"));
    const batch = this.db.transaction((from: number, to: number) => {
      for (let i = from; i <= to; i++) {
        obj.run(...objectParams(i));
        const now = Date.now();
        for (const [k, v] of Object.entries(attributesOf(i))) attr.run("object", i, k, "", JSON.stringify(v), "", now);
      }
    });
    for (let from = 1; from <= count; from += perTx) batch.immediate(from, Math.min(count, from + perTx - 1));
  }

  async writeAttributes(count: number, maxId: number): Promise<void> {
    const attr = this.db.prepare(attributeUpsert("raw_attributes"));
    const one = this.db.transaction((i: number) => {
      attr.run("object", (i % maxId) + 1, "hp", "", String(i), "", Date.now());
    });
    for (let i = 0; i < count; i++) one.immediate(i);
  }

  async getById(id: number): Promise<number> {
    const row = this.prepare(SELECT_OBJECT).all(id);
    const attrs = this.prepare(SELECT_ATTRS).all("object", id);
    const tags = this.prepare(SELECT_TAGS).all("object", id);
    return row.length + attrs.length + tags.length;
  }

  async close(): Promise<void> {
    this.db.close();
  }

  private readonly cache = new Map<string, BetterSqlite3.Statement>();
  private prepare(sql: string): BetterSqlite3.Statement {
    let stmt = this.cache.get(sql);
    if (!stmt) {
      stmt = this.db.prepare(sql);
      this.cache.set(sql, stmt);
    }
    return stmt;
  }
}

class PostgresRawBaseline implements RawBaseline {
  readonly dialect = "postgres" as const;
  private readonly client: pg.Client;
  private connected: Promise<void> | null = null;

  constructor(url: string) {
    this.client = new pg.Client({ connectionString: url });
  }

  async prepareTables(): Promise<void> {
    await this.connect();
    await this.client.query("CREATE TABLE raw_objects (LIKE objects INCLUDING ALL)");
    await this.client.query("CREATE TABLE raw_attributes (LIKE attributes INCLUDING ALL)");
  }

  async createObjects(count: number, perTx: number): Promise<void> {
    await this.connect();
    const obj = numbered(objectUpsert("raw_objects"));
    const attr = numbered(attributeUpsert("raw_attributes"));
    for (let from = 1; from <= count; from += perTx) {
      const to = Math.min(count, from + perTx - 1);
      await this.client.query("BEGIN");
      for (let i = from; i <= to; i++) {
        await this.client.query(obj, objectParams(i));
        const now = Date.now();
        for (const [k, v] of Object.entries(attributesOf(i))) await this.client.query(attr, ["object", i, k, "", JSON.stringify(v), "", now]);
      }
      await this.client.query("COMMIT");
    }
  }

  async writeAttributes(count: number, maxId: number): Promise<void> {
    await this.connect();
    const attr = numbered(attributeUpsert("raw_attributes"));
    for (let i = 0; i < count; i++) {
      await this.client.query("BEGIN");
      await this.client.query(attr, ["object", (i % maxId) + 1, "hp", "", String(i), "", Date.now()]);
      await this.client.query("COMMIT");
    }
  }

  async getById(id: number): Promise<number> {
    await this.connect();
    const row = await this.client.query(numbered(SELECT_OBJECT), [id]);
    const attrs = await this.client.query(numbered(SELECT_ATTRS), ["object", id]);
    const tags = await this.client.query(numbered(SELECT_TAGS), ["object", id]);
    return row.rows.length + attrs.rows.length + tags.rows.length;
  }

  async close(): Promise<void> {
    if (this.connected) await this.client.end();
  }

  private connect(): Promise<void> {
    this.connected ??= this.client.connect().then(() => undefined);
    return this.connected;
  }
}

/** `?` → `$1, $2 ...`, as the data layer does for PostgreSQL. */
function numbered(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}
