/**
 * SQLite's WAL checkpoints, moved off the game loop.
 *
 * In WAL mode every commit appends to the `-wal` file, and the connection that
 * commits copies the WAL back into the database file once it has grown past 1,000
 * pages (the "auto-checkpoint"), in the middle of that commit: two `fsync`s and the
 * copy, 10–25 ms on a virtual disk, and better-sqlite3 runs it on the thread that
 * called it, the game loop. Under load that is a stall every few seconds that every
 * player in flight waits out.
 *
 * A `WalCheckpointer` runs them on a worker thread with a connection of its own
 * instead: after every `commitsPerCheckpoint` commits the game connection asks for a
 * `PRAGMA wal_checkpoint(PASSIVE)`, which never blocks a reader or the writer (they
 * go on while it copies; the writer starts the WAL over once a checkpoint has copied
 * everything). The game connection's own auto-checkpoint stays as a safety net at
 * {@link SAFETY_NET_PAGES}, for a checkpointer that falls behind or cannot start.
 *
 * The worker starts on the first checkpoint and stops after `idleMs` without one,
 * so a game that does not write has no thread for it. Its code is a few lines of
 * plain JavaScript (no TypeScript loader in the thread).
 */
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import { getLogger } from "../utils/logger.ts";

const log = getLogger("db");

/** Pages of WAL at which the game connection checkpoints by itself after all (SQLite's default is 1,000). */
export const SAFETY_NET_PAGES = 10_000;

/** Failed checkpoints in a row after which the game connection takes them back. */
const GIVE_UP_AFTER = 3;

/** Options of a {@link WalCheckpointer}. */
export interface WalCheckpointerOptions {
  /** Ask for a checkpoint after this many commits (default 100: a few hundred pages). */
  commitsPerCheckpoint?: number;
  /** Stop the worker after this many ms without a checkpoint (default 60,000). */
  idleMs?: number;
}

/** What the checkpointer did so far. */
export interface CheckpointStats {
  /** Checkpoints run. */
  checkpoints: number;
  /** Checkpoints that could not copy every frame (a reader still used them); the next one goes on. */
  partial: number;
  /** Checkpoints that failed (logged). */
  failures: number;
  /** The longest one, ms (on the worker: the game loop did not wait for it). */
  maxMs: number;
  /** Worker threads started. */
  workersStarted: number;
}

/** The counters in words: `12 WAL checkpoints on their own thread (longest 9.3 ms, ...)`. */
export function describeCheckpointStats(c: CheckpointStats): string {
  const failed = c.failures > 0 ? `, ${c.failures} failed` : "";
  return `${c.checkpoints} WAL checkpoints on their own thread (longest ${c.maxMs.toFixed(1)} ms, not waited for by the game loop${failed})`;
}

/** The worker's code: one connection, one checkpoint per message. */
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
let db = null;
parentPort.on("message", (message) => {
  if (message === "close") {
    if (db) db.close();
    db = null;
    parentPort.close();
    return;
  }
  const started = performance.now();
  try {
    if (!db) {
      const Database = require(workerData.driver);
      db = new Database(workerData.file, { timeout: 5000, fileMustExist: true });
      db.pragma("synchronous = NORMAL");
    }
    const [row] = db.pragma("wal_checkpoint(PASSIVE)");
    parentPort.postMessage({ ok: true, busy: row.busy, log: row.log, checkpointed: row.checkpointed, ms: performance.now() - started });
  } catch (err) {
    parentPort.postMessage({ ok: false, message: String(err && err.message || err), ms: performance.now() - started });
  }
});
`;

type Reply = { ok: true; busy: number; log: number; checkpointed: number; ms: number } | { ok: false; message: string; ms: number };

/** Runs the WAL checkpoints of one SQLite database file on a worker thread. */
export class WalCheckpointer {
  readonly stats: CheckpointStats = { checkpoints: 0, partial: 0, failures: 0, maxMs: 0, workersStarted: 0 };
  private readonly commitsPerCheckpoint: number;
  private readonly idleMs: number;
  private readonly driver = createRequire(import.meta.url).resolve("better-sqlite3");
  private worker: Worker | null = null;
  private commits = 0;
  private running: Promise<void> | null = null;
  private finishRunning: (() => void) | null = null;
  private idleTimer: NodeJS.Timeout | null = null;
  private closed = false;
  private failuresInARow = 0;

  /**
   * @param file the database file (absolute)
   * @param onGiveUp called when the worker cannot run checkpoints (the game
   *   connection should checkpoint by itself again)
   */
  constructor(
    private readonly file: string,
    private readonly onGiveUp: () => void,
    options: WalCheckpointerOptions = {},
  ) {
    this.commitsPerCheckpoint = Math.max(1, Math.floor(options.commitsPerCheckpoint ?? 100));
    this.idleMs = Math.max(0, options.idleMs ?? 60_000);
  }

  /** True while its worker thread exists (between a checkpoint and `idleMs` after the last). */
  get threadRunning(): boolean {
    return this.worker !== null;
  }

  /** A commit went through: ask for a checkpoint once enough have. */
  noteCommit(): void {
    if (this.closed || ++this.commits < this.commitsPerCheckpoint || this.running) return;
    this.commits = 0;
    void this.checkpoint();
  }

  /** Run one checkpoint now (resolves when it is done; failures are counted and logged, never thrown). */
  checkpoint(): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (this.running) return this.running;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    let worker: Worker;
    try {
      worker = this.worker ?? this.spawn();
    } catch (err) {
      this.giveUp(`cannot start its thread: ${(err as Error).message}`);
      return Promise.resolve();
    }
    this.running = new Promise<void>((resolve) => {
      this.finishRunning = resolve;
    });
    worker.ref();
    worker.postMessage("checkpoint");
    return this.running;
  }

  /** Stop the worker (after the checkpoint under way); later commits ask for nothing. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    await this.running;
    await this.stopWorker();
  }

  private spawn(): Worker {
    // no node options of this process (its loaders: tsx, the framework's resolve hook): the
    // thread runs plain JavaScript, and starts in milliseconds instead of loading them again
    const worker = new Worker(WORKER_SOURCE, { eval: true, execArgv: [], workerData: { file: this.file, driver: this.driver } });
    this.stats.workersStarted++;
    worker.unref();
    worker.on("message", (reply: Reply) => this.done(reply));
    worker.on("error", (err) => this.lost(worker, err.message));
    worker.on("exit", (code) => this.lost(worker, `it exited (code ${code})`));
    this.worker = worker;
    return worker;
  }

  private done(reply: Reply): void {
    this.stats.maxMs = Math.max(this.stats.maxMs, reply.ms);
    this.settle();
    if (reply.ok) {
      this.failuresInARow = 0;
      this.stats.checkpoints++;
      if (reply.busy !== 0 || reply.checkpointed < reply.log) this.stats.partial++;
    } else {
      this.stats.failures++;
      log.warn(`a WAL checkpoint of ${this.file} failed on the checkpoint thread: ${reply.message}`);
      if (++this.failuresInARow >= GIVE_UP_AFTER) {
        this.giveUp(`${GIVE_UP_AFTER} checkpoints in a row failed`);
        void this.stopWorker();
        return;
      }
    }
    this.worker?.unref();
    if (!this.closed && this.idleMs > 0) {
      this.idleTimer = setTimeout(() => {
        this.idleTimer = null;
        void this.stopWorker();
      }, this.idleMs);
      this.idleTimer.unref();
    }
  }

  /** The worker died or failed to start while in use: from now on the game connection checkpoints. */
  private lost(worker: Worker, why: string): void {
    if (this.worker !== worker) return; // stopped on purpose
    this.worker = null;
    this.stats.failures++;
    this.settle();
    this.giveUp(`its thread failed: ${why}`);
  }

  private giveUp(why: string): void {
    if (this.closed) return;
    this.closed = true;
    log.warn(`WAL checkpoints of ${this.file} go back to the game loop: ${why}`);
    this.onGiveUp();
  }

  private settle(): void {
    const finish = this.finishRunning;
    this.running = null;
    this.finishRunning = null;
    finish?.();
  }

  private async stopWorker(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    this.worker = null; // its exit is then not a loss
    const exited = new Promise<void>((resolve) => worker.once("exit", () => resolve()));
    // kept referenced until it is gone: a caller awaiting close() must not see the process end first
    worker.ref();
    worker.postMessage("close");
    await exited;
  }
}
