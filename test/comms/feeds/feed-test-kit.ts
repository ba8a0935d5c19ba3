/**
 * Helpers for the feed bot's tests: a post target that keeps what it is given (the
 * channels it knows are a set of keys), a fake clock whose timers only fire when
 * the test says, and a service built on a database with test settings.
 */
import { defaultSettings } from "../../../evennia-ts/conf/default-settings.ts";
import type { Database } from "../../../evennia-ts/db/database.ts";
import type { FeedClock, FeedPostTarget } from "../../../evennia-ts/comms/feeds/feed-poller.ts";
import { FeedService, type FeedSettings } from "../../../evennia-ts/comms/feeds/feed-service.ts";

/** Keeps posts and admin notices; knows a few channels. */
export class KeptPosts implements FeedPostTarget {
  readonly posts: { channel: string; text: string }[] = [];
  readonly notices: string[] = [];
  constructor(readonly channels = new Set(["news", "MudInfo"])) {}
  async post(channelKey: string, text: string): Promise<boolean> {
    if (!this.channels.has(channelKey)) return false;
    this.posts.push({ channel: channelKey, text });
    return true;
  }
  notifyAdmins(text: string): void {
    this.notices.push(text);
  }
  /** Texts posted to `channel`. */
  to(channel = "news"): string[] {
    return this.posts.filter((p) => p.channel === channel).map((p) => p.text);
  }
}

/** A clock the test moves; timers are kept and fire on {@link FakeClock.fireTimers}. */
export class FakeClock implements FeedClock {
  t = Date.UTC(2026, 0, 1);
  readonly timers = new Map<number, { fn: () => void; at: number }>();
  private nextHandle = 1;
  now(): number {
    return this.t;
  }
  setTimer(fn: () => void, ms: number): unknown {
    const h = this.nextHandle++;
    this.timers.set(h, { fn, at: this.t + ms });
    return h;
  }
  clearTimer(handle: unknown): void {
    this.timers.delete(handle as number);
  }
  /** Move time on by `ms`. */
  advance(ms: number): void {
    this.t += ms;
  }
  /** Fire every timer that is due. */
  fireTimers(): void {
    for (const [h, timer] of [...this.timers]) {
      if (timer.at <= this.t) {
        this.timers.delete(h);
        timer.fn();
      }
    }
  }
}

/** Test settings: short timeouts, the defaults otherwise. */
export function testFeedSettings(overrides: Partial<FeedSettings> = {}): FeedSettings {
  return { ...defaultSettings, serverName: "Test MUD", feedContactUrl: "https://mud.example", feedRequestTimeout: 2, ...overrides };
}

/** A feed service on `db` (its feeds loaded, not started) with a kept-posts target and (by default) a fake clock and no jitter. */
export async function makeService(db: Database, options: { settings?: Partial<FeedSettings>; clock?: FakeClock; target?: KeptPosts; random?: () => number } = {}) {
  const target = options.target ?? new KeptPosts();
  const clock = options.clock ?? new FakeClock();
  const service = new FeedService({
    db,
    settings: testFeedSettings(options.settings),
    target,
    findChannel: async (key) => [...target.channels].find((c) => c.toLowerCase() === key.toLowerCase()) ?? null,
    clock,
    random: options.random ?? (() => 0),
  });
  await service.store.load();
  return { service, target, clock };
}
