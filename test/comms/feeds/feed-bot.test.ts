/**
 * The feed bot wired to the game's real channels (both databases): entries reach
 * a channel's subscribers and its history, feed news reaches MudInfo, channels are
 * found by key or alias, and the bot starts and stops with the settings.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { ChannelFeedTarget, startFeedBot } from "../../../evennia-ts/comms/feeds/feed-bot.ts";
import { activeFeedService } from "../../../evennia-ts/comms/feeds/feed-service.ts";
import { createChannel } from "../../../evennia-ts/typeclasses/create.ts";
import { ensureDefaultChannels, mudInfoChannel } from "../../../evennia-ts/typeclasses/default-channels.ts";
import { describeWithWorld } from "../../../evennia-ts/testing/world-fixture.ts";
import { rss2, startFeedTestServer, type FeedTestServer } from "./feed-test-server.ts";

let server: FeedTestServer;
beforeAll(async () => {
  server = await startFeedTestServer();
  server.route("/blog.xml", { kind: "feed", body: rss2([{ guid: "b", title: "Patch <b>notes</b>", link: "http://e.com/b" }, { guid: "a", title: "Hello |rworld", link: "http://e.com/a" }]) });
  server.route("/down.xml", { kind: "status", status: 503 });
});
afterAll(async () => {
  await server.close();
});

describeWithWorld("the feed bot on real channels", (w) => {
  async function setup() {
    const world = w.world;
    await world.unit(async () => {
      await ensureDefaultChannels(world.settings);
      const news = await createChannel(undefined, { key: "News", aliases: ["nw"] });
      await news.connect(world.account1);
      await (await mudInfoChannel(world.settings))!.connect(world.account1);
    });
    world.clearOutput();
    const bot = (await startFeedBot(world.fixture.db, world.store, world.settings))!;
    return { world, bot };
  }

  it("posts entries to the channel's subscribers and its history, found by alias", async () => {
    const { world, bot } = await setup();
    try {
      expect(activeFeedService()).toBe(bot.service);
      const channelKey = await bot.service.findChannel("NW");
      expect(channelKey).toBe("News");
      const feed = await world.unit(() => bot.service.add(channelKey!, server.url("/blog.xml"), "TestAccount"));
      expect(await bot.service.check(feed.id)).toMatchObject({ result: "posted", posted: 2 });
      const text = world.text(world.session1);
      expect(text).toContain("[News] [RSS] Hello |rworld: http://e.com/a");
      expect(text).toContain("[News] [RSS] Patch notes: http://e.com/b");
      expect(text.indexOf("Hello")).toBeLessThan(text.indexOf("Patch"));
      expect(world.text(world.session2)).not.toContain("[RSS]"); // not subscribed
      const news = await new ChannelFeedTarget(world.store, world.settings).findChannel("news");
      expect((await news!.history()).map((m) => m.text)).toEqual(["[RSS] Hello ||rworld: http://e.com/a", "[RSS] Patch notes: http://e.com/b"]);
    } finally {
      await bot.stop();
    }
    expect(activeFeedService()).toBeNull();
  });

  it("tells MudInfo when a feed goes dormant", async () => {
    const { world, bot } = await setup();
    try {
      const feed = await world.unit(() => bot.service.add("News", server.url("/down.xml"), "TestAccount"));
      for (let i = 0; i < 3; i++) await bot.service.check(feed.id);
      await new Promise((resolve) => setTimeout(resolve, 50)); // the notice is posted after the commit
      expect(world.text(world.session1)).toMatch(/\[MudInfo\] Feed bot: feed #\d+ \(.*\/down\.xml\) failed 3 times in a row \(HTTP 503.*\); it is dormant, next try in 1 day\./);
    } finally {
      await bot.stop();
    }
  });

  it("attaches the feeds the settings list, once, and skips bad ones", async () => {
    const { world } = await setup();
    const settings = {
      ...world.settings,
      feeds: [
        { channel: "nw", url: server.url("/blog.xml") },
        { channel: "NoSuchChannel", url: server.url("/blog.xml") },
        { channel: "News", url: "ftp://example.com/feed" },
      ],
    };
    for (let start = 0; start < 2; start++) {
      const bot = (await startFeedBot(world.fixture.db, world.store, settings))!;
      try {
        const feeds = bot.service.list();
        expect(feeds.map((f) => [f.channel, f.url])).toEqual([["News", server.url("/blog.xml")]]);
      } finally {
        await bot.stop();
      }
    }
  });

  it("a deleted channel is a strike, not a crash", async () => {
    const { world, bot } = await setup();
    try {
      const feed = await world.unit(() => bot.service.add("Gone", server.url("/blog.xml"), "TestAccount"));
      expect(await bot.service.check(feed.id)).toMatchObject({ result: "failed", reason: 'the channel "Gone" does not exist' });
    } finally {
      await bot.stop();
    }
  });

  it("does not start when feedsEnabled is off", async () => {
    const world = w.world;
    expect(await startFeedBot(world.fixture.db, world.store, { ...world.settings, feedsEnabled: false })).toBeNull();
    expect(activeFeedService()).toBeNull();
  });
});
