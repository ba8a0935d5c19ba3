/**
 * The PostgreSQL connections the server reads and writes through, of our own beside
 * TypeORM's (which only runs migrations): a `pg.Pool` for reads, and one dedicated
 * `pg.Client` in pipeline mode for the write queue. A commit's statements (`BEGIN`,
 * every upsert and delete, `COMMIT`) are all sent before the first answer is awaited:
 * one round trip per transaction instead of one per statement.
 *
 * After a failure inside the pipeline, PostgreSQL refuses the statements behind it
 * ("current transaction is aborted") and the pipelined `COMMIT` ends the transaction
 * as a rollback (its command tag says `ROLLBACK`), so nothing of a failed script stays.
 * Parameters are checked before sending (`group-commit.ts`): a value the client
 * cannot bind would be skipped while the statements behind it still run.
 */
import pg from "pg";
import { EvenniaError } from "../utils/errors.ts";
import { getLogger } from "../utils/logger.ts";
import type { CommitDriver, ScriptOutcome, WriterStats } from "./group-commit.ts";
import type { RenderedStatement } from "./writes.ts";

const log = getLogger("db.pg");

/** Options of the PostgreSQL connections. */
export interface PostgresConnectionOptions {
  url: string;
  /** Schema to put first on the search path. */
  schema?: string;
  /** Most pooled read connections (default 10). */
  maxReaders?: number;
}

/** Reads through a pool, writes through one pipelined client. */
export class PostgresConnection implements CommitDriver {
  readonly begin = "BEGIN";
  private readonly pool: pg.Pool;
  private writer: pg.Client | null = null;
  private connecting: Promise<pg.Client> | null = null;
  private closed = false;

  constructor(
    private readonly options: PostgresConnectionOptions,
    private readonly stats: WriterStats,
  ) {
    this.pool = new pg.Pool({ ...this.clientConfig(), max: options.maxReaders ?? 10 });
    // an idle pooled connection that dies is dropped by the pool; the next read reports it
    this.pool.on("error", (err) => log.warn(`an idle PostgreSQL connection failed: ${err.message}`));
  }

  /** Run one read (or any statement outside the write queue). */
  async query(sql: string, params: readonly unknown[]): Promise<unknown[]> {
    const result = await this.pool.query(sql, params as unknown[]);
    return result.rows;
  }

  /** Send the whole script down the pipelined writer, then read every answer. */
  async runScript(script: readonly RenderedStatement[]): Promise<ScriptOutcome> {
    const client = await this.writerClient();
    const sent = script.map((s) => client.query(s.sql, s.params as unknown[]));
    this.stats.roundTrips++;
    const settled = await Promise.allSettled(sent);
    const rows: unknown[][] = [];
    for (let i = 0; i < settled.length; i++) {
      const r = settled[i]!;
      if (r.status === "fulfilled") {
        rows.push(r.value.rows);
        continue;
      }
      const commit = settled[settled.length - 1]!;
      if (commit.status === "fulfilled" && commit.value.command === "COMMIT") {
        // cannot happen with checked parameters; say so loudly if it ever does
        log.error(`a statement failed but the transaction committed: ${(r.reason as Error)?.message}`);
      } else if (commit.status === "rejected") {
        // the connection may be in any state: drop it, the next commit opens another
        this.dropWriter(client);
        // no answer to COMMIT and no statement refused by the server: the connection went, and the
        // server may have committed before it did (group-commit.ts finds out by running it again)
        const refused = commit.reason instanceof pg.DatabaseError || r.reason instanceof pg.DatabaseError;
        if (!refused) return { rows, failure: { index: i, error: r.reason }, inDoubt: true };
      }
      return { rows, failure: { index: i, error: r.reason } };
    }
    return { rows };
  }

  /** Close the pool and the writer. */
  async close(): Promise<void> {
    this.closed = true;
    const writer = this.writer;
    this.writer = null;
    await Promise.allSettled([this.pool.end(), writer?.end()]);
  }

  private clientConfig(): pg.ClientConfig {
    return {
      connectionString: this.options.url,
      connectionTimeoutMillis: 5000,
      ...(this.options.schema ? { options: `-c search_path=${this.options.schema},public` } : {}),
    };
  }

  private writerClient(): Promise<pg.Client> {
    if (this.writer) return Promise.resolve(this.writer);
    if (this.connecting) return this.connecting;
    const client = new pg.Client({ ...this.clientConfig(), pipeline: true });
    client.on("error", (err) => {
      log.warn(`the PostgreSQL write connection failed: ${err.message}`);
      this.dropWriter(client);
    });
    this.connecting = client
      .connect()
      .then(() => {
        if (this.closed) {
          void client.end();
          throw new EvenniaError("EV_ERR_DB_UNAVAILABLE", "the database is closed");
        }
        this.writer = client;
        return client;
      })
      .catch((err: unknown) => {
        void client.end().catch(() => undefined);
        throw err;
      })
      .finally(() => {
        this.connecting = null;
      });
    return this.connecting;
  }

  private dropWriter(client: pg.Client): void {
    if (this.writer === client) this.writer = null;
    void client.end().catch(() => undefined);
  }
}
