/**
 * When a connection's queued output is written.
 *
 * Output asked for with {@link FlushScheduler.soon} leaves at the end of this turn of
 * the event loop (everything of one turn in one write). Broadcast output — what other
 * players did, heard by many (a room's `say`, a channel message: a multicast) — is
 * asked for with {@link FlushScheduler.background}: it leaves at the end of this turn
 * too when the connection was not written to in the last `batchMs`, else when those
 * milliseconds since the last write are over, with whatever else came meanwhile.
 *
 * Each write is a system call, and in a crowded room they are most of the portal's
 * work: 200 players hearing 1,000 says a second were written to at every turn. With a
 * few milliseconds of batching a listener gets a handful of writes a second per
 * window instead; a reply to its own command never waits (and takes what waits with it).
 *
 * Broadcast writes that come due are made {@link BROADCAST_SLICE} connections at a time,
 * one slice per turn of the event loop: a channel message to 1,000 players is 1,000
 * writes, and made in one go they kept every command that arrived meanwhile waiting for
 * all of them (the input is read between turns). Replies are not sliced.
 */
import { getLogger } from "../utils/logger.ts";

const log = getLogger("portal");

/** When one connection's queued output is written (see the module comment). */
export class FlushScheduler {
  private lastWriteAt = -Infinity;
  private immediate = false;
  private timer: NodeJS.Timeout | null = null;
  /** True while this connection waits in the queue of broadcast writes due. */
  private due = false;

  /**
   * @param write writes everything queued (and calls {@link flushed}).
   * @param batchMs how long broadcast output may wait after a write (0: never waits).
   */
  constructor(
    private readonly write: () => void,
    private readonly batchMs: number,
  ) {}

  /** Write at the end of this turn. */
  soon(): void {
    if (this.immediate) return;
    this.immediate = true;
    setImmediate(() => {
      if (this.immediate) this.run();
    });
  }

  /** Write at the end of this turn if the connection was quiet for `batchMs`, else when that time is up. */
  background(): void {
    if (this.immediate || this.timer || this.due) return;
    const wait = this.batchMs > 0 ? this.lastWriteAt + this.batchMs - performance.now() : 0;
    if (wait < 1) {
      this.queueDue();
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = null;
      this.queueDue();
    }, wait);
  }

  /** The owner wrote everything queued (its flush calls this, whoever asked for the flush). */
  flushed(): void {
    this.cancel();
    this.lastWriteAt = performance.now();
  }

  /** Forget what was asked (the connection is gone). */
  cancel(): void {
    this.immediate = false;
    this.due = false; // its place in the queue is skipped
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private run(): void {
    this.cancel();
    this.write();
  }

  /** Join the broadcast writes due (written a slice per turn). */
  private queueDue(): void {
    this.due = true;
    dueQueue.push(this);
    if (!draining) {
      draining = true;
      setImmediate(FlushScheduler.writeDueSlice);
    }
  }

  /**
   * Write the next slice of the broadcast writes due (a connection whose reply or cancel
   * came first is skipped); come back next turn for the rest.
   */
  private static writeDueSlice(): void {
    const end = Math.min(dueQueue.length, dueHead + BROADCAST_SLICE);
    while (dueHead < end) {
      const scheduler = dueQueue[dueHead]!;
      dueHead++;
      if (!scheduler.due) continue;
      try {
        scheduler.run();
      } catch (err) {
        // one connection's failed write must not hold back the others' (nor stop the queue)
        log.error("a broadcast write failed", err);
      }
    }
    if (dueHead < dueQueue.length) {
      setImmediate(FlushScheduler.writeDueSlice);
      return;
    }
    dueQueue.length = 0;
    dueHead = 0;
    draining = false;
  }
}

/** Connections written to per turn of the event loop when broadcast output comes due. */
export const BROADCAST_SLICE = 64;

const dueQueue: FlushScheduler[] = [];
let dueHead = 0;
let draining = false;
