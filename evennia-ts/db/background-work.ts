/**
 * Background work: `runAsync` runs a CPU-heavy task on the worker pool
 * (`utils/worker-pool.ts`) and hands its result back to game code, so that a
 * command can path-find or generate a map while every other player is answered.
 *
 * Two forms:
 * - `await runAsync(task, args)` inside a command: the command's unit of work stays
 *   open while the task runs; only that player's later commands wait (each session
 *   runs its commands in order), everyone else's run. Its output is sent when the
 *   command ends, all at once.
 * - `runAsyncThen(task, args, { onResult, onError })`: returns at once (the command
 *   ends and its output goes out now); the callback runs later in a unit of work of
 *   its own, where it may change objects and message the player.
 *
 * The pool's size is the setting `workerPoolSize` (set by the server at start,
 * default 2); the server stops the pool when it stops.
 */
import { getLogger } from "../utils/logger.ts";
import { WorkerPool, type RunOptions, type WorkerTask } from "../utils/worker-pool.ts";
import type { Database } from "./database.ts";
import { currentUnitOfWork, runInNewUnitOfWork } from "./unit-of-work.ts";

const log = getLogger("background-work");

let pool: WorkerPool | null = null;
let poolSize = 2;
let taskTimeoutMs = 0;
let idleTimeoutMs = 0;

/**
 * Set the pool's size, default time limit and how long an idle worker is kept (the
 * server does, from settings); takes effect for the next pool.
 */
export function configureBackgroundWork(options: { poolSize?: number; taskTimeoutMs?: number; idleTimeoutMs?: number }): void {
  if (options.poolSize !== undefined) poolSize = Math.max(1, Math.floor(options.poolSize));
  if (options.taskTimeoutMs !== undefined) taskTimeoutMs = Math.max(0, options.taskTimeoutMs);
  if (options.idleTimeoutMs !== undefined) idleTimeoutMs = Math.max(0, options.idleTimeoutMs);
}

/** The shared worker pool (started on first use: no worker thread before the first task). */
export function backgroundPool(): WorkerPool {
  pool ??= new WorkerPool({ size: poolSize, taskTimeoutMs, idleTimeoutMs });
  return pool;
}

/** Stop the shared pool (the server does when it stops); running tasks reject with `EV_ERR_NOT_RUNNING`. */
export async function stopBackgroundWork(): Promise<void> {
  const current = pool;
  pool = null;
  await current?.close();
}

/**
 * Run `task` (a module and the name of a function it exports) with `args` on the
 * worker pool; resolves with its result, rejects with `EV_ERR_TASK` when it throws.
 * The game loop runs on while it works.
 */
export function runAsync<T = unknown>(task: WorkerTask, args: readonly unknown[] = [], options: RunOptions = {}): Promise<T> {
  return backgroundPool().run<T>(task, args, options);
}

/** What to do with a background task's outcome (each runs in a unit of work of its own). */
export interface BackgroundCallbacks<T> {
  /** The task's result. */
  onResult?: (value: T) => void | Promise<void>;
  /** The task failed (`EV_ERR_TASK`, `EV_ERR_LIMIT`, `EV_ERR_NOT_RUNNING`); without it, the failure is logged. */
  onError?: (err: Error) => void | Promise<void>;
}

/**
 * Run `task` in the background and return at once; `onResult` (or `onError`) runs
 * later in a new unit of work on `db` (default: the database of the caller's unit of
 * work). Resolves when the callback has run and committed (nothing need wait for it).
 */
export function runAsyncThen<T = unknown>(
  task: WorkerTask,
  args: readonly unknown[],
  callbacks: BackgroundCallbacks<T>,
  options: RunOptions & { db?: Database } = {},
): Promise<void> {
  const db = options.db ?? currentUnitOfWork()?.db ?? null;
  const deliver = (fn: () => void | Promise<void>): Promise<void> => (db ? runInNewUnitOfWork(db, fn) : Promise.resolve().then(fn));
  return runAsync<T>(task, args, options)
    .then(
      (value) => deliver(() => callbacks.onResult?.(value)),
      (err: Error) => {
        if (!callbacks.onError) {
          log.error(`background task ${task.name} failed`, err);
          return;
        }
        return deliver(() => callbacks.onError!(err));
      },
    )
    .catch((err: unknown) => log.error(`the callback of background task ${task.name} failed; its changes were undone`, err));
}
