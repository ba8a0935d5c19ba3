/**
 * Tags, aliases and permissions, and searching, on both databases.
 */
import { expect, it } from "vitest";
import { describeEachDatabase } from "../../evennia-ts/testing/database-fixture.ts";
import {
  DefaultAccount,
  DefaultCharacter,
  DefaultRoom,
  createAccount,
  createObject,
  findAccount,
  getById,
  search,
} from "../../evennia-ts/typeclasses/index.ts";
import { forget, uniqueName } from "./store-helpers.ts";

describeEachDatabase("tags and search", (ctx) => {
  it("stores tags, aliases and permissions with categories and reloads them", async () => {
    const make = async (): Promise<[number, WeakRef<object>]> => {
      const obj = await ctx.unit(async () => {
        const o = await createObject(undefined, { key: "banner", aliases: ["Flag"], tags: ["red", ["Heavy", "Weight"]] });
        o.tags.add("red", "colour");
        o.permissions.add("Builder");
        o.aliases.add("pennant", "poetic");
        return o;
      });
      return [obj.id, new WeakRef(obj)];
    };
    const [id, weak] = await make();
    const rows = await ctx.db.query<{ key: string; category: string; kind: string }>(
      "SELECT key, category, kind FROM tags WHERE owner_kind = 'object' AND owner_id = ? ORDER BY kind, key, category",
      [id],
    );
    expect(rows).toEqual([
      { key: "flag", category: "", kind: "alias" },
      { key: "pennant", category: "poetic", kind: "alias" },
      { key: "builder", category: "", kind: "permission" },
      { key: "heavy", category: "weight", kind: "tag" },
      { key: "red", category: "", kind: "tag" },
      { key: "red", category: "colour", kind: "tag" },
    ]);
    await forget(ctx.store, weak);
    const obj = await getById(id);
    expect(obj!.tags.has("RED")).toBe(true);
    expect(obj!.tags.has("red", "colour")).toBe(true);
    expect(obj!.tags.has("heavy", "other")).toBe(false);
    expect(obj!.tags.get("weight")).toEqual(["heavy"]);
    expect(obj!.aliases.all().sort((a, b) => a.key.localeCompare(b.key))).toEqual([
      { key: "flag", category: "" },
      { key: "pennant", category: "poetic" },
    ]);
    expect(obj!.permissions.has("builder")).toBe(true);
    // removal reaches the database
    await ctx.unit(() => {
      obj!.tags.remove("red", "colour");
      obj!.permissions.clear();
    });
    const left = await ctx.db.query<{ key: string }>("SELECT key FROM tags WHERE owner_kind = 'object' AND owner_id = ? AND kind IN ('tag', 'permission') ORDER BY key", [id]);
    expect(left.map((r) => r.key)).toEqual(["heavy", "red"]);
  });

  it("answers for an object without tags, undoes a first tag and a removal, and keeps no table until the first tag", async () => {
    /** The handler's table of tags (null until it has held one): an object without tags pays nothing for it. */
    const table = (h: object): unknown => (h as { entries: unknown }).entries;
    const obj = await ctx.unit(() => createObject(undefined, { key: "pebble" }));
    expect(obj.aliases.has("x")).toBe(false);
    expect(obj.aliases.has("x", "cat")).toBe(false);
    expect(obj.aliases.all()).toEqual([]);
    expect(obj.aliases.someKey(() => true)).toBe(false);
    expect(obj.aliases.remove("x")).toBe(false);
    expect(table(obj.aliases)).toBeNull();
    // a failing unit takes its first tag back; a later one keeps it, and a failing removal leaves it
    await expect(
      ctx.unit(() => {
        obj.tags.add("shiny");
        throw new Error("changed my mind");
      }),
    ).rejects.toThrow("changed my mind");
    expect(obj.tags.has("shiny")).toBe(false);
    await ctx.unit(() => obj.tags.add("shiny"));
    await expect(
      ctx.unit(() => {
        obj.tags.remove("shiny");
        throw new Error("no, keep it");
      }),
    ).rejects.toThrow("no, keep it");
    expect(obj.tags.get()).toEqual(["shiny"]);
    const rows = await ctx.db.query<{ key: string }>("SELECT key FROM tags WHERE owner_kind = 'object' AND owner_id = ?", [obj.id]);
    expect(rows.map((r) => r.key)).toEqual(["shiny"]);
    expect(table(obj.aliases)).toBeNull();
  });

  it("searches by key (any case), alias, tag, attribute value, typeclass and location", async () => {
    const tag = uniqueName("quest");
    const roomKey = uniqueName("Market");
    const { room, apple, pear, guard } = await ctx.unit(async () => {
      const room = await createObject(DefaultRoom, { key: roomKey });
      const apple = await createObject(undefined, { key: "Red Apple", location: room, aliases: ["fruit"], tags: [[tag, "items"]] });
      const pear = await createObject(undefined, { key: "Pear", location: room, aliases: ["fruit"], tags: [tag] });
      const guard = await createObject(DefaultCharacter, { key: "Guard", location: room });
      apple.db.price = 3;
      pear.db.price = 5;
      guard.db.price = new Map([["bribe", 100]]);
      return { room, apple, pear, guard };
    });
    expect(await search({ key: "red apple", location: room })).toEqual([apple]);
    expect((await search({ key: "RED APPLE", location: room }))[0]).toBe(apple);
    expect(await search({ key: "fruit", location: room })).toEqual([apple, pear]);
    expect(await search({ tag })).toEqual([apple, pear]);
    expect(await search({ tag: { key: tag.toUpperCase(), category: "ITEMS" } })).toEqual([apple]);
    expect(await search({ tag: { key: tag, category: "" } })).toEqual([pear]);
    expect(await search({ attribute: { key: "price", value: 5 }, location: room })).toEqual([pear]);
    expect(await search({ attribute: { key: "price", value: new Map([["bribe", 100]]) }, location: room })).toEqual([guard]);
    expect(await search({ typeclass: DefaultCharacter, location: room })).toEqual([guard]);
    expect(await search({ typeclass: "evennia.objects.DefaultRoom", key: roomKey })).toEqual([room]);
    expect(await search({ location: room })).toEqual([apple, pear, guard]);
    expect(await search({ key: "fruit", location: room, limit: 1 })).toEqual([apple]);
    expect(await search({ key: "nothing-here" })).toEqual([]);
  });

  it("searches accounts by name in any case", async () => {
    const name = uniqueName("Hero");
    const account = await ctx.unit(() => createAccount(undefined, { username: name, password: "pw-12345", permissions: ["Player"] }));
    expect(await findAccount(name.toUpperCase())).toBe(account);
    expect(await search({ kind: "account", key: name.toLowerCase() })).toEqual([account]);
    expect(account).toBeInstanceOf(DefaultAccount);
    expect(await account.checkPassword("pw-12345")).toBe(true);
    expect(await account.checkPassword("wrong")).toBe(false);
    const [row] = await ctx.db.query<{ key: string }>("SELECT key FROM tags WHERE owner_kind = 'account' AND owner_id = ? AND kind = 'permission'", [account.id]);
    expect(row?.key).toBe("player");
  });

  it("sees the unit of work's own uncommitted changes", async () => {
    const key = uniqueName("Ghostly");
    await ctx.unit(async () => {
      const room = await createObject(DefaultRoom, { key: uniqueName("Attic") });
      const thing = await createObject(undefined, { key, location: room });
      expect(await search({ key })).toEqual([thing]);
      expect(room.contents).toEqual([thing]);
      thing.key = `${key}-renamed`;
      thing.tags.add("fresh");
      expect(await search({ key })).toEqual([]);
      expect(await search({ key: `${key}-renamed`, tag: "fresh" })).toEqual([thing]);
      thing.location = null;
      expect(room.contents).toEqual([]);
    });
    expect((await search({ key: `${key}-renamed` })).length).toBe(1);
  });
});
