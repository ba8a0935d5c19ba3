/**
 * The `spawn` command on the test world, on both databases: spawning from a key
 * and from a typed prototype, /noloc, /list, /search, /show, /raw, /save,
 * /update, /delete, the prototype locks, the command lock (char2 is a plain
 * player) and bad input.
 */
import { afterEach, expect, it } from "vitest";
import { CmdSpawn } from "../../../evennia-ts/commands/default/building/spawn.ts";
import { clearModulePrototypes, getPrototype, registerPrototypes } from "../../../evennia-ts/prototypes/prototype-library.ts";
import type { Prototype } from "../../../evennia-ts/prototypes/prototype.ts";
import { callCommand, describeWithWorld, type TestWorld } from "../../../evennia-ts/testing/index.ts";
import { search, type DefaultObject } from "../../../evennia-ts/typeclasses/index.ts";

afterEach(() => clearModulePrototypes());

const BALL: Prototype = { prototype_key: "ball", prototype_desc: "A bouncy ball", prototype_tags: ["toy"], typeclass: "evennia.objects.DefaultObject", key: "red ball", attrs: [["bounce", 3]] };

async function objectsNamed(world: TestWorld, key: string): Promise<{ id: number; location_id: number | null }[]> {
  return world.fixture.db.query("SELECT id, location_id FROM objects WHERE key = ? ORDER BY id", [key]);
}

describeWithWorld("spawn", (w) => {
  it("spawns from a prototype key into the builder's location, tagged with the prototype", async () => {
    registerPrototypes([BALL]);
    const out = await callCommand(w.world, CmdSpawn, "ball", "Spawned red ball(#");
    const rows = await objectsNamed(w.world, "red ball");
    expect(rows).toHaveLength(1);
    expect(Number(rows[0]!.location_id)).toBe(w.world.room1.id);
    expect(out.text).toContain(`#${rows[0]!.id}`);
    const [ball] = await w.world.unit(() => search<DefaultObject>({ key: "red ball" }));
    expect(ball!.db.bounce).toBe(3);
    expect(ball!.tags.get("from_prototype")).toEqual(["ball"]);
  });

  it("spawns from a typed prototype (JSON or Python-style literal); /noloc leaves it nowhere", async () => {
    await callCommand(w.world, CmdSpawn, `{"key": "a red ball", "desc": "It bounces.", "tags": ["toy"]}`, "Spawned a red ball");
    const [row] = await objectsNamed(w.world, "a red ball");
    expect(Number(row!.location_id)).toBe(w.world.room1.id);
    await callCommand(w.world, CmdSpawn, `/noloc {'key': 'lost marble', 'attrs': [('shiny', True)]}`, "Spawned lost marble");
    const [marble] = await objectsNamed(w.world, "lost marble");
    expect(marble!.location_id).toBeNull();
    // no home in the prototype: the default home, as Evennia's DEFAULT_HOME
    const [home] = await w.world.fixture.db.query<{ home_id: number }>("SELECT home_id FROM objects WHERE id = ?", [marble!.id]);
    expect(Number(home!.home_id)).toBe(w.world.room1.id);
  });

  it("reports bad prototypes clearly and creates nothing", async () => {
    await callCommand(w.world, CmdSpawn, `{"key": "x", "health": 20}`, "Prototype (unnamed): unknown key(s) 'health'");
    await callCommand(w.world, CmdSpawn, `{"key": x}`, /The prototype must be written as data/);
    await callCommand(w.world, CmdSpawn, `{"key": "y", "typeclass": "nothing.Here"}`, /typeclass 'nothing.Here' could not be found/);
    await callCommand(w.world, CmdSpawn, `{"key": "z", "prototype_parent": "ghost"}`, /prototype_parent \(named 'ghost'\) was not found/);
    await callCommand(w.world, CmdSpawn, "nosuchthing", "No prototype named 'nosuchthing' was found.");
    await callCommand(w.world, CmdSpawn, "", "Usage: spawn <prototype-key>");
    expect(await objectsNamed(w.world, "x")).toEqual([]);
  });

  it("lists, searches, shows and shows raw", async () => {
    registerPrototypes([BALL, { prototype_key: "bat", prototype_tags: ["sport"], typeclass: "evennia.objects.DefaultObject", key: "bat" }]);
    const list = await callCommand(w.world, CmdSpawn, "/list");
    expect(list.text).toMatch(/Key.*Spawn\/Edit.*Tags.*Desc/);
    expect(list.text).toMatch(/ball.*Y\/N.*toy.*A bouncy ball/);
    expect(list.text).toContain("bat");
    const toys = await callCommand(w.world, CmdSpawn, "/list toy");
    expect(toys.text).toContain("ball");
    expect(toys.text).not.toMatch(/\bbat\b/);
    await callCommand(w.world, CmdSpawn, "/list nosuchtag", "No prototypes found with prototype-tag(s): nosuchtag");
    const found = await callCommand(w.world, CmdSpawn, "/search ba;sport");
    expect(found.text).toContain("bat");
    expect(found.text).not.toContain("ball");
    const show = await callCommand(w.world, CmdSpawn, "/show ball", "prototype-key: ball, -tags: toy");
    expect(show.text).toContain("key: red ball");
    expect(show.text).toContain("bounce = 3");
    const raw = await callCommand(w.world, CmdSpawn, "/raw ball");
    expect(JSON.parse(raw.text)).toMatchObject({ prototype_key: "ball", key: "red ball" });
    await callCommand(w.world, CmdSpawn, "/show", "You need to specify a prototype-key to show.");
    await callCommand(w.world, CmdSpawn, "/show zzz", "No prototype named 'zzz' was found.");
  });

  it("saves a prototype in the database (both forms), replaces it, and refuses module prototypes", async () => {
    registerPrototypes([BALL]);
    await callCommand(w.world, CmdSpawn, `/save {"prototype_key": "chair", "key": "chair", "attrs": [["legs", 4]]}`, "Creating new prototype:");
    const stored = await w.world.fixture.db.query<{ value: string }>("SELECT value FROM server_config WHERE key = 'prototype:chair'");
    expect(JSON.parse(stored[0]!.value)).toMatchObject({ key: "chair", attrs: [["legs", 4, null, ""]] });
    const out = await callCommand(w.world, CmdSpawn, `/save stool;A small stool;furniture;wood = {"key": "stool"}`);
    expect(out.text).toContain("Saved prototype: stool");
    expect((await getPrototype("stool"))?.prototype).toMatchObject({ prototype_desc: "A small stool", prototype_tags: ["furniture", "wood"] });
    await callCommand(w.world, CmdSpawn, `/save {"prototype_key": "chair", "key": "armchair"}`, "Replaced existing prototype:");
    expect((await getPrototype("chair"))?.prototype.key).toBe("armchair");
    await callCommand(w.world, CmdSpawn, `/save {"prototype_key": "ball", "key": "fake"}`, "Error saving: ball is a read-only prototype");
    await callCommand(w.world, CmdSpawn, `/save {"key": "nameless"}`, "A prototype_key must be given");
    await callCommand(w.world, CmdSpawn, "/save", "Usage: spawn/save");
  });

  it("updates objects spawned from a changed prototype", async () => {
    await callCommand(w.world, CmdSpawn, `/save {"prototype_key": "lamp", "key": "lamp", "attrs": [["lit", false], ["oil", 5]]}`);
    await callCommand(w.world, CmdSpawn, "lamp", "Spawned lamp");
    await callCommand(w.world, CmdSpawn, "lamp", "Spawned lamp");
    const save = await callCommand(w.world, CmdSpawn, `/save {"prototype_key": "lamp", "key": "brass lamp", "attrs": [["lit", true]]}`);
    expect(save.text).toContain("There are 2 existing object(s) with an older version of prototype 'lamp'. Use spawn/update lamp");
    await callCommand(w.world, CmdSpawn, "/update lamp", "2 objects were updated.");
    const rows = await objectsNamed(w.world, "brass lamp");
    expect(rows).toHaveLength(2);
    const attrs = await w.world.fixture.db.query<{ key: string; value: string }>("SELECT key, value FROM attributes WHERE owner_kind = 'object' AND owner_id = ? ORDER BY key", [rows[0]!.id]);
    expect(attrs.map((a) => `${a.key}=${a.value}`)).toEqual(["lit=true"]);
    await callCommand(w.world, CmdSpawn, `/save {"prototype_key": "unused", "key": "u"}`);
    await callCommand(w.world, CmdSpawn, "/update unused", "No existing objects found with an older version of this prototype.");
    await callCommand(w.world, CmdSpawn, "/update nope", "No prototype named 'nope' was found.");
  });

  it("an update that fails on one object changes none of them", async () => {
    await callCommand(w.world, CmdSpawn, `/save {"prototype_key": "crate", "key": "crate"}`);
    await callCommand(w.world, CmdSpawn, "crate", "Spawned crate");
    await callCommand(w.world, CmdSpawn, "crate", "Spawned crate");
    const [first, second] = await objectsNamed(w.world, "crate");
    // the second crate cannot go inside itself: the first one would be renamed and moved before that fails
    await callCommand(w.world, CmdSpawn, `/save {"prototype_key": "crate", "key": "big crate", "location": "#${second!.id}"}`);
    await expect(callCommand(w.world, CmdSpawn, "/update crate")).rejects.toMatchObject({ code: "EV_ERR_BAD_INPUT", message: expect.stringMatching(/^Update failed: .*Nothing was changed\.$/) });
    expect(await objectsNamed(w.world, "big crate")).toHaveLength(0);
    const rows = await w.world.fixture.db.query<{ id: number; location_id: number | null }>("SELECT id, location_id FROM objects WHERE id IN (?, ?) ORDER BY id", [first!.id, second!.id]);
    expect(rows.every((r) => r.location_id !== second!.id)).toBe(true);
  });

  it("deletes a database prototype; module prototypes and missing ones are refused", async () => {
    registerPrototypes([BALL]);
    await callCommand(w.world, CmdSpawn, `/save {"prototype_key": "crate", "key": "crate"}`);
    await callCommand(w.world, CmdSpawn, "/delete crate", "Deletion successful");
    expect(await w.world.fixture.db.query("SELECT key FROM server_config WHERE key = 'prototype:crate'")).toEqual([]);
    await callCommand(w.world, CmdSpawn, "/delete crate", "No prototype named 'crate' was found.");
    await callCommand(w.world, CmdSpawn, "/delete ball", "Error deleting: ball is a read-only prototype");
  });

  it("prototype locks: spawn and edit are checked against the builder", async () => {
    await w.world.unit(() => w.world.account2.permissions.add("Builder"));
    await callCommand(w.world, CmdSpawn, `/save {"prototype_key": "relic", "key": "relic", "prototype_locks": "spawn:perm(Admin);edit:perm(Admin)"}`);
    await callCommand(w.world, CmdSpawn, "relic", "You don't have access to use this prototype.", { caller: w.world.char2 });
    await callCommand(w.world, CmdSpawn, "/delete relic", "Error deleting: You need 'edit' access", { caller: w.world.char2 });
    await callCommand(w.world, CmdSpawn, `/save {"prototype_key": "relic", "key": "stolen"}`, "Error saving: you may not edit prototype relic", { caller: w.world.char2 });
    const list = await callCommand(w.world, CmdSpawn, "/list", undefined, { caller: w.world.char2 });
    expect(list.text).not.toContain("relic");
    await callCommand(w.world, CmdSpawn, "relic", "Spawned relic");
  });

  it("is locked to Builders", () => {
    const cmd = new CmdSpawn();
    expect(cmd.access(w.world.char2, "cmd")).toBe(false);
    expect(cmd.access(w.world.char1, "cmd")).toBe(true);
  });
});
