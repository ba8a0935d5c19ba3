/**
 * Prototypes and the spawner on the test world, on both databases: inheritance
 * (single and multiple, left to right), validation (unknown keys, cycles,
 * missing parents, unknown typeclasses, bad attrs), database prototypes
 * (saved in server_config, found by key and tag, deleted, rolled back with a
 * failed unit of work), module prototypes from the game's world/prototypes.ts,
 * and updating objects already spawned when a prototype changes.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, expect, it } from "vitest";
import { clearModulePrototypes, deletePrototype, getPrototype, registerPrototypes, savePrototype, searchPrototypes } from "../../evennia-ts/prototypes/prototype-library.ts";
import { homogenizePrototype, PROTOTYPE_TAG_CATEGORY } from "../../evennia-ts/prototypes/prototype.ts";
import { batchUpdateObjectsWithPrototype, flattenPrototype, spawn, spawnPrototypes, validatePrototype } from "../../evennia-ts/prototypes/spawner.ts";
import { packageRoot } from "../../evennia-ts/testing/game-folder.ts";
import { describeWithWorld, type TestWorld } from "../../evennia-ts/testing/index.ts";
import { DefaultObject, registerTypeclass } from "../../evennia-ts/typeclasses/index.ts";

class Monster extends DefaultObject {
  spawnedFrom: string | null = null;
  atObjectPostSpawn(prototype: { prototype_key: string }): void {
    this.spawnedFrom = prototype.prototype_key;
  }
}
registerTypeclass("typeclasses.monsters.Monster", Monster);

afterEach(() => clearModulePrototypes());

async function attrRows(world: TestWorld, id: number): Promise<Record<string, string>> {
  const rows = await world.fixture.db.query<{ key: string; value: string }>("SELECT key, value FROM attributes WHERE owner_kind = 'object' AND owner_id = ? AND category = ''", [id]);
  return Object.fromEntries(rows.map((r) => [r.key, r.value]));
}

async function tagRows(world: TestWorld, id: number): Promise<string[]> {
  const rows = await world.fixture.db.query<{ key: string; category: string }>("SELECT key, category FROM tags WHERE owner_kind = 'object' AND owner_id = ? AND kind = 'tag' ORDER BY key", [id]);
  return rows.map((r) => (r.category ? `${r.key}:${r.category}` : r.key));
}

const GOBLIN = {
  prototype_key: "goblin",
  typeclass: "typeclasses.monsters.Monster",
  key: "goblin grunt",
  attrs: [["hp", 10], ["weapon", "club"], ["mood", "grumpy", "mind"]],
  tags: ["mob", ["greenskin", "race"]],
} as const;

describeWithWorld("prototypes: inheritance", (w) => {
  it("a child inherits its parent's fields and overrides what it names; attrs and tags merge", async () => {
    registerPrototypes([GOBLIN, { prototype_key: "goblin_archer", prototype_parent: "goblin", key: "goblin archer", attrs: [["weapon", "bow"]], tags: ["ranged"] }]);
    const [archer] = await w.world.unit(() => spawn("goblin_archer"));
    expect(archer).toBeInstanceOf(Monster);
    expect(archer!.key).toBe("goblin archer");
    expect(archer!.db.hp).toBe(10);
    expect(archer!.db.weapon).toBe("bow");
    expect(archer!.attributes.get("mood", { category: "mind" })).toBe("grumpy");
    expect(await tagRows(w.world, archer!.id)).toEqual(["goblin_archer:from_prototype", "greenskin:race", "mob", "ranged"]);
    expect((archer as Monster).spawnedFrom).toBe("goblin_archer");
    expect(await attrRows(w.world, archer!.id)).toMatchObject({ hp: "10", weapon: '"bow"' });
  });

  it("multiple parents are merged left to right: later parents override earlier ones, the child overrides all", async () => {
    registerPrototypes({
      red: { typeclass: "evennia.objects.DefaultObject", key: "red thing", attrs: [["colour", "red"], ["size", 1]] },
      blue: { key: "blue thing", attrs: [["colour", "blue"], ["shape", "round"]] },
    });
    const flat = await flattenPrototype({ prototype_key: "purple", prototype_parent: ["red", "blue"], attrs: [["size", 3]] });
    expect(flat.key).toBe("blue thing");
    expect(flat.typeclass).toBe("evennia.objects.DefaultObject");
    expect(Object.fromEntries(flat.attrs!.map(([k, v]) => [k, v]))).toEqual({ colour: "blue", size: 3, shape: "round" });
    const [obj] = await w.world.unit(() => spawnPrototypes([{ prototype_parent: ["blue", "red"] }], { defaultLocation: w.world.room1 }));
    expect(obj!.key).toBe("red thing");
    expect(obj!.db.colour).toBe("red");
    expect(obj!.location).toBe(w.world.room1);
  });

  it("a three-level chain inherits from the grandparent, and values can be functions called at each spawn", async () => {
    let n = 0;
    registerPrototypes([GOBLIN, { prototype_key: "chief", prototype_parent: "goblin", key: () => `goblin chief ${++n}` }, { prototype_key: "warchief", prototype_parent: "chief", attrs: [["hp", 50]] }]);
    const objs = await w.world.unit(() => spawn("warchief", "warchief"));
    expect(objs.map((o) => o.key)).toEqual(["goblin chief 1", "goblin chief 2"]);
    expect(objs[0]!.db.hp).toBe(50);
    expect(objs[0]!.db.weapon).toBe("club");
  });

  it("a prototype without typeclass or parent gets the base object typeclass and a generated key", async () => {
    const [obj] = await w.world.unit(() => spawn({ desc: "plain" }));
    expect(obj!.key).toMatch(/^Spawned-[0-9a-f]{6}$/);
    expect(obj!.db.desc).toBe("plain");
    expect(obj!.tags.get(PROTOTYPE_TAG_CATEGORY)).toEqual([]);
  });
});

describeWithWorld("prototypes: validation", (w) => {
  it("refuses unknown keys, naming them and pointing at attrs", async () => {
    await expect(w.world.unit(() => spawn({ key: "x", health: 20 } as never))).rejects.toThrow(/unknown key\(s\) 'health'.*Put other attributes in 'attrs'/s);
  });

  it("refuses a cycle in the parents, and a prototype that is its own parent", async () => {
    registerPrototypes([
      { prototype_key: "a", prototype_parent: "b", typeclass: "evennia.objects.DefaultObject" },
      { prototype_key: "b", prototype_parent: "a" },
    ]);
    await expect(validatePrototype({ prototype_key: "c", prototype_parent: "a" })).rejects.toThrow(/infinite nesting of prototypes: c -> a -> b -> a/);
    await expect(validatePrototype({ prototype_key: "self", prototype_parent: "self", typeclass: "evennia.objects.DefaultObject" })).rejects.toThrow(/tries to parent itself/);
  });

  it("refuses a missing parent, an unknown typeclass and a chain without any typeclass, listing every problem", async () => {
    registerPrototypes([{ prototype_key: "mixin", attrs: { shiny: true } }]);
    const err = await validatePrototype({ prototype_key: "bad", prototype_parent: ["nope"], typeclass: "typeclasses.nothing.Here" }).catch((e: Error) => e);
    expect(String(err)).toMatch(/typeclass 'typeclasses.nothing.Here' could not be found/);
    expect(String(err)).toMatch(/prototype_parent \(named 'nope'\) was not found/);
    await expect(validatePrototype({ prototype_key: "orphan", prototype_parent: "mixin" })).rejects.toThrow(/no 'typeclass' defined anywhere in its parent chain/);
    await expect(validatePrototype({ prototype_key: "orphan", prototype_parent: "mixin" }, { forSpawning: false })).resolves.toBeTruthy();
    await expect(validatePrototype({ typeclass: "evennia.accounts.DefaultAccount" })).rejects.toThrow(/not an in-world object typeclass/);
  });

  it("refuses malformed attrs, tags, locks and locations", () => {
    expect(() => homogenizePrototype({ attrs: [["ok", 1], [42, "x"]] })).toThrow(/attrs entry 2 must be \[key, value/);
    expect(() => homogenizePrototype({ attrs: "hp=10" })).toThrow(/'attrs' must be a list/);
    expect(() => homogenizePrototype({ tags: [{ key: "x" }] })).toThrow(/tag .* must be text or \[tag, category\]/);
    expect(() => homogenizePrototype({ location: "the kitchen" })).toThrow(/'location' must be a #dbref/);
    expect(() => homogenizePrototype(["not", "an", "object"])).toThrow(/must be an object/);
  });

  it("refuses a location that does not exist, and creates nothing when any prototype of a call is bad", async () => {
    const [{ n: before }] = (await w.world.fixture.db.query<{ n: number }>("SELECT COUNT(*) AS n FROM objects")) as [{ n: number }];
    await expect(w.world.unit(() => spawn({ key: "ghost", location: "#9999" }))).rejects.toThrow(/location #9999 does not exist/);
    await expect(w.world.unit(() => spawn({ key: "fine" }, { key: "bad", locks: "get:nosuchfunc(" }))).rejects.toThrow(/bad locks/);
    const [{ n: after }] = (await w.world.fixture.db.query<{ n: number }>("SELECT COUNT(*) AS n FROM objects")) as [{ n: number }];
    expect(Number(after)).toBe(Number(before));
  });
});

describeWithWorld("prototypes: database and module prototypes", (w) => {
  it("saves a prototype in server_config, finds it by key and tag, and deletes it", async () => {
    await w.world.unit(() => savePrototype({ prototype_key: "Lamp", prototype_tags: ["Light"], key: "brass lamp", attrs: { lit: false } }));
    const rows = await w.world.fixture.db.query<{ value: string }>("SELECT value FROM server_config WHERE key = 'prototype:lamp'");
    expect(JSON.parse(rows[0]!.value)).toMatchObject({ prototype_key: "lamp", key: "brass lamp", prototype_tags: ["light"] });
    expect((await getPrototype("LAMP"))?.source).toBe("db");
    expect((await searchPrototypes({ tags: ["light"] })).map((f) => f.prototype.prototype_key)).toEqual(["lamp"]);
    expect((await searchPrototypes({ key: "am" })).map((f) => f.prototype.prototype_key)).toEqual(["lamp"]);
    const [lamp] = await w.world.unit(() => spawn("lamp"));
    expect(lamp!.db.lit).toBe(false);
    expect(await w.world.unit(() => deletePrototype("lamp"))).toBe(true);
    expect(await w.world.fixture.db.query("SELECT value FROM server_config WHERE key = 'prototype:lamp'")).toEqual([]);
    expect(await getPrototype("lamp")).toBeNull();
    await expect(w.world.unit(() => spawn("lamp"))).rejects.toThrow(/No prototype named 'lamp'/);
  });

  it("a save in a unit of work that fails is rolled back, in the database and in memory", async () => {
    await expect(
      w.world.unit(async () => {
        await savePrototype({ prototype_key: "doomed", key: "x" });
        throw new Error("the command failed");
      }),
    ).rejects.toThrow("the command failed");
    expect(await getPrototype("doomed")).toBeNull();
    expect(await w.world.fixture.db.query("SELECT key FROM server_config WHERE key = 'prototype:doomed'")).toEqual([]);
  });

  it("loads the game's world/prototypes.ts; module prototypes are read-only and shadow database ones", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "evts-protos-"));
    try {
      mkdirSync(path.join(dir, "world"));
      writeFileSync(path.join(dir, "package.json"), '{"type":"module"}');
      writeFileSync(
        path.join(dir, "world", "prototypes.ts"),
        `export const TORCH = { typeclass: "evennia.objects.DefaultObject", key: "torch", prototype_tags: ["light"] };\n` +
          `export const notAPrototype = 42;\n`,
      );
      w.world.settings.gameDir = dir;
      clearModulePrototypes();
      const found = await getPrototype("torch");
      expect(found).toMatchObject({ source: "module", module: path.join("world", "prototypes.ts") });
      const [torch] = await w.world.unit(() => spawn("torch"));
      expect(torch!.key).toBe("torch");
      await expect(w.world.unit(() => savePrototype({ prototype_key: "torch", key: "fake" }))).rejects.toThrow(/read-only prototype \(defined as code in world.prototypes\.ts\)/);
      await expect(w.world.unit(() => deletePrototype("torch"))).rejects.toThrow(/read-only/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describeWithWorld("prototypes: the game template's world/prototypes.ts", (w) => {
  it("loads and spawns the shipped chair and armchair (which inherits from the chair)", async () => {
    class TemplateObject extends DefaultObject {}
    registerTypeclass("typeclasses.objects.Object", TemplateObject);
    w.world.settings.gameDir = path.join(packageRoot, "game_template");
    clearModulePrototypes();
    expect((await searchPrototypes({ tags: ["furniture"] })).map((f) => f.prototype.prototype_key)).toEqual(["armchair", "chair"]);
    const [armchair] = await w.world.unit(() => spawn("armchair"));
    expect(armchair).toBeInstanceOf(TemplateObject);
    expect(armchair!.key).toBe("armchair");
    expect(armchair!.db.weight).toBe(12);
    expect(armchair!.db.desc).toMatch(/deep armchair/);
  });
});

describeWithWorld("prototypes: updating spawned objects", (w) => {
  it("applies changed fields, adds new attrs and removes attrs the prototype no longer has; other objects are untouched", async () => {
    await w.world.unit(() => savePrototype({ ...GOBLIN, attrs: [...GOBLIN.attrs] }));
    const goblins = await w.world.unit(() => spawnPrototypes(["goblin", "goblin"], { defaultLocation: w.world.room1 }));
    const bystander = await w.world.unit(() => spawn({ key: "goblin grunt", attrs: [["weapon", "club"]] }));
    await w.world.unit(() => {
      goblins[0]!.db.hp = 3; // hurt: the update resets it, as Evennia's does
    });
    await w.world.unit(() =>
      savePrototype({ prototype_key: "goblin", typeclass: "typeclasses.monsters.Monster", key: "goblin brute", attrs: [["hp", 20], ["armour", "hide"], ["mood", "grumpy", "mind"]], tags: ["mob"] }),
    );
    const changed = await w.world.unit(() => batchUpdateObjectsWithPrototype("goblin"));
    expect(changed).toBe(2);
    for (const g of goblins) {
      expect(g.key).toBe("goblin brute");
      const rows = await attrRows(w.world, g.id);
      expect(rows).toEqual({ hp: "20", armour: '"hide"' });
      expect(await tagRows(w.world, g.id)).toEqual(["goblin:from_prototype", "mob"]);
      const [row] = await w.world.fixture.db.query<{ key: string; location_id: number }>("SELECT key, location_id FROM objects WHERE id = ?", [g.id]);
      expect(row).toMatchObject({ key: "goblin brute", location_id: w.world.room1.id });
    }
    expect(bystander[0]!.key).toBe("goblin grunt");
    expect(bystander[0]!.db.weapon).toBe("club");
    // nothing left to change: a second update changes nothing
    expect(await w.world.unit(() => batchUpdateObjectsWithPrototype("goblin"))).toBe(0);
  });

  it("a field the new prototype leaves out is kept unless exact", async () => {
    await w.world.unit(() => savePrototype({ prototype_key: "rock", key: "rock", aliases: ["stone"], attrs: [["weight", 3]] }));
    const [rock] = await w.world.unit(() => spawn("rock"));
    await w.world.unit(() => savePrototype({ prototype_key: "rock", key: "big rock" }));
    expect(await w.world.unit(() => batchUpdateObjectsWithPrototype("rock"))).toBe(1);
    expect(rock!.key).toBe("big rock");
    expect(rock!.db.weight).toBe(3);
    expect(rock!.aliases.get()).toEqual(["stone"]);
    await w.world.unit(() => batchUpdateObjectsWithPrototype("rock", { exact: true }));
    expect(rock!.db.weight).toBeUndefined();
    expect(rock!.aliases.get()).toEqual([]);
    expect(rock!.tags.get(PROTOTYPE_TAG_CATEGORY)).toEqual(["rock"]);
  });
});
