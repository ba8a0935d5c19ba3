/**
 * Rows known gone are not remembered for ever. A game that makes and destroys things
 * all day (a load test's builders: 70,000 destroys in five minutes) grew the store's
 * set of deleted rows by one key a destroy, and a search for ids that do not exist
 * grew the set of absent rows likewise. Now a deleted row is remembered by name only
 * while a fetch begun before its delete committed may still bring it back, and the
 * absent rows keep the most recent few thousand. Both databases for the store; the
 * bookkeeping itself (`GoneRows`) on its own.
 */
import { describe, expect, it, vi } from "vitest";
import { collectGarbage, describeEachDatabase } from "../../evennia-ts/testing/database-fixture.ts";
import { createObject } from "../../evennia-ts/typeclasses/create.ts";
import { GoneRows } from "../../evennia-ts/typeclasses/gone-rows.ts";
import type { DefaultObject } from "../../evennia-ts/typeclasses/objects.ts";

describe("GoneRows", () => {
  it("forgets a committed delete as deleted once no fetch begun before the commit is open; it stays known absent", () => {
    const gone = new GoneRows(100);
    gone.deletedNow("object#1");
    expect(gone.has("object#1")).toBe(true);
    gone.deleteCommitted("object#1");
    expect(gone.sizes()).toEqual({ deleted: 0, absent: 1, openFetches: 0 });
    expect(gone.has("object#1")).toBe(true);
  });

  it("keeps a delete while a fetch begun before its commit has rows not settled; a fetch begun after does not hold it", () => {
    const gone = new GoneRows(100);
    const before = gone.beginFetch();
    gone.deletedNow("object#1");
    gone.deleteCommitted("object#1");
    const after = gone.beginFetch();
    expect(gone.sizes().deleted).toBe(1);
    // the early fetch's query is back with two rows: they may hold the deleted one until published
    gone.fetched(before, 2);
    gone.settled(before);
    expect(gone.sizes().deleted).toBe(1);
    gone.settled(before);
    // the later fetch is still running, but it began after the commit: it cannot see the row
    expect(gone.sizes()).toEqual({ deleted: 0, absent: 1, openFetches: 1 });
    gone.fetched(after, 0);
    expect(gone.sizes().openFetches).toBe(0);
    expect(gone.has("object#1")).toBe(true);
  });

  it("keeps a delete not committed yet, and the ones behind it, until it commits; an undone delete is not gone", () => {
    const gone = new GoneRows(100);
    gone.deletedNow("object#1");
    gone.deletedNow("object#2");
    gone.deleteCommitted("object#2");
    expect(gone.sizes().deleted).toBe(2);
    gone.deleteCommitted("object#1");
    expect(gone.sizes()).toEqual({ deleted: 0, absent: 2, openFetches: 0 });
    gone.deletedNow("object#3");
    gone.deleteUndone("object#3");
    expect(gone.has("object#3")).toBe(false);
    // committing a delete twice, or one never made, changes nothing
    gone.deleteCommitted("object#3");
    gone.deleteCommitted("object#1");
    expect(gone.sizes()).toEqual({ deleted: 0, absent: 2, openFetches: 0 });
  });

  it("remembers at most its limit of absent rows, the most recently named; a created row is not absent", () => {
    const gone = new GoneRows(3);
    for (const id of [1, 2, 3, 4]) gone.notFound(`object#${id}`);
    expect([1, 2, 3, 4].map((id) => gone.has(`object#${id}`))).toEqual([false, true, true, true]);
    gone.notFound("object#2"); // named again: now the most recent
    gone.notFound("object#5");
    expect([2, 3, 4, 5].map((id) => gone.has(`object#${id}`))).toEqual([true, false, true, true]);
    gone.created("object#5");
    expect(gone.has("object#5")).toBe(false);
    expect(gone.sizes().absent).toBe(2);
  });

  it("a failed fetch settles: it holds nothing after", () => {
    const gone = new GoneRows(10);
    const fetch = gone.beginFetch();
    gone.deletedNow("object#1");
    gone.deleteCommitted("object#1");
    expect(gone.sizes().deleted).toBe(1);
    gone.settled(fetch);
    expect(gone.sizes()).toEqual({ deleted: 0, absent: 1, openFetches: 0 });
  });
});

describeEachDatabase("deleted rows in the store", (ctx) => {
  const createMany = (n: number, prefix: string): Promise<DefaultObject[]> =>
    ctx.unit(async () => {
      const out: DefaultObject[] = [];
      for (let i = 0; i < n; i++) out.push(await createObject(undefined, { key: `${prefix}${i}` }));
      return out;
    });

  it("remembers no destroyed row by name once its delete committed; each stays gone, and loads as missing", async () => {
    const baseline = ctx.store.goneRowsSizes();
    const ids: number[] = [];
    for (let round = 0; round < 3; round++) {
      const objs = await createMany(100, `junk${round}-`);
      ids.push(...objs.map((o) => o.id));
      await ctx.unit(async () => {
        for (const o of objs) await o.delete();
      });
    }
    const sizes = ctx.store.goneRowsSizes();
    expect(sizes.deleted).toBe(baseline.deleted);
    expect(sizes.openFetches).toBe(0);
    expect(sizes.absent).toBe(baseline.absent + 300);
    for (const id of ids) expect(ctx.store.isGone({ kind: "object", id })).toBe(true);
    ctx.store.flush();
    await collectGarbage();
    expect(await ctx.unit(async () => (await ctx.store.load("object", ids.slice(0, 50))).filter((o) => o !== null))).toEqual([]);
  });

  it("keeps a deleted row by name while a load begun before the commit is still running, and forgets it after", async () => {
    const pair = await createMany(2, "pair-");
    const doomed = pair[0];
    const otherId = pair[1]!.id;
    pair.length = 0; // the other object is held by nothing now
    ctx.store.flush();
    await collectGarbage();
    expect(ctx.store.peek({ kind: "object", id: otherId })).toBeNull();
    // hold the fetch of the other object's row until told
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const query = ctx.db.query.bind(ctx.db);
    const spy = vi.spyOn(ctx.db, "query").mockImplementation(async (sql: string, params?: readonly unknown[]) => {
      const rows = await query(sql, params as unknown[]);
      if (/FROM objects WHERE id IN/.test(sql) && params?.includes(otherId)) await gate;
      return rows as never;
    });
    try {
      const loading = ctx.store.get("object", otherId);
      await vi.waitFor(() => expect(ctx.store.goneRowsSizes().openFetches).toBeGreaterThan(0));
      await ctx.unit(() => doomed!.delete());
      // committed, but the load began before: it is still remembered as deleted
      expect(ctx.store.goneRowsSizes().deleted).toBe(1);
      release();
      expect((await loading)?.id).toBe(otherId);
      expect(ctx.store.goneRowsSizes()).toMatchObject({ deleted: 0, openFetches: 0 });
      expect(ctx.store.isGone({ kind: "object", id: doomed!.id })).toBe(true);
    } finally {
      spy.mockRestore();
      release();
    }
  });
});
