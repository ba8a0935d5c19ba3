/**
 * Contents in memory (issue 11 point 5), on both databases: every location knows
 * what is inside it without a query, kept in step with moves, creates, deletes and
 * rolled-back units, rebuilt when objects are loaded again, and never claiming to
 * be complete when it is not.
 */
import { expect, it, vi } from "vitest";
import { describeEachDatabase } from "../../evennia-ts/testing/database-fixture.ts";
import { DefaultCharacter, DefaultExit, DefaultObject, DefaultRoom, createObject, getById } from "../../evennia-ts/typeclasses/index.ts";
import { forget, uniqueName } from "./store-helpers.ts";

/** Count the SELECTs the database runs while `fn` runs. */
async function selectsDuring(db: { query: (...args: never[]) => unknown }, fn: () => unknown): Promise<string[]> {
  const spy = vi.spyOn(db, "query");
  try {
    await fn();
    return spy.mock.calls.map((call) => String(call[0])).filter((sql) => /^\s*select/i.test(sql));
  } finally {
    spy.mockRestore();
  }
}

describeEachDatabase("contents in memory", (ctx) => {
  it("is synchronous and follows creates, moves and deletes at once", async () => {
    await ctx.unit(async () => {
      const hall = await createObject(DefaultRoom, { key: uniqueName("Hall") });
      const yard = await createObject(DefaultRoom, { key: uniqueName("Yard") });
      const anna = await createObject(DefaultCharacter, { key: "Anna", location: hall });
      const sword = await createObject(DefaultObject, { key: "sword", location: hall });
      const door = await createObject(DefaultExit, { key: "north", location: hall, destination: yard });
      expect(hall.contents).toEqual([anna, sword, door]);
      expect(hall.exits).toEqual([door]);
      expect(hall.characters).toEqual([anna]);
      expect(hall.things).toEqual([sword]);
      expect(hall.contentsGet({ exclude: anna })).toEqual([sword, door]);
      sword.location = anna;
      expect(hall.things).toEqual([]);
      expect(anna.contents).toEqual([sword]);
      anna.location = yard;
      expect(hall.contents).toEqual([door]);
      expect(yard.contents).toEqual([anna]);
      await sword.delete();
      expect(anna.contents).toEqual([]);
      // the returned array is a copy: changing it changes nothing
      const list = yard.contents;
      list.pop();
      expect(yard.contents).toEqual([anna]);
    });
  });

  it("undoes moves, creates and deletes of a unit that fails", async () => {
    const { hall, yard, box, coin } = await ctx.unit(async () => {
      const hall = await createObject(DefaultRoom, { key: uniqueName("Hall") });
      const yard = await createObject(DefaultRoom, { key: uniqueName("Yard") });
      const box = await createObject(DefaultObject, { key: "box", location: hall });
      const coin = await createObject(DefaultObject, { key: "coin", location: box });
      return { hall, yard, box, coin };
    });
    await expect(
      ctx.unit(async () => {
        box.location = yard;
        coin.location = hall;
        await createObject(DefaultObject, { key: "ghost", location: yard });
        await coin.delete();
        expect(yard.contents.map((o) => o.key)).toEqual(["box", "ghost"]);
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect(hall.contents).toEqual([box]);
    expect(box.contents).toEqual([coin]);
    expect(yard.contents).toEqual([]);
    expect(coin.location).toBe(box);
  });

  it("refuses circular locations and leaves the lists as they were", async () => {
    await ctx.unit(async () => {
      const hall = await createObject(DefaultRoom, { key: uniqueName("Hall") });
      const bag = await createObject(DefaultObject, { key: "bag", location: hall });
      const pouch = await createObject(DefaultObject, { key: "pouch", location: bag });
      expect(() => (bag.location = bag)).toThrow(expect.objectContaining({ code: "EV_ERR_BAD_INPUT" }));
      expect(() => (bag.location = pouch)).toThrow(/inside it/);
      expect(bag.location).toBe(hall);
      expect(hall.contents).toEqual([bag]);
      expect(pouch.contents).toEqual([]);
    });
  });

  it("is rebuilt at load with the whole containment tree, and complete lists keep their members in memory", async () => {
    const make = async () => {
      const made = await ctx.unit(async () => {
        const hall = await createObject(DefaultRoom, { key: uniqueName("Hall") });
        const yard = await createObject(DefaultRoom, { key: uniqueName("Yard") });
        const anna = await createObject(DefaultCharacter, { key: "Anna", location: hall, home: yard });
        const bag = await createObject(DefaultObject, { key: "bag", location: anna });
        const coin = await createObject(DefaultObject, { key: "coin", location: bag });
        const lamp = await createObject(DefaultObject, { key: "lamp", location: hall });
        const exit = await createObject(DefaultExit, { key: "out", location: hall, destination: yard });
        const tree = await createObject(DefaultObject, { key: "tree", location: yard });
        return { hall, yard, anna, bag, coin, lamp, exit, tree };
      });
      return {
        ids: Object.fromEntries(Object.entries(made).map(([k, v]) => [k, v.id])) as Record<keyof typeof made, number>,
        weak: Object.values(made).map((o) => new WeakRef(o)),
      };
    };
    const { ids, weak } = await make();
    await forget(ctx.store, ...weak);
    // loading the coin brings its whole room: locations up, contents down
    const coin = (await getById(ids.coin))!;
    const bag = coin.location!;
    const anna = bag.location!;
    const hall = anna.location!;
    expect(hall.contents.map((o) => o.id)).toEqual([ids.anna, ids.lamp, ids.exit]);
    expect(anna.contents.map((o) => o.id)).toEqual([ids.bag]);
    expect(bag.contents).toEqual([coin]);
    expect(coin.contents).toEqual([]);
    // the yard came only as a reference (home, destination): its contents are not loaded
    const yard = anna.home!;
    expect(yard.contentsLoaded).toBe(false);
    expect(() => yard.contents).toThrow(expect.objectContaining({ code: "EV_ERR_NOT_LOADED" }));
    expect((await yard.loadContents()).map((o) => o.id)).toEqual([ids.tree]);
    expect(yard.contents.map((o) => o.key)).toEqual(["tree"]);

    // a lamp only the hall holds survives flush and GC while the hall is alive
    const weakLamp = new WeakRef(hall.contents.find((o) => o.key === "lamp")!);
    ctx.store.flush();
    await forget(ctx.store);
    expect(weakLamp.deref()).toBeDefined();
    expect(hall.contents.map((o) => o.key)).toEqual(["Anna", "lamp", "out"]);
  });

  it("makes a room reached by reference complete when it is asked for by id", async () => {
    const { hallId, yardId, weak } = await ctx.unit(async () => {
      const hall = await createObject(DefaultRoom, { key: uniqueName("Hall") });
      const yard = await createObject(DefaultRoom, { key: uniqueName("Yard") });
      await createObject(DefaultExit, { key: "out", location: hall, destination: yard });
      await createObject(DefaultObject, { key: "well", location: yard });
      return { hallId: hall.id, yardId: yard.id, weak: [new WeakRef(hall), new WeakRef(yard)] };
    });
    await forget(ctx.store, ...weak);
    const hall = (await getById(hallId))!;
    const yard = hall.exits[0]!.destination!;
    expect(yard.contentsLoaded).toBe(false);
    expect(await getById(yardId)).toBe(yard);
    expect(yard.contents.map((o) => o.key)).toEqual(["well"]);
  });

  it("keeps a location loaded in the middle of a unit in step with that unit's creates and moves", async () => {
    const { hallId, yardId, weak } = await ctx.unit(async () => {
      const hall = await createObject(DefaultRoom, { key: uniqueName("Hall") });
      const yard = await createObject(DefaultRoom, { key: uniqueName("Yard") });
      await createObject(DefaultObject, { key: "stone", location: yard });
      return { hallId: hall.id, yardId: yard.id, weak: [new WeakRef(yard)] };
    });
    await forget(ctx.store, ...weak);
    await ctx.unit(async () => {
      const hall = (await getById(hallId))!;
      const ball = await createObject(DefaultObject, { key: "ball", location: hall });
      // the yard is not in memory; the ball is moved there by id before it is loaded
      const yard = (await getById(yardId))!;
      ball.location = yard;
      expect(yard.contents.map((o) => o.key)).toEqual(["stone", "ball"]);
      expect(hall.contents).toEqual([]);
    });
  });

  it("answers look and say without a SELECT", async () => {
    const { hall, anna } = await ctx.unit(async () => {
      const hall = await createObject(DefaultRoom, { key: uniqueName("Hall"), attributes: { desc: "A hall." } });
      const yard = await createObject(DefaultRoom, { key: uniqueName("Yard") });
      const anna = await createObject(DefaultCharacter, { key: "Anna", location: hall });
      await createObject(DefaultCharacter, { key: "Bob", location: hall });
      for (let i = 0; i < 5; i++) await createObject(DefaultObject, { key: "sword", location: hall });
      await createObject(DefaultExit, { key: "north", location: hall, destination: yard });
      return { hall, anna };
    });
    const selects = await selectsDuring(ctx.db as never, () =>
      ctx.unit(() => {
        const text = hall.returnAppearance(anna);
        expect(text).toContain("Bob");
        hall.msgContents("Anna says, hello", { exclude: [anna] });
      }),
    );
    expect(selects).toEqual([]);
  });
});
