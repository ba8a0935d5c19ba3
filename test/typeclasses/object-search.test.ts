/**
 * `caller.search(query, options)`: candidates, matching tiers, me/self/here,
 * #dbref for Builders, `sword-2`, the messages, and the view/search locks, on
 * both databases.
 */
import { afterEach, beforeAll, expect, it } from "vitest";
import { setActiveSettings } from "../../evennia-ts/conf/active-settings.ts";
import { defaultSettings } from "../../evennia-ts/conf/default-settings.ts";
import { describeEachDatabase } from "../../evennia-ts/testing/database-fixture.ts";
import {
  DefaultCharacter,
  DefaultObject,
  DefaultRoom,
  createAccount,
  createObject,
  parseNumberedQuery,
  type ObjectSession,
} from "../../evennia-ts/typeclasses/index.ts";
import { uniqueName } from "./store-helpers.ts";

interface World {
  hall: DefaultRoom;
  kitchen: DefaultRoom;
  anna: DefaultCharacter;
  bob: DefaultCharacter;
  carried: DefaultObject;
  floor: DefaultObject;
  swordfish: DefaultObject;
  bigSword: DefaultObject;
  apple: DefaultObject;
  ghost: DefaultObject;
  trapdoor: DefaultObject;
  chest: DefaultObject;
  coin: DefaultObject;
}

/** Everything `obj` is told, through a session. */
function listen(obj: DefaultObject): string[] {
  const heard: string[] = [];
  const session: ObjectSession = { sessid: 1, msg: (spec) => void heard.push(typeof spec === "string" ? spec : String(spec.text)) };
  obj.sessions.add(session);
  return heard;
}

describeEachDatabase("caller.search", (ctx) => {
  let w: World;
  let annaHears: string[];
  let bobHears: string[];

  beforeAll(async () => {
    w = await ctx.unit(async () => {
      const hall = await createObject(DefaultRoom, { key: "Great Hall" });
      const kitchen = await createObject(DefaultRoom, { key: "Kitchen" });
      const annaAccount = await createAccount(undefined, { username: uniqueName("anna"), password: "secret123", permissions: ["Player"] });
      const bobAccount = await createAccount(undefined, { username: uniqueName("bob"), password: "secret123", permissions: ["Builder"] });
      const anna = await createObject(DefaultCharacter, { key: "Anna", location: hall, account: annaAccount });
      const bob = await createObject(DefaultCharacter, { key: "Bob", location: hall, account: bobAccount });
      return {
        hall,
        kitchen,
        anna,
        bob,
        carried: await createObject(undefined, { key: "sword", location: anna }),
        floor: await createObject(undefined, { key: "sword", location: hall, aliases: ["blade"] }),
        swordfish: await createObject(undefined, { key: "swordfish", location: hall }),
        bigSword: await createObject(undefined, { key: "Big Sword", location: kitchen }),
        apple: await createObject(undefined, { key: "Red Apple", location: hall, aliases: ["fruit"] }),
        ghost: await createObject(undefined, { key: "ghost", location: hall, locks: "view:false()" }),
        trapdoor: await createObject(undefined, { key: "trapdoor", location: hall, locks: "search:perm(Builder)" }),
        chest: await createObject(undefined, { key: "chest", location: hall }),
        coin: await createObject(undefined, { key: "coin", location: kitchen }),
      };
    });
    annaHears = listen(w.anna);
    bobHears = listen(w.bob);
  });

  afterEach(() => {
    annaHears.length = 0;
    bobHears.length = 0;
    setActiveSettings(null);
  });

  it("finds by key and alias in any case; exact names first", async () => {
    expect(await w.anna.search("RED APPLE")).toBe(w.apple);
    expect(await w.anna.search("fruit")).toBe(w.apple);
    expect(await w.anna.search("Bob")).toBe(w.bob);
    expect(await w.anna.search("swordfish")).toBe(w.swordfish);
    expect(await w.anna.search("Great Hall")).toBe(w.hall); // the location itself is a candidate
    expect(await w.anna.search("sword", { quiet: true })).toEqual([w.carried, w.floor]); // not the swordfish
    expect(annaHears).toEqual([]);
  });

  it("then by prefix, then by the start of words in order", async () => {
    expect(await w.anna.search("red")).toBe(w.apple);
    expect(await w.anna.search("swordf")).toBe(w.swordfish);
    expect(await w.anna.search("app")).toBe(w.apple);
    expect(await w.anna.search("r ap")).toBe(w.apple);
    expect(await w.anna.search("gr ha")).toBe(w.hall);
    expect(await w.anna.search("apple red", { quiet: true })).toEqual([]);
    expect(await w.anna.search("red", { exact: true, quiet: true })).toEqual([]);
    expect(await w.anna.search("pple", { quiet: true })).toEqual([]); // not the middle of a word
  });

  it("only looks at the caller, what it carries, its location and what is there", async () => {
    expect(await w.anna.search("coin")).toBeNull();
    expect(annaHears).toEqual(["Could not find 'coin'."]);
    expect(await w.anna.search("coin", { global: true })).toBe(w.coin);
    expect(await w.anna.search("coin", { location: w.kitchen })).toBe(w.coin);
    expect(await w.anna.search("sword", { candidates: [w.floor, w.chest] })).toBe(w.floor);
    expect(await w.anna.search("big sword", { location: [w.kitchen, w.hall] })).toBe(w.bigSword);
  });

  it("me, self and here", async () => {
    expect(await w.anna.search("me")).toBe(w.anna);
    expect(await w.anna.search("Self")).toBe(w.anna);
    expect(await w.anna.search("here")).toBe(w.hall);
    expect(await w.anna.search("here", { quiet: true })).toEqual([w.hall]);
    // not among the candidates given: no direct match
    expect(await w.anna.search("here", { candidates: [w.chest], quiet: true })).toEqual([]);
  });

  it("#dbref for Builders (global), plain text for others", async () => {
    expect(await w.bob.search(`#${w.coin.id}`)).toBe(w.coin);
    expect(await w.anna.search(`#${w.coin.id}`)).toBeNull();
    expect(annaHears).toEqual([`Could not find '#${w.coin.id}'.`]);
    expect(await w.anna.search(`#${w.coin.id}`, { useDbref: true })).toBe(w.coin);
    expect(await w.bob.search("#999999", { quiet: true })).toEqual([]);
    expect(await w.bob.search(`#${w.coin.id}`, { candidates: [w.chest], quiet: true })).toEqual([]);
  });

  it("lists several matches as Evennia does, numbered by name, with aliases and where they are", async () => {
    expect(await w.anna.search("sword")).toBeNull();
    expect(annaHears).toEqual([["More than one match for 'sword' (please narrow target):", " sword-1 (carried)", " sword-2 [blade] (here)"].join("\n")]);
    // seen by someone else: whose inventory
    expect(await w.bob.search("sword", { candidates: [w.carried, w.floor, w.bigSword] })).toBeNull();
    expect(bobHears).toEqual([["More than one match for 'sword' (please narrow target):", " sword-1 (in Anna's inventory)", " sword-2 [blade] (here)"].join("\n")]);
    expect(w.bigSword.getExtraInfo(w.bob)).toBe(" (in Kitchen)");
    expect(w.hall.getExtraInfo(w.bob)).toBe("");
  });

  it("picks one of several with sword-2 or 2-sword; a number out of range finds nothing", async () => {
    expect(await w.anna.search("sword-1")).toBe(w.carried);
    expect(await w.anna.search("sword-2")).toBe(w.floor);
    expect(await w.anna.search("2-sword")).toBe(w.floor);
    expect(await w.anna.search("sword-3")).toBeNull();
    expect(annaHears).toEqual(["Could not find 'sword-3'."]);
  });

  it("the game may change the separator", async () => {
    setActiveSettings({ ...defaultSettings, searchMultimatchSeparator: "." });
    expect(await w.anna.search("sword.2")).toBe(w.floor);
    expect(await w.anna.search("sword-2", { quiet: true })).toEqual([]);
    expect(await w.anna.search("sword")).toBeNull();
    expect(annaHears[0]).toContain(" sword.1 (carried)\n sword.2 [blade] (here)");
    expect(parseNumberedQuery("3.sword", ".")).toEqual({ name: "sword", number: 3 });
    expect(parseNumberedQuery("sword", ".")).toEqual({ name: "sword", number: null });
  });

  it("honours the view and search locks", async () => {
    expect(await w.anna.search("ghost")).toBeNull(); // view:false()
    expect(annaHears).toEqual(["Could not find 'ghost'."]);
    expect(await w.anna.search("trapdoor", { quiet: true })).toEqual([]); // search:perm(Builder)
    expect(await w.bob.search("trapdoor")).toBe(w.trapdoor);
    expect(await w.anna.search("ghost", { useLocks: false })).toBe(w.ghost);
  });

  it("filters by typeclass and tags; custom messages", async () => {
    expect(await w.anna.search("b", { typeclass: DefaultCharacter })).toBe(w.bob);
    expect(await w.anna.search("b", { typeclass: "evennia.objects.DefaultCharacter" })).toBe(w.bob);
    expect(await w.anna.search("Great Hall", { typeclass: [DefaultCharacter], quiet: true })).toEqual([]);
    await ctx.unit(() => w.floor.tags.add("sharp"));
    expect(await w.anna.search("sword", { tags: ["sharp"] })).toBe(w.floor);
    expect(await w.anna.search("zzz", { nofoundString: "Nothing like that here." })).toBeNull();
    expect(await w.anna.search("sword", { multimatchString: "Which one?" })).toBeNull();
    expect(annaHears).toEqual(["Nothing like that here.", "Which one?\n sword-1 (carried)\n sword-2 [blade] (here)"]);
  });

  it("sees objects created and moved in the same unit of work", async () => {
    await ctx.unit(async () => {
      const lamp = await createObject(undefined, { key: "lamp", location: w.hall });
      expect(await w.anna.search("lamp")).toBe(lamp);
      w.coin.location = w.hall;
      expect(await w.anna.search("coin")).toBe(w.coin);
      w.coin.location = w.kitchen;
      await lamp.delete();
    });
    expect(await w.anna.search("lamp", { quiet: true })).toEqual([]);
  });

  it("a game can rewrite queries (the nick hook)", async () => {
    class Shorthand extends DefaultCharacter {
      override getSearchQueryReplacement(query: string): string {
        return query === "it" ? "Red Apple" : query;
      }
    }
    Object.setPrototypeOf(w.anna, Shorthand.prototype);
    try {
      expect(await w.anna.search("it")).toBe(w.apple);
      expect(await w.anna.search("it", { useNicks: false, quiet: true })).toEqual([]);
    } finally {
      Object.setPrototypeOf(w.anna, DefaultCharacter.prototype);
    }
  });
});
