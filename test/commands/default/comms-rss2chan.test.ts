/**
 * `rss2chan` through `callCommand` on the test world (both databases), with the
 * feed bot pointed at a local HTTP server: attach (checked at once, after the
 * command's commit, without holding the command), list with health, check,
 * delete, bad input, the lock.
 */
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from "vitest";
import { CmdRSS2Chan } from "../../../evennia-ts/commands/default/comms/rss2chan.ts";
import { setActiveFeedService, type FeedService } from "../../../evennia-ts/comms/feeds/feed-service.ts";
import { setActiveSettings } from "../../../evennia-ts/conf/active-settings.ts";
import { buildSettings } from "../../../evennia-ts/conf/settings.ts";
import { callCommand } from "../../../evennia-ts/testing/call-command.ts";
import { describeWithWorld } from "../../../evennia-ts/testing/world-fixture.ts";
import { rss2, startFeedTestServer, type FeedTestServer } from "../../comms/feeds/feed-test-server.ts";
import { KeptPosts, makeService, type FakeClock } from "../../comms/feeds/feed-test-kit.ts";

let server: FeedTestServer;
beforeAll(async () => {
  server = await startFeedTestServer();
  server.route("/news.xml", { kind: "feed", body: rss2([{ guid: "2", title: "Second", link: "http://e.com/2" }, { guid: "1", title: "First |rred", link: "http://e.com/1" }]) });
  server.route("/hang.xml", { kind: "hang" });
  server.route("/broken.xml", { kind: "status", status: 500 });
});
afterAll(async () => {
  await server.close();
});

describeWithWorld("rss2chan", (w) => {
  let service: FeedService;
  let target: KeptPosts;
  let clock: FakeClock;

  beforeEach(async () => {
    ({ service, target, clock } = await makeService(w.world.fixture.db, { settings: { feedRequestTimeout: 2 } }));
    clock.t = Date.now();
    setActiveFeedService(service);
  });
  afterEach(async () => {
    setActiveFeedService(null);
    await service.stop();
  });

  const admin = () => ({ caller: w.world.account1 });

  it("attaches a feed, checks it at once after the commit, and reports back", async () => {
    const out = await callCommand(w.world, CmdRSS2Chan, `News = ${server.url("/news.xml")}`, "Feed #1 attached", admin());
    expect(out.text).toContain(`${server.url("/news.xml")} now posts to news. Fetching it now.`);
    await service.poller.settle();
    expect(target.to()).toEqual(["[RSS] First ||rred: http://e.com/1", "[RSS] Second: http://e.com/2"]);
    expect(w.world.text(w.world.session1)).toContain("Feed #1: checked; 2 new entries posted.");
    // persisted: a fresh store reads it back
    const [row] = await w.world.fixture.db.query<{ value: string }>("SELECT value FROM server_config WHERE key = 'feed:1'");
    expect(JSON.parse(row!.value)).toMatchObject({ channel: "news", url: server.url("/news.xml"), addedBy: "TestAccount" });
  });

  it("never holds the command while a feed is slow: the command ends at once", async () => {
    const started = Date.now();
    await callCommand(w.world, CmdRSS2Chan, `news = ${server.url("/hang.xml")}`, "Feed #1 attached", admin());
    expect(Date.now() - started).toBeLessThan(1000);
    expect(service.poller.checking()).toEqual([1]);
    // another command runs meanwhile
    await callCommand(w.world, CmdRSS2Chan, "/list", "Feeds", admin());
    await service.poller.settle();
    expect(w.world.text(w.world.session1)).toContain("Feed #1: the check failed: no complete answer within 2 s.");
  });

  it("lists every feed with its state, strikes, last success and next check", async () => {
    await callCommand(w.world, CmdRSS2Chan, "", "No feeds are attached to channels.", admin());
    await callCommand(w.world, CmdRSS2Chan, `news = ${server.url("/news.xml")}`, "Feed #1", admin());
    await callCommand(w.world, CmdRSS2Chan, `news = ${server.url("/broken.xml")}`, "Feed #2", admin());
    await service.poller.settle();
    const out = await callCommand(w.world, CmdRSS2Chan, "/list", "Feeds", admin());
    const lines = out.text.split("\n");
    expect(lines[2]).toMatch(/\| # +\| channel +\| state +\| strikes +\| last success +\| next check +\|/);
    expect(lines).toContainEqual(expect.stringMatching(/^\| 1 +\| news +\| active +\| 0 +\| 0 min ago +\| in 10 min +\|$/));
    expect(lines).toContainEqual(expect.stringMatching(/^\| 2 +\| news +\| active +\| 1 +\| never +\| in 10 min +\|$/));
    expect(lines).toContain(`  #1 ${server.url("/news.xml")}`);
    expect(lines).toContain(`  #2 ${server.url("/broken.xml")} (last error: HTTP 500 Internal Server Error)`);
    // no switch and no arguments lists too
    expect((await callCommand(w.world, CmdRSS2Chan, "", "Feeds", admin())).text).toContain("/broken.xml");
  });

  it("shows a dormant feed as dormant with its reason", async () => {
    await callCommand(w.world, CmdRSS2Chan, `news = ${server.url("/broken.xml")}`, "Feed #1", admin());
    await service.poller.settle();
    for (let i = 0; i < 2; i++) await service.check(1);
    const out = await callCommand(w.world, CmdRSS2Chan, "/list", "Feeds", admin());
    expect(out.text).toMatch(/\| 1 +\| news +\| dormant +\| 3 +\| never +\| in 1 day +\|/);
    expect(out.text).toContain("(last error: HTTP 500 Internal Server Error)");
    expect(target.notices[0]).toMatch(/feed #1 .* dormant/);
  });

  it("checks a feed on demand and reports the result", async () => {
    await callCommand(w.world, CmdRSS2Chan, `news = ${server.url("/news.xml")}`, "Feed #1", admin());
    await service.poller.settle();
    await callCommand(w.world, CmdRSS2Chan, "/check 1", "Checking feed #1 now; the result follows.", admin());
    await service.poller.settle();
    expect(w.world.text(w.world.session1)).toContain("Feed #1: checked; nothing new.");
    expect(target.to()).toHaveLength(2);
    await callCommand(w.world, CmdRSS2Chan, "/check 9", "There is no feed #9; see rss2chan/list.", admin());
    await callCommand(w.world, CmdRSS2Chan, "/check", "Usage: rss2chan <channel> = <feed url>", admin());
    await callCommand(w.world, CmdRSS2Chan, "/check one", '"one" is not a feed number; see rss2chan/list.', admin());
  });

  it("deletes a feed (also as /remove and /disconnect), persistently", async () => {
    await callCommand(w.world, CmdRSS2Chan, `news = ${server.url("/news.xml")}`, "Feed #1", admin());
    await callCommand(w.world, CmdRSS2Chan, `news = ${server.url("/broken.xml")}`, "Feed #2", admin());
    await service.poller.settle();
    await callCommand(w.world, CmdRSS2Chan, "/delete 1", `Feed #1 (${server.url("/news.xml")}) no longer posts to news.`, admin());
    await callCommand(w.world, CmdRSS2Chan, "/remove #2", "Feed #2", admin());
    await callCommand(w.world, CmdRSS2Chan, "/disconnect 1", "There is no feed #1; see rss2chan/list.", admin());
    // Evennia's form: by channel and URL
    await callCommand(w.world, CmdRSS2Chan, `news = ${server.url("/news.xml")}`, "Feed #3", admin());
    await service.poller.settle(); // its first check ends before it is deleted
    await callCommand(w.world, CmdRSS2Chan, `/disconnect NEWS = ${server.url("/other.xml")}`, `No feed ${server.url("/other.xml")} posts to NEWS; see rss2chan/list.`, admin());
    await callCommand(w.world, CmdRSS2Chan, `/disconnect NEWS = ${server.url("/news.xml")}`, `Feed #3 (${server.url("/news.xml")}) no longer posts to news.`, admin());
    await callCommand(w.world, CmdRSS2Chan, "/disconnect news =", "Usage:", admin());
    await service.poller.settle();
    const rows = await w.world.fixture.db.query("SELECT key FROM server_config WHERE key LIKE 'feed:%'");
    expect(rows).toEqual([]);
    await callCommand(w.world, CmdRSS2Chan, "/delete", "Usage:", admin());
  });

  it("refuses bad input with clear messages", async () => {
    await callCommand(w.world, CmdRSS2Chan, `nosuch = ${server.url("/news.xml")}`, 'There is no channel named "nosuch".', admin());
    await callCommand(w.world, CmdRSS2Chan, "news = ftp://example.com/feed", "Only http:// and https:// feeds are supported, not ftp://.", admin());
    await callCommand(w.world, CmdRSS2Chan, "news = not a url", '"not a url" is not a URL', admin());
    await callCommand(w.world, CmdRSS2Chan, "news = http://127.0.0.1:4000/", "127.0.0.1:4000 is this game's own port 4000", admin());
    await callCommand(w.world, CmdRSS2Chan, "news = http://localhost:4006/x", "localhost:4006 is this game's own port 4006", admin());
    await callCommand(w.world, CmdRSS2Chan, "news =", "Usage: rss2chan", admin());
    await callCommand(w.world, CmdRSS2Chan, `= ${server.url("/news.xml")}`, "Usage: rss2chan", admin());
    await callCommand(w.world, CmdRSS2Chan, "news", "Usage: rss2chan", admin());
    await callCommand(w.world, CmdRSS2Chan, `news = ${server.url("/news.xml")}`, "Feed #1", admin());
    await callCommand(w.world, CmdRSS2Chan, `NEWS = ${server.url("/news.xml")}`, "That feed already posts to news (#1).", admin());
    expect(service.list()).toHaveLength(1);
    await service.poller.settle();
  });

  it("says so when the feed bot is not running", async () => {
    setActiveFeedService(null);
    await callCommand(w.world, CmdRSS2Chan, "/list", "The feed bot is not running", admin());
  });

  it("is locked to Admins, and off when feedsEnabled is off", () => {
    const cmd = new CmdRSS2Chan();
    expect(cmd.access(w.world.account1)).toBe(true); // Developer
    expect(cmd.access(w.world.account2)).toBe(false); // Player
    expect(cmd.access(w.world.char2)).toBe(false);
    setActiveSettings(buildSettings(w.world.settings.gameDir, { feedsEnabled: false }));
    try {
      expect(cmd.access(w.world.account1)).toBe(false);
    } finally {
      setActiveSettings(w.world.settings);
    }
  });
});
