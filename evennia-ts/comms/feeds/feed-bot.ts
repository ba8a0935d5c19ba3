/**
 * The feed bot wired to the game: posts go to channels (looked up by key, any
 * case), news about feeds to the MudInfo channel (and the log), and the service is
 * started and stopped with the server. The server calls {@link startFeedBot} once
 * its database and store are up and {@link FeedBotHandle.stop} when it stops, so
 * a reload never leaves two pollers running.
 */
import type { Settings } from "../../conf/settings.ts";
import type { Database } from "../../db/database.ts";
import type { DefaultChannel } from "../../typeclasses/channels.ts";
import type { Store } from "../../typeclasses/store.ts";
import { getLogger } from "../../utils/logger.ts";
import type { FeedPostTarget } from "./feed-poller.ts";
import { FeedService, setActiveFeedService } from "./feed-service.ts";

const log = getLogger("feeds");

/** Key of the channel admins hear feed news on (Evennia's MudInfo). */
export const MUDINFO_CHANNEL = "MudInfo";

/** A channel that can take a message (the channels of the running game). */
interface PostableChannel {
  msg(text: string, options?: { senders?: unknown[] }): unknown;
}

function canPost(channel: unknown): channel is PostableChannel {
  return typeof (channel as { msg?: unknown } | null)?.msg === "function";
}

/** Posts to the game's channels through the store. */
export class ChannelFeedTarget implements FeedPostTarget {
  constructor(private readonly store: Store) {}

  /** The channel keyed `key` (any case), or null. */
  async findChannel(key: string): Promise<DefaultChannel | null> {
    const [channel] = await this.store.where("channel", "key_lower = ?", [key.trim().toLowerCase()]);
    return (channel as DefaultChannel | undefined) ?? null;
  }

  async post(channelKey: string, text: string): Promise<boolean> {
    const channel = await this.findChannel(channelKey);
    if (!channel || !canPost(channel)) return false;
    await channel.msg(text, { senders: [] });
    return true;
  }

  notifyAdmins(text: string): void {
    log.info(text);
    void this.findChannel(MUDINFO_CHANNEL)
      .then((channel) => (canPost(channel) ? channel.msg(text, { senders: [] }) : undefined))
      .catch((err) => log.error("could not post feed news on MudInfo", err));
  }
}

/** The running bot, for the server to stop. */
export interface FeedBotHandle {
  readonly service: FeedService;
  stop(): Promise<void>;
}

/** Start the feed bot (null when `feedsEnabled` is off) and make it the one `rss2chan` talks to. */
export async function startFeedBot(db: Database, store: Store, settings: Settings): Promise<FeedBotHandle | null> {
  if (!settings.feedsEnabled) return null;
  const target = new ChannelFeedTarget(store);
  const service = new FeedService({
    db,
    settings,
    target,
    findChannel: async (key) => (await target.findChannel(key))?.key ?? null,
  });
  await service.start();
  setActiveFeedService(service);
  return {
    service,
    stop: async () => {
      setActiveFeedService(null);
      await service.stop();
    },
  };
}
