/**
 * Attacks on the object model of issue 11 (contents in memory, movement, exits,
 * deleting), on both databases: rolled-back units, deleted rows, identity-map
 * flushes and objects reached only through a reference.
 */
import { expect, it } from "vitest";
import { describeEachDatabase } from "../../evennia-ts/testing/database-fixture.ts";
import { DefaultCharacter, DefaultExit, DefaultObject, DefaultRoom, createObject, getById } from "../../evennia-ts/typeclasses/index.ts";
import { countRows, forget, uniqueName } from "./store-helpers.ts";

describeEachDatabase("object model under attack", (ctx) => {
  it("keeps a home when the delete of the home is rolled back, across a flush", async () => {
    const { hallId, thingId, weak } = await ctx.unit(async () => {
      const hall = await createObject(DefaultRoom, { key: uniqueName("Hall") });
      const yard = await createObject(DefaultRoom, { key: uniqueName("Yard") });
      const thing = await createObject(DefaultObject, { key: "thing", location: hall, home: yard });
      return { hallId: hall.id, thingId: thing.id, weak: [new WeakRef(hall), new WeakRef(yard), new WeakRef(thing)] };
    });
    await forget(ctx.store, ...weak);
    const hall = (await getById(hallId))!;
    const thing = hall.contents.find((o) => o.id === thingId)!;
    const yardId = thing.home!.id;
    await expect(
      ctx.unit(async () => {
        const yard = (await getById(yardId))!;
        await yard.delete();
        // anything may look at the reference while the room is deleted
        expect(thing.home).toBeNull();
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    // the yard is held only by the thing's home: a flush must not lose it
    await forget(ctx.store);
    expect(thing.home?.id).toBe(yardId);
  });

  it("moves an object out of a room reached only through a reference (contents not loaded yet)", async () => {
    const { hallId, weak } = await ctx.unit(async () => {
      const hall = await createObject(DefaultRoom, { key: uniqueName("Hall") });
      const yard = await createObject(DefaultRoom, { key: uniqueName("Yard") });
      await createObject(DefaultExit, { key: "out", location: hall, destination: yard });
      await createObject(DefaultObject, { key: "well", location: yard });
      return { hallId: hall.id, weak: [new WeakRef(hall), new WeakRef(yard)] };
    });
    await forget(ctx.store, ...weak);
    const hall = (await getById(hallId))!;
    const yard = hall.exits[0]!.destination!;
    expect(yard.contentsLoaded).toBe(false);
    await ctx.unit(async () => {
      // put there by the raw setter, which cannot load anything
      const stone = await createObject(DefaultObject, { key: "stone", location: hall });
      stone.location = yard;
      expect(yard.contentsLoaded).toBe(false);
      expect(await stone.moveTo(hall)).toBe(true);
      expect(stone.location).toBe(hall);
      expect(yard.contents.map((o) => o.key)).toEqual(["well"]);
    });
  });

  it("creates into a room reached only through a reference with its list complete, and refuses a deleted location", async () => {
    const { hallId, weak } = await ctx.unit(async () => {
      const hall = await createObject(DefaultRoom, { key: uniqueName("Hall") });
      const yard = await createObject(DefaultRoom, { key: uniqueName("Yard") });
      await createObject(DefaultExit, { key: "out", location: hall, destination: yard });
      await createObject(DefaultObject, { key: "well", location: yard });
      return { hallId: hall.id, weak: [new WeakRef(hall), new WeakRef(yard)] };
    });
    await forget(ctx.store, ...weak);
    const hall = (await getById(hallId))!;
    const yard = hall.exits[0]!.destination!;
    expect(yard.contentsLoaded).toBe(false);
    await ctx.unit(async () => {
      const ball = await createObject(DefaultObject, { key: "ball", location: yard });
      expect(ball.location!.contents.map((o) => o.key)).toEqual(["well", "ball"]);
      expect(await ball.moveTo(hall)).toBe(true);
      expect(yard.contents.map((o) => o.key)).toEqual(["well"]);
    });
    await expect(
      ctx.unit(async () => {
        const shed = await createObject(DefaultRoom, { key: uniqueName("Shed") });
        await shed.delete();
        await createObject(DefaultObject, { key: "ghost", location: shed });
      }),
    ).rejects.toThrow(expect.objectContaining({ code: "EV_ERR_NOT_FOUND" }));
  });

  it("leaves no row behind for an exit created and deleted in one unit", async () => {
    const { exitId, hall } = await ctx.unit(async () => {
      const hall = await createObject(DefaultRoom, { key: uniqueName("Hall") });
      const yard = await createObject(DefaultRoom, { key: uniqueName("Yard") });
      const exit = await createObject(DefaultExit, {
        key: "north",
        aliases: ["n"],
        tags: ["door"],
        locks: "traverse:all()",
        location: hall,
        destination: yard,
        attributes: { err_traverse: "Locked." },
      });
      expect(hall.exits).toEqual([exit]);
      await exit.delete();
      expect(hall.exits).toEqual([]);
      return { exitId: exit.id, hall };
    });
    for (const [table, where] of [
      ["objects", "id = ?"],
      ["attributes", "owner_kind = 'object' AND owner_id = ?"],
      ["tags", "owner_kind = 'object' AND owner_id = ?"],
    ] as const) {
      expect(await countRows(ctx.db, table, where, [exitId]), table).toBe(0);
    }
    expect(hall.exits).toEqual([]);
  });

  it("gives a puppet its sessions back when its delete is rolled back", async () => {
    const { hall, anna } = await ctx.unit(async () => {
      const hall = await createObject(DefaultRoom, { key: uniqueName("Hall") });
      const anna = await createObject(DefaultCharacter, { key: "Anna", location: hall });
      return { hall, anna };
    });
    const persisted: (DefaultObject | null)[] = [];
    const session = {
      sessid: 77,
      puppet: anna as DefaultObject | null,
      msg() {},
      persist() {
        persisted.push(this.puppet);
      },
    };
    anna.sessions.add(session);
    ctx.store.pin(anna, "puppet");
    await expect(
      ctx.unit(async () => {
        await anna.delete();
        expect(session.puppet).toBeNull();
        throw new Error("changed my mind");
      }),
    ).rejects.toThrow("changed my mind");
    expect(anna.isDeleted).toBe(false);
    expect(anna.location).toBe(hall);
    expect(session.puppet).toBe(anna);
    expect([...anna.sessions]).toEqual([session]);
    expect(ctx.store.isPinned(anna)).toBe(true);
    expect(persisted.at(-1)).toBe(anna);
  });

  it("sends a thing whose home is itself (or inside itself) to the default home when its room is deleted", async () => {
    const { limbo, hall, bag, pouch } = await ctx.unit(async () => {
      const limbo = await createObject(DefaultRoom, { key: uniqueName("Limbo") });
      const hall = await createObject(DefaultRoom, { key: uniqueName("Hall") });
      const bag = await createObject(DefaultObject, { key: "bag", location: hall });
      bag.home = bag;
      const pouch = await createObject(DefaultObject, { key: "pouch", location: hall });
      const inner = await createObject(DefaultObject, { key: "inner", location: pouch });
      pouch.home = inner;
      return { limbo, hall, bag, pouch };
    });
    await ctx.db.write([
      {
        sql: "INSERT INTO server_config (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        params: ["default_home", String(limbo.id)],
      },
    ]);
    try {
      await ctx.unit(() => hall.delete());
      expect(bag.location).toBe(limbo);
      expect(pouch.location).toBe(limbo);
    } finally {
      await ctx.db.write([{ sql: "DELETE FROM server_config WHERE key = ?", params: ["default_home"] }]);
    }
  });

  it("keeps the later move of another unit when an earlier unit that moved the same object rolls back", async () => {
    const { hall, yard, garden, ball } = await ctx.unit(async () => {
      const hall = await createObject(DefaultRoom, { key: uniqueName("Hall") });
      const yard = await createObject(DefaultRoom, { key: uniqueName("Yard") });
      const garden = await createObject(DefaultRoom, { key: uniqueName("Garden") });
      const ball = await createObject(DefaultObject, { key: "ball", location: hall });
      return { hall, yard, garden, ball };
    });
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const first = ctx.unit(async () => {
      await ball.moveTo(yard, { quiet: true });
      await gate;
      throw new Error("first fails");
    });
    await ctx.unit(() => ball.moveTo(garden, { quiet: true }));
    release();
    await expect(first).rejects.toThrow("first fails");
    expect(ball.location).toBe(garden);
    expect(garden.contents).toEqual([ball]);
    expect(yard.contents).toEqual([]);
    expect(hall.contents).toEqual([]);
    const [row] = await ctx.db.query<{ location_id: number | string }>("SELECT location_id FROM objects WHERE id = ?", [ball.id]);
    expect(Number(row!.location_id)).toBe(garden.id);
  });

  it("keeps an object referred to by an attribute when its delete is rolled back, across a flush", async () => {
    const { hallId, noteId, weak } = await ctx.unit(async () => {
      const hall = await createObject(DefaultRoom, { key: uniqueName("Hall") });
      const yard = await createObject(DefaultRoom, { key: uniqueName("Yard") });
      const note = await createObject(DefaultObject, { key: "note", location: hall, attributes: { about: yard } });
      return { hallId: hall.id, noteId: note.id, weak: [new WeakRef(hall), new WeakRef(yard), new WeakRef(note)] };
    });
    await forget(ctx.store, ...weak);
    const hall = (await getById(hallId))!;
    const note = hall.contents.find((o) => o.id === noteId)!;
    const yardId = (note.db.about as DefaultObject).id;
    await expect(
      ctx.unit(async () => {
        await ((await getById(yardId)) as DefaultObject).delete();
        expect(note.db.about).toBeNull();
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    await forget(ctx.store);
    expect((note.db.about as DefaultObject | null)?.id).toBe(yardId);
  });
});
