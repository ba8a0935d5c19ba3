/**
 * Group commit, shared by both databases. The write queue hands over every batch
 * that waited together; they are committed in one transaction. A batch that fails
 * fails alone: the transaction is rolled back, that batch is rejected, and the
 * others run again in a new transaction (in their order), so no caller joins
 * another's failure and nothing half-done is ever committed. This replaces a
 * savepoint per batch: with a pipelined connection the whole transaction
 * (`BEGIN`, every statement, `COMMIT`) is sent at once, and there is no moment to
 * decide on a `ROLLBACK TO SAVEPOINT`; failures are rare, so retrying is cheaper
 * than a savepoint round trip on every commit.
 *
 * The only difference between SQLite and PostgreSQL is {@link CommitDriver.runScript}.
 */
import { EvenniaError } from "../utils/errors.ts";
import type { WritePlan } from "./write-merger.ts";
import type { RenderedStatement, Write } from "./writes.ts";

/** A write batch waiting for the writer. */
export interface PendingBatch {
  writes: readonly Write[];
  resolve: (rows: unknown[][]) => void;
  reject: (err: Error) => void;
}

/** What running a script returned: rows per statement, and the first failure if any. */
export interface ScriptOutcome {
  /** Rows of each statement that succeeded (by index in the script). */
  rows: unknown[][];
  /** The first statement that failed; the driver has left no transaction open. */
  failure?: { index: number; error: unknown };
  /**
   * With `failure`: the connection was lost before `COMMIT` was answered, so the
   * transaction may have committed (PostgreSQL). {@link commitGroup} runs it again.
   */
  inDoubt?: boolean;
}

/** The driver calls a commit needs. */
export interface CommitDriver {
  /** The statement that opens a write transaction (`BEGIN IMMEDIATE` on SQLite). */
  readonly begin: string;
  /**
   * Run the statements in order as one script (they start with `begin` and end with
   * `COMMIT`). At the first failure nothing of the script may stay committed or open.
   */
  runScript(script: readonly RenderedStatement[]): Promise<ScriptOutcome> | ScriptOutcome;
}

/** Counts of what the writer did (for benchmarks and diagnostics). */
export interface WriterStats {
  /** Transactions attempted (a retry after a failed batch counts again). */
  transactions: number;
  /** Batches (units of work) in those transactions, summed. */
  batches: number;
  /** Statements sent, `BEGIN` and `COMMIT` included. */
  statements: number;
  /** Waits for the database server (PostgreSQL: one per pipelined script; SQLite: none). */
  roundTrips: number;
}

/** How errors are reported: a failing statement's error with its SQL. */
export type ErrorWrapper = (err: unknown, sql: string) => Error;

/**
 * Commit `group` in one transaction through `driver`. `plan` renders one batch
 * (merging its upserts); a batch that cannot be rendered (a value no driver can bind)
 * is rejected before anything is sent.
 */
export async function commitGroup(
  group: readonly PendingBatch[],
  driver: CommitDriver,
  plan: (writes: readonly Write[]) => WritePlan,
  wrap: ErrorWrapper,
  stats: WriterStats,
): Promise<void> {
  let pending: { batch: PendingBatch; plan: WritePlan }[] = [];
  for (const batch of group) {
    try {
      const p = plan(batch.writes);
      for (const s of p.statements) assertBindable(s);
      pending.push({ batch, plan: p });
    } catch (err) {
      batch.reject(wrap(err, batch.writes[0] ? describe(batch.writes[0]) : ""));
    }
  }
  /** Set once a script's outcome was lost: the error to report if running it again fails too. */
  let lostOutcome: Error | null = null;
  while (pending.length > 0) {
    const script: RenderedStatement[] = [{ sql: driver.begin, params: [] }];
    const starts: number[] = [];
    for (const p of pending) {
      starts.push(script.length);
      for (const s of p.plan.statements) script.push(s);
    }
    script.push({ sql: "COMMIT", params: [] });
    stats.transactions++;
    stats.batches += pending.length;
    stats.statements += script.length;
    let outcome: ScriptOutcome;
    try {
      outcome = await driver.runScript(script);
    } catch (err) {
      outcome = { rows: [], failure: { index: 0, error: err } };
    }
    if (!outcome.failure) {
      pending.forEach(({ batch, plan: p }, i) => {
        const rows = emptyResults(batch.writes.length);
        p.origins.forEach((origin, j) => {
          if (origin >= 0) rows[origin] = outcome.rows[starts[i]! + j] ?? [];
        });
        batch.resolve(rows);
      });
      return;
    }
    const { index, error } = outcome.failure;
    const wrapped = wrap(error, script[index]?.sql ?? "COMMIT");
    if (lostOutcome || outcome.inDoubt) {
      // The answer to COMMIT was lost: the transaction may have committed. Running the same
      // writes again gives the same end state either way (structured writes set values, and
      // nothing of this queue ran in between), so its outcome is the outcome. Raw SQL may
      // not be repeatable, and a second loss leaves it unknown: say so, never assume.
      const repeatable = pending.every(({ batch }) => batch.writes.every((w) => w.type !== undefined));
      if (!lostOutcome && repeatable) {
        lostOutcome = wrapped;
        continue;
      }
      const unknown = new EvenniaError(
        wrapped instanceof EvenniaError ? wrapped.code : "EV_ERR_DB_UNAVAILABLE",
        `the database connection was lost before it confirmed a commit, and whether it was saved is unknown: ${(lostOutcome ?? wrapped).message}`,
        { cause: lostOutcome ?? wrapped },
      );
      for (const { batch } of pending) batch.reject(unknown);
      return;
    }
    // which batch the failing statement belongs to (-1: BEGIN or COMMIT)
    let owner = -1;
    if (index > 0 && index < script.length - 1) {
      for (let i = 0; i < starts.length; i++) if (starts[i]! <= index) owner = i;
    }
    const unavailable = wrapped instanceof EvenniaError && wrapped.code === "EV_ERR_DB_UNAVAILABLE";
    if (owner < 0 || unavailable || pending.length === 1) {
      for (const { batch } of pending) batch.reject(wrapped);
      return;
    }
    pending[owner]!.batch.reject(wrapped);
    pending = pending.filter((_, i) => i !== owner);
  }
}

/**
 * Refuse parameters a driver would have to convert (objects, functions, symbols):
 * on a pipelined connection a statement whose values fail to bind is not sent while
 * the ones behind it are, so this must never happen once the script is on its way.
 */
function assertBindable(s: RenderedStatement): void {
  for (const v of s.params) {
    switch (typeof v) {
      case "string":
      case "number":
      case "bigint":
      case "boolean":
      case "undefined":
        continue;
      default:
        if (v === null || v instanceof Date || Buffer.isBuffer(v)) continue;
        throw new EvenniaError("EV_ERR_DB", `cannot bind a parameter of type ${typeof v === "object" ? (v.constructor?.name ?? "object") : typeof v}`);
    }
  }
}

function describe(w: Write): string {
  return w.type === undefined ? w.sql : `${w.type} ${w.table}`;
}

/** One empty row list per write. */
function emptyResults(count: number): unknown[][] {
  const rows: unknown[][] = new Array<unknown[]>(count);
  for (let i = 0; i < count; i++) rows[i] = [];
  return rows;
}
