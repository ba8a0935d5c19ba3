/**
 * The global `search()` sees this unit of work's tag and attribute changes on
 * objects that already exist, and applies `limit` after merging them, on both
 * databases.
 */
import { expect, it } from "vitest";
import { describeEachDatabase } from "../../evennia-ts/testing/database-fixture.ts";
import { DefaultObject, createObject, search } from "../../evennia-ts/typeclasses/index.ts";
import { uniqueName } from "./store-helpers.ts";

describeEachDatabase("search sees uncommitted changes", (ctx) => {
  const makeThings = (n: number, setup: (o: DefaultObject, i: number) => void = () => undefined) =>
    ctx.unit(async () => {
      const out: DefaultObject[] = [];
      for (let i = 0; i < n; i++) {
        const o = await createObject(undefined, { key: `thing ${i}` });
        setup(o, i);
        out.push(o);
      }
      return out;
    });

  it("finds an existing object by a tag added in the same unit, and not by one removed", async () => {
    const tag = uniqueName("cursed");
    const [a, b] = await makeThings(2, (o, i) => i === 1 && o.tags.add(tag));
    await ctx.unit(async () => {
      a!.tags.add(tag);
      b!.tags.remove(tag);
      expect(await search({ tag })).toEqual([a]);
    });
    expect(await search({ tag })).toEqual([a]); // and after the commit
  });

  it("a tag added in a unit that fails is not found afterwards", async () => {
    const tag = uniqueName("blessed");
    const [a] = await makeThings(1);
    await expect(
      ctx.unit(async () => {
        a!.tags.add(tag);
        expect(await search({ tag })).toEqual([a]);
        throw new Error("roll back");
      }),
    ).rejects.toThrow("roll back");
    expect(await search({ tag })).toEqual([]);
  });

  it("finds an existing object by an attribute value set in the same unit", async () => {
    const colour = uniqueName("teal");
    const [a, b] = await makeThings(2, (o, i) => i === 1 && (o.db.colour = colour));
    await ctx.unit(async () => {
      a!.db.colour = colour;
      b!.db.colour = "grey";
      expect(await search({ attribute: { key: "colour", value: colour } })).toEqual([a]);
    });
  });

  it("never returns more than limit, counting uncommitted matches", async () => {
    const tag = uniqueName("loot");
    const things = await makeThings(5, (o, i) => i >= 2 && o.tags.add(tag)); // 2, 3, 4 tagged in the database
    await ctx.unit(async () => {
      things[0]!.tags.add(tag);
      things[1]!.tags.add(tag);
      const found = await search({ tag, limit: 2 });
      expect(found).toEqual([things[0], things[1]]);
      expect(await search({ tag, limit: 4 })).toEqual(things.slice(0, 4));
    });
  });

  it("still fills limit when the first stored matches no longer match in memory", async () => {
    const tag = uniqueName("gold");
    const things = await makeThings(4, (o) => o.tags.add(tag));
    await ctx.unit(async () => {
      things[0]!.tags.remove(tag);
      things[1]!.tags.remove(tag);
      expect(await search({ tag, limit: 2 })).toEqual([things[2], things[3]]);
    });
    await ctx.unit(async () => {
      await things[2]!.delete();
      expect(await search({ tag, limit: 1 })).toEqual([things[3]]);
    });
  });
});
