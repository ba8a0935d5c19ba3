/**
 * Database fixtures for tests: a fresh {@link Database} and {@link Store} on SQLite
 * (a temporary file under the package's `.tmp/`, or `sqlite::memory:`) or on
 * PostgreSQL (a database created for the suite and dropped afterwards).
 *
 * PostgreSQL is selected by the environment variable `EVENNIA_TEST_POSTGRES_URL`
 * (e.g. `postgres://postgres@127.0.0.1:5432/test`). The fixture connects to the
 * maintenance database `postgres` of that server to create and drop a database
 * `evts_<random>` per suite. Without the variable PostgreSQL suites are skipped,
 * visibly: they show as skipped and a notice is printed.
 *
 * `describeEachDatabase(name, body)` runs one suite on every database (contract
 * tests: one suite, every implementation).
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import pg from "pg";
import type { EntitySchema, MigrationInterface } from "typeorm";
import { afterAll, beforeAll, describe } from "vitest";
import { Database, type Dialect } from "../db/database.ts";
import { flushImplicitWrites, runInUnitOfWork, type UnitOfWork } from "../db/unit-of-work.ts";
import "../typeclasses/index.ts";
import { Store } from "../typeclasses/store.ts";
import { setStore } from "../typeclasses/store-context.ts";
import { packageRoot } from "./game-folder.ts";
import { EvenniaError } from "../utils/errors.ts";

/** The environment variable that selects the PostgreSQL server for tests. */
export const POSTGRES_URL_ENV = "EVENNIA_TEST_POSTGRES_URL";

/** The PostgreSQL URL tests run against, or undefined when PostgreSQL tests are skipped. */
export const postgresTestUrl: string | undefined = process.env[POSTGRES_URL_ENV]?.trim() || undefined;

/** Every dialect the contract suites run on. */
export const TEST_DIALECTS: readonly Dialect[] = ["sqlite", "postgres"];

let noticePrinted = false;

/** Print (once per test process) that PostgreSQL suites are skipped and how to run them. */
export function printPostgresSkipNotice(): void {
  if (postgresTestUrl || noticePrinted) return;
  noticePrinted = true;
  console.warn(`PostgreSQL tests skipped: set ${POSTGRES_URL_ENV}=postgres://postgres@127.0.0.1:5432/test to run them`);
}

/** True when suites of `dialect` can run here. */
export function dialectAvailable(dialect: Dialect): boolean {
  return dialect === "sqlite" || postgresTestUrl !== undefined;
}

/** An empty database made for a test: its URL, and how to get rid of it. */
export interface ScratchDatabase {
  readonly dialect: Dialect;
  /** The URL to open it with (`sqlite:<absolute file>` or `postgres://.../evts_<random>`). */
  readonly url: string;
  /** PostgreSQL: the database name; SQLite: the file. */
  readonly name: string;
  /** Delete it (drops the PostgreSQL database, forcing connections off; removes the SQLite files). */
  dispose(): Promise<void>;
}

/** Where temporary SQLite files go. */
export const scratchDir = path.join(packageRoot, ".tmp");

/**
 * Make an empty database. SQLite: a temporary file under `.tmp/` (or an in-memory
 * database with `memory: true`); PostgreSQL: `CREATE DATABASE evts_<random>` on the
 * server of `EVENNIA_TEST_POSTGRES_URL`.
 */
export async function createScratchDatabase(dialect: Dialect, options: { memory?: boolean } = {}): Promise<ScratchDatabase> {
  const suffix = randomBytes(6).toString("hex");
  if (dialect === "sqlite") {
    if (options.memory) return { dialect, url: "sqlite::memory:", name: ":memory:", dispose: async () => undefined };
    mkdirSync(scratchDir, { recursive: true });
    const file = path.join(scratchDir, `evts-${suffix}.sqlite3`);
    return {
      dialect,
      url: `sqlite:${file}`,
      name: file,
      dispose: async () => {
        for (const f of [file, `${file}-wal`, `${file}-shm`, `${file}-journal`]) rmSync(f, { force: true });
      },
    };
  }
  if (!postgresTestUrl) throw new EvenniaError("EV_ERR_CONFIG", `${POSTGRES_URL_ENV} is not set: PostgreSQL tests cannot run`);
  const name = `evts_${suffix}`;
  await maintenance(`CREATE DATABASE ${name}`);
  return {
    dialect,
    url: withDatabase(postgresTestUrl, name),
    name,
    dispose: () => maintenance(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

/** `url` with its database name replaced. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/** Run one statement on the maintenance database (`postgres`) of the test server. */
async function maintenance(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: withDatabase(postgresTestUrl!, "postgres") });
  // a failed connection emits 'error' as well as rejecting: keep it from crashing the process
  client.on("error", () => undefined);
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Options of {@link openDatabaseFixture}. */
export interface DatabaseFixtureOptions {
  /** A game's own entity schemas. */
  entities?: EntitySchema<any>[];
  /** A game's own migrations. */
  migrations?: (new () => MigrationInterface)[];
  /** SQLite only: use `sqlite::memory:` instead of a file. */
  memory?: boolean;
  /** Identity-map LRU size (default 0: only pins and references keep objects alive). */
  lruSize?: number;
  /** Do not make the new store the active one (`setStore`). */
  inactive?: boolean;
}

/** An open database with a store, on a scratch database. */
export interface DatabaseFixture {
  readonly dialect: Dialect;
  readonly scratch: ScratchDatabase;
  readonly db: Database;
  readonly store: Store;
  /** Run `fn` as one unit of work on this database. */
  unit<T>(fn: (uow: UnitOfWork) => Promise<T> | T): Promise<T>;
  /** Commit writes made outside any unit of work. */
  flushWrites(): Promise<void>;
  /** Close the database, clear the active store, delete the scratch database. */
  close(): Promise<void>;
}

/** Open a fresh database of `dialect` with a store (made active with `setStore` unless `inactive`). */
export async function openDatabaseFixture(dialect: Dialect, options: DatabaseFixtureOptions = {}): Promise<DatabaseFixture> {
  const scratch = await createScratchDatabase(dialect, { memory: options.memory });
  let db: Database;
  try {
    db = await Database.open({ url: scratch.url, entities: options.entities, migrations: options.migrations });
  } catch (err) {
    await scratch.dispose();
    throw err;
  }
  const store = new Store(db, { lruSize: options.lruSize ?? 0 });
  await store.init();
  if (!options.inactive) setStore(store);
  return {
    dialect,
    scratch,
    db,
    store,
    unit: (fn) => runInUnitOfWork(db, fn),
    flushWrites: () => flushImplicitWrites(),
    close: async () => {
      await flushImplicitWrites().catch(() => undefined);
      if (!options.inactive) setStore(null);
      await db.close().catch(() => undefined);
      await scratch.dispose();
    },
  };
}

/** What a suite body of {@link describeEachDatabase} gets: the fixture of its database, once set up. */
export interface DatabaseSuiteContext {
  readonly dialect: Dialect;
  readonly db: Database;
  readonly store: Store;
  readonly fixture: DatabaseFixture;
  /** Run `fn` as one unit of work. */
  unit<T>(fn: (uow: UnitOfWork) => Promise<T> | T): Promise<T>;
}

/**
 * Run the suite `body` once per database: `"<name> [sqlite]"` and
 * `"<name> [postgres]"`. Each run gets a fresh database (created before its first
 * test, dropped after its last) and an active store. PostgreSQL runs are skipped,
 * with a printed notice, when `EVENNIA_TEST_POSTGRES_URL` is not set.
 */
export function describeEachDatabase(name: string, body: (ctx: DatabaseSuiteContext) => void, options: DatabaseFixtureOptions = {}): void {
  describeOnDatabases(TEST_DIALECTS, name, body, options);
}

/**
 * Like {@link describeEachDatabase}, for the given dialects only (tests of
 * something only one database has, e.g. a network connection to cut).
 */
export function describeOnDatabases(
  dialects: readonly Dialect[],
  name: string,
  body: (ctx: DatabaseSuiteContext) => void,
  options: DatabaseFixtureOptions = {},
): void {
  for (const dialect of dialects) {
    const skip = !dialectAvailable(dialect);
    if (skip) printPostgresSkipNotice();
    describe.skipIf(skip)(`${name} [${dialect}]`, () => {
      let fixture: DatabaseFixture | null = null;
      const need = (): DatabaseFixture => {
        if (!fixture) throw new EvenniaError("EV_ERR_INTERNAL", "the database fixture is not open (used outside a test?)");
        return fixture;
      };
      const ctx: DatabaseSuiteContext = {
        dialect,
        get db() {
          return need().db;
        },
        get store() {
          return need().store;
        },
        get fixture() {
          return need();
        },
        unit: (fn) => need().unit(fn),
      };
      beforeAll(async () => {
        fixture = await openDatabaseFixture(dialect, options);
      });
      afterAll(async () => {
        await fixture?.close();
        fixture = null;
      });
      body(ctx);
    });
  }
}

/** A gc() function: the global one when node runs with --expose-gc, else one obtained at runtime. */
function getGc(): () => void {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (typeof existing === "function") return existing;
  setFlagsFromString("--expose-gc");
  return runInNewContext("gc") as () => void;
}

let gcFn: (() => void) | null = null;

/**
 * Collect garbage thoroughly (several full collections on separate tasks, so that
 * WeakRefs read in earlier jobs are released and finalizers run).
 */
export async function collectGarbage(): Promise<void> {
  gcFn ??= getGc();
  for (let i = 0; i < 4; i++) {
    await new Promise((resolve) => setTimeout(resolve, 0));
    gcFn();
  }
  await new Promise((resolve) => setTimeout(resolve, 0));
}
