/**
 * A pool of `worker_threads` for CPU-heavy work (path finding, map generation, big
 * reports), so the game loop keeps answering players while it runs.
 *
 * A task is a module and the name of a function it exports — `{ module:
 * new URL("./tasks.ts", import.meta.url), name: "findPath" }` — not a function
 * value or its source text. A function's source loses its closure and its imports
 * without a word (it breaks the moment it uses a helper), and running source text
 * is `eval`; a module is ordinary code: type-checked, testable, importing what it
 * needs, and loaded once per worker. TypeScript modules load through tsx, as the
 * server does.
 *
 * Arguments and results cross threads by structured clone: plain data (numbers,
 * strings, arrays, objects, Maps, typed arrays), never game objects. Each worker
 * runs one task at a time; tasks wait in order for a free worker. A task that
 * throws rejects with `EV_ERR_TASK` (its message and stack kept); one that runs
 * past its time limit has its worker terminated and rejects with `EV_ERR_LIMIT`;
 * a worker that dies is replaced.
 */
import { createRequire } from "node:module";
import { isAbsolute } from "node:path";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { EvenniaError } from "./errors.ts";
import { getLogger } from "./logger.ts";

const log = getLogger("worker-pool");

/** A task: a module (path or URL) and the name of the function it exports. */
export interface WorkerTask {
  /** An absolute path or a `file:` URL (`new URL("./tasks.ts", import.meta.url)`). */
  module: string | URL;
  /** The exported function to call with the arguments; it may be async. */
  name: string;
}

/** Options of one {@link WorkerPool.run}. */
export interface RunOptions {
  /** Give up after this many ms: the worker is terminated (default: the pool's `taskTimeoutMs`). */
  timeoutMs?: number;
}

/** Options of a {@link WorkerPool}. */
export interface WorkerPoolOptions {
  /** Workers at most (default 2). They start when work comes. */
  size?: number;
  /** Default time limit of a task in ms (0: none; default 0). */
  taskTimeoutMs?: number;
  /**
   * Stop a worker that has had nothing to do for this many ms (0: keep it; default 0).
   * Each worker thread holds 10 MiB or more; the next task starts a new one.
   */
  idleTimeoutMs?: number;
}

interface Job {
  id: number;
  url: string;
  name: string;
  args: unknown[];
  timeoutMs: number;
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
}

interface Slot {
  worker: Worker;
  job: Job | null;
  timer: NodeJS.Timeout | null;
  /** Stops the worker once it has been idle for the pool's `idleTimeoutMs`. */
  idleTimer: NodeJS.Timeout | null;
}

/** Messages a worker sends back. */
type Reply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: { name: string; message: string; stack?: string } };

/**
 * The worker's code (plain JavaScript, run with `eval`): it registers tsx when it is
 * given it, then runs each task it is sent.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const ready = workerData.tsx ? import(workerData.tsx).then((m) => m.register()) : Promise.resolve();
const modules = new Map();
parentPort.on("message", async (job) => {
  try {
    await ready;
    let mod = modules.get(job.url);
    if (!mod) { mod = await import(job.url); modules.set(job.url, mod); }
    const fn = mod[job.name];
    if (typeof fn !== "function") throw new Error("the module exports no function named " + JSON.stringify(job.name));
    const value = await fn(...job.args);
    parentPort.postMessage({ id: job.id, ok: true, value });
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    parentPort.postMessage({ id: job.id, ok: false, error: { name: e.name, message: e.message, stack: e.stack } });
  }
});
`;

/** The URL of tsx's ESM API, for workers to load TypeScript (null when tsx is not installed). */
function tsxApiUrl(): string | null {
  try {
    // the "require" build of tsx/esm/api has an ESM twin beside it; the worker needs the ESM one
    const cjs = createRequire(import.meta.url).resolve("tsx/esm/api");
    return pathToFileURL(cjs.replace(/\.cjs$/, ".mjs")).href;
  } catch {
    return null;
  }
}

/** The `file:` URL of a task's module; fails with `EV_ERR_BAD_INPUT` for a relative path. */
function moduleUrl(module: string | URL): string {
  if (module instanceof URL) return module.href;
  if (module.startsWith("file:")) return module;
  if (!isAbsolute(module)) throw new EvenniaError("EV_ERR_BAD_INPUT", `a task module must be an absolute path or a file: URL, not "${module}" (use new URL("./tasks.ts", import.meta.url))`);
  return pathToFileURL(module).href;
}

/** A fixed-size pool of worker threads running {@link WorkerTask}s. */
export class WorkerPool {
  /** Workers at most. */
  readonly size: number;
  private readonly taskTimeoutMs: number;
  private readonly idleTimeoutMs: number;
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private nextId = 1;
  private closed = false;
  private readonly tsx = tsxApiUrl();

  constructor(options: WorkerPoolOptions = {}) {
    this.size = Math.max(1, Math.floor(options.size ?? 2));
    this.taskTimeoutMs = Math.max(0, options.taskTimeoutMs ?? 0);
    this.idleTimeoutMs = Math.max(0, options.idleTimeoutMs ?? 0);
  }

  /** Tasks running now. */
  get busy(): number {
    return this.slots.filter((s) => s.job).length;
  }

  /** Tasks waiting for a worker. */
  get waiting(): number {
    return this.queue.length;
  }

  /** Workers started (idle ones included). */
  get workers(): number {
    return this.slots.length;
  }

  /** Run `task` with `args` on a worker; resolves with what it returns. */
  run<T = unknown>(task: WorkerTask, args: readonly unknown[] = [], options: RunOptions = {}): Promise<T> {
    if (this.closed) return Promise.reject(new EvenniaError("EV_ERR_NOT_RUNNING", "the worker pool has been stopped"));
    let url: string;
    try {
      url = moduleUrl(task.module);
    } catch (err) {
      return Promise.reject(err as Error);
    }
    return new Promise<T>((resolve, reject) => {
      this.queue.push({
        id: this.nextId++,
        url,
        name: task.name,
        args: [...args],
        timeoutMs: options.timeoutMs ?? this.taskTimeoutMs,
        resolve: resolve as (value: unknown) => void,
        reject,
      });
      this.dispatch();
    });
  }

  /** Stop every worker; running and waiting tasks reject with `EV_ERR_NOT_RUNNING`. */
  async close(): Promise<void> {
    this.closed = true;
    const stopped = new EvenniaError("EV_ERR_NOT_RUNNING", "the worker pool was stopped before the task finished");
    for (const job of this.queue.splice(0)) job.reject(stopped);
    const slots = this.slots.splice(0);
    await Promise.all(
      slots.map(async (slot) => {
        if (slot.timer) clearTimeout(slot.timer);
        if (slot.idleTimer) clearTimeout(slot.idleTimer);
        slot.job?.reject(stopped);
        slot.job = null;
        await slot.worker.terminate();
      }),
    );
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      let slot = this.slots.find((s) => !s.job);
      if (!slot && this.slots.length < this.size) slot = this.spawn();
      if (!slot) return;
      this.start(slot, this.queue.shift()!);
    }
  }

  private spawn(): Slot {
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { tsx: this.tsx } });
    const slot: Slot = { worker, job: null, timer: null, idleTimer: null };
    worker.unref();
    worker.on("message", (reply: Reply) => this.finish(slot, reply));
    worker.on("error", (err) => this.lose(slot, new EvenniaError("EV_ERR_TASK", `a worker thread failed: ${err.message}`, { cause: err })));
    worker.on("exit", (code) => this.lose(slot, new EvenniaError("EV_ERR_TASK", `a worker thread exited (code ${code})`)));
    this.slots.push(slot);
    return slot;
  }

  private start(slot: Slot, job: Job): void {
    if (slot.idleTimer) clearTimeout(slot.idleTimer);
    slot.idleTimer = null;
    slot.job = job;
    // a busy worker keeps the process alive; an idle one does not
    slot.worker.ref();
    if (job.timeoutMs > 0) {
      slot.timer = setTimeout(() => {
        const label = `${job.name} (${job.url})`;
        log.warn(`task ${label} ran past ${job.timeoutMs} ms; its worker is stopped`);
        this.lose(slot, new EvenniaError("EV_ERR_LIMIT", `task ${job.name} took longer than ${job.timeoutMs} ms and was stopped`));
      }, job.timeoutMs);
    }
    slot.worker.postMessage({ id: job.id, url: job.url, name: job.name, args: job.args });
  }

  private finish(slot: Slot, reply: Reply): void {
    const job = slot.job;
    if (!job || job.id !== reply.id) return;
    this.release(slot);
    if (reply.ok) job.resolve(reply.value);
    else {
      const err = new EvenniaError("EV_ERR_TASK", `task ${job.name} failed: ${reply.error.message}`);
      if (reply.error.stack) err.stack = `${err.name}: ${err.message}\n[in the worker] ${reply.error.stack}`;
      job.reject(err);
    }
    this.dispatch();
    if (!slot.job) this.retireWhenIdle(slot);
  }

  /** Stop `slot`'s worker after `idleTimeoutMs` unless a task comes first. */
  private retireWhenIdle(slot: Slot): void {
    if (this.idleTimeoutMs <= 0 || this.closed || !this.slots.includes(slot)) return;
    slot.idleTimer = setTimeout(() => {
      slot.idleTimer = null;
      const i = this.slots.indexOf(slot);
      if (i < 0 || slot.job) return;
      this.slots.splice(i, 1); // gone from the pool first: its exit is then not a loss
      void slot.worker.terminate();
    }, this.idleTimeoutMs);
    slot.idleTimer.unref();
  }

  /** The worker of `slot` is gone or must go: its task fails, a new worker takes later tasks. */
  private lose(slot: Slot, err: EvenniaError): void {
    const i = this.slots.indexOf(slot);
    if (i < 0) return;
    this.slots.splice(i, 1);
    const job = slot.job;
    this.release(slot);
    void slot.worker.terminate();
    job?.reject(err);
    if (!this.closed) this.dispatch();
  }

  private release(slot: Slot): void {
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = null;
    slot.job = null;
    slot.worker.unref();
  }
}
