/**
 * The feed poller: checks every feed when it is due, off the command path. A check
 * is plain async I/O (the fetch and the parse run in no unit of work, so a slow feed
 * delays no command); only the short last step — post the new entries, save the
 * feed's state — runs in a unit of work of its own. Fetches in flight are capped,
 * each next check is moved by a little jitter, and time and timers are injectable
 * so tests run the whole schedule in fake time.
 */
import type { Database } from "../../db/database.ts";
import { runInUnitOfWork } from "../../db/unit-of-work.ts";
import { getLogger } from "../../utils/logger.ts";
import { feedEntryFormatter, parseFeedDocument, type FeedEntry, type ParsedFeed } from "./feed-entries.ts";
import { fetchFeed, type FetchResult } from "./feed-fetcher.ts";
import { applyOutcome, type CheckOutcome, type HealthEvent, type HealthPolicy } from "./feed-health.ts";
import { rememberSeen, type FeedRecord, type FeedStore } from "./feed-store.ts";

const log = getLogger("feeds");

/** Where the bot posts, and whom it tells about feeds that move, fail or come back. */
export interface FeedPostTarget {
  /**
   * Post `text` to the channel keyed `channelKey` (called inside a unit of work);
   * false when there is no such channel.
   */
  post(channelKey: string, text: string): Promise<boolean>;
  /** Tell the admins (Evennia posts such news on the MudInfo channel). */
  notifyAdmins(text: string): void;
}

/** Time and timers (the real ones by default; tests pass fakes). */
export interface FeedClock {
  now(): number;
  setTimer(fn: () => void, ms: number): unknown;
  clearTimer(handle: unknown): void;
}

/** The real clock; its timers do not keep the process alive. */
export const systemClock: FeedClock = {
  now: () => Date.now(),
  setTimer: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref?.();
    return t;
  },
  clearTimer: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** How the poller works. */
export interface FeedPollerOptions {
  db: Database;
  store: FeedStore;
  target: FeedPostTarget;
  policy: HealthPolicy;
  /** Per request: deadline in ms and body cap in bytes. */
  timeoutMs: number;
  maxBytes: number;
  /** Fetches in flight at once. */
  maxConcurrent: number;
  userAgent: string;
  /** The line template (`feedEntryTemplate`). */
  template: string;
  /** Why a redirect target is refused, or null. */
  checkRedirect(url: string): string | null;
  clock?: FeedClock;
  /** Random number in [0, 1) for the jitter. */
  random?: () => number;
  /** Jitter added to each next check, as a fraction of the interval (default 0.1). */
  jitter?: number;
  /** Entries posted from a feed's first document (the newest ones; the rest are marked seen). Default 5. */
  firstPostCount?: number;
  /** Entries posted from one document at most (the newest ones). Default 20. */
  maxPostsPerCheck?: number;
  /** Longest wait between two looks at the schedule, in ms (default 60 s). */
  maxSleepMs?: number;
}

/** What one check did, for `rss2chan/check` and tests. */
export interface CheckReport {
  /** `posted` (a document was read), `not-modified` (304), `failed`, or `gone` (the feed was deleted meanwhile). */
  result: "posted" | "not-modified" | "failed" | "gone";
  /** Entries posted. */
  posted: number;
  /** Why it failed. */
  reason?: string;
  events: HealthEvent[];
}

/** A counting semaphore: at most `limit` holders. */
class Slots {
  private used = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(private readonly limit: number) {}
  async acquire(): Promise<void> {
    if (this.used < this.limit) {
      this.used++;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }
  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.used--;
  }
}

/** Checks feeds on their schedule. */
export class FeedPoller {
  private readonly clock: FeedClock;
  private readonly random: () => number;
  private readonly slots: Slots;
  private readonly inFlight = new Map<number, Promise<CheckReport>>();
  private timer: unknown = null;
  private running = false;
  /** Aborts the fetches in flight when the poller stops. */
  private stopSignal = new AbortController();

  constructor(private readonly options: FeedPollerOptions) {
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    this.slots = new Slots(Math.max(1, options.maxConcurrent));
  }

  /** Start checking feeds as they fall due (a second call does nothing). */
  start(): void {
    if (this.running) return;
    this.running = true;
    if (this.stopSignal.signal.aborted) this.stopSignal = new AbortController();
    this.wake();
  }

  /** Stop scheduling, abort the fetches in flight (nothing is saved for them) and wait for them to end. */
  async stop(): Promise<void> {
    this.running = false;
    this.stopSignal.abort();
    if (this.timer !== null) this.clock.clearTimer(this.timer);
    this.timer = null;
    await Promise.allSettled([...this.inFlight.values()]);
  }

  /** True while started. */
  get isRunning(): boolean {
    return this.running;
  }

  /** Resolves when no check is in flight (tests, shutdown). */
  async settle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight.values()]);
  }

  /** Ids of the feeds being checked right now. */
  checking(): number[] {
    return [...this.inFlight.keys()];
  }

  /** Check every feed that is due (and not already being checked); resolves when those checks end. */
  async runDue(): Promise<CheckReport[]> {
    const now = this.clock.now();
    const due = this.options.store
      .all()
      .filter((f) => f.health.nextCheckAt <= now && !this.inFlight.has(f.id))
      .sort((a, b) => a.health.nextCheckAt - b.health.nextCheckAt);
    return Promise.all(due.map((f) => this.check(f.id)));
  }

  /** Check one feed now (joins a check of it already in flight). */
  check(id: number): Promise<CheckReport> {
    const running = this.inFlight.get(id);
    if (running) return running;
    const p = this.checkOnce(id).finally(() => {
      this.inFlight.delete(id);
    });
    this.inFlight.set(id, p);
    return p;
  }

  /** Look at the schedule again soon (after a feed was added or changed). */
  wake(): void {
    if (!this.running) return;
    if (this.timer !== null) this.clock.clearTimer(this.timer);
    this.timer = this.clock.setTimer(() => this.tick(), 0);
  }

  private tick(): void {
    this.timer = null;
    if (!this.running) return;
    // do not wait for the checks: the next tick comes when the next feed is due
    void this.runDue().catch((err) => log.error("feed poll failed", err));
    this.scheduleNext();
  }

  private scheduleNext(): void {
    if (!this.running) return;
    const now = this.clock.now();
    const pending = this.options.store.all().filter((f) => !this.inFlight.has(f.id));
    const earliest = Math.min(...pending.map((f) => f.health.nextCheckAt), Number.POSITIVE_INFINITY);
    const maxSleep = this.options.maxSleepMs ?? 60_000;
    const wait = Math.min(Math.max(earliest - now, 1000), maxSleep);
    this.timer = this.clock.setTimer(() => this.tick(), wait);
  }

  private async checkOnce(id: number): Promise<CheckReport> {
    const start = this.options.store.get(id);
    if (!start) return { result: "gone", posted: 0, events: [] };
    await this.slots.acquire();
    let fetched: FetchResult;
    try {
      fetched = await fetchFeed(start.url, {
        etag: start.etag,
        lastModified: start.lastModified,
        timeoutMs: this.options.timeoutMs,
        maxBytes: this.options.maxBytes,
        userAgent: this.options.userAgent,
        checkRedirect: (url) => this.options.checkRedirect(url),
        signal: this.stopSignal.signal,
      });
    } finally {
      this.slots.release();
    }
    // stopped meanwhile: the check did not happen (no strike, nothing saved)
    if (this.stopSignal.signal.aborted) return { result: "failed", posted: 0, reason: "the feed bot stopped", events: [] };
    let parsed: ParsedFeed | null = null;
    let outcome: CheckOutcome;
    if (fetched.kind === "failed") outcome = { kind: "failure", reason: fetched.reason };
    else if (fetched.kind === "not-modified") outcome = { kind: "success", movedTo: fetched.movedTo };
    else {
      try {
        parsed = parseFeedDocument(fetched.body);
        outcome = { kind: "success", movedTo: fetched.movedTo };
      } catch (err) {
        outcome = { kind: "failure", reason: `not a feed (${err instanceof Error ? err.message.slice(0, 120) : String(err)})` };
      }
    }
    try {
      return await runInUnitOfWork(this.options.db, (uow) => this.finish(id, fetched, parsed, outcome, (fn) => uow.afterCommit(fn)));
    } catch (err) {
      // posting or saving threw (a channel hook, the database): nothing of it was kept;
      // count a strike so the feed is not due again at once, and try again later
      log.error(`posting or saving the check of feed #${id} failed`, err);
      const reason = `posting failed (${err instanceof Error ? err.message.slice(0, 120) : String(err)})`;
      try {
        return await runInUnitOfWork(this.options.db, (uow) => this.finish(id, { kind: "failed", reason }, null, { kind: "failure", reason }, (fn) => uow.afterCommit(fn)));
      } catch (again) {
        log.error(`recording the failed check of feed #${id} failed too`, again);
        return { result: "failed", posted: 0, reason, events: [] };
      }
    }
  }

  /** Post the new entries and save the feed (inside a unit of work). */
  private async finish(id: number, fetched: FetchResult, parsed: ParsedFeed | null, outcome: CheckOutcome, afterCommit: (fn: () => void) => void): Promise<CheckReport> {
    const current = this.options.store.get(id);
    if (!current) return { result: "gone", posted: 0, events: [] };
    const record: FeedRecord = structuredClone(current);
    let posted = 0;
    if (parsed && fetched.kind === "document") {
      const fresh = this.newEntries(record, parsed.entries);
      record.title = parsed.title;
      const feedTitle = parsed.title || hostOf(record.url);
      const formatter = feedEntryFormatter(this.options.template);
      for (const entry of fresh) {
        const ok = await this.options.target.post(record.channel, formatter.format(entry, feedTitle));
        if (!ok) {
          outcome = { kind: "failure", reason: `the channel "${record.channel}" does not exist` };
          posted = 0;
          break;
        }
        posted++;
      }
      if (outcome.kind === "success") {
        record.seen = rememberSeen(record.seen, parsed.entries.map((e) => e.id));
        record.primed = true;
        record.etag = fetched.etag;
        record.lastModified = fetched.lastModified;
      }
    }
    const jitter = this.random() * (this.options.jitter ?? 0.1) * this.options.policy.intervalMs;
    const step = applyOutcome(record, outcome, this.clock.now(), this.options.policy, jitter);
    record.health = step.health;
    record.url = step.url;
    this.options.store.save(record);
    const notices = step.events.map((e) => describeEvent(record, e));
    afterCommit(() => {
      for (const text of notices) this.options.target.notifyAdmins(text);
      if (outcome.kind === "failure") log.info(`feed #${id} (${record.url}): ${outcome.reason}`);
    });
    if (outcome.kind === "failure") return { result: "failed", posted: 0, reason: outcome.reason, events: step.events };
    return { result: fetched.kind === "not-modified" ? "not-modified" : "posted", posted, events: step.events };
  }

  /** The entries to post, oldest first: unseen ones, at most the newest N. */
  private newEntries(record: FeedRecord, entries: FeedEntry[]): FeedEntry[] {
    const seen = new Set(record.seen);
    const fresh = entries.filter((e) => !seen.has(e.id));
    const limit = record.primed ? (this.options.maxPostsPerCheck ?? 20) : (this.options.firstPostCount ?? 5);
    return fresh.slice(Math.max(0, fresh.length - limit));
  }
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/** How long until `at`, in words ("1 day", "16 days", "3 h"). */
export function describeWait(ms: number): string {
  // within half an hour of a whole day or hour, say the whole one
  const days = Math.round(ms / 86_400_000);
  if (ms >= 86_400_000 - 1_800_000) return `${days} day${days === 1 ? "" : "s"}`;
  const hours = Math.round(ms / 3_600_000);
  if (ms >= 3_600_000 - 300_000) return `${hours} h`;
  return `${Math.max(0, Math.round(ms / 60_000))} min`;
}

/** The line admins get for a health event. */
export function describeEvent(record: FeedRecord, event: HealthEvent): string {
  switch (event.type) {
    case "moved":
      return `Feed bot: feed #${record.id} moved permanently from ${event.from} to ${event.to}; the new address is stored.`;
    case "dormant":
      return `Feed bot: feed #${record.id} (${record.url}) failed ${record.health.strikes} times in a row (${event.reason}); it is dormant, next try in ${describeWait(event.retryAt - (record.health.lastCheckAt ?? 0))}.`;
    case "revived":
      return `Feed bot: feed #${record.id} (${record.url}) answers again; it is active once more.`;
  }
}
