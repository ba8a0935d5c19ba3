/**
 * Ids are never handed out twice, and stored references are verifiable: create,
 * delete the newest row, restart, create again — on both databases. The high-water
 * mark is written in the same transaction as the row; a reference whose target row
 * has another creation time (an id reused behind the framework's back) reads null.
 */
import { expect, it } from "vitest";
import { Database } from "../../evennia-ts/db/database.ts";
import { runInUnitOfWork } from "../../evennia-ts/db/unit-of-work.ts";
import { describeEachDatabase } from "../../evennia-ts/testing/database-fixture.ts";
import { DefaultObject, Store } from "../../evennia-ts/typeclasses/index.ts";

/** A server start on the suite's database: a new Database and Store on the same data. */
async function restart(url: string): Promise<{ db: Database; store: Store }> {
  const db = await Database.open({ url });
  const store = new Store(db, { lruSize: 0 });
  await store.init();
  return { db, store };
}

const highWater = async (db: Database, table: string): Promise<number> =>
  Number((await db.query<{ high_water: unknown }>("SELECT high_water FROM id_high_water WHERE table_name = ?", [table]))[0]?.high_water);

describeEachDatabase("id allocation and stored references", (ctx) => {
  it("never hands out the id of a deleted newest object again, across a restart", async () => {
    const url = ctx.fixture.scratch.url;
    let first = await restart(url);
    let holderId: number;
    let goneId: number;
    try {
      const { store, db } = first;
      ({ holderId, goneId } = await runInUnitOfWork(db, async () => {
        const holder = (await store.create(DefaultObject, { key: "holder" })) as DefaultObject;
        const newest = (await store.create(DefaultObject, { key: "newest" })) as DefaultObject;
        holder.db.friend = newest;
        return { holderId: holder.id, goneId: newest.id };
      }));
      expect(goneId).toBeGreaterThan(holderId);
      expect(await highWater(db, "objects")).toBe(goneId);
      await runInUnitOfWork(db, async () => {
        await store.deleteObject((await store.get("object", goneId))!);
      });
      const [{ max }] = await db.query<{ max: unknown }>("SELECT MAX(id) AS max FROM objects");
      expect(Number(max)).toBe(holderId); // the newest row is gone: MAX(id)+1 would reuse its id
    } finally {
      await first.db.close();
    }
    first = await restart(url);
    try {
      const { store, db } = first;
      const fresh = await runInUnitOfWork(db, () => store.create(DefaultObject, { key: "fresh" }));
      expect(fresh.id).toBeGreaterThan(goneId);
      const holder = (await store.get("object", holderId)) as DefaultObject;
      expect(holder.db.friend).toBeNull();
      expect(await highWater(db, "objects")).toBe(fresh.id);
    } finally {
      await first.db.close();
    }
  });

  it("writes the high-water mark in the same transaction as the row", async () => {
    const { db, store } = await restart(ctx.fixture.scratch.url);
    try {
      const before = await highWater(db, "objects");
      let id = 0;
      await expect(
        runInUnitOfWork(db, async (uow) => {
          id = (await store.create(DefaultObject, { key: "doomed" })).id;
          uow.stage("broken", () => [{ sql: "INSERT INTO no_such_table VALUES (1)" }]);
        }),
      ).rejects.toMatchObject({ code: "EV_ERR_DB" });
      expect(id).toBeGreaterThan(before);
      expect(await highWater(db, "objects")).toBe(before); // rolled back with the row
      expect(await db.query("SELECT id FROM objects WHERE id = ?", [id])).toEqual([]);
      // the id stays used in this process all the same
      const next = await runInUnitOfWork(db, () => store.create(DefaultObject, { key: "next" }));
      expect(next.id).toBeGreaterThan(id);
      expect(await highWater(db, "objects")).toBe(next.id);
    } finally {
      await db.close();
    }
  });

  it("reads a reference as null when its id now holds a row created at another time", async () => {
    const url = ctx.fixture.scratch.url;
    const { db, store } = await restart(url);
    let holderId: number;
    let targetId: number;
    let created: number;
    try {
      ({ holderId, targetId, created } = await runInUnitOfWork(db, async () => {
        const target = (await store.create(DefaultObject, { key: "original" })) as DefaultObject;
        const holder = (await store.create(DefaultObject, { key: "holder" })) as DefaultObject;
        holder.db.target = target;
        holder.db.nested = { list: [target] };
        return { holderId: holder.id, targetId: target.id, created: target.dateCreated.getTime() };
      }));
    } finally {
      await db.close();
    }
    // behind the framework's back: the row is replaced by another one with the same id
    const raw = await Database.open({ url });
    try {
      await raw.write([
        { sql: "DELETE FROM objects WHERE id = ?", params: [targetId] },
        {
          sql: "INSERT INTO objects (id, key, key_lower, typeclass_path, lock_storage, date_created) VALUES (?, ?, ?, ?, ?, ?)",
          params: [targetId, "impostor", "impostor", "typeclasses.objects.Object", "", created + 1],
        },
      ]);
    } finally {
      await raw.close();
    }
    const again = await restart(url);
    try {
      const holder = (await again.store.get("object", holderId)) as DefaultObject;
      expect(holder.db.target).toBeNull();
      expect(holder.db.nested).toEqual({ list: [null] });
      // the row itself loads; only the stale reference does not resolve to it
      expect(((await again.store.get("object", targetId)) as DefaultObject).key).toBe("impostor");
      expect(holder.db.target).toBeNull();
    } finally {
      await again.db.close();
    }
  });

  it("still resolves references stored without a creation time (written before it was kept)", async () => {
    const { db, store } = await restart(ctx.fixture.scratch.url);
    try {
      const { holderId, targetId } = await runInUnitOfWork(db, async () => {
        const target = await store.create(DefaultObject, { key: "old-style" });
        const holder = await store.create(DefaultObject, { key: "old holder" });
        return { holderId: holder.id, targetId: target.id };
      });
      await db.write([
        {
          sql: "INSERT INTO attributes (owner_kind, owner_id, key, category, value, lock_string, date_created) VALUES (?, ?, ?, ?, ?, ?, ?)",
          params: ["object", holderId, "legacy", "", JSON.stringify({ $t: "ref", kind: "object", id: targetId }), "", 0],
        },
      ]);
      const fresh = await restart(ctx.fixture.scratch.url);
      try {
        const holder = (await fresh.store.get("object", holderId)) as DefaultObject;
        expect((holder.db.legacy as DefaultObject).id).toBe(targetId);
      } finally {
        await fresh.db.close();
      }
    } finally {
      await db.close();
    }
  });
});
