/**
 * The feed bot as the server runs it: the store, the poller and the checks on new
 * feed URLs, built from the settings, started with the server and stopped with it
 * (a reload stops the old one before the new server starts its own, so feeds are
 * never scheduled twice). `rss2chan` reaches the running one through
 * {@link activeFeedService}.
 */
import type { Settings } from "../../conf/settings.ts";
import type { Database } from "../../db/database.ts";
import { runInUnitOfWork } from "../../db/unit-of-work.ts";
import { EvenniaError, isEvenniaError } from "../../utils/errors.ts";
import { getLogger } from "../../utils/logger.ts";
import { defaultHealthPolicy, type HealthPolicy } from "./feed-health.ts";
import { FeedPoller, systemClock, type CheckReport, type FeedClock, type FeedPostTarget } from "./feed-poller.ts";
import { FeedStore, type FeedRecord } from "./feed-store.ts";
import { checkFeedUrl, type GamePorts } from "./feed-url.ts";

const log = getLogger("feeds");

/** The settings the feed bot reads. */
export type FeedSettings = Pick<
  Settings,
  | "serverName"
  | "feedPollInterval"
  | "feedRequestTimeout"
  | "feedMaxBytes"
  | "feedMaxConcurrentFetches"
  | "feedEntryTemplate"
  | "feedContactUrl"
  | "feeds"
  | keyof GamePorts
>;

/** Options of {@link FeedService}. */
export interface FeedServiceOptions {
  db: Database;
  settings: FeedSettings;
  target: FeedPostTarget;
  /** Whether a channel exists: its key as stored, or null. */
  findChannel(key: string): Promise<string | null>;
  clock?: FeedClock;
  random?: () => number;
  /** Override the health rules (tests shorten nothing: they use a fake clock). */
  policy?: HealthPolicy;
  /** Ports the game actually bound (when its settings said 0), refused as feed targets too. */
  boundPorts?: number[];
}

/** Shortest interval between checks of a feed, in seconds, whatever the settings say (politeness). */
export const MIN_POLL_INTERVAL = 60;

/** The User-Agent the bot sends: the game's name and, when set, its address. */
export function feedUserAgent(settings: Pick<Settings, "serverName" | "feedContactUrl">): string {
  const name = settings.serverName.replace(/[^\x20-\x7e]/g, "").trim() || "evennia-ts";
  const contact = settings.feedContactUrl.trim();
  return `${name} feed bot (evennia-ts${contact ? `; +${contact}` : ""})`;
}

/** The running feed bot. */
export class FeedService {
  readonly store: FeedStore;
  readonly poller: FeedPoller;

  constructor(private readonly options: FeedServiceOptions) {
    const s = options.settings;
    this.store = new FeedStore(options.db);
    this.poller = new FeedPoller({
      db: options.db,
      store: this.store,
      target: options.target,
      policy: options.policy ?? defaultHealthPolicy(Math.max(MIN_POLL_INTERVAL, s.feedPollInterval) * 1000),
      timeoutMs: s.feedRequestTimeout * 1000,
      maxBytes: s.feedMaxBytes,
      maxConcurrent: s.feedMaxConcurrentFetches,
      userAgent: feedUserAgent(s),
      template: s.feedEntryTemplate,
      checkRedirect: (url) => {
        const check = this.checkUrl(url);
        return check.ok ? null : check.reason;
      },
      clock: options.clock,
      random: options.random,
    });
  }

  /** Load the feeds and start polling. */
  async start(): Promise<void> {
    await this.store.load();
    await this.attachConfiguredFeeds();
    this.poller.start();
  }

  /** Attach the feeds the `feeds` setting lists and that are not attached yet (a bad one is logged and skipped). */
  private async attachConfiguredFeeds(): Promise<void> {
    for (const spec of this.options.settings.feeds ?? []) {
      if (!spec || typeof spec.url !== "string" || typeof spec.channel !== "string") continue;
      if (this.findFeed(spec.channel, spec.url)) continue;
      const channel = await this.findChannel(spec.channel);
      if (!channel) {
        log.warn(`setting feeds: no channel "${spec.channel}" for ${spec.url}; not attached`);
        continue;
      }
      try {
        await runInUnitOfWork(this.options.db, () => void this.add(channel, spec.url, "settings"));
        log.info(`attached the feed ${spec.url} to ${channel} (setting feeds)`);
      } catch (err) {
        if (!isEvenniaError(err, "EV_ERR_BAD_INPUT")) throw err;
        log.warn(`setting feeds: ${spec.url} refused: ${err.message}`);
      }
    }
  }

  /** Stop polling (checks in flight finish). */
  async stop(): Promise<void> {
    await this.poller.stop();
  }

  /** Is `raw` acceptable as a feed URL? */
  checkUrl(raw: string): ReturnType<typeof checkFeedUrl> {
    return checkFeedUrl(raw, this.options.settings, this.options.boundPorts);
  }

  /** Every feed. */
  list(): FeedRecord[] {
    return this.store.all();
  }

  /** The channel's key as stored, or null when there is no such channel. */
  findChannel(key: string): Promise<string | null> {
    return this.options.findChannel(key);
  }

  /**
   * Attach a feed to a channel (staged in the current unit of work). Throws
   * EV_ERR_BAD_INPUT for a refused URL or a feed already on that channel.
   */
  add(channel: string, rawUrl: string, addedBy: string): FeedRecord {
    const check = this.checkUrl(rawUrl);
    if (!check.ok) throw new EvenniaError("EV_ERR_BAD_INPUT", check.reason);
    const twin = this.store.all().find((f) => f.url === check.url && f.channel.toLowerCase() === channel.toLowerCase());
    if (twin) throw new EvenniaError("EV_ERR_BAD_INPUT", `That feed already posts to ${twin.channel} (#${twin.id}).`);
    return this.store.add({ channel, url: check.url, addedBy }, this.clock().now());
  }

  /** The feed posting `url` to `channel` (any case), if any. */
  findFeed(channel: string, url: string): FeedRecord | undefined {
    const check = this.checkUrl(url);
    const wanted = check.ok ? check.url : url.trim();
    return this.store.all().find((f) => f.url === wanted && f.channel.toLowerCase() === channel.trim().toLowerCase());
  }

  /** Detach a feed (staged); the removed feed, or undefined. */
  remove(id: number): FeedRecord | undefined {
    return this.store.remove(id);
  }

  /** Check a feed now, whatever its schedule (also a dormant one). */
  check(id: number): Promise<CheckReport> {
    return this.poller.check(id);
  }

  /** The time as the feed bot sees it (ms since the epoch). */
  now(): number {
    return this.clock().now();
  }

  private clock(): FeedClock {
    return this.options.clock ?? systemClock;
  }
}

let active: FeedService | null = null;

/** Make `service` the running feed bot (null when the server stops). */
export function setActiveFeedService(service: FeedService | null): void {
  active = service;
}

/** The running feed bot, or null when there is none (feeds disabled, or no server). */
export function activeFeedService(): FeedService | null {
  return active;
}
