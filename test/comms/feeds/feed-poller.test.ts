/**
 * The poller end to end against a local HTTP server, on each database, in fake
 * time: first check at once, each entry posted once and oldest first, 304s cost
 * nothing, strikes, dormancy and back-off, revival, redirects, the concurrency
 * cap, jitter, and de-duplication across a restart.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { Database, type Dialect } from "../../../evennia-ts/db/database.ts";
import { runInUnitOfWork } from "../../../evennia-ts/db/unit-of-work.ts";
import { SEEN_CAP, rememberSeen } from "../../../evennia-ts/comms/feeds/feed-store.ts";
import { createScratchDatabase, describeEachDatabase, dialectAvailable, TEST_DIALECTS } from "../../../evennia-ts/testing/database-fixture.ts";
import { atom, rss1, rss2, startFeedTestServer, type FeedTestServer } from "./feed-test-server.ts";
import { FakeClock, KeptPosts, makeService } from "./feed-test-kit.ts";

const MIN = 60_000;
const DAY = 24 * 60 * MIN;

let server: FeedTestServer;
beforeAll(async () => {
  server = await startFeedTestServer();
});
afterAll(async () => {
  await server.close();
});

/** Items numbered `from`..`to`, newest first, dated a day apart. */
function items(from: number, to: number) {
  const out = [];
  for (let i = to; i >= from; i--) out.push({ guid: `id-${i}`, title: `Entry ${i}`, link: `http://e.com/${i}`, date: new Date(Date.UTC(2025, 0, i)).toUTCString() });
  return out;
}

let pathNo = 0;
/** A fresh path on the test server for each test. */
const fresh = (name: string) => `/${name}-${++pathNo}`;

describeEachDatabase("feed poller", (ctx) => {
  const unit = <T>(fn: () => T | Promise<T>) => ctx.unit(fn);
  // each test sees only its own feeds
  beforeEach(async () => {
    await ctx.db.query("DELETE FROM server_config WHERE key LIKE 'feed%'");
  });
  it("checks a new feed at once and posts its newest entries oldest first (at most 5 of a backlog)", async () => {
    const path = fresh("rss2");
    server.route(path, { kind: "feed", body: rss2(items(1, 8)) });
    const { service, target } = await makeService(ctx.db);
    await service.start();
    const feed = await unit(() => service.add("news", server.url(path), "Admin"));
    const reports = await service.poller.runDue();
    expect(reports).toEqual([{ result: "posted", posted: 5, events: [] }]);
    expect(target.to()).toEqual([4, 5, 6, 7, 8].map((i) => `[RSS] Entry ${i}: http://e.com/${i}`));
    expect(service.store.get(feed.id)!.seen).toHaveLength(8);
    await service.stop();
  });

  it("posts each entry once: new ones later, oldest first; the same document again posts nothing", async () => {
    const path = fresh("rss2");
    server.route(path, { kind: "feed", body: rss2(items(1, 2)) });
    const { service, target, clock } = await makeService(ctx.db);
    await service.start();
    const feed = await unit(() => service.add("news", server.url(path), "Admin"));
    await service.check(feed.id);
    expect(target.to()).toEqual(["[RSS] Entry 1: http://e.com/1", "[RSS] Entry 2: http://e.com/2"]);
    server.route(path, { kind: "feed", body: rss2(items(1, 5)) });
    clock.advance(11 * MIN);
    await service.poller.runDue();
    expect(target.to().slice(2)).toEqual(["[RSS] Entry 3: http://e.com/3", "[RSS] Entry 4: http://e.com/4", "[RSS] Entry 5: http://e.com/5"]);
    clock.advance(11 * MIN);
    await service.poller.runDue();
    expect(target.to()).toHaveLength(5);
    await service.stop();
  });

  it("reads RSS 1.0 and Atom feeds too", async () => {
    const rdf = fresh("rdf");
    const at = fresh("atom");
    server.route(rdf, { kind: "feed", body: rss1([{ about: "http://e.org/1", title: "Rdf one", date: "2024-01-01T00:00:00Z" }]) });
    server.route(at, { kind: "feed", body: atom([{ id: "urn:a", title: "Atom one", link: "https://e.net/a", updated: "2024-01-01T00:00:00Z" }]), contentType: "application/atom+xml" });
    const { service, target } = await makeService(ctx.db);
    const a = await unit(() => service.add("news", server.url(rdf), "Admin"));
    const b = await unit(() => service.add("news", server.url(at), "Admin"));
    await service.check(a.id);
    await service.check(b.id);
    expect(target.to()).toEqual(["[RSS] Rdf one: http://e.org/1", "[RSS] Atom one: https://e.net/a"]);
  });

  it("does not wait for the poll: the schedule starts the first check at once on its own", async () => {
    const path = fresh("rss2");
    server.route(path, { kind: "feed", body: rss2(items(1, 1)) });
    const { service, target, clock } = await makeService(ctx.db);
    await service.start();
    await unit(() => service.add("news", server.url(path), "Admin"));
    clock.fireTimers(); // the tick the poller set at start
    await service.poller.settle();
    expect(target.to()).toEqual(["[RSS] Entry 1: http://e.com/1"]);
    await service.stop();
    expect(clock.timers.size).toBe(0);
  });

  it("a second start does not schedule twice, and stop clears the timer", async () => {
    const { service, clock } = await makeService(ctx.db);
    await service.start();
    await service.start();
    expect(clock.timers.size).toBe(1);
    await service.stop();
    expect(clock.timers.size).toBe(0);
  });

  it("uses ETag and Last-Modified: a 304 posts nothing, parses nothing and counts as a success", async () => {
    const path = fresh("cond");
    server.route(path, { kind: "feed", body: rss2(items(1, 2)), etag: '"abc"', lastModified: "Mon, 01 Jan 2024 00:00:00 GMT" });
    const { service, target, clock } = await makeService(ctx.db);
    const feed = await unit(() => service.add("news", server.url(path), "Admin"));
    await service.check(feed.id);
    expect(service.store.get(feed.id)).toMatchObject({ etag: '"abc"', lastModified: "Mon, 01 Jan 2024 00:00:00 GMT" });
    // a 304 is answered even if the document changed: nothing is read, so nothing is posted
    server.route(path, { kind: "feed", body: "garbage that would fail to parse", etag: '"abc"' });
    clock.advance(11 * MIN);
    const [report] = await service.poller.runDue();
    expect(report).toEqual({ result: "not-modified", posted: 0, events: [] });
    expect(server.hits(path).map((h) => h.status)).toEqual([200, 304]);
    expect(target.to()).toHaveLength(2);
    expect(service.store.get(feed.id)!.health).toMatchObject({ strikes: 0, lastSuccessAt: clock.t });
  });

  it("three strikes make a feed dormant (MudInfo is told); it backs off 1, 2, 4 days; it comes back by itself", async () => {
    const path = fresh("flaky");
    server.route(path, { kind: "status", status: 500 });
    const { service, target, clock } = await makeService(ctx.db);
    await service.start();
    const feed = await unit(() => service.add("news", server.url(path), "Admin"));
    const states: string[] = [];
    for (let i = 0; i < 3; i++) {
      const [r] = await service.poller.runDue();
      expect(r!.result).toBe("failed");
      states.push(`${service.store.get(feed.id)!.health.state}/${service.store.get(feed.id)!.health.strikes}`);
      clock.advance(10 * MIN);
    }
    expect(states).toEqual(["active/1", "active/2", "dormant/3"]);
    expect(target.notices).toEqual([expect.stringMatching(/feed #\d+ .* failed 3 times in a row \(HTTP 500.*dormant, next try in 1 day/)]);
    // nothing is fetched before the back-off is over
    const hits = server.hits(path).length;
    clock.advance(DAY - 20 * MIN);
    expect(await service.poller.runDue()).toEqual([]);
    expect(server.hits(path)).toHaveLength(hits);
    // each failed re-check doubles the wait
    const waits: number[] = [];
    for (let i = 0; i < 3; i++) {
      clock.t = service.store.get(feed.id)!.health.nextCheckAt;
      await service.poller.runDue();
      waits.push((service.store.get(feed.id)!.health.nextCheckAt - clock.t) / DAY);
    }
    expect(waits).toEqual([2, 4, 8]);
    expect(target.notices).toHaveLength(1);
    // the feed answers again: active, strikes reset, entries posted, admins told
    server.route(path, { kind: "feed", body: rss2(items(1, 1)) });
    clock.t = service.store.get(feed.id)!.health.nextCheckAt;
    const [back] = await service.poller.runDue();
    expect(back).toMatchObject({ result: "posted", posted: 1, events: [{ type: "revived" }] });
    expect(service.store.get(feed.id)!.health).toMatchObject({ state: "active", strikes: 0, nextCheckAt: clock.t + 10 * MIN });
    expect(target.notices[1]).toMatch(/answers again; it is active once more/);
    await service.stop();
  });

  it("counts a 404, a timeout, garbage and a too-large body as strikes", async () => {
    const cases = [
      [fresh("missing"), { kind: "status", status: 404 }, /HTTP 404/],
      [fresh("hang"), { kind: "hang" }, /no complete answer/],
      [fresh("garbage"), { kind: "feed", body: "<html><body>not a feed</body></html>" }, /not a feed/],
      [fresh("big"), { kind: "huge", bytes: 2 * 1024 * 1024, declareLength: false }, /larger than/],
    ] as const;
    const { service } = await makeService(ctx.db, { settings: { feedRequestTimeout: 0.3, feedMaxBytes: 1024 * 1024 } });
    for (const [path, route, reason] of cases) {
      server.route(path, route);
      const feed = await unit(() => service.add("news", server.url(path), "Admin"));
      const report = await service.check(feed.id);
      expect(report).toMatchObject({ result: "failed", reason: expect.stringMatching(reason) });
      expect(service.store.get(feed.id)!.health).toMatchObject({ strikes: 1, lastError: expect.stringMatching(reason) });
    }
  });

  it("is not harmed by XML bombs served over HTTP: billion laughs stays unexpanded, a blow-up is a strike", async () => {
    let ents = '<!ENTITY lol "lol">';
    for (let i = 1; i <= 10; i++) ents += `<!ENTITY lol${i} "${`&lol${i === 1 ? "" : i - 1};`.repeat(10)}">`;
    const laughs = fresh("laughs");
    server.route(laughs, { kind: "feed", body: `<?xml version="1.0"?><!DOCTYPE rss [${ents}]><rss version="2.0"><channel><title>b</title><item><title>&lol10;</title><guid>g</guid></item></channel></rss>` });
    const blowup = fresh("blowup");
    server.route(blowup, { kind: "feed", body: `<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "${"x".repeat(9000)}">]><rss version="2.0"><channel><title>t</title><item><title>${"&a;".repeat(100_000)}</title><guid>g</guid></item></channel></rss>` });
    const { service, target } = await makeService(ctx.db);
    const a = await unit(() => service.add("news", server.url(laughs), "Admin"));
    const b = await unit(() => service.add("news", server.url(blowup), "Admin"));
    const started = Date.now();
    const heap = process.memoryUsage().heapUsed;
    expect(await service.check(a.id)).toMatchObject({ result: "posted", posted: 1 });
    expect(await service.check(b.id)).toMatchObject({ result: "failed", reason: expect.stringContaining("not a feed") });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(process.memoryUsage().heapUsed - heap).toBeLessThan(200 * 1024 * 1024);
    expect(target.to()[0]!.length).toBeLessThan(300);
  });

  it("a permanent redirect (301/308) updates the stored URL and tells MudInfo; a temporary one (302/307) does not", async () => {
    const { service, target } = await makeService(ctx.db);
    for (const status of [301, 308, 302, 307] as const) {
      const from = fresh(`r${status}`);
      const to = fresh(`t${status}`);
      server.route(from, { kind: "redirect", status, to });
      server.route(to, { kind: "feed", body: rss2(items(1, 1)) });
      const feed = await unit(() => service.add("news", server.url(from), "Admin"));
      await service.check(feed.id);
      const permanent = status === 301 || status === 308;
      expect(service.store.get(feed.id)!.url).toBe(server.url(permanent ? to : from));
    }
    expect(target.notices).toHaveLength(2);
    expect(target.notices[0]).toMatch(/moved permanently from http:\/\/127\.0\.0\.1:\d+\/r301-\d+ to http:\/\/127\.0\.0\.1:\d+\/t301-\d+; the new address is stored/);
  });

  it("counts a missing channel as a strike and posts nothing", async () => {
    const path = fresh("orphan");
    server.route(path, { kind: "feed", body: rss2(items(1, 2)) });
    const target = new KeptPosts(new Set(["news", "gone"]));
    const { service } = await makeService(ctx.db, { target });
    const feed = await unit(() => service.add("gone", server.url(path), "Admin"));
    target.channels.delete("gone");
    const report = await service.check(feed.id);
    expect(report).toMatchObject({ result: "failed", reason: 'the channel "gone" does not exist' });
    expect(target.posts).toEqual([]);
    // the entries were not marked seen: they are posted once the channel is back
    target.channels.add("gone");
    await service.check(feed.id);
    expect(target.to("gone")).toHaveLength(2);
  });

  it("a feed deleted during its check is not brought back", async () => {
    const path = fresh("slowdel");
    server.route(path, { kind: "slow", delayMs: 200, body: rss2(items(1, 1)) });
    const { service, target } = await makeService(ctx.db);
    const feed = await unit(() => service.add("news", server.url(path), "Admin"));
    const pending = service.check(feed.id);
    await unit(() => service.remove(feed.id));
    expect(await pending).toMatchObject({ result: "gone" });
    expect(target.posts).toEqual([]);
    const [row] = await ctx.db.query("SELECT value FROM server_config WHERE key = ?", [`feed:${feed.id}`]);
    expect(row).toBeUndefined();
  });

  it("never runs more fetches at once than feedMaxConcurrentFetches", async () => {
    const { service } = await makeService(ctx.db, { settings: { feedMaxConcurrentFetches: 2 } });
    server.open.max = 0;
    for (let i = 0; i < 6; i++) {
      const path = fresh("par");
      server.route(path, { kind: "slow", delayMs: 150, body: rss2(items(1, 1)) });
      await unit(() => service.add("news", server.url(path), "Admin"));
    }
    const reports = await service.poller.runDue();
    expect(reports.map((r) => r.result)).toEqual(Array(6).fill("posted"));
    expect(server.open.max).toBe(2);
  });

  it("moves each next check by a random jitter of up to a tenth of the interval", async () => {
    const path = fresh("jitter");
    server.route(path, { kind: "feed", body: rss2(items(1, 1)) });
    const clock = new FakeClock();
    const { service } = await makeService(ctx.db, { clock, random: () => 0.5 });
    const feed = await unit(() => service.add("news", server.url(path), "Admin"));
    await service.check(feed.id);
    expect(service.store.get(feed.id)!.health.nextCheckAt - clock.t).toBe(10 * MIN + 0.05 * 10 * MIN);
  });

  it("never polls a feed more often than once a minute, whatever feedPollInterval says", async () => {
    const path = fresh("eager");
    server.route(path, { kind: "feed", body: rss2(items(1, 1)) });
    const { service, clock } = await makeService(ctx.db, { settings: { feedPollInterval: 1 } });
    const feed = await unit(() => service.add("news", server.url(path), "Admin"));
    await service.check(feed.id);
    expect(service.store.get(feed.id)!.health.nextCheckAt - clock.t).toBe(60_000);
  });

  it("does not hold a unit of work while fetching: other writes go on during a slow fetch", async () => {
    const path = fresh("hold");
    server.route(path, { kind: "slow", delayMs: 400, body: rss2(items(1, 1)) });
    const { service } = await makeService(ctx.db);
    const feed = await unit(() => service.add("news", server.url(path), "Admin"));
    const pending = service.check(feed.id);
    const started = Date.now();
    await runInUnitOfWork(ctx.db, () => ctx.db.query("SELECT 1"));
    await unit(() => service.add("news", server.url(fresh("other")), "Admin"));
    expect(Date.now() - started).toBeLessThan(300);
    expect(service.poller.checking()).toContain(feed.id);
    await pending;
  });
});

describe("the seen-id bound", () => {
  it("keeps every id of the last document, then older ones up to the cap", () => {
    const doc = Array.from({ length: 400 }, (_, i) => `d${i}`);
    expect(rememberSeen([], doc)).toHaveLength(400);
    const older = Array.from({ length: 500 }, (_, i) => `o${i}`);
    const kept = rememberSeen(older, ["n1", "n2"]);
    expect(kept).toHaveLength(SEEN_CAP);
    expect(kept.slice(0, 3)).toEqual(["n2", "n1", "o0"]);
  });
});

for (const dialect of TEST_DIALECTS as Dialect[]) {
  describe.skipIf(!dialectAvailable(dialect))(`feeds survive a restart [${dialect}]`, () => {
    it("keeps feeds, validators, health and seen ids: nothing is posted twice after a restart", async () => {
      const scratch = await createScratchDatabase(dialect);
      try {
        const path = fresh("restart");
        server.route(path, { kind: "feed", body: rss2(items(1, 3)) });
        const clock = new FakeClock();
        let db = await Database.open({ url: scratch.url });
        const first = await makeService(db, { clock });
        await first.service.start();
        const feed = await runInUnitOfWork(db, () => first.service.add("news", server.url(path), "Admin"));
        await first.service.poller.runDue();
        expect(first.target.to()).toHaveLength(3);
        await first.service.stop();
        await db.close();

        // the server comes back: a new database connection, a new service
        db = await Database.open({ url: scratch.url });
        const second = await makeService(db, { clock });
        await second.service.start();
        const again = second.service.store.get(feed.id)!;
        expect(again).toMatchObject({ url: server.url(path), channel: "news", addedBy: "Admin", primed: true });
        expect(again.seen).toEqual(["id-3", "id-2", "id-1"]);
        expect(again.health.lastSuccessAt).toBe(clock.t);
        // same document, one new entry: only that one is posted
        server.route(path, { kind: "feed", body: rss2(items(1, 4)) });
        clock.advance(11 * MIN);
        await second.service.poller.runDue();
        expect(second.target.to()).toEqual(["[RSS] Entry 4: http://e.com/4"]);
        // a deleted feed stays deleted, and ids are not reused
        await runInUnitOfWork(db, () => second.service.remove(feed.id));
        await second.service.stop();
        await db.close();
        db = await Database.open({ url: scratch.url });
        const third = await makeService(db, { clock });
        await third.service.start();
        expect(third.service.list()).toEqual([]);
        const next = await runInUnitOfWork(db, () => third.service.add("news", server.url(path), "Admin"));
        expect(next.id).toBe(feed.id + 1);
        await third.service.stop();
        await db.close();
      } finally {
        await scratch.dispose();
      }
    });
  });
}

describeEachDatabase("stopping the feed bot", (ctx) => {
  it("aborts fetches in flight at once and saves nothing for them (no strike)", async () => {
    const path = fresh("hang-stop");
    server.route(path, { kind: "hang" });
    const { service } = await makeService(ctx.db, { settings: { feedRequestTimeout: 20 } });
    await service.start();
    const feed = await ctx.unit(() => service.add("news", server.url(path), "Admin"));
    const pending = service.check(feed.id);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = Date.now();
    await service.stop();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await pending).toMatchObject({ result: "failed", reason: "the feed bot stopped" });
    expect(service.store.get(feed.id)!.health).toMatchObject({ strikes: 0, lastCheckAt: null });
  });
});

describeEachDatabase("a post that throws", (ctx) => {
  it("keeps nothing of that check, counts a strike and reschedules (no hammering)", async () => {
    const path = fresh("throwing");
    server.route(path, { kind: "feed", body: rss2(items(1, 2)) });
    class Exploding extends KeptPosts {
      armed = true;
      override async post(channelKey: string, text: string): Promise<boolean> {
        if (this.armed) throw new Error("a channel hook blew up");
        return super.post(channelKey, text);
      }
    }
    const target = new Exploding();
    const { service, clock } = await makeService(ctx.db, { target });
    const feed = await ctx.unit(() => service.add("news", server.url(path), "Admin"));
    const report = await service.check(feed.id);
    expect(report).toMatchObject({ result: "failed", reason: "posting failed (a channel hook blew up)" });
    expect(service.store.get(feed.id)!.health).toMatchObject({ strikes: 1, nextCheckAt: clock.t + 10 * MIN });
    expect(service.store.get(feed.id)!.seen).toEqual([]);
    expect(await service.poller.runDue()).toEqual([]);
    target.armed = false;
    clock.advance(10 * MIN);
    await service.poller.runDue();
    expect(target.to()).toHaveLength(2);
  });
});
