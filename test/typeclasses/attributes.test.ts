/**
 * Attributes through the database, on both databases: every value type round
 * trips (write, flush, GC, reload from the database), references resolve to live
 * instances and read null once deleted, nested mutation is saved without
 * reassigning, `ndb` is not persistent, and values that cannot be stored are
 * refused at assignment with nothing written.
 */
import { expect, it } from "vitest";
import { untrack } from "../../evennia-ts/db/tracked-value.ts";
import { describeEachDatabase } from "../../evennia-ts/testing/database-fixture.ts";
import { DefaultObject, createObject, getById } from "../../evennia-ts/typeclasses/index.ts";
import { countRows, forget, storedAttribute } from "./store-helpers.ts";

/** A class that is not a typeclass: cannot be stored. */
class Point {
  constructor(
    readonly x: number,
    readonly y: number,
  ) {}
}

/** Every kind of value tagged JSON stores. */
function sampleValues(): Record<string, unknown> {
  return {
    int: 42,
    negfloat: -3.25,
    big: 2 ** 53 - 1,
    str: "héllo \"wörld\" ☃ \u0000 end",
    empty: "",
    yes: true,
    no: false,
    nothing: null,
    list: [1, "two", [3, [4]], { five: 5 }],
    plain: { a: 1, nested: { b: [true, null] }, $t: "escaped tag key" },
    map: new Map<unknown, unknown>([
      ["k", 1],
      [2, "two"],
      [JSON.stringify({ x: 1 }), new Set([1])],
    ]),
    set: new Set(["a", 1, false]),
    date: new Date(Date.UTC(1999, 11, 31, 23, 59, 59, 123)),
    special: [NaN, Infinity, -Infinity, -0, undefined],
    bigint: 12345678901234567890n,
  };
}

describeEachDatabase("attributes", (ctx) => {
  it("round-trips every value type through the database", async () => {
    const values = sampleValues();
    const make = async (): Promise<[number, WeakRef<object>]> => {
      const obj = await ctx.unit(async () => {
        const o = await createObject(undefined, { key: "vault" });
        for (const [k, v] of Object.entries(values)) o.db[k] = v;
        o.attributes.add("secret", { code: 7 }, { category: "Hidden", lockstring: "attrread:perm(Admin)" });
        return o;
      });
      return [obj.id, new WeakRef(obj)];
    };
    const [id, weak] = await make();
    await forget(ctx.store, weak);
    const obj = await getById(id);
    for (const [k, v] of Object.entries(values)) expect(untrack(obj!.db[k]), k).toEqual(v);
    expect(obj!.db.special[3]).toBe(-0);
    expect(Object.is(obj!.db.special[3], -0)).toBe(true);
    expect(obj!.db.date).toBeInstanceOf(Date);
    expect(obj!.db.date.getTime()).toBe(values.date instanceof Date && values.date.getTime());
    expect(obj!.db.map.get(2)).toBe("two");
    expect(obj!.db.set.has(false)).toBe(true);
    // category and lock string
    expect(obj!.db.secret).toBeUndefined();
    expect(obj!.attributes.get("SECRET", { category: "hidden" })).toEqual({ code: 7 });
    expect(obj!.attributes.lockstring("secret", { category: "hidden" })).toBe("attrread:perm(Admin)");
    const [row] = await ctx.db.query<{ category: string; lock_string: string }>(
      "SELECT category, lock_string FROM attributes WHERE owner_kind = 'object' AND owner_id = ? AND key = 'secret'",
      [id],
    );
    expect(row).toEqual({ category: "hidden", lock_string: "attrread:perm(Admin)" });
  });

  it("stores references to objects and resolves them to the live instances", async () => {
    const make = async (): Promise<[number, DefaultObject, WeakRef<object>, number]> => {
      const { owner, friend, far } = await ctx.unit(async () => {
        const friend = await createObject(undefined, { key: "friend" });
        const far = await createObject(undefined, { key: "far away" });
        const owner = await createObject(undefined, { key: "owner" });
        owner.db.friend = friend;
        owner.db.party = [friend, { who: far }, new Map([["lead", friend]])];
        return { owner, friend, far };
      });
      return [owner.id, friend, new WeakRef(owner), far.id];
    };
    const [ownerId, friend, weakOwner, farId] = await make();
    expect(await storedAttribute(ctx.db, ownerId, "friend")).toEqual({ kind: "object", id: friend.id, created: friend.dateCreated.getTime() });
    await forget(ctx.store, weakOwner); // "far away" is unreferenced and goes too
    expect(ctx.store.peek({ kind: "object", id: farId })).toBeNull();
    const owner = await getById(ownerId);
    expect(owner!.db.friend).toBe(friend); // the live instance, not a copy
    expect(owner!.db.party[0]).toBe(friend);
    expect(owner!.db.party[2].get("lead")).toBe(friend);
    // the unloaded target came along with the owner: synchronous read
    const far = owner!.db.party[1].who as DefaultObject;
    expect(far).toBeInstanceOf(DefaultObject);
    expect(far.key).toBe("far away");
    expect(await getById(farId)).toBe(far);
  });

  it("reads a reference to a deleted object as null, in memory and after reloading", async () => {
    const make = async (): Promise<[number, WeakRef<object>]> => {
      const owner = await ctx.unit(async () => {
        const target = await createObject(undefined, { key: "doomed" });
        const o = await createObject(undefined, { key: "mourner" });
        o.db.target = target;
        o.db.bag = [];
        return o;
      });
      await ctx.unit(() => owner.db.bag.push(owner.db.target)); // a reference added by nested mutation
      await ctx.unit(() => owner.db.target.delete());
      expect(owner.db.target).toBeNull();
      expect(owner.db.bag).toEqual([null]);
      return [owner.id, new WeakRef(owner)];
    };
    const [id, weak] = await make();
    await forget(ctx.store, weak);
    const owner = await getById(id);
    expect(owner!.db.target).toBeNull();
    expect(untrack(owner!.db.bag)).toEqual([null]);
  });

  it("saves nested mutation without reassigning", async () => {
    const obj = await ctx.unit(async () => {
      const o = await createObject(undefined, { key: "hoarder" });
      o.db.inventory = ["sword"];
      o.db.stats = { str: 10, skills: { swim: [1] } };
      o.db.seen = new Map([["a", 1]]);
      o.db.flags = new Set(["x"]);
      o.db.when = new Date(Date.UTC(2000, 0, 1));
      return o;
    });
    await ctx.unit(() => {
      obj.db.inventory.push("shield");
      obj.db.stats.str += 1;
      obj.db.stats.skills.swim.push(2);
      obj.db.seen.set("b", 2);
      obj.db.flags.add("y");
      obj.db.when.setUTCFullYear(2001);
    });
    expect(await storedAttribute(ctx.db, obj.id, "inventory")).toEqual(["sword", "shield"]);
    expect(await storedAttribute(ctx.db, obj.id, "stats")).toEqual({ str: 11, skills: { swim: [1, 2] } });
    expect(await storedAttribute(ctx.db, obj.id, "seen")).toEqual(new Map([["a", 1], ["b", 2]]));
    expect(await storedAttribute(ctx.db, obj.id, "flags")).toEqual(new Set(["x", "y"]));
    expect(await storedAttribute(ctx.db, obj.id, "when")).toEqual(new Date(Date.UTC(2001, 0, 1)));
    // a nested container read once and mutated later still writes through
    const inv = obj.db.inventory;
    await ctx.unit(() => inv.splice(0, 1));
    expect(await storedAttribute(ctx.db, obj.id, "inventory")).toEqual(["shield"]);
  });

  it("removes attributes from the database", async () => {
    const obj = await ctx.unit(async () => {
      const o = await createObject(undefined, { key: "forgetful" });
      o.db.a = 1;
      o.attributes.add("b", 2, { category: "c" });
      o.attributes.add("b", 3);
      return o;
    });
    expect(await countRows(ctx.db, "attributes", "owner_kind = 'object' AND owner_id = ?", [obj.id])).toBe(3);
    await ctx.unit(() => {
      delete obj.db.a;
      obj.attributes.remove("b", { category: "c" });
    });
    expect("a" in obj.db).toBe(false);
    expect(obj.db.b).toBe(3);
    expect(await countRows(ctx.db, "attributes", "owner_kind = 'object' AND owner_id = ?", [obj.id])).toBe(1);
  });

  it("keeps ndb out of the database", async () => {
    const make = async (): Promise<[number, WeakRef<DefaultObject>]> => {
      const obj = await ctx.unit(async () => {
        const o = await createObject(undefined, { key: "dreamer" });
        o.ndb.dream = { of: "sheep" };
        o.db.real = 1;
        return o;
      });
      expect(obj.ndb.dream).toEqual({ of: "sheep" });
      expect(ctx.store.isPinned(obj)).toBe(true);
      return [obj.id, new WeakRef(obj)];
    };
    const [id, weak] = await make();
    expect(await countRows(ctx.db, "attributes", "owner_kind = 'object' AND owner_id = ?", [id])).toBe(1);
    delete weak.deref()!.ndb.dream;
    expect(ctx.store.isPinned(weak.deref()!)).toBe(false);
    await forget(ctx.store); // let the deref above expire ...
    await forget(ctx.store, weak); // ... then it must be gone
    const again = await getById(id);
    expect(again!.ndb.dream).toBeUndefined();
    expect(again!.db.real).toBe(1);
  });

  it("refuses functions, class instances and cycles at assignment and writes nothing", async () => {
    const obj = await ctx.unit(async () => {
      const o = await createObject(undefined, { key: "picky" });
      o.db.stats = { str: 1 };
      o.db.list = [1];
      return o;
    });
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    const serializeError = expect.objectContaining({ code: "EV_ERR_SERIALIZE" });
    await ctx.unit(() => {
      expect(() => {
        obj.db.fn = () => 1;
      }).toThrow(serializeError);
      expect(() => obj.attributes.add("pt", new Point(1, 2))).toThrow(serializeError);
      expect(() => {
        obj.db.loop = cyclic;
      }).toThrow(serializeError);
      expect(() => {
        obj.db.stats = { str: 2, bad: new Point(0, 0) };
      }).toThrow(serializeError);
      // nested assignments are refused too, and leave the value as it was
      expect(() => {
        obj.db.stats.fn = () => 2;
      }).toThrow(serializeError);
      expect(() => obj.db.list.push(new Point(3, 4))).toThrow(serializeError);
      expect(() => {
        obj.db.stats.me = obj.db.stats;
      }).toThrow(serializeError);
    });
    expect(obj.attributes.has("fn")).toBe(false);
    expect(obj.attributes.has("pt")).toBe(false);
    expect(obj.attributes.has("loop")).toBe(false);
    expect(untrack(obj.db.stats)).toEqual({ str: 1 });
    expect(untrack(obj.db.list)).toEqual([1]);
    expect(await countRows(ctx.db, "attributes", "owner_kind = 'object' AND owner_id = ?", [obj.id])).toBe(2);
    expect(await storedAttribute(ctx.db, obj.id, "stats")).toEqual({ str: 1 });
    expect(await storedAttribute(ctx.db, obj.id, "list")).toEqual([1]);
    // the object is still usable
    await ctx.unit(() => {
      obj.db.stats.str = 5;
    });
    expect(await storedAttribute(ctx.db, obj.id, "stats")).toEqual({ str: 5 });
  });
});
