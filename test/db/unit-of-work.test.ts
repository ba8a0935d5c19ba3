/**
 * Units of work on both databases: one transaction per unit, output after commit,
 * nothing written and memory restored when a unit throws or its commit fails, and
 * concurrent units that never share a transaction.
 */
import { setImmediate as nextTurn } from "node:timers/promises";
import { expect, it } from "vitest";
import { UnitOfWork, currentUnitOfWork, flushImplicitWrites, runInUnitOfWork } from "../../evennia-ts/db/unit-of-work.ts";
import { untrack } from "../../evennia-ts/db/tracked-value.ts";
import { describeEachDatabase } from "../../evennia-ts/testing/database-fixture.ts";
import { DefaultAccount, DefaultObject, DefaultRoom, createAccount, createObject, getById, search } from "../../evennia-ts/typeclasses/index.ts";
import { countRows, storedAttribute, uniqueName } from "../typeclasses/store-helpers.ts";

const isCode = (code: string) => expect.objectContaining({ code });

describeEachDatabase("unit of work", (ctx) => {
  it("commits all writes of a unit in one transaction: a failing last statement leaves nothing", async () => {
    const taken = uniqueName("taken");
    const [holder, other] = await ctx.unit(async () => [
      await createAccount(undefined, { username: taken, password: "pw-1" }),
      await createAccount(undefined, { username: uniqueName("other"), password: "pw-2" }),
    ]);
    const otherName = other!.username;
    const thingKey = uniqueName("thing");
    let createdId = 0;
    const failure = ctx.unit(async () => {
      const thing = await createObject(undefined, { key: thingKey, tags: ["t"] });
      createdId = thing.id;
      thing.db.a = 1;
      holder!.db.note = "written before the failing statement";
      other!.username = taken; // unique violation at commit, after the other writes
    });
    await expect(failure).rejects.toThrow(isCode("EV_ERR_DB"));
    expect(await countRows(ctx.db, "objects", "id = ?", [createdId])).toBe(0);
    expect(await countRows(ctx.db, "attributes", "owner_kind = 'object' AND owner_id = ?", [createdId])).toBe(0);
    expect(await countRows(ctx.db, "tags", "owner_kind = 'object' AND owner_id = ?", [createdId])).toBe(0);
    expect(await storedAttribute(ctx.db, holder!.id, "note", "", "account")).toBeUndefined();
    // ... and memory is as before
    expect(other!.username).toBe(otherName);
    expect(holder!.db.note).toBeUndefined();
    expect(ctx.store.peek({ kind: "object", id: createdId })).toBeNull();
    expect(await getById(createdId)).toBeNull();
    expect(await search({ key: thingKey })).toEqual([]);
  });

  it("delivers output queued with afterCommit only after the commit, and never for a failed unit", async () => {
    const delivered: string[] = [];
    const seenInDb: Promise<number>[] = [];
    const key = uniqueName("crate");
    await ctx.unit(async (uow) => {
      await createObject(undefined, { key });
      uow.afterCommit(() => {
        delivered.push("You made a crate.");
        seenInDb.push(countRows(ctx.db, "objects", "key = ?", [key]));
      });
      await ctx.db.query("SELECT 1 AS one"); // the unit goes on past an await
      expect(delivered).toEqual([]);
    });
    expect(delivered).toEqual(["You made a crate."]);
    expect(await Promise.all(seenInDb)).toEqual([1]);
    await expect(
      ctx.unit(async (uow) => {
        uow.afterCommit(() => delivered.push("never"));
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect(delivered).toEqual(["You made a crate."]);
  });

  it("groups consecutive afterCommitGrouped calls with one key into one call, in registration order", async () => {
    const calls: string[] = [];
    const run = (key: { name: string }, items: number[]) => void calls.push(`${key.name}:${items.join(",")}`);
    const say = { name: "say" };
    const pose = { name: "pose" };
    await ctx.unit(async (uow) => {
      uow.afterCommitGrouped(say, 1, run);
      uow.afterCommitGrouped(say, 2, run);
      uow.afterCommitGrouped(pose, 3, run); // another key: a new group
      uow.afterCommitGrouped(say, 4, run); // the say group is no longer last: a new one
      uow.afterCommit(() => calls.push("plain"));
      uow.afterCommitGrouped(say, 5, run); // nothing may join across the plain callback
      uow.afterCommitGrouped(say, 6, (key, items) => void calls.push(`other run ${key.name}:${items.join(",")}`));
      expect(calls).toEqual([]);
    });
    expect(calls).toEqual(["say:1,2", "pose:3", "say:4", "plain", "say:5", "other run say:6"]);
    // a failed unit delivers none; a finished one runs at once
    await expect(
      ctx.unit(async (uow) => {
        uow.afterCommitGrouped(say, 7, run);
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    const uow = new UnitOfWork(ctx.db);
    await uow.commit();
    uow.afterCommitGrouped(say, 8, run);
    expect(calls.slice(6)).toEqual(["say:8"]);
  });

  it("writes nothing and rolls back every in-memory change when the unit throws", async () => {
    const { room, other, thing, victim } = await ctx.unit(async () => {
      const room = await createObject(DefaultRoom, { key: uniqueName("Lab") });
      const other = await createObject(DefaultRoom, { key: uniqueName("Yard") });
      const thing = await createObject(undefined, { key: "flask", location: room, tags: ["glass"], aliases: ["bottle"] });
      thing.db.liquid = "water";
      thing.db.levels = [1, 2];
      thing.db.meta = { temp: 20 };
      const victim = await createObject(undefined, { key: "beaker", location: room });
      victim.db.kept = true;
      return { room, other, thing, victim };
    });
    const rowsBefore = await ctx.db.query("SELECT * FROM objects ORDER BY id");
    const attrsBefore = await ctx.db.query("SELECT owner_id, key, category, value FROM attributes ORDER BY id");
    const tagsBefore = await ctx.db.query("SELECT owner_id, key, category, kind FROM tags ORDER BY id");
    let createdId = 0;
    await expect(
      ctx.unit(async () => {
        thing.key = "vial";
        thing.location = other;
        thing.db.liquid = "acid";
        thing.db.levels.push(3);
        thing.db.meta.temp += 80;
        delete thing.db.meta;
        thing.db.fresh = "new";
        thing.tags.add("cracked");
        thing.tags.remove("glass");
        thing.aliases.add("phial");
        const created = await createObject(undefined, { key: "spill", location: room });
        createdId = created.id;
        await victim.delete();
        await nextTurn();
        throw new Error("explosion");
      }),
    ).rejects.toThrow("explosion");
    // the database is untouched
    expect(await ctx.db.query("SELECT * FROM objects ORDER BY id")).toEqual(rowsBefore);
    expect(await ctx.db.query("SELECT owner_id, key, category, value FROM attributes ORDER BY id")).toEqual(attrsBefore);
    expect(await ctx.db.query("SELECT owner_id, key, category, kind FROM tags ORDER BY id")).toEqual(tagsBefore);
    // memory is as before
    expect(thing.key).toBe("flask");
    expect(thing.location).toBe(room);
    expect(thing.db.liquid).toBe("water");
    expect(untrack(thing.db.levels)).toEqual([1, 2]);
    expect(untrack(thing.db.meta)).toEqual({ temp: 20 });
    expect("fresh" in thing.db).toBe(false);
    expect(thing.tags.get().sort()).toEqual(["glass"]);
    expect(thing.aliases.get()).toEqual(["bottle"]);
    expect(ctx.store.peek({ kind: "object", id: createdId })).toBeNull();
    expect(victim.isDeleted).toBe(false);
    expect(victim.db.kept).toBe(true);
    expect(await getById(victim.id)).toBe(victim);
    expect((room.contents).map((o) => o.key)).toEqual(["flask", "beaker"]);
    expect(await search({ key: "vial" })).toEqual([]);
    // and the objects still work
    await ctx.unit(() => {
      thing.db.levels.push(9);
    });
    expect(await storedAttribute(ctx.db, thing.id, "levels")).toEqual([1, 2, 9]);
  });

  it("runs 50 concurrent units without sharing transactions or locking errors", async () => {
    const counter = await ctx.unit(async () => {
      const c = await createObject(undefined, { key: uniqueName("counter") });
      c.db.count = 0;
      return c;
    });
    const tag = uniqueName("batch");
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) =>
        ctx.unit(async () => {
          const obj = await createObject(undefined, { key: `item${i}`, tags: [tag] });
          await nextTurn(); // interleave with the other units
          obj.db.n = i;
          const fails = i % 10 === 7;
          // (units that fail leave the shared counter alone: units see each other's uncommitted changes)
          if (!fails) counter.db.count += 1;
          await ctx.db.query("SELECT COUNT(*) AS n FROM objects");
          obj.db.square = i * i;
          if (fails) throw new Error(`unit ${i} fails`);
          return obj.id;
        }),
      ),
    );
    const failed = results.filter((r) => r.status === "rejected");
    expect(failed.map((r) => String((r as PromiseRejectedResult).reason.message)).sort()).toEqual(
      ["unit 17 fails", "unit 27 fails", "unit 37 fails", "unit 47 fails", "unit 7 fails"].sort(),
    );
    const ids = results.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
    expect(ids).toHaveLength(45);
    expect(await countRows(ctx.db, "tags", "key = ?", [tag])).toBe(45);
    expect(await countRows(ctx.db, "attributes", "key = 'square'")).toBe(45);
    for (const id of ids) {
      const obj = await getById(id);
      expect(await storedAttribute(ctx.db, id, "square")).toBe(obj!.db.n * obj!.db.n);
    }
    expect(counter.db.count).toBe(45);
    expect(await storedAttribute(ctx.db, counter.id, "count")).toBe(45);
  });

  it("keeps concurrent units apart: one throwing never takes the other's writes, or gives it its own", async () => {
    const [a, b] = await ctx.unit(async () => [await createObject(undefined, { key: "a" }), await createObject(undefined, { key: "b" })]);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const unitA = ctx.unit(async (uow) => {
      a!.db.mark = "A1";
      await gate;
      expect(currentUnitOfWork()).toBe(uow);
      a!.db.mark2 = "A2";
    });
    const unitB = ctx.unit(async () => {
      b!.db.mark = "B";
      a!.db.fromB = "B wrote this";
      release();
      await nextTurn();
      throw new Error("B fails");
    });
    await expect(unitB).rejects.toThrow("B fails");
    await unitA;
    expect(await storedAttribute(ctx.db, a!.id, "mark")).toBe("A1");
    expect(await storedAttribute(ctx.db, a!.id, "mark2")).toBe("A2");
    expect(await storedAttribute(ctx.db, a!.id, "frombe")).toBeUndefined();
    expect(await storedAttribute(ctx.db, a!.id, "fromb")).toBeUndefined();
    expect(await storedAttribute(ctx.db, b!.id, "mark")).toBeUndefined();
    expect(a!.db.fromB).toBeUndefined();
    expect(a!.db.mark).toBe("A1");
  });

  it("writes what memory holds when units that changed the same values commit out of order", async () => {
    const obj = await ctx.unit(async () => {
      const o = await createObject(undefined, { key: "contested" });
      o.db.count = 0;
      o.tags.add("old");
      return o;
    });
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const first = ctx.unit(async () => {
      obj.db.count = 1;
      obj.db.gone = "soon";
      obj.tags.add("new");
      await gate; // commits after the second unit
    });
    await ctx.unit(() => {
      obj.db.count = 2;
      delete obj.db.gone;
      obj.tags.remove("new");
      obj.tags.remove("old");
    });
    release();
    await first;
    expect(obj.db.count).toBe(2);
    expect(await storedAttribute(ctx.db, obj.id, "count")).toBe(2);
    expect("gone" in obj.db).toBe(false);
    expect(await storedAttribute(ctx.db, obj.id, "gone")).toBeUndefined();
    expect(obj.tags.get()).toEqual([]);
    expect(await countRows(ctx.db, "tags", "owner_kind = 'object' AND owner_id = ?", [obj.id])).toBe(0);
  });

  it("undoing a failed unit never reverts what another unit changed after it (memory stays equal to the database)", async () => {
    const { obj, room1, room2 } = await ctx.unit(async () => {
      const room1 = await createObject(DefaultRoom, { key: uniqueName("East") });
      const room2 = await createObject(DefaultRoom, { key: uniqueName("West") });
      const o = await createObject(undefined, { key: "shared", location: room1 });
      o.db.count = 0;
      o.db.list = [];
      return { obj: o, room1, room2 };
    });
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const x = ctx.unit(async () => {
      obj.db.count = 1;
      obj.db.list.push("x");
      obj.key = "x-key";
      obj.location = null;
      await gate;
      throw new Error("X fails");
    });
    await ctx.unit(() => {
      obj.db.count = 2;
      obj.db.list.push("y");
      obj.key = "y-key";
      obj.location = room2;
    });
    release();
    await expect(x).rejects.toThrow("X fails");
    expect(obj.db.count).toBe(2);
    expect(await storedAttribute(ctx.db, obj.id, "count")).toBe(2);
    expect(untrack(obj.db.list)).toEqual(await storedAttribute(ctx.db, obj.id, "list"));
    expect(obj.key).toBe("y-key");
    expect(obj.location).toBe(room2);
    const [row] = await ctx.db.query<{ key: string; location_id: number }>("SELECT key, location_id FROM objects WHERE id = ?", [obj.id]);
    expect({ key: row!.key, location: Number(row!.location_id) }).toEqual({ key: "y-key", location: room2.id });
    expect(room1.contents).toEqual([]);
  });

  it("rolls back only the unit whose commit fails (unique account name)", async () => {
    const name = uniqueName("Twin");
    const outcomes = await Promise.allSettled([
      ctx.unit(async () => {
        const acc = await createAccount(undefined, { username: name, password: "pw-a" });
        const pet = await createObject(undefined, { key: "pet-a" });
        acc.db.pet = pet;
        return acc;
      }),
      ctx.unit(async () => {
        // a second account reaching the same name by a rename: only the commit can notice
        const acc = await createAccount(undefined, { username: uniqueName("tmp"), password: "pw-b" });
        const pet = await createObject(undefined, { key: "pet-b" });
        acc.db.pet = pet;
        acc.username = name.toUpperCase();
        return acc;
      }),
      ctx.unit(async () => (await createObject(undefined, { key: uniqueName("bystander") })).id),
    ]);
    // whichever commits second fails at its commit; the bystander is not affected
    expect(outcomes[2]!.status).toBe("fulfilled");
    const statuses = outcomes.slice(0, 2).map((o) => o.status);
    expect(statuses.sort()).toEqual(["fulfilled", "rejected"]);
    const winner = outcomes[0]!.status === "fulfilled" ? 0 : 1;
    const loser = 1 - winner;
    expect((outcomes[loser] as PromiseRejectedResult).reason).toEqual(isCode("EV_ERR_DB"));
    const rows = await ctx.db.query<{ id: number }>("SELECT id FROM accounts WHERE username_lower = ?", [name.toLowerCase()]);
    expect(rows.map((r) => Number(r.id))).toEqual([(outcomes[winner] as PromiseFulfilledResult<DefaultAccount>).value.id]);
    const pets = ["pet-a", "pet-b"];
    expect(await countRows(ctx.db, "objects", "key = ?", [pets[loser]])).toBe(0);
    expect(await countRows(ctx.db, "objects", "key = ?", [pets[winner]])).toBe(1);
    expect(await countRows(ctx.db, "objects", "id = ?", [(outcomes[2] as PromiseFulfilledResult<number>).value])).toBe(1);
    expect(await search({ key: pets[loser]! })).toEqual([]);
    expect((await search({ kind: "account", key: name })).length).toBe(1);
  });

  it("commits units queued together (group commit) each on its own: a failing one takes nothing of the others", async () => {
    const [holder, renamed] = await ctx.unit(async () => [
      await createAccount(undefined, { username: uniqueName("holder"), password: "pw" }),
      await createAccount(undefined, { username: uniqueName("renamed"), password: "pw" }),
    ]);
    const oldName = renamed!.username;
    // keep the writer busy so that the units' commits queue up and go in one group
    const busy = ctx.db.write([{ sql: ctx.dialect === "postgres" ? "SELECT pg_sleep(0.3)" : "SELECT 1" }]);
    const keys = [uniqueName("g1"), uniqueName("g2")];
    const outcomes = await Promise.allSettled([
      ctx.unit(async () => (await createObject(undefined, { key: keys[0]!, attributes: { n: 1 } })).id),
      ctx.unit(() => {
        renamed!.username = holder!.username; // unique violation at commit
      }),
      ctx.unit(async () => (await createObject(undefined, { key: keys[1]!, attributes: { n: 2 } })).id),
    ]);
    await busy;
    expect(outcomes.map((o) => o.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect((outcomes[1] as PromiseRejectedResult).reason).toEqual(isCode("EV_ERR_DB"));
    expect(renamed!.username).toBe(oldName);
    for (const [i, key] of keys.entries()) {
      const id = (outcomes[i * 2] as PromiseFulfilledResult<number>).value;
      expect(await countRows(ctx.db, "objects", "id = ? AND key = ?", [id, key])).toBe(1);
      expect(await storedAttribute(ctx.db, id, "n")).toBe(i + 1);
    }
    const [row] = await ctx.db.query<{ username: string }>("SELECT username FROM accounts WHERE id = ?", [renamed!.id]);
    expect(row?.username).toBe(oldName);
  });

  it("lets only one of two concurrent createAccount calls with one name succeed", async () => {
    const name = uniqueName("Same");
    const outcomes = await Promise.allSettled(
      [1, 2].map((n) =>
        ctx.unit(async () => {
          await createObject(undefined, { key: `${name}-side-${n}` });
          return createAccount(undefined, { username: n === 1 ? name : name.toLowerCase(), password: "pw" });
        }),
      ),
    );
    expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(1);
    const loser = outcomes.find((o) => o.status === "rejected") as PromiseRejectedResult;
    expect(["EV_ERR_BAD_INPUT", "EV_ERR_DB"]).toContain(loser.reason.code);
    expect(await countRows(ctx.db, "accounts", "username_lower = ?", [name.toLowerCase()])).toBe(1);
    expect(await countRows(ctx.db, "objects", "key LIKE ?", [`${name}-side-%`])).toBe(1);
  });

  it("joins an outer unit from nested calls, and commits writes made outside any unit", async () => {
    const outer = await ctx.unit(async (uow) => {
      const inner = await runInUnitOfWork(ctx.db, (u) => u);
      expect(inner).toBe(uow);
      return uow;
    });
    expect(outer.isFinished).toBe(true);
    const loose = await createObject(undefined, { key: uniqueName("loose") }); // no unit: an implicit one
    loose.db.x = 1;
    await flushImplicitWrites();
    expect(await storedAttribute(ctx.db, loose.id, "x")).toBe(1);
  });

  it("rolls back a unit whose staged write cannot be built at commit", async () => {
    const obj = await ctx.unit(() => createObject(undefined, { key: uniqueName("fragile") }));
    const delivered: string[] = [];
    const uow = new UnitOfWork(ctx.db);
    uow.stage("ok", () => [{ sql: "UPDATE objects SET key = ? WHERE id = ?", params: ["changed", obj.id] }]);
    uow.stage("broken", () => {
      throw new Error("cannot build");
    });
    uow.recordUndo(() => delivered.push("undone"));
    uow.afterCommit(() => delivered.push("delivered"));
    await expect(uow.commit()).rejects.toThrow("cannot build");
    expect(uow.isFinished).toBe(true);
    expect(delivered).toEqual(["undone"]);
    const [row] = await ctx.db.query<{ key: string }>("SELECT key FROM objects WHERE id = ?", [obj.id]);
    expect(row?.key).toBe(obj.key);
  });

  it("leaves no references to the objects of a committed unit behind", async () => {
    const make = async (): Promise<WeakRef<DefaultObject>> => {
      const obj = await ctx.unit(async () => {
        const o = await createObject(undefined, { key: uniqueName("transient") });
        o.db.v = [1];
        await ctx.db.query("SELECT 1 AS one");
        return o;
      });
      return new WeakRef(obj);
    };
    const weak = await make();
    ctx.store.flush();
    const { collectGarbage } = await import("../../evennia-ts/testing/database-fixture.ts");
    await collectGarbage();
    expect(weak.deref()).toBeUndefined();
  });

  it("is not kept alive by the attributes it wrote once it committed (they outlive it)", async () => {
    const obj = await ctx.unit(async () => createObject(undefined, { key: uniqueName("keeper") }));
    const write = async (): Promise<WeakRef<UnitOfWork>> => {
      let unit: UnitOfWork | null = null;
      await ctx.unit(async () => {
        unit = currentUnitOfWork() ?? null;
        obj.db.plain = 1;
        obj.db.list = [1];
      });
      // a nested change in a unit of its own
      await ctx.unit(async () => {
        (obj.db.list as number[]).push(2);
      });
      return new WeakRef(unit!);
    };
    const weak = await write();
    const { collectGarbage } = await import("../../evennia-ts/testing/database-fixture.ts");
    await collectGarbage();
    expect(weak.deref()).toBeUndefined();
    // and the attributes still undo only what their own unit wrote
    await expect(
      ctx.unit(async () => {
        obj.db.plain = 2;
        (obj.db.list as number[]).push(3);
        throw new Error("rolled back");
      }),
    ).rejects.toThrow("rolled back");
    expect(obj.db.plain).toBe(1);
    expect(untrack(obj.db.list)).toEqual([1, 2]);
    expect(await storedAttribute(ctx.db, obj.id, "list")).toEqual([1, 2]);
  });
});

it("works on an in-memory SQLite database too", async () => {
  const { openDatabaseFixture } = await import("../../evennia-ts/testing/database-fixture.ts");
  const fx = await openDatabaseFixture("sqlite", { memory: true });
  try {
    const obj = await fx.unit(async () => {
      const o = await createObject(undefined, { key: "ephemeral" });
      o.db.n = 1;
      return o;
    });
    expect(obj).toBeInstanceOf(DefaultObject);
    expect(await storedAttribute(fx.db, obj.id, "n")).toBe(1);
  } finally {
    await fx.close();
  }
});
