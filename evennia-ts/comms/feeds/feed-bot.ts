/**
 * The feed bot wired to the game: posts go to channels (looked up by key or alias,
 * any case), news about feeds to the MudInfo channel (and the log), and the service is
 * started and stopped with the server. The server calls {@link startFeedBot} once
 * its database and store are up and {@link FeedBotHandle.stop} when it stops, so
 * a reload never leaves two pollers running.
 */
import type { Settings } from "../../conf/settings.ts";
import type { Database } from "../../db/database.ts";
import { runInUnitOfWork } from "../../db/unit-of-work.ts";
import { findChannel } from "../../typeclasses/channel-search.ts";
import type { DefaultChannel } from "../../typeclasses/channels.ts";
import { mudInfoChannel } from "../../typeclasses/default-channels.ts";
import type { Store } from "../../typeclasses/store.ts";
import { getLogger } from "../../utils/logger.ts";
import type { FeedPostTarget } from "./feed-poller.ts";
import { FeedService, setActiveFeedService } from "./feed-service.ts";

const log = getLogger("feeds");

/** Posts to the game's channels (found by key or alias, any case); feed news goes to MudInfo. */
export class ChannelFeedTarget implements FeedPostTarget {
  constructor(
    private readonly store: Store,
    private readonly settings: Pick<Settings, "channelMudInfo">,
  ) {}

  /** The channel named `name` (key or alias, any case), or null. */
  findChannel(name: string): Promise<DefaultChannel | null> {
    return findChannel(name, this.store);
  }

  /** Post as an announcement (no sender): `[Public] [RSS] Title: link`. */
  async post(channelKey: string, text: string): Promise<boolean> {
    const channel = await this.findChannel(channelKey);
    if (!channel) return false;
    await channel.msg(text);
    return true;
  }

  /** Log the news and post it on the MudInfo channel (setting `channelMudInfo`), if the game has one. */
  notifyAdmins(text: string): void {
    log.info(text);
    void runInUnitOfWork(this.store.db, async () => {
      const channel = await mudInfoChannel(this.settings);
      await channel?.msg(text);
    }).catch((err) => log.error("could not post feed news on MudInfo", err));
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
  const target = new ChannelFeedTarget(store, settings);
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
