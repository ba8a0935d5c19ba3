/**
 * The feed bot in a running game (portal, link, server, telnet): an admin attaches
 * a feed with `rss2chan`, entries reach the Public channel, and after a reload the
 * old poller is stopped, the new one took over the same feeds, and nothing is
 * posted twice.
 */
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { activeFeedService } from "../../../evennia-ts/comms/feeds/feed-service.ts";
import { startInProcessGame, type InProcessGame } from "../../../evennia-ts/testing/in-process-game.ts";
import { TelnetTestClient } from "../../../evennia-ts/testing/telnet-test-client.ts";
import { rss2, startFeedTestServer, type FeedTestServer } from "./feed-test-server.ts";

let feeds: FeedTestServer;
let game: InProcessGame | null = null;
beforeAll(async () => {
  feeds = await startFeedTestServer();
  feeds.route("/game.xml", { kind: "feed", body: rss2([{ guid: "2", title: "Server news", link: "http://e.com/2" }, { guid: "1", title: "Welcome", link: "http://e.com/1" }]), etag: '"e1"' });
});
afterEach(async () => {
  await game?.stop();
  game = null;
});
afterAll(async () => {
  await feeds.close();
});

it("runs with the server: attach, post to Public, reload without double scheduling or reposts", async () => {
  game = await startInProcessGame({});
  const c = await TelnetTestClient.connect(game.telnetPort);
  try {
    await c.waitFor("create <username>");
    c.send("create Anna secret123"); // the first account: the superuser
    await c.waitFor("A new account 'Anna' was created");
    c.send("connect Anna secret123");
    await c.waitFor(/Limbo/);
    c.send(`rss2chan public = ${feeds.url("/game.xml")}`);
    await c.waitFor(`Feed #1 attached: ${feeds.url("/game.xml")} now posts to Public. Fetching it now.`);
    await c.waitFor("[Public] [RSS] Welcome: http://e.com/1");
    await c.waitFor("[Public] [RSS] Server news: http://e.com/2");
    await c.waitFor("Feed #1: checked; 2 new entries posted.");
    expect(feeds.hits("/game.xml")[0]!.headers["user-agent"]).toMatch(/feed bot \(evennia-ts/);

    const before = activeFeedService()!;
    expect(before.poller.isRunning).toBe(true);
    const oldServer = game.server();
    game.portal.reload();
    const deadline = Date.now() + 20_000;
    while ((game.server() === oldServer || activeFeedService() === before || !activeFeedService()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const after = activeFeedService()!;
    expect(after).not.toBe(before);
    expect(before.poller.isRunning).toBe(false);
    expect(after.poller.isRunning).toBe(true);
    expect(after.list().map((f) => [f.id, f.url, f.seen])).toEqual([[1, feeds.url("/game.xml"), ["2", "1"]]]);

    c.send("rss2chan/check 1");
    await c.waitFor("Feed #1: not modified since the last check; nothing new.");
    expect(feeds.hits("/game.xml").map((h) => h.status)).toEqual([200, 304]);
  } finally {
    c.close();
  }
}, 60_000);
