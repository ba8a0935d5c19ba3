/**
 * The database: TypeORM for the schema and migrations, and a small SQL executor
 * for the hot path. SQLite (better-sqlite3, WAL) is the embedded default;
 * PostgreSQL is chosen by a `postgres://` URL.
 *
 * Writes go through one queue. Batches that wait in it together are committed in
 * one transaction (group commit), each inside its own savepoint, so one failing
 * batch never takes another's writes with it and no caller joins another's
 * transaction by accident. Within a batch, single-row upserts of one shape are
 * merged into multi-row statements (`statement-merger.ts`; option `mergeInserts`).
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import { DataSource, type EntitySchema, type MigrationInterface } from "typeorm";
import type BetterSqlite3 from "better-sqlite3";
import { EvenniaError } from "../utils/errors.ts";
import { getLogger } from "../utils/logger.ts";
import { frameworkEntities } from "./entities/schemas.ts";
import { frameworkMigrations } from "./migrations/0001-initial-schema.ts";
import { mergeStatements, type MergedBatch } from "./statement-merger.ts";

const log = getLogger("db");

/** Which database engine. */
export type Dialect = "sqlite" | "postgres";

/** One SQL statement with `?` placeholders. */
export interface Statement {
  sql: string;
  params?: unknown[];
}

/** Options to open a database. */
export interface DatabaseOptions {
  /** `sqlite:<file>` (relative to `baseDir`), `sqlite::memory:`, or `postgres://...`. */
  url: string;
  /** Folder relative SQLite paths resolve against. */
  baseDir?: string;
  /** A game's own entity schemas. */
  entities?: EntitySchema<any>[];
  /** A game's own migrations (run after the framework's). */
  migrations?: (new () => MigrationInterface)[];
  /** PostgreSQL schema to use (tests isolate themselves in one). */
  schema?: string;
  /** Run pending migrations when opening (default true). */
  autoMigrate?: boolean;
  /**
   * Merge each write batch's single-row upserts of one shape into multi-row
   * statements (default true; see `statement-merger.ts` for when that is safe).
   * Turn it off if a game adds triggers, foreign keys or views that make writes to
   * one table observe writes to another.
   */
  mergeInserts?: boolean;
}

/** A write batch waiting for the writer. */
interface PendingBatch {
  statements: Statement[];
  resolve: (rows: unknown[][]) => void;
  reject: (err: Error) => void;
}

/** An open database. */
export class Database {
  private queue: PendingBatch[] = [];
  private writing = false;
  private closed = false;
  private readonly sqlite: BetterSqlite3.Database | null;
  private readonly statementCache = new Map<string, BetterSqlite3.Statement>();

  private constructor(
    readonly dataSource: DataSource,
    readonly dialect: Dialect,
    /** Whether write batches have their single-row upserts merged (see {@link DatabaseOptions.mergeInserts}). */
    readonly mergeInserts: boolean,
  ) {
    this.sqlite = dialect === "sqlite" ? (dataSource.driver as unknown as { databaseConnection: BetterSqlite3.Database }).databaseConnection : null;
  }

  /** Open (and migrate) a database. */
  static async open(options: DatabaseOptions): Promise<Database> {
    const { dataSource, dialect } = buildDataSource(options);
    try {
      await dataSource.initialize();
    } catch (err) {
      throw new EvenniaError("EV_ERR_DB_UNAVAILABLE", `cannot open database ${redact(options.url)}: ${(err as Error).message}`, { cause: err });
    }
    const db = new Database(dataSource, dialect, options.mergeInserts !== false);
    if (options.autoMigrate !== false) await db.migrate();
    return db;
  }

  /** Run pending migrations; returns their names. */
  async migrate(): Promise<string[]> {
    const done = await this.dataSource.runMigrations({ transaction: "each" });
    for (const m of done) log.info(`applied migration ${m.name}`);
    return done.map((m) => m.name);
  }

  /** Read rows. Safe to call concurrently with writes. */
  async query<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    this.assertOpen();
    try {
      if (this.sqlite) {
        const stmt = this.prepare(sql);
        return (stmt.reader ? stmt.all(...params.map(toSqlite)) : (stmt.run(...params.map(toSqlite)), [])) as T[];
      }
      return (await this.dataSource.query(toPostgres(sql), params)) as T[];
    } catch (err) {
      throw wrapDbError(err, sql);
    }
  }

  /**
   * Run statements atomically through the write queue; resolves with the rows each
   * statement returned (use `RETURNING` to get generated ids).
   */
  write(statements: Statement[]): Promise<unknown[][]> {
    if (this.closed) return Promise.reject(new EvenniaError("EV_ERR_DB_UNAVAILABLE", "the database is closed"));
    if (statements.length === 0) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      this.queue.push({ statements, resolve, reject });
      if (!this.writing) {
        // wait one turn, so that units finishing together commit in one transaction
        this.writing = true;
        setImmediate(() => void this.drain());
      }
    });
  }

  /** Close the database after pending writes. */
  async close(): Promise<void> {
    if (this.closed) return;
    while (this.writing || this.queue.length > 0) await new Promise((r) => setTimeout(r, 5));
    this.closed = true;
    this.statementCache.clear();
    await this.dataSource.destroy();
  }

  /** True once closed. */
  get isClosed(): boolean {
    return this.closed;
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const group = this.queue;
        this.queue = [];
        if (this.sqlite) this.commitSqlite(group);
        else await this.commitPostgres(group);
      }
    } finally {
      this.writing = false;
    }
  }

  private commitSqlite(group: PendingBatch[]): void {
    const db = this.sqlite!;
    const results: (unknown[][] | Error)[] = [];
    // one batch alone needs no savepoint: if it fails, the whole transaction is its own
    const savepoints = group.length > 1;
    try {
      this.prepare("BEGIN IMMEDIATE").run();
      for (const batch of group) {
        if (savepoints) this.prepare("SAVEPOINT batch").run();
        try {
          const plan = this.plan(batch.statements);
          const rows = emptyResults(batch.statements.length);
          plan.statements.forEach(({ sql, params = [] }, i) => {
            const stmt = this.prepare(sql);
            const origin = plan.origins[i]!;
            if (stmt.reader) {
              const got = stmt.all(...params.map(toSqlite));
              if (origin >= 0) rows[origin] = got;
            } else stmt.run(...params.map(toSqlite));
          });
          if (savepoints) this.prepare("RELEASE batch").run();
          results.push(rows);
        } catch (err) {
          if (!savepoints) throw err;
          this.prepare("ROLLBACK TO batch").run();
          this.prepare("RELEASE batch").run();
          results.push(wrapDbError(err, batch.statements[0]?.sql ?? ""));
        }
      }
      this.prepare("COMMIT").run();
    } catch (err) {
      if (db.inTransaction) db.exec("ROLLBACK");
      const error = wrapDbError(err, group.length === 1 ? (group[0]!.statements[0]?.sql ?? "COMMIT") : "COMMIT");
      for (const batch of group) batch.reject(error);
      return;
    }
    group.forEach((batch, i) => {
      const r = results[i]!;
      if (r instanceof Error) batch.reject(r);
      else batch.resolve(r);
    });
  }

  private async commitPostgres(group: PendingBatch[]): Promise<void> {
    const runner = this.dataSource.createQueryRunner("master");
    const results: (unknown[][] | Error)[] = [];
    try {
      await runner.connect();
      await runner.query("BEGIN");
      const savepoints = group.length > 1;
      for (const batch of group) {
        if (savepoints) await runner.query("SAVEPOINT batch");
        try {
          const plan = this.plan(batch.statements);
          const rows = emptyResults(batch.statements.length);
          for (let i = 0; i < plan.statements.length; i++) {
            const { sql, params = [] } = plan.statements[i]!;
            const got = (await runner.query(toPostgres(sql), params)) as unknown[];
            const origin = plan.origins[i]!;
            if (origin >= 0) rows[origin] = got;
          }
          if (savepoints) await runner.query("RELEASE SAVEPOINT batch");
          results.push(rows);
        } catch (err) {
          if (!savepoints) throw err;
          await runner.query("ROLLBACK TO SAVEPOINT batch");
          results.push(wrapDbError(err, batch.statements[0]?.sql ?? ""));
        }
      }
      await runner.query("COMMIT");
    } catch (err) {
      try {
        await runner.query("ROLLBACK");
      } catch {
        // the connection is gone; nothing was committed
      }
      const error = wrapDbError(err, group.length === 1 ? (group[0]!.statements[0]?.sql ?? "COMMIT") : "COMMIT");
      for (const batch of group) batch.reject(error);
      return;
    } finally {
      await runner.release().catch(() => undefined);
    }
    group.forEach((batch, i) => {
      const r = results[i]!;
      if (r instanceof Error) batch.reject(r);
      else batch.resolve(r);
    });
  }

  /** The statements to run for a batch: merged upserts (when on), or the batch as it is. */
  private plan(statements: Statement[]): MergedBatch {
    if (!this.mergeInserts) return { statements, origins: statements.map((_, i) => i), mergedAway: 0 };
    // SQLite caches prepared statements by SQL: power-of-two row counts keep the distinct SQL few
    return mergeStatements(statements, { chunking: this.sqlite ? "power-of-two" : "exact" });
  }

  private prepare(sql: string): BetterSqlite3.Statement {
    let stmt = this.statementCache.get(sql);
    if (!stmt) {
      stmt = this.sqlite!.prepare(sql);
      this.statementCache.set(sql, stmt);
    }
    return stmt;
  }

  private assertOpen(): void {
    if (this.closed) throw new EvenniaError("EV_ERR_DB_UNAVAILABLE", "the database is closed");
  }
}

function buildDataSource(options: DatabaseOptions): { dataSource: DataSource; dialect: Dialect } {
  const entities = [...frameworkEntities, ...(options.entities ?? [])];
  const migrations = [...frameworkMigrations, ...(options.migrations ?? [])];
  if (options.url.startsWith("sqlite:")) {
    let file = options.url.slice("sqlite:".length);
    if (file !== ":memory:") {
      file = path.resolve(options.baseDir ?? process.cwd(), file);
      mkdirSync(path.dirname(file), { recursive: true });
    }
    const dataSource = new DataSource({
      type: "better-sqlite3",
      database: file,
      entities,
      migrations,
      synchronize: false,
      logging: false,
      prepareDatabase: (db: BetterSqlite3.Database) => {
        db.pragma("journal_mode = WAL");
        db.pragma("synchronous = NORMAL");
        db.pragma("busy_timeout = 5000");
        db.pragma("foreign_keys = OFF");
      },
    });
    return { dataSource, dialect: "sqlite" };
  }
  if (/^postgres(ql)?:\/\//.test(options.url)) {
    const dataSource = new DataSource({
      type: "postgres",
      url: options.url,
      schema: options.schema,
      entities,
      migrations,
      synchronize: false,
      logging: false,
      extra: { max: 10, connectionTimeoutMillis: 5000 },
    });
    return { dataSource, dialect: "postgres" };
  }
  throw new EvenniaError("EV_ERR_CONFIG", `unsupported database URL ${redact(options.url)} (use sqlite:<file> or postgres://...)`);
}

/** One empty row list per statement. */
function emptyResults(count: number): unknown[][] {
  const rows: unknown[][] = new Array<unknown[]>(count);
  for (let i = 0; i < count; i++) rows[i] = [];
  return rows;
}

/** `?` placeholders → `$1, $2, ...` (our SQL never has `?` inside string literals). */
function toPostgres(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

function toSqlite(value: unknown): unknown {
  if (typeof value === "boolean") return value ? 1 : 0;
  return value;
}

function wrapDbError(err: unknown, sql: string): EvenniaError {
  if (err instanceof EvenniaError) return err;
  const message = (err as Error)?.message ?? String(err);
  const unavailable = /ECONNREFUSED|ECONNRESET|terminat|Connection terminated|not connected|timeout|the database system is/i.test(message);
  return new EvenniaError(unavailable ? "EV_ERR_DB_UNAVAILABLE" : "EV_ERR_DB", `${message} (in: ${sql.slice(0, 120)})`, { cause: err });
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):([^@/]+)@/, "//$1:***@");
}
