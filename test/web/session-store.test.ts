/**
 * The website's session store on the game database (`web_sessions`), on both
 * databases: write, read, replace, expiry (an expired session reads as absent),
 * pruning, destroy, unreadable rows, and the express-session callback interface.
 */
import { expect, it } from "vitest";
import type { SessionData } from "express-session";
import { describeEachDatabase } from "../../evennia-ts/testing/database-fixture.ts";
import { DatabaseSessionStore } from "../../evennia-ts/web/session-store.ts";
import "../../evennia-ts/web/session-data.ts";

const HOUR = 3600_000;

function sessionData(accountId: number | undefined, expiresAt: number | null): SessionData {
  return {
    cookie: { originalMaxAge: null, expires: expiresAt === null ? undefined : new Date(expiresAt), httpOnly: true, path: "/" },
    accountId,
  } as SessionData;
}

describeEachDatabase("web session store", (ctx) => {
  let now = 1_800_000_000_000;
  const store = (): DatabaseSessionStore => new DatabaseSessionStore(ctx.db, { defaultTtlMs: HOUR, now: () => now });

  it("keeps a session across store instances (as across server processes) and replaces it", async () => {
    await store().write("sid-one", sessionData(7, now + 100 * HOUR));
    const read = await store().read("sid-one");
    expect(read?.accountId).toBe(7);
    await store().write("sid-one", sessionData(8, now + 100 * HOUR));
    expect((await store().read("sid-one"))?.accountId).toBe(8);
    const rows = await ctx.db.query<{ n: number | string }>("SELECT COUNT(*) AS n FROM web_sessions WHERE sid = ?", ["sid-one"]);
    expect(Number(rows[0]!.n)).toBe(1);
  });

  it("reads an expired session as absent and prunes expired ones only", async () => {
    await store().write("sid-old", sessionData(1, now + 1000));
    await store().write("sid-new", sessionData(2, now + 10 * HOUR));
    // a session whose cookie has no expiry lasts the default time
    await store().write("sid-default", sessionData(3, null));
    now += 2000;
    expect(await store().read("sid-old")).toBeNull();
    expect((await store().read("sid-new"))?.accountId).toBe(2);
    expect((await store().read("sid-default"))?.accountId).toBe(3);
    expect(await store().prune()).toBeGreaterThanOrEqual(1);
    const left = await ctx.db.query<{ sid: string }>("SELECT sid FROM web_sessions ORDER BY sid");
    expect(left.map((r) => r.sid)).not.toContain("sid-old");
    expect(left.map((r) => r.sid)).toEqual(expect.arrayContaining(["sid-new", "sid-default"]));
    now += HOUR;
    expect(await store().read("sid-default")).toBeNull();
    expect(await store().prune()).toBe(1);
    expect((await store().read("sid-new"))?.accountId).toBe(2);
  });

  it("keeps a session nobody is logged in to for a day at most", async () => {
    await store().write("sid-visitor", sessionData(undefined, now + 100 * HOUR));
    await store().write("sid-member", sessionData(6, now + 100 * HOUR));
    now += 25 * HOUR;
    expect(await store().read("sid-visitor")).toBeNull();
    expect((await store().read("sid-member"))?.accountId).toBe(6);
  });

  it("destroys a session and treats an unreadable row as absent", async () => {
    await store().write("sid-gone", sessionData(4, now + HOUR));
    await store().remove("sid-gone");
    expect(await store().read("sid-gone")).toBeNull();
    await ctx.db.write([{ sql: "INSERT INTO web_sessions (sid, data, expires) VALUES (?, ?, ?)", params: ["sid-broken", "{not json", now + HOUR] }]);
    expect(await store().read("sid-broken")).toBeNull();
    expect(await store().read("never-was")).toBeNull();
  });

  it("renews a session's expiry by visits at most once a minute, while changed data is written at once", async () => {
    const s = store();
    const touch = (expiresAt: number) => new Promise<void>((resolve) => s.touch("sid-busy", sessionData(6, expiresAt), () => resolve()));
    const expiry = async () => Number((await ctx.db.query<{ expires: number | string }>("SELECT expires FROM web_sessions WHERE sid = ?", ["sid-busy"]))[0]!.expires);
    await s.write("sid-busy", sessionData(6, now + HOUR));
    // a page and its images, styles and scripts: many requests, no write
    for (let i = 1; i <= 20; i++) {
      now += 1000;
      await touch(now + HOUR);
    }
    expect(await expiry()).toBe(now - 20_000 + HOUR);
    now += 40_000;
    await touch(now + HOUR);
    expect(await expiry()).toBe(now + HOUR);
    // a change (a login, a flash message) is written however recent the last renewal
    now += 1000;
    await s.write("sid-busy", sessionData(7, now + 2 * HOUR));
    expect((await s.read("sid-busy"))?.accountId).toBe(7);
    // a destroyed session is forgotten: the same id written again renews at once
    await s.remove("sid-busy");
    await s.write("sid-busy", sessionData(8, now + HOUR));
    now += 61_000;
    await touch(now + 3 * HOUR);
    expect(await expiry()).toBe(now + 3 * HOUR);
  });

  it("answers express-session through its callback interface", async () => {
    const s = store();
    await new Promise<void>((resolve, reject) => s.set("sid-cb", sessionData(5, now + HOUR), (err) => (err ? reject(err as Error) : resolve())));
    const got = await new Promise<SessionData | null | undefined>((resolve, reject) => s.get("sid-cb", (err, data) => (err ? reject(err as Error) : resolve(data))));
    expect(got?.accountId).toBe(5);
    // a visit a minute later renews the expiry
    now += 60_000;
    await new Promise<void>((resolve) => s.touch("sid-cb", sessionData(5, now + 5 * HOUR), () => resolve()));
    const [row] = await ctx.db.query<{ expires: number | string }>("SELECT expires FROM web_sessions WHERE sid = ?", ["sid-cb"]);
    expect(Number(row!.expires)).toBe(now + 5 * HOUR);
    await new Promise<void>((resolve, reject) => s.destroy("sid-cb", (err) => (err ? reject(err as Error) : resolve())));
    expect(await s.read("sid-cb")).toBeNull();
  });
});
