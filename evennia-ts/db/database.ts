/**
 * The database: TypeORM for the schema and migrations, and connections of our own
 * for everything else (`sqlite-connection.ts`, `postgres-connection.ts`). SQLite
 * (better-sqlite3, WAL) is the embedded default; PostgreSQL is chosen by a
 * `postgres://` URL.
 *
 * TypeORM is loaded when it is needed (`typeorm: "on-demand"`, what the server
 * uses): to run migrations that are pending, for a game that declares tables of its
 * own, or when code asks for {@link Database.openDataSource}. A server whose schema
 * is up to date reads the `migrations` table through its own connection and never
 * loads TypeORM, about 20 MiB of resident memory.
 *
 * Writes are structured (`writes.ts`) and go through one queue. Batches that wait in
 * it together are committed in one transaction (group commit, `group-commit.ts`); a
 * failing batch fails alone. Within a batch, single-row upserts of one shape are
 * merged into multi-row statements (`write-merger.ts`; option `mergeInserts`).
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import type BetterSqlite3 from "better-sqlite3";
import type { DataSource, DataSourceOptions, EntitySchema, MigrationInterface } from "typeorm";
import { EvenniaError } from "../utils/errors.ts";
import { getLogger } from "../utils/logger.ts";
import { frameworkEntities } from "./entities/schemas.ts";
import { commitGroup, type PendingBatch, type WriterStats } from "./group-commit.ts";
import { FRAMEWORK_MIGRATION_NAMES } from "./migrations/names.ts";
import type { PostgresConnection } from "./postgres-connection.ts";
import { configureSqlite, SqliteConnection } from "./sqlite-connection.ts";
import type { CheckpointStats, WalCheckpointerOptions } from "./wal-checkpointer.ts";
import { planWrites, type WritePlan } from "./write-merger.ts";
import { renderSql, type Dialect, type SqlWrite, type Write } from "./writes.ts";

export type { Dialect } from "./writes.ts";
export type { WriterStats } from "./group-commit.ts";

const log = getLogger("db");

/** One raw SQL statement with `?` placeholders (a {@link Write} that is never merged). */
export type Statement = SqlWrite;

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
   * statements (default true; see `write-merger.ts` for when that is safe).
   * Turn it off if a game adds triggers, foreign keys or views that make writes to
   * one table observe writes to another.
   */
  mergeInserts?: boolean;
  /**
   * SQLite files: where the WAL's checkpoints run. By default on a thread of their
   * own, after every 100 commits (`wal-checkpointer.ts`); `false` leaves them to
   * SQLite, which runs one in the commit that fills 1,000 pages, on the game loop.
   */
  walCheckpoints?: WalCheckpointerOptions | false;
  /**
   * When TypeORM is loaded: `"eager"` (the default) at open; `"on-demand"` only when
   * migrations are pending, the options name a game's own entities or migrations, or
   * {@link Database.openDataSource} is called. (An in-memory SQLite database always
   * opens it: the database lives on TypeORM's connection.)
   */
  typeorm?: "eager" | "on-demand";
  /**
   * On demand, with framework migrations pending: run them somewhere else instead of
   * loading TypeORM here (the server runs them in a short-lived child process, so its
   * own memory never holds TypeORM). Must leave nothing pending.
   */
  runMigrationsElsewhere?: () => Promise<void>;
}

/** What each dialect gives TypeORM beside the entities and migrations. */
type SqliteTypeormOptions = Pick<Extract<DataSourceOptions, { type: "better-sqlite3" }>, "type" | "database" | "prepareDatabase">;
type PostgresTypeormOptions = Pick<Extract<DataSourceOptions, { type: "postgres" }>, "type" | "url" | "schema" | "extra">;

/** The connection of either dialect. */
type Connection = SqliteConnection | PostgresConnection;

/** An open database. */
export class Database {
  private queue: PendingBatch[] = [];
  private writing = false;
  private closed = false;

  private typeormSource: DataSource | null = null;
  private typeormOpening: Promise<DataSource> | null = null;

  private constructor(
    readonly dialect: Dialect,
    /** Whether write batches have their single-row upserts merged (see {@link DatabaseOptions.mergeInserts}). */
    readonly mergeInserts: boolean,
    private readonly connection: Connection,
    /** What the writer did so far (transactions, statements, round trips). */
    readonly writerStats: WriterStats,
    /** Makes and initializes TypeORM's data source (loading TypeORM); {@link openDataSource} calls it once. */
    private readonly makeDataSource: () => Promise<DataSource>,
    /** The PostgreSQL schema TypeORM keeps its tables in (its `migrations` table included), if not the default. */
    private readonly schema: string | undefined,
  ) {}

  /** Open (and migrate) a database. */
  static async open(options: DatabaseOptions): Promise<Database> {
    const hasGameSchema = (options.entities?.length ?? 0) + (options.migrations?.length ?? 0) > 0;
    const stats: WriterStats = { transactions: 0, batches: 0, statements: 0, roundTrips: 0 };
    let connection: Connection;
    let dialect: Dialect;
    let makeDataSource: () => Promise<DataSource>;
    let opened: DataSource | null = null;
    if (options.url.startsWith("sqlite:")) {
      dialect = "sqlite";
      let file = options.url.slice("sqlite:".length);
      const memory = file === ":memory:";
      if (!memory) {
        file = path.resolve(options.baseDir ?? process.cwd(), file);
        try {
          mkdirSync(path.dirname(file), { recursive: true });
        } catch (err) {
          throw unavailable(options.url, err);
        }
      }
      // an in-memory database exists on one connection only: share the one TypeORM opens
      let typeormHandle: BetterSqlite3.Database | null = null;
      makeDataSource = () =>
        openTypeorm(options, {
          type: "better-sqlite3",
          database: file,
          prepareDatabase: (db: BetterSqlite3.Database) => {
            configureSqlite(db);
            typeormHandle = db;
          },
        });
      if (memory) opened = await makeDataSource();
      try {
        connection = memory ? new SqliteConnection(typeormHandle!, false) : SqliteConnection.open(file, options.walCheckpoints ?? {});
      } catch (err) {
        await opened?.destroy();
        throw unavailable(options.url, err);
      }
    } else if (/^postgres(ql)?:\/\//.test(options.url)) {
      dialect = "postgres";
      makeDataSource = () =>
        openTypeorm(options, {
          type: "postgres",
          url: options.url,
          schema: options.schema,
          // TypeORM runs migrations and a game's own repositories (connections are opened on demand);
          // the migrations' own SQL names no schema: TypeORM's connections look in it first, as ours do
          extra: { max: 10, connectionTimeoutMillis: 5000, ...(options.schema ? { options: `-c search_path=${options.schema},public` } : {}) },
        });
      // loaded here, not at the top: a game on SQLite never loads the PostgreSQL client (about 6 MiB)
      const { PostgresConnection } = await import("./postgres-connection.ts");
      connection = new PostgresConnection({ url: options.url, schema: options.schema }, stats);
    } else {
      throw new EvenniaError("EV_ERR_CONFIG", `unsupported database URL ${redact(options.url)} (use sqlite:<file> or postgres://...)`);
    }
    const db = new Database(dialect, options.mergeInserts !== false, connection, stats, makeDataSource, dialect === "postgres" ? options.schema : undefined);
    db.typeormSource = opened;
    try {
      const eager = opened !== null || hasGameSchema || (options.typeorm ?? "eager") === "eager";
      if (eager) {
        await db.openDataSource();
        if (options.autoMigrate !== false) await db.migrate();
      } else if (options.autoMigrate !== false) {
        await db.migrateWhenPending(options.runMigrationsElsewhere);
      }
    } catch (err) {
      await db.close();
      throw err;
    }
    return db;
  }

  /** True once TypeORM's data source is open (see {@link DatabaseOptions.typeorm}). */
  get hasDataSource(): boolean {
    return this.typeormSource !== null;
  }

  /**
   * TypeORM's data source: migrations, and a game's own repositories. Open when the
   * database was opened eagerly or with a game's own entities; otherwise call
   * {@link openDataSource} first.
   */
  get dataSource(): DataSource {
    if (!this.typeormSource) {
      throw new EvenniaError("EV_ERR_NOT_LOADED", "TypeORM is not loaded in this process: await db.openDataSource() first (a game that registers its own entities has it from the start)");
    }
    return this.typeormSource;
  }

  /** Open TypeORM's data source (loading TypeORM) if it is not open yet. */
  openDataSource(): Promise<DataSource> {
    this.assertOpen();
    if (this.typeormSource) return Promise.resolve(this.typeormSource);
    this.typeormOpening ??= this.makeDataSource().then(
      (source) => {
        this.typeormSource = source;
        return source;
      },
      (err: unknown) => {
        this.typeormOpening = null;
        throw err;
      },
    );
    return this.typeormOpening;
  }

  /**
   * Run pending migrations (opening TypeORM); returns their names. On PostgreSQL they
   * run under an advisory lock named after the schema: processes opening one database
   * at once (two hosts of a game, `evennia-ts migrate` beside a starting server) take
   * turns, and those after the first find nothing left to do.
   */
  async migrate(): Promise<string[]> {
    const source = await this.openDataSource();
    const run = async (): Promise<string[]> => {
      try {
        const done = await source.runMigrations({ transaction: "each" });
        for (const m of done) log.info(`applied migration ${m.name}`);
        return done.map((m) => m.name);
      } catch (err) {
        if (err instanceof EvenniaError) throw err;
        throw new EvenniaError("EV_ERR_DB", `a migration failed: ${(err as Error).message}`, { cause: err });
      }
    };
    if (this.dialect !== "postgres") return run();
    const runner = source.createQueryRunner();
    try {
      await runner.connect();
      await runner.query("SELECT pg_advisory_lock(hashtext($1))", [`evennia-ts migrations ${this.schema ?? "public"}`]);
    } catch (err) {
      await runner.release();
      throw wrapDbError(err, "SELECT pg_advisory_lock(...)");
    }
    try {
      return await run();
    } finally {
      // the lock is the session's: releasing the connection without unlocking would leave it held in the pool
      await runner.query("SELECT pg_advisory_unlock_all()").catch(() => undefined);
      await runner.release();
    }
  }

  /**
   * The framework's migrations not yet applied, read from TypeORM's `migrations` table
   * through this database's own connection (TypeORM is not loaded for it). All of
   * them when the table does not exist yet.
   */
  async pendingFrameworkMigrations(): Promise<string[]> {
    let rows: { name: string }[];
    try {
      // in the schema TypeORM migrates (the search path could find another game's table first)
      const table = this.schema ? `"${this.schema.replaceAll('"', '""')}".migrations` : "migrations";
      rows = await this.query<{ name: string }>(`SELECT name FROM ${table}`);
    } catch (err) {
      // no table yet: a new database (SQLite "no such table", PostgreSQL "relation ... does not exist")
      if (/no such table|does not exist/i.test((err as Error).message)) return [...FRAMEWORK_MIGRATION_NAMES];
      throw err;
    }
    const applied = new Set(rows.map((r) => r.name));
    return FRAMEWORK_MIGRATION_NAMES.filter((name) => !applied.has(name));
  }

  /** On demand: run the pending framework migrations, elsewhere when a runner is given. */
  private async migrateWhenPending(elsewhere: (() => Promise<void>) | undefined): Promise<void> {
    const pending = await this.pendingFrameworkMigrations();
    if (pending.length === 0) return;
    if (!elsewhere) {
      await this.migrate();
      return;
    }
    log.info(`applying ${pending.length} pending migration${pending.length === 1 ? "" : "s"} in a child process: ${pending.join(", ")}`);
    await elsewhere();
    const left = await this.pendingFrameworkMigrations();
    if (left.length > 0) throw new EvenniaError("EV_ERR_DB", `migrations still pending after running them: ${left.join(", ")}`);
  }

  /** Read rows (`?` placeholders). Safe to call concurrently with writes. */
  async query<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    this.assertOpen();
    try {
      return (await this.connection.query(renderSql(this.dialect, sql), params)) as T[];
    } catch (err) {
      throw wrapDbError(err, sql);
    }
  }

  /**
   * Run writes atomically through the write queue; resolves with the rows each
   * write returned (raw SQL may use `RETURNING`; upserts and deletes return none).
   */
  write(writes: readonly Write[]): Promise<unknown[][]> {
    if (this.closed) return Promise.reject(new EvenniaError("EV_ERR_DB_UNAVAILABLE", "the database is closed"));
    if (writes.length === 0) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      this.queue.push({ writes, resolve, reject });
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
    await this.connection.close();
    const source = this.typeormSource ?? (await this.typeormOpening?.catch(() => null)) ?? null;
    this.typeormSource = null;
    if (source?.isInitialized) await source.destroy();
  }

  /** What the WAL checkpoint thread did (SQLite files; null when SQLite checkpoints by itself). */
  get checkpointStats(): Readonly<CheckpointStats> | null {
    return this.connection instanceof SqliteConnection ? (this.connection.checkpointer?.stats ?? null) : null;
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
        await commitGroup(group, this.connection, (writes) => this.plan(writes), wrapDbError, this.writerStats);
        // a turn of the event loop before the next transaction: SQLite commits synchronously,
        // so code that awaits one write after another would otherwise keep the loop in
        // promise callbacks (no socket read, timer or worker reply) until it stopped writing
        if (this.queue.length > 0) await new Promise<void>((resolve) => setImmediate(resolve));
      }
    } finally {
      this.writing = false;
    }
  }

  /** The statements to run for a batch: merged upserts (when on), rendered for the dialect. */
  private plan(writes: readonly Write[]): WritePlan {
    // SQLite caches prepared statements by SQL: power-of-two row counts keep the distinct SQL few
    return planWrites(writes, this.dialect, { merge: this.mergeInserts, chunking: this.dialect === "sqlite" ? "power-of-two" : "exact" });
  }

  private assertOpen(): void {
    if (this.closed) throw new EvenniaError("EV_ERR_DB_UNAVAILABLE", "the database is closed");
  }
}

/**
 * Load TypeORM and open its data source with the dialect's `connection` options, the
 * framework's entities and migrations, then the game's.
 */
async function openTypeorm(options: DatabaseOptions, connection: SqliteTypeormOptions | PostgresTypeormOptions): Promise<DataSource> {
  const [{ DataSource }, { frameworkMigrations }] = await Promise.all([import("typeorm"), import("./migrations/index.ts")]);
  const entities: EntitySchema<any>[] = [...frameworkEntities(), ...(options.entities ?? [])];
  const migrations: (new () => MigrationInterface)[] = [...frameworkMigrations, ...(options.migrations ?? [])];
  const source = new DataSource({ ...connection, entities, migrations, synchronize: false, logging: false });
  try {
    await source.initialize();
    return source;
  } catch (err) {
    throw unavailable(options.url, err);
  }
}

function unavailable(url: string, err: unknown): EvenniaError {
  return new EvenniaError("EV_ERR_DB_UNAVAILABLE", `cannot open database ${redact(url)}: ${(err as Error).message}`, { cause: err });
}

function wrapDbError(err: unknown, sql: string): EvenniaError {
  if (err instanceof EvenniaError) return err;
  const message = (err as Error)?.message ?? String(err);
  const code = String((err as { code?: unknown })?.code ?? "");
  const unavailable =
    // socket errors; PostgreSQL "connection exception" (08xxx) and shutdown (57P0x) states; a SQLite
    // file another process holds locked, a full disk, a file turned read-only or failing to read
    /^(EPIPE|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENOTCONN|EHOSTUNREACH|ENETUNREACH)$|^08|^57P0/.test(code) ||
    /^SQLITE_(BUSY|LOCKED|FULL|READONLY|IOERR|CANTOPEN)/.test(code) ||
    /ECONNREFUSED|ECONNRESET|EPIPE|terminat|not connected|not queryable|timeout|the database system is|the database is closed/i.test(message);
  return new EvenniaError(unavailable ? "EV_ERR_DB_UNAVAILABLE" : "EV_ERR_DB", `${message} (in: ${sql.slice(0, 120)})`, { cause: err });
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):([^@/]+)@/, "//$1:***@");
}
