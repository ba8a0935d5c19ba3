/**
 * The SQLite connection the server reads and writes through: a better-sqlite3
 * handle of our own beside TypeORM's (which only runs migrations). WAL journal, so
 * reads never wait for the writer; the WAL's checkpoints run on a thread of their
 * own (`wal-checkpointer.ts`), not in the middle of a commit on the game loop.
 * Statements are prepared once and cached by SQL.
 */
import BetterSqlite3 from "better-sqlite3";
import type { CommitDriver, ScriptOutcome } from "./group-commit.ts";
import { SAFETY_NET_PAGES, WalCheckpointer, type WalCheckpointerOptions } from "./wal-checkpointer.ts";
import type { RenderedStatement } from "./writes.ts";

/** SQLite's own auto-checkpoint threshold, in pages (its default). */
const DEFAULT_AUTOCHECKPOINT_PAGES = 1000;

/** Pragmas every connection to a framework SQLite database gets. */
export function configureSqlite(db: BetterSqlite3.Database): void {
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  db.pragma("busy_timeout = 5000");
  db.pragma("foreign_keys = OFF");
}

/** One SQLite connection: reads, and the commit driver of the write queue. */
export class SqliteConnection implements CommitDriver {
  readonly begin = "BEGIN IMMEDIATE";
  private readonly statements = new Map<string, BetterSqlite3.Statement>();
  /** Runs the WAL's checkpoints off the game loop (file databases; null: SQLite does, in commits). */
  readonly checkpointer: WalCheckpointer | null = null;

  /**
   * @param handle an open handle (a file database: our own; `:memory:`: the one
   *   TypeORM opened, since an in-memory database exists on one connection only)
   * @param owned whether {@link close} closes the handle
   */
  constructor(
    private readonly handle: BetterSqlite3.Database,
    private readonly owned: boolean,
    checkpoints?: { file: string; options?: WalCheckpointerOptions },
  ) {
    if (checkpoints) {
      this.checkpointer = new WalCheckpointer(checkpoints.file, () => this.checkpointInCommits(), checkpoints.options);
      handle.pragma(`wal_autocheckpoint = ${SAFETY_NET_PAGES}`);
    }
  }

  /**
   * Open our own connection to a database file. `checkpoints: false` leaves the WAL's
   * checkpoints to SQLite (in the commit that fills it, on the caller's thread).
   */
  static open(file: string, checkpoints: WalCheckpointerOptions | false = {}): SqliteConnection {
    const handle = new BetterSqlite3(file, { timeout: 5000 });
    configureSqlite(handle);
    return new SqliteConnection(handle, true, checkpoints === false ? undefined : { file, options: checkpoints });
  }

  /** Run one statement; rows for a reader, [] otherwise. */
  query(sql: string, params: readonly unknown[]): unknown[] {
    const stmt = this.prepare(sql);
    if (stmt.reader) return stmt.all(...params.map(toSqlite));
    stmt.run(...params.map(toSqlite));
    return [];
  }

  /** Run a script synchronously; roll back at the first failure. */
  runScript(script: readonly RenderedStatement[]): ScriptOutcome {
    const rows: unknown[][] = [];
    for (let i = 0; i < script.length; i++) {
      try {
        rows.push(this.query(script[i]!.sql, script[i]!.params));
      } catch (error) {
        if (this.handle.inTransaction) this.handle.exec("ROLLBACK");
        return { rows, failure: { index: i, error } };
      }
    }
    this.checkpointer?.noteCommit();
    return { rows };
  }

  /** Stop the checkpoint thread, forget cached statements and close the handle if it is ours. */
  async close(): Promise<void> {
    await this.checkpointer?.close();
    this.statements.clear();
    if (this.owned && this.handle.open) this.handle.close();
  }

  /** The checkpoint thread gave up: SQLite checkpoints in commits again, at its usual size. */
  private checkpointInCommits(): void {
    if (this.handle.open) this.handle.pragma(`wal_autocheckpoint = ${DEFAULT_AUTOCHECKPOINT_PAGES}`);
  }

  private prepare(sql: string): BetterSqlite3.Statement {
    let stmt = this.statements.get(sql);
    if (!stmt) {
      stmt = this.handle.prepare(sql);
      this.statements.set(sql, stmt);
    }
    return stmt;
  }
}

function toSqlite(value: unknown): unknown {
  if (typeof value === "boolean") return value ? 1 : 0;
  return value;
}
