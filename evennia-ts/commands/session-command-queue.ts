/**
 * The per-session command queue: a session's commands run one at a time, in order.
 * It is bounded: a session may have at most `limit` commands waiting behind the one
 * running; more are answered with a notice (at most one a second) and dropped. A
 * session's waiting commands are discarded when it disconnects, so nobody works for
 * a player who left, and a reload or shutdown never waits behind them.
 *
 * Fairness: before running a session's next waiting command the queue yields to the
 * event loop (one `setImmediate`). A command that touches no database (`say`, `look`)
 * finishes in microtasks alone, so without that yield a session with 150 commands
 * waiting would run all of them before the process read anyone else's input.
 *
 * Whatever a command does — throw in its constructor, its hooks or `func`, or reject
 * in a way the runner did not expect — the queue goes on with the next one. A command
 * that never ends (a `parse` or `func` awaiting something that never comes) holds its
 * session's queue: the player is told so, once per such command, when typing behind
 * it after {@link STILL_RUNNING_NOTICE_MS} (a reload or a disconnect frees them).
 */
import { getLogger } from "../utils/logger.ts";

const log = getLogger("commands");

/** Runs one command line for a session; its failures are its own business (it should report them). */
export type CommandRunner<S> = (session: S, line: string) => Promise<void>;

/** Shortest time between two "too many commands waiting" notices to one session, in ms. */
export const OVERFLOW_NOTICE_INTERVAL_MS = 1000;

/** How long a command runs before a line typed behind it makes the player hear that it still runs, in ms. */
export const STILL_RUNNING_NOTICE_MS = 10_000;

/**
 * The notice a session gets when it types behind a command that has run for `ms`.
 * The line is not quoted: it may be the answer to a hidden question (a password).
 */
export function stillRunningNotice(ms: number): string {
  return `Your previous command has been running for ${Math.floor(ms / 1000)} s; what you type waits until it ends.`;
}

/** Options of {@link SessionCommandQueue}. */
export interface SessionCommandQueueOptions {
  /** See {@link STILL_RUNNING_NOTICE_MS} (0: never tell). */
  stillRunningNoticeMs?: number;
}

/** The notice a session gets when its queue is full. */
export function queueOverflowNotice(line: string, limit: number): string {
  const quoted = line.length > 40 ? `${line.slice(0, 40)}...` : line;
  return `Too many commands waiting (at most ${limit}): "${quoted}" was dropped. Wait for the others to finish.`;
}

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

interface Waiting {
  line: string;
  done: () => void;
}

/** The command a session's queue runs now. */
interface Running {
  startedAt: number;
  /** The player was told it still runs. */
  told: boolean;
}

interface SessionQueue {
  running: boolean;
  current: Running | null;
  waiting: Waiting[];
  lastNoticeAt: number;
}

/** One bounded FIFO of commands per session. */
export class SessionCommandQueue<S extends { msg(text: string): void }> {
  private readonly queues = new Map<S, SessionQueue>();
  /** Commands dropped because a queue was full, since start. */
  droppedTotal = 0;
  /** Commands discarded because their session disconnected, since start. */
  discardedTotal = 0;

  /**
   * @param limit most commands waiting per session behind the running one (at least 1)
   * @param runner runs one command
   */
  constructor(
    private readonly limit: number,
    private readonly runner: CommandRunner<S>,
    private readonly options: SessionCommandQueueOptions = {},
  ) {}

  /** Queue `line` for `session`; resolves when it has run, or was dropped or discarded. */
  enqueue(session: S, line: string, now = Date.now()): Promise<void> {
    let queue = this.queues.get(session);
    if (!queue) {
      queue = { running: false, current: null, waiting: [], lastNoticeAt: -Infinity };
      this.queues.set(session, queue);
    }
    this.tellIfStillRunning(session, queue.current, now);
    if (queue.running && queue.waiting.length >= Math.max(1, this.limit)) {
      this.droppedTotal++;
      if (now - queue.lastNoticeAt >= OVERFLOW_NOTICE_INTERVAL_MS) {
        queue.lastNoticeAt = now;
        session.msg(queueOverflowNotice(line, this.limit));
      }
      return Promise.resolve();
    }
    return new Promise<void>((done) => {
      queue.waiting.push({ line, done });
      if (!queue.running) void this.drain(session, queue);
    });
  }

  /** Tell `session`, once, that its command `current` has run for long (a line typed behind it waits). */
  private tellIfStillRunning(session: S, current: Running | null, now: number): void {
    const after = this.options.stillRunningNoticeMs ?? STILL_RUNNING_NOTICE_MS;
    if (!current || current.told || after <= 0 || now - current.startedAt < after) return;
    current.told = true;
    session.msg(stillRunningNotice(now - current.startedAt));
  }

  /** Drop the commands `session` has waiting (it disconnected); the one running finishes. Returns how many. */
  discard(session: S): number {
    const queue = this.queues.get(session);
    if (!queue) return 0;
    const dropped = queue.waiting.splice(0);
    for (const w of dropped) w.done();
    this.discardedTotal += dropped.length;
    if (!queue.running) this.queues.delete(session);
    return dropped.length;
  }

  /** Commands waiting (not running) for `session`, or for every session. */
  waiting(session?: S): number {
    if (session) return this.queues.get(session)?.waiting.length ?? 0;
    let n = 0;
    for (const q of this.queues.values()) n += q.waiting.length;
    return n;
  }

  private async drain(session: S, queue: SessionQueue): Promise<void> {
    queue.running = true;
    try {
      for (let first = true; queue.waiting.length > 0; first = false) {
        // every command after the first waits one turn: other sessions' input gets read and run
        if (!first) await yieldToEventLoop();
        const next = queue.waiting.shift();
        if (!next) break; // discarded meanwhile (the session left)
        queue.current = { startedAt: Date.now(), told: false };
        try {
          await this.runner(session, next.line);
        } catch (err) {
          // the runner reports its own failures; this is the safety net that keeps the queue going
          log.error(`a command failed outside the command handler: ${(err as Error)?.message ?? String(err)}`, err);
        } finally {
          queue.current = null;
          next.done();
        }
      }
    } finally {
      queue.running = false;
      if (this.queues.get(session) === queue && queue.waiting.length === 0) this.queues.delete(session);
    }
  }
}
