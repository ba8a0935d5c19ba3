/**
 * The identity map through the store, on both databases: one instance per row
 * however it is reached; after flush and a real GC an unreferenced object is gone
 * and reloads as a new instance with the same data; pinned objects stay.
 */
import { expect, it } from "vitest";
import { untrack } from "../../evennia-ts/db/tracked-value.ts";
import { collectGarbage, describeEachDatabase } from "../../evennia-ts/testing/database-fixture.ts";
import { DefaultObject, DefaultRoom, Store, createObject, getById, search } from "../../evennia-ts/typeclasses/index.ts";
import { forget, uniqueName } from "./store-helpers.ts";

describeEachDatabase("identity map", (ctx) => {
  it("returns one instance per row by id, by search, through a relation and through contents", async () => {
    const roomKey = uniqueName("Hall");
    const { room, chair } = await ctx.unit(async () => {
      const room = await createObject(DefaultRoom, { key: roomKey });
      const chair = await createObject(undefined, { key: "chair", location: room, aliases: ["seat"] });
      return { room, chair };
    });
    expect(await getById(room.id)).toBe(room);
    expect(await getById(`#${room.id}`)).toBe(room);
    expect((await search({ key: roomKey.toUpperCase() }))[0]).toBe(room);
    expect(chair.location).toBe(room);
    expect(room.contents).toEqual([chair]);
    expect((room.contents)[0]).toBe(chair);
    expect((await search({ key: "seat", location: room }))[0]).toBe(chair);
  });

  it("loads related rows with an object, so reading them is synchronous and gives the same instances", async () => {
    const roomKey = uniqueName("Cellar");
    const make = async (): Promise<[number, number, WeakRef<object>, WeakRef<object>]> => {
      const { room, box } = await ctx.unit(async () => {
        const room = await createObject(DefaultRoom, { key: roomKey });
        const box = await createObject(undefined, { key: "box", location: room, home: room });
        return { room, box };
      });
      return [room.id, box.id, new WeakRef(room), new WeakRef(box)];
    };
    const [roomId, boxId, weakRoom, weakBox] = await make();
    await forget(ctx.store, weakRoom, weakBox);
    const box = await getById(boxId);
    // the room came with the box: location is a synchronous read, no await
    const location = box!.location;
    expect(location).toBeInstanceOf(DefaultRoom);
    expect(location!.id).toBe(roomId);
    expect(box!.home).toBe(location);
    expect(await getById(roomId)).toBe(location);
    expect((await search({ key: roomKey }))[0]).toBe(location);
  });

  it("gives one instance to concurrent loads of the same rows", async () => {
    const roomKey = uniqueName("Crossing");
    const make = async (): Promise<[number, number, WeakRef<object>, WeakRef<object>]> => {
      const { room, cart } = await ctx.unit(async () => {
        const room = await createObject(DefaultRoom, { key: roomKey });
        const cart = await createObject(undefined, { key: "cart", location: room });
        return { room, cart };
      });
      return [room.id, cart.id, new WeakRef(room), new WeakRef(cart)];
    };
    const [roomId, cartId, weakRoom, weakCart] = await make();
    await forget(ctx.store, weakRoom, weakCart);
    const [a, b, found, cart] = await Promise.all([getById(roomId), getById(roomId), search({ key: roomKey }), getById(cartId)]);
    expect(a).not.toBeNull();
    expect(b).toBe(a);
    expect(found[0]).toBe(a);
    expect(cart!.location).toBe(a);
  });

  it("drops an unpinned, unreferenced object after flush and GC; it reloads as a new instance with the same data", async () => {
    const key = uniqueName("Pebble");
    const make = async (): Promise<[number, WeakRef<object>, number]> => {
      const roomObj = await ctx.unit(() => createObject(DefaultRoom, { key: uniqueName("Beach") }));
      const obj = await ctx.unit(async () => {
        const o = await createObject(undefined, { key, location: roomObj, tags: [["shiny", "looks"]], aliases: ["stone"] });
        o.db.weight = 3;
        o.db.history = new Map([["found", new Date(Date.UTC(2020, 1, 2))]]);
        return o;
      });
      return [obj.id, new WeakRef(obj), roomObj.id];
    };
    const [id, weak, roomId] = await make();
    const liveBefore = ctx.store.stats().object.live;
    await forget(ctx.store, weak);
    expect(ctx.store.stats().object.live).toBeLessThan(liveBefore);
    expect(ctx.store.peek({ kind: "object", id })).toBeNull();
    const again = await getById(id);
    expect(again).not.toBeNull();
    expect(again).not.toBe(weak.deref()); // (undefined) — a new instance was built
    expect(again!.key).toBe(key);
    expect(again!.db.weight).toBe(3);
    expect(untrack(again!.db.history)).toEqual(new Map([["found", new Date(Date.UTC(2020, 1, 2))]]));
    expect(again!.tags.all()).toEqual([{ key: "shiny", category: "looks" }]);
    expect(again!.aliases.get()).toEqual(["stone"]);
    expect(again!.location?.id).toBe(roomId);
    expect(await getById(id)).toBe(again);
  });

  it("keeps pinned objects (ndb data, puppets) through flush and GC, and lets them go once unpinned", async () => {
    const make = async (): Promise<[number, number, WeakRef<DefaultObject>, WeakRef<DefaultObject>]> => {
      const [a, b] = await ctx.unit(async () => [await createObject(undefined, { key: "noted" }), await createObject(undefined, { key: "puppet" })]);
      a!.ndb.target = "the moon";
      ctx.store.pin(b!, "puppet");
      return [a!.id, b!.id, new WeakRef(a!), new WeakRef(b!)];
    };
    const [aId, bId, weakA, weakB] = await make();
    ctx.store.flush();
    await collectGarbage();
    expect(weakA.deref()).toBeDefined();
    expect(weakB.deref()).toBeDefined();
    expect(await getById(aId)).toBe(weakA.deref());
    expect(await getById(bId)).toBe(weakB.deref());
    expect(weakA.deref()!.ndb.target).toBe("the moon");
    expect(ctx.store.stats().object.pinned).toBeGreaterThanOrEqual(2);
    // unpin: ndb emptied, puppet released
    const unpin = (): void => {
      delete weakA.deref()!.ndb.target;
      ctx.store.unpin(weakB.deref()!, "puppet");
    };
    unpin();
    await collectGarbage(); // let the WeakRef reads above expire
    await forget(ctx.store, weakA, weakB);
    const reloaded = await getById(aId);
    expect(reloaded!.key).toBe("noted");
    expect(reloaded!.ndb.target).toBeUndefined(); // ndb is not persistent
  });

  it("keeps recently used objects in the LRU until flush", async () => {
    // a second store on the same database, with an LRU (the fixture's store has none)
    const lruStore = new Store(ctx.db, { lruSize: 10 });
    await lruStore.init();
    const id = await ctx.unit(async () => (await createObject(undefined, { key: "warm" })).id);
    const load = async (): Promise<WeakRef<object>> => new WeakRef((await lruStore.get("object", id))!);
    const weak = await load();
    await collectGarbage();
    expect(weak.deref()).toBeDefined(); // held by the LRU
    expect(lruStore.stats().object.strong).toBe(1);
    expect(lruStore.flush()).toBe(1);
    await collectGarbage();
    expect(weak.deref()).toBeUndefined();
  });
});
