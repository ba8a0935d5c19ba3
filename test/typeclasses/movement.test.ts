/**
 * Movement (issue 11 point 1), on both databases: Evennia's hook order with its
 * vetoes, moveType reaching every hook, the announcements, and bad moves (into
 * itself, to nowhere, a hook that throws) refused or undone.
 */
import { expect, it } from "vitest";
import { describeEachDatabase } from "../../evennia-ts/testing/database-fixture.ts";
import {
  DefaultCharacter,
  DefaultExit,
  DefaultObject,
  DefaultRoom,
  createObject,
  registerTypeclass,
  type MoveHookOptions,
} from "../../evennia-ts/typeclasses/index.ts";
import type { OutputSpec } from "../../evennia-ts/protocol/message.ts";
import { uniqueName } from "./store-helpers.ts";

const calls: string[] = [];
const vetoes = new Set<string>();
let throwIn: string | null = null;

function note(name: string, options: MoveHookOptions): boolean {
  calls.push(`${name}:${options.moveType}`);
  if (throwIn === name) throw new Error(`${name} broke`);
  return !vetoes.has(name);
}

class TracedRoom extends DefaultRoom {
  override async atPreObjectLeave(_o: DefaultObject, _d: DefaultObject | null, options: MoveHookOptions) {
    return note("atPreObjectLeave", options);
  }
  override async atPreObjectReceive(_o: DefaultObject, _s: DefaultObject | null, options: MoveHookOptions) {
    return note("atPreObjectReceive", options);
  }
  override async atObjectLeave(_o: DefaultObject, _d: DefaultObject | null, options: MoveHookOptions) {
    note("atObjectLeave", options);
  }
  override async atObjectReceive(_o: DefaultObject, _s: DefaultObject | null, options: MoveHookOptions) {
    note("atObjectReceive", options);
  }
}
registerTypeclass("test.movement.TracedRoom", TracedRoom);

class TracedThing extends DefaultObject {
  override async atPreMove(_d: DefaultObject | null, options: MoveHookOptions) {
    return note("atPreMove", options);
  }
  override announceMoveFrom(destination: DefaultObject | null, options: MoveHookOptions) {
    note("announceMoveFrom", options);
    calls.push(`  (still in ${this.location?.key})`);
    super.announceMoveFrom(destination, options);
  }
  override announceMoveTo(source: DefaultObject | null, options: MoveHookOptions) {
    note("announceMoveTo", options);
    calls.push(`  (now in ${this.location?.key})`);
    super.announceMoveTo(source, options);
  }
  override async atPostMove(_s: DefaultObject | null, options: MoveHookOptions) {
    note("atPostMove", options);
  }
}
registerTypeclass("test.movement.TracedThing", TracedThing);

/** A session that keeps what it is sent. */
function listen(obj: DefaultObject): string[] {
  const got: string[] = [];
  obj.sessions.add({
    sessid: obj.id,
    msg: (spec: string | OutputSpec) => {
      const text = typeof spec === "string" ? spec : spec.text;
      got.push(typeof text === "string" ? text : String((text as unknown[])[0]));
    },
  });
  return got;
}

describeEachDatabase("movement", (ctx) => {
  const world = () =>
    ctx.unit(async () => {
      const hall = await createObject(TracedRoom, { key: "Hall" });
      const yard = await createObject(TracedRoom, { key: "Yard" });
      const thing = await createObject(TracedThing, { key: uniqueName("crate"), location: hall });
      return { hall, yard, thing };
    });

  it("runs Evennia's hooks in order, with moveType reaching every one", async () => {
    const { hall, yard, thing } = await world();
    calls.length = 0;
    vetoes.clear();
    expect(await ctx.unit(() => thing.moveTo(yard, { moveType: "teleport" }))).toBe(true);
    expect(calls).toEqual([
      "atPreMove:teleport",
      "atPreObjectLeave:teleport",
      "atPreObjectReceive:teleport",
      "announceMoveFrom:teleport",
      "  (still in Hall)",
      "announceMoveTo:teleport",
      "  (now in Yard)",
      "atObjectLeave:teleport",
      "atPostMove:teleport",
      "atObjectReceive:teleport",
    ]);
    expect(hall.contents).toEqual([]);
    expect(yard.contents).toEqual([thing]);
    calls.length = 0;
    await ctx.unit(() => thing.moveTo(hall, { quiet: true }));
    expect(calls.filter((c) => c.startsWith("announce"))).toEqual([]);
    expect(calls[0]).toBe("atPreMove:move");
  });

  for (const hook of ["atPreMove", "atPreObjectLeave", "atPreObjectReceive"]) {
    it(`lets ${hook} veto the move; force skips the vetoes`, async () => {
      const { hall, yard, thing } = await world();
      calls.length = 0;
      vetoes.clear();
      vetoes.add(hook);
      expect(await ctx.unit(() => thing.moveTo(yard))).toBe(false);
      expect(thing.location).toBe(hall);
      expect(calls.at(-1)).toBe(`${hook}:move`);
      expect(calls.some((c) => c.startsWith("announce"))).toBe(false);
      expect(await ctx.unit(() => thing.moveTo(yard, { force: true }))).toBe(true);
      expect(thing.location).toBe(yard);
      vetoes.clear();
    });
  }

  for (const hook of ["announceMoveTo", "atObjectLeave", "atPostMove", "atObjectReceive"]) {
    it(`undoes the move when ${hook} throws, and the error goes on`, async () => {
      const { hall, yard, thing } = await world();
      throwIn = hook;
      try {
        await expect(ctx.unit(() => thing.moveTo(yard))).rejects.toThrow(`${hook} broke`);
      } finally {
        throwIn = null;
      }
      expect(thing.location).toBe(hall);
      expect(hall.contents).toEqual([thing]);
      expect(yard.contents).toEqual([]);
      // even when the caller catches the error inside its unit, the move is undone
      throwIn = hook;
      try {
        await ctx.unit(async () => {
          await thing.moveTo(yard).catch(() => false);
          expect(thing.location).toBe(hall);
        });
      } finally {
        throwIn = null;
      }
    });
  }

  it("refuses moves into itself, into its own contents and to nowhere with clear errors", async () => {
    const { hall, thing } = await world();
    await ctx.unit(async () => {
      const box = await createObject(DefaultObject, { key: "box", location: thing });
      await expect(thing.moveTo(thing)).rejects.toMatchObject({ code: "EV_ERR_BAD_INPUT", message: expect.stringContaining("itself") });
      await expect(thing.moveTo(box)).rejects.toMatchObject({ code: "EV_ERR_BAD_INPUT" });
      await expect(thing.moveTo(null)).rejects.toMatchObject({ code: "EV_ERR_NOT_FOUND", message: "The destination doesn't exist." });
      const gone = await createObject(DefaultRoom, { key: "gone" });
      await gone.delete();
      await expect(thing.moveTo(gone)).rejects.toMatchObject({ code: "EV_ERR_NOT_FOUND" });
      expect(thing.location).toBe(hall);
      expect(await thing.moveTo(null, { toNone: true })).toBe(true);
      expect(thing.location).toBe(null);
    });
  });

  it("announces moves to both rooms: through exits by name, otherwise as Evennia does", async () => {
    await ctx.unit(async () => {
      const hall = await createObject(DefaultRoom, { key: "Hall" });
      const garden = await createObject(DefaultRoom, { key: "Garden" });
      const north = await createObject(DefaultExit, { key: "north", location: hall, destination: garden });
      await createObject(DefaultExit, { key: "south", location: garden, destination: hall });
      const anna = await createObject(DefaultCharacter, { key: "Anna", location: hall });
      const bob = await createObject(DefaultCharacter, { key: "Bob", location: hall });
      const cid = await createObject(DefaultCharacter, { key: "Cid", location: garden });
      const heardByBob = listen(bob);
      const heardByCid = listen(cid);
      const seenByAnna = listen(anna);
      await north.atTraverse(anna, garden);
      expect(heardByBob).toEqual(["Anna leaves north."]);
      expect(heardByCid).toEqual(["Anna arrives from the south."]);
      // Anna looks around on arrival
      expect(seenByAnna[0]).toContain("Garden");
      await anna.moveTo(hall, { moveType: "teleport" });
      expect(heardByCid.at(-1)).toBe("Anna is leaving Garden, heading for Hall.");
      expect(heardByBob.at(-1)).toBe("Anna arrives to Hall from Garden.");
      await anna.moveTo(garden, { quiet: true });
      expect(heardByBob).toHaveLength(2);
    });
  });
});
