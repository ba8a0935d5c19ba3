/**
 * The world-building commands (create, dig, tunnel, open, link, unlink, destroy,
 * copy, sethome, teleport, name, desc) on the test world, on both databases:
 * their output, their refusals (locks, bad arguments, no match) and that what
 * they change is in the database.
 *
 * In the world, char1 ("Char") belongs to a Developer account and char2 ("Char2")
 * to a Player account; tests that need a builder who is not an Admin give
 * account2 the Builder permission.
 */
import { expect, it } from "vitest";
import { CmdCopy } from "../../../evennia-ts/commands/default/building/copy.ts";
import { CmdCreate } from "../../../evennia-ts/commands/default/building/create.ts";
import { CmdDestroy } from "../../../evennia-ts/commands/default/building/destroy.ts";
import { CmdDig, CmdTunnel } from "../../../evennia-ts/commands/default/building/dig.ts";
import { CmdLink, CmdOpen, CmdUnlink } from "../../../evennia-ts/commands/default/building/exits.ts";
import { CmdDesc, CmdName } from "../../../evennia-ts/commands/default/building/name-desc.ts";
import { parseObjectAttrSpec, parseObjectSpec, resolveObjectTypeclass } from "../../../evennia-ts/commands/default/building/object-spec.ts";
import { CmdSetHome } from "../../../evennia-ts/commands/default/building/sethome.ts";
import { CmdTeleport } from "../../../evennia-ts/commands/default/building/teleport.ts";
import "../../../evennia-ts/commands/default/cmdsets.ts";
import { CommandHandler, DEFAULT_CMDSET_PATHS } from "../../../evennia-ts/commands/handler.ts";
import { callCommand, describeWithWorld, worldServices, type TestWorld } from "../../../evennia-ts/testing/index.ts";
import { createObject, DefaultObject, DefaultRoom, registerTypeclass } from "../../../evennia-ts/typeclasses/index.ts";

class Boulder extends DefaultObject {}
registerTypeclass("typeclasses.objects.Boulder", Boulder);

/** The object row as the database has it. */
async function row(world: TestWorld, id: number) {
  const [r] = await world.fixture.db.query<{ key: string; location_id: number | null; home_id: number | null; destination_id: number | null; typeclass_path: string }>(
    "SELECT key, location_id, home_id, destination_id, typeclass_path FROM objects WHERE id = ?",
    [id],
  );
  return r ?? null;
}

/** Ids of the objects with this key, from the database. */
async function idsOf(world: TestWorld, key: string): Promise<number[]> {
  const rows = await world.fixture.db.query<{ id: number }>("SELECT id FROM objects WHERE key = ? ORDER BY id", [key]);
  return rows.map((r) => Number(r.id));
}

/** The aliases stored for an object. */
async function storedAliases(world: TestWorld, id: number): Promise<string[]> {
  const rows = await world.fixture.db.query<{ key: string }>("SELECT key FROM tags WHERE owner_kind = 'object' AND owner_id = ? AND kind = 'alias' ORDER BY key", [id]);
  return rows.map((r) => r.key);
}

async function objectCount(world: TestWorld): Promise<number> {
  const [r] = await world.fixture.db.query<{ n: number }>("SELECT COUNT(*) AS n FROM objects");
  return Number(r!.n);
}

/** Make account2 (char2's) a Builder: past the command locks, but not an Admin. */
async function makeChar2Builder(world: TestWorld): Promise<void> {
  await world.unit(() => world.account2.permissions.add("Builder"));
}

/** The first object of that key in memory (it is in the world's rooms). */
function live(world: TestWorld, key: string): DefaultObject {
  const all = [...world.room1.contents, ...world.room2.contents, ...world.char1.contents];
  const found = all.find((o) => o.key === key);
  if (!found) throw new Error(`no ${key} around`);
  return found;
}

describeWithWorld("building commands: create", (w) => {
  it("creates an object in the builder's hands, with owner locks and Evennia's default locks", async () => {
    const { char1, account1 } = w.world;
    const out = await callCommand(w.world, CmdCreate, "sword");
    expect(out.text).toBe("You create a new DefaultObject: sword.");
    const sword = char1.contents.find((o) => o.key === "sword")!;
    expect(sword.home).toBe(char1);
    expect(sword.locks.get("control")).toBe(`control:pid(${account1.id}) or id(${char1.id}) or perm(Admin)`);
    expect(sword.locks.get("get")).toBe("get:all()");
    expect(sword.account).toBeNull();
    expect(sword.db.creator_id).toBe(account1.id);
    const stored = await row(w.world, sword.id);
    expect(stored).toMatchObject({ key: "sword", location_id: char1.id, home_id: char1.id, typeclass_path: "evennia.objects.DefaultObject" });
  });

  it("creates several, with aliases, a typeclass found by a short path, and /drop", async () => {
    const { room1 } = w.world;
    const out = await callCommand(w.world, CmdCreate, "/drop box;crate;chest, rock:objects.Boulder");
    expect(out.text).toBe("You create a new DefaultObject: box (aliases: crate, chest).\nYou create a new Boulder: rock.");
    const box = live(w.world, "box");
    const rock = live(w.world, "rock");
    expect(box.location).toBe(room1);
    expect(box.home).toBe(room1);
    expect(rock).toBeInstanceOf(Boulder);
    expect(await storedAliases(w.world, box.id)).toEqual(["chest", "crate"]);
    expect(await row(w.world, rock.id)).toMatchObject({ location_id: room1.id, typeclass_path: "typeclasses.objects.Boulder" });
  });

  it("reports a typeclass that does not exist or is not an object's, and creates nothing for it", async () => {
    const before = await objectCount(w.world);
    const out = await callCommand(w.world, CmdCreate, "thing:no.such.Thing, card:evennia.accounts.DefaultAccount, pebble");
    expect(out.text).toContain("Typeclass 'no.such.Thing' could not be found");
    expect(out.text).toContain("Typeclass 'evennia.accounts.DefaultAccount' is not an in-world object typeclass");
    expect(out.text).toContain("You create a new DefaultObject: pebble.");
    expect(await objectCount(w.world)).toBe(before + 1);
  });

  it("answers a bare create and a nameless spec with what to type", async () => {
    await callCommand(w.world, CmdCreate, "", "Usage: create[/drop] <newname>");
    await callCommand(w.world, CmdCreate, ";alias", "You must give each new object a name");
  });
});

describeWithWorld("building commands: dig and tunnel", (w) => {
  it("digs a room with exits both ways, reported as Evennia does, and stored", async () => {
    const { room1 } = w.world;
    const out = await callCommand(w.world, CmdDig, "Kitchen;k = north;n, south;s");
    const [kitchen] = await idsOf(w.world, "Kitchen");
    const [north] = await idsOf(w.world, "north");
    const [south] = await idsOf(w.world, "south");
    expect(out.text).toBe(
      `Created room Kitchen(#${kitchen}) (k) of type evennia.objects.DefaultRoom.\n` +
        `Created Exit from Room to Kitchen: north(#${north}) (n).\n` +
        `Created Exit back from Kitchen to Room: south(#${south}) (s).`,
    );
    expect(await row(w.world, kitchen!)).toMatchObject({ location_id: null, home_id: room1.id });
    expect(await row(w.world, north!)).toMatchObject({ location_id: room1.id, destination_id: kitchen });
    expect(await row(w.world, south!)).toMatchObject({ location_id: kitchen, destination_id: room1.id });
    expect(await storedAliases(w.world, kitchen!)).toEqual(["k"]);
    expect(w.world.char1.location).toBe(room1);
  });

  it("/teleport moves the builder in; the new room belongs to the builder", async () => {
    const { char1 } = w.world;
    await callCommand(w.world, CmdDig, "/teleport Attic", /^Created room Attic/);
    expect(char1.location?.key).toBe("Attic");
    expect(char1.location).toBeInstanceOf(DefaultRoom);
    expect(char1.location!.locks.get("edit")).toBe(`edit:id(${char1.id}) or perm(Admin)`);
    expect(char1.location!.locks.get("teleport")).toBe("teleport:false()");
    expect((await row(w.world, char1.id))!.location_id).toBe(char1.location!.id);
  });

  it("builds nothing when a typeclass is bad, and needs a room name", async () => {
    const before = await objectCount(w.world);
    await callCommand(w.world, CmdDig, "Cave:no.Cave = in", "Error creating room: Typeclass 'no.Cave' could not be found");
    await callCommand(w.world, CmdDig, "Cave = in:no.Door, out", "Error creating exit: Typeclass 'no.Door' could not be found");
    await callCommand(w.world, CmdDig, "", "Usage: dig[/teleport] <roomname>");
    await callCommand(w.world, CmdDig, ";cave = in", "You must supply a new room name.");
    expect(await objectCount(w.world)).toBe(before);
  });

  it("tunnel makes the room and exits named by direction, with the opposite exit back", async () => {
    const { room1 } = w.world;
    const out = await callCommand(w.world, CmdTunnel, "n = Tower;spire");
    expect(out.text).toMatch(/^Created room Tower\(#\d+\) \(spire\) of type evennia\.objects\.DefaultRoom\.\nCreated Exit from Room to Tower: north\(#\d+\) \(n\)\.\nCreated Exit back from Tower to Room: south\(#\d+\) \(s\)\.$/);
    const north = room1.exits.find((e) => e.key === "north")!;
    expect(north.aliases.get()).toEqual(["n"]);
    const tower = north.destination!;
    await tower.loadContents();
    expect(tower.exits.map((e) => [e.key, e.destination])).toEqual([["south", room1]]);
  });

  it("tunnel/oneway/tel takes a full direction name and a typeclass, names the room 'Some place'", async () => {
    const { char1, room1 } = w.world;
    const out = await callCommand(w.world, CmdTunnel, "/oneway/tel up:evennia.objects.DefaultExit");
    expect(out.text).toContain("Created room Some place");
    expect(out.text).toContain("Created Exit from Room to Some place: up");
    expect(out.text).not.toContain("Exit back");
    expect(char1.location?.key).toBe("Some place");
    expect(char1.location!.exits).toEqual([]);
    expect(room1.exits.map((e) => e.key)).toContain("up");
  });

  it("tunnel lists its directions for anything else, and wants a direction", async () => {
    const out = await callCommand(w.world, CmdTunnel, "sideways = Limbo");
    expect(out.text).toBe("tunnel can only understand the following directions: d,e,i,n,ne,nw,o,s,se,sw,u,w.\n(use dig for more freedom)");
    await callCommand(w.world, CmdTunnel, "", "Usage: tunnel[/switch] <direction>");
  });
});

describeWithWorld("building commands: open, link, unlink", (w) => {
  it("opens an exit and one back, and reports an exit that exists", async () => {
    const { room1, room2 } = w.world;
    const out = await callCommand(w.world, CmdOpen, "door;d, hatch;h = Room2");
    expect(out.text).toBe("Created new Exit 'door' from Room to Room2 (aliases: d).\nCreated new Exit 'hatch' from Room2 to Room (aliases: h).");
    const door = room1.exits.find((e) => e.key === "door")!;
    expect(door.locks.get("traverse")).toBe("traverse:all()");
    expect(door.locks.get("delete")).toBe(`delete:id(${w.world.char1.id}) or perm(Admin)`);
    expect(await row(w.world, door.id)).toMatchObject({ location_id: room1.id, destination_id: room2.id });
    const hatch = room2.exits.find((e) => e.key === "hatch")!;
    expect(await row(w.world, hatch.id)).toMatchObject({ location_id: room2.id, destination_id: room1.id });
    await callCommand(w.world, CmdOpen, "out = Room2", "Exit out already exists. It already points to the correct place.");
  });

  it("reroutes an exit of that name, and refuses to turn a thing into an exit", async () => {
    const { exit1 } = w.world;
    const cellar = await w.world.unit(() => createObject(DefaultRoom, { key: "Cellar" }));
    await callCommand(w.world, CmdOpen, "out;o = Cellar", "Exit out already exists. Rerouted its old destination 'Room2' to 'Cellar' and changed aliases.");
    expect(exit1.destination).toBe(cellar);
    expect((await row(w.world, exit1.id))!.destination_id).toBe(cellar.id);
    await callCommand(w.world, CmdOpen, "Obj = Room2", "'Obj' already exists and is not an exit!");
  });

  it("open wants '= destination', a destination that exists and a location", async () => {
    await callCommand(w.world, CmdOpen, "door", "Usage: open <new exit>");
    await callCommand(w.world, CmdOpen, "door = Narnia", "Could not find 'Narnia'.");
    await callCommand(w.world, CmdOpen, ";d = Room2", "You must give the new exit a name.");
  });

  it("link sets, shows and clears a destination", async () => {
    const { exit1, obj1, room2 } = w.world;
    const cellar = await w.world.unit(() => createObject(DefaultRoom, { key: "Cellar" }));
    await callCommand(w.world, CmdLink, "out = Cellar", "Link created out -> Cellar (one way).");
    expect((await row(w.world, exit1.id))!.destination_id).toBe(cellar.id);
    await callCommand(w.world, CmdLink, "out", "out is an exit to Cellar.");
    await callCommand(w.world, CmdLink, "Obj", "Obj is not an exit. Its home location is Room.");
    const out = await callCommand(w.world, CmdLink, "Obj = Room2");
    expect(out.text).toBe(`Note: Obj(#${obj1.id}) did not have a destination set before. Make sure you linked the right thing.\nLink created Obj -> Room2 (one way).`);
    expect(obj1.destination).toBe(room2);
    await callCommand(w.world, CmdLink, "out =", "Former exit out no longer links anywhere.");
    expect((await row(w.world, exit1.id))!.destination_id).toBeNull();
  });

  it("link/twoway points two exits at each other's rooms; refuses rooms and self-links", async () => {
    const { exit1, exit2, room1, room2 } = w.world;
    await w.world.unit(() => {
      exit1.destination = null;
      exit2.destination = null;
    });
    // 'back' is not near the caller: it is found by its exact name anywhere
    const out = await callCommand(w.world, CmdLink, "/twoway out = back");
    expect(out.text).toContain("Link created out (in Room) <-> back (in Room2) (two-way).");
    expect(out.text).toContain(`Note: back(#${exit2.id}) did not have a destination set before.`);
    expect([exit1.destination, exit2.destination]).toEqual([room2, room1]);
    expect((await row(w.world, exit2.id))!.destination_id).toBe(room1.id);
    await callCommand(w.world, CmdLink, "/twoway out = Room2", "To create a two-way link, out and Room2 must both have a location");
    await callCommand(w.world, CmdLink, "out = out", "Cannot link an object to itself.");
    await callCommand(w.world, CmdLink, "", "Usage: link[/twoway] <object> = <target>");
    await callCommand(w.world, CmdLink, "nothing = Room2", "Could not find 'nothing'.");
  });

  it("unlink clears a destination once", async () => {
    const { exit1 } = w.world;
    await callCommand(w.world, CmdUnlink, "out", "Former exit out no longer links anywhere.");
    await callCommand(w.world, CmdUnlink, "out", "out had no destination to unlink.");
    expect((await row(w.world, exit1.id))!.destination_id).toBeNull();
    await callCommand(w.world, CmdUnlink, "", "Usage: unlink <object>");
  });
});

describeWithWorld("building commands: destroy", (w) => {
  it("asks first; return or yes destroys, and the row is gone", async () => {
    const { obj1 } = w.world;
    const out = await callCommand(w.world, CmdDestroy, "Obj", undefined, { inputs: [""] });
    expect(w.world.output(w.world.session1).some(([cmd, args]) => cmd === "prompt" && args[0] === "Are you sure you want to destroy Obj [yes]/no?")).toBe(true);
    expect(out.text).toBe("Obj was destroyed.");
    expect(obj1.isDeleted).toBe(true);
    expect(await row(w.world, obj1.id)).toBeNull();
  });

  it("no cancels, anything else too, with Evennia's messages", async () => {
    const { obj1 } = w.world;
    await callCommand(w.world, CmdDestroy, "Obj", "Canceled: No object was destroyed.", { inputs: ["no"] });
    await callCommand(w.world, CmdDestroy, "Obj", "Canceled: Either accept the default by pressing return or specify yes/no.", { inputs: ["maybe"] });
    expect(obj1.isDeleted).toBe(false);
    expect(await row(w.world, obj1.id)).not.toBeNull();
  });

  it("/force destroys a room with its exits, sending what was inside home", async () => {
    const { room2, exit1, exit2, obj1, room1 } = w.world;
    await w.world.unit(() => obj1.moveTo(room2, { quiet: true }));
    const out = await callCommand(w.world, CmdDestroy, `/force #${room2.id}`);
    // the caller is in Room: it sees Obj arrive there first
    expect(out.text).toBe("Obj arrives to Room from Room2.\n" + "Room2 was destroyed. Exits to and from Room2 were destroyed as well. Objects inside Room2 were moved to their homes.");
    expect([room2.isDeleted, exit1.isDeleted, exit2.isDeleted]).toEqual([true, true, true]);
    expect(obj1.location).toBe(room1);
    expect((await row(w.world, obj1.id))!.location_id).toBe(room1.id);
  });

  it("destroys several and dbref ranges, each once", async () => {
    const made = await w.world.unit(async () => {
      const out: DefaultObject[] = [];
      for (const key of ["a1", "a2", "a3"]) out.push(await createObject(DefaultObject, { key, location: w.world.room1 }));
      return out;
    });
    const out = await callCommand(w.world, CmdDestroy, `/force ${made[2]!.id}-#${made[0]!.id}, a2, Obj`);
    expect(out.text).toBe("a1 was destroyed.\na2 was destroyed.\na3 was destroyed.\nObj was destroyed.");
    for (const obj of made) expect(await row(w.world, obj.id)).toBeNull();
  });

  it("refuses characters of accounts unless /override, and the default home always", async () => {
    const { char2, session2 } = w.world;
    await callCommand(w.world, CmdDestroy, "/force Char2", "Object Char2 is controlled by an active account. Use /override to delete anyway.");
    expect(char2.isDeleted).toBe(false);
    await callCommand(w.world, CmdDestroy, "/force here", "You are trying to delete Room, which is set as the default home (server setting default_home).");
    expect(w.world.room1.isDeleted).toBe(false);
    await callCommand(w.world, CmdDestroy, "/force/override Char2", "Char2 was destroyed.");
    expect(session2.puppet).toBeNull();
    expect(await row(w.world, char2.id)).toBeNull();
  });

  it("refuses what the caller may not delete (delete lock), but lets builders destroy their own things", async () => {
    await makeChar2Builder(w.world);
    const { char2, obj1 } = w.world;
    await callCommand(w.world, CmdDestroy, "/force Obj", "You don't have permission to delete Obj.", { caller: char2 });
    expect(obj1.isDeleted).toBe(false);
    await callCommand(w.world, CmdCreate, "trinket", undefined, { caller: char2 });
    await callCommand(w.world, CmdDestroy, "/force trinket", "trinket was destroyed.", { caller: char2 });
  });

  it("reports names it cannot find; /exact wants whole names", async () => {
    await callCommand(w.world, CmdDestroy, "/force nothing", "Could not find 'nothing'.\n (Objects to destroy must either be local or specified with a unique #dbref.)");
    await callCommand(w.world, CmdDestroy, "/force/exact Ob", "Could not find 'Ob'.");
    expect(w.world.obj1.isDeleted).toBe(false);
    await callCommand(w.world, CmdDestroy, "/force Ob", "Obj was destroyed.");
    await callCommand(w.world, CmdDestroy, "", "Usage: destroy[/switches]");
  });
});

describeWithWorld("building commands: copy", (w) => {
  it("makes an identical copy named <name>_copy, with attributes, tags, aliases and locks", async () => {
    const { obj1, room1 } = w.world;
    await w.world.unit(() => {
      obj1.db.weight = 3;
      obj1.attributes.add("secret", "xyzzy", { category: "lore", lockstring: "attrread:perm(Admin)" });
      obj1.tags.add("shiny", "looks");
      obj1.aliases.add("thing");
      obj1.locks.add("get:perm(Builder)");
    });
    await callCommand(w.world, CmdCopy, "Obj", "Identical copy of Obj, named 'Obj_copy' was created.");
    const copy = live(w.world, "Obj_copy");
    expect(copy.location).toBe(room1);
    expect(copy.db.weight).toBe(3);
    expect(copy.attributes.get("secret", { category: "lore" })).toBe("xyzzy");
    expect(copy.attributes.lockstring("secret", { category: "lore" })).toBe("attrread:perm(Admin)");
    expect(copy.tags.has("shiny", "looks")).toBe(true);
    expect(copy.aliases.get()).toEqual(["thing_copy"]);
    expect(copy.locks.get("get")).toBe("get:perm(Builder)");
    expect(await storedAliases(w.world, copy.id)).toEqual(["thing_copy"]);
    const [attr] = await w.world.fixture.db.query<{ key: string }>("SELECT key FROM attributes WHERE owner_kind = 'object' AND owner_id = ? AND key = 'weight'", [copy.id]);
    expect(attr?.key).toBe("weight");
  });

  it("makes named copies with aliases, one placed elsewhere", async () => {
    const { room2 } = w.world;
    const out = await callCommand(w.world, CmdCopy, "Obj = Sword;blade, Axe:Room2");
    expect(out.text).toBe("Copied Obj to 'Sword' (aliases: blade).\nCopied Obj to 'Axe' (aliases: none).");
    const [axe] = await idsOf(w.world, "Axe");
    expect((await row(w.world, axe!))!.location_id).toBe(room2.id);
  });

  it("/reset makes a clean copy without the original's attributes", async () => {
    await w.world.unit(() => {
      w.world.obj1.db.weight = 3;
    });
    await callCommand(w.world, CmdCopy, "/reset Obj = Fresh", "Copied Obj to 'Fresh'");
    expect(live(w.world, "Fresh").db.weight).toBeUndefined();
  });

  it("reports what it cannot find, and answers a bare copy", async () => {
    await callCommand(w.world, CmdCopy, "nothing", "Could not find 'nothing'.");
    await callCommand(w.world, CmdCopy, "Obj = Clone:Narnia", "Could not find 'Narnia'.");
    expect(await idsOf(w.world, "Clone")).toEqual([]);
    await callCommand(w.world, CmdCopy, "", "Usage: copy <obj>");
  });
});

describeWithWorld("building commands: sethome", (w) => {
  it("shows and changes a home", async () => {
    const { obj1, room1, room2 } = w.world;
    await callCommand(w.world, CmdSetHome, "Obj", `Obj's current home is Room(#${room1.id}).`);
    await callCommand(w.world, CmdSetHome, "Obj = Room2", `Home location of Obj was changed from Room(#${room1.id}) to Room2(#${room2.id}).`);
    expect((await row(w.world, obj1.id))!.home_id).toBe(room2.id);
  });

  it("sets a first home, and says when there is none", async () => {
    const { room2 } = w.world;
    await w.world.unit(() => createObject(DefaultObject, { key: "Stray", location: w.world.room1 }));
    await callCommand(w.world, CmdSetHome, "Stray", "This object has no home location set!");
    await callCommand(w.world, CmdSetHome, "Stray = Room2", `Home location of Stray was set to Room2(#${room2.id}).`);
    await callCommand(w.world, CmdSetHome, "", "Usage: sethome <obj> [= <home_location>]");
    await callCommand(w.world, CmdSetHome, "Stray = Narnia", "Could not find 'Narnia'.");
  });
});

describeWithWorld("building commands: teleport", (w) => {
  it("teleports the caller, and others hear of it", async () => {
    const { char1, char2, room2 } = w.world;
    const out = await callCommand(w.world, CmdTeleport, "Room2", undefined, { receivers: [char1, char2] });
    expect(out.of(char1)).toContain("Teleported to Room2.");
    expect(out.of(char2)).toBe("Char is leaving Room, heading for Room2.");
    expect(char1.location).toBe(room2);
    expect((await row(w.world, char1.id))!.location_id).toBe(room2.id);
  });

  it("teleports an object with = or 'to', quietly with /quiet", async () => {
    const { obj1, char2, room1, room2 } = w.world;
    const loud = await callCommand(w.world, CmdTeleport, "Obj to Room2", undefined, { receivers: [w.world.char1, char2] });
    expect(loud.of(w.world.char1)).toBe("Obj is leaving Room, heading for Room2.\nTeleported Obj -> Room2.");
    expect(loud.of(char2)).toBe("Obj is leaving Room, heading for Room2.");
    expect(obj1.location).toBe(room2);
    const quiet = await callCommand(w.world, CmdTeleport, `/quiet #${obj1.id} = Room`, "Teleported Obj -> Room.", { receivers: [w.world.char1, char2] });
    expect(quiet.of(char2)).toBe("");
    expect(obj1.location).toBe(room1);
  });

  it("/intoexit goes into an exit, /loc to the target's location", async () => {
    const { obj1, exit2, char1, room2 } = w.world;
    await callCommand(w.world, CmdTeleport, "Obj = out", /Teleported Obj -> Room2\.$/);
    expect(obj1.location).toBe(room2);
    await callCommand(w.world, CmdTeleport, "/intoexit Obj = back", /Teleported Obj -> back\.$/);
    expect(obj1.location).toBe(exit2);
    await callCommand(w.world, CmdTeleport, "/loc me = back", /Teleported to Room2\./);
    expect(char1.location).toBe(room2);
  });

  it("/tonone sends a thing nowhere, and it can be brought back by dbref", async () => {
    const { obj1, char2, room2 } = w.world;
    const out = await callCommand(w.world, CmdTeleport, "/tonone Obj", "Teleported Obj -> None-location.", { receivers: [w.world.char1, char2] });
    expect(out.of(char2)).toBe("Char teleported Obj into nothingness.");
    expect(obj1.location).toBeNull();
    expect((await row(w.world, obj1.id))!.location_id).toBeNull();
    await callCommand(w.world, CmdTeleport, `#${obj1.id} = Room2`, "Teleported Obj None -> Room2.");
    expect(obj1.location).toBe(room2);
    await callCommand(w.world, CmdTeleport, "/tonone Char2", "Cannot teleport a puppeted object (Char2, puppeted by TestAccount2) to a None-location.");
    expect(char2.location).toBe(w.world.room1);
  });

  it("refuses impossible moves", async () => {
    const { obj1 } = w.world;
    await w.world.unit(() => createObject(DefaultObject, { key: "pouch", location: obj1 }));
    await callCommand(w.world, CmdTeleport, "Obj = Obj", "You can't teleport an object inside of itself!");
    await callCommand(w.world, CmdTeleport, "Obj = pouch", "You can't teleport an object inside something it holds!");
    await callCommand(w.world, CmdTeleport, "Room", "Char is already at Room.");
    await callCommand(w.world, CmdTeleport, "Narnia", "Could not find 'Narnia'.");
    await callCommand(w.world, CmdTeleport, "nothing = Room2", "Could not find 'nothing'.\nDid not find object to teleport.");
    await callCommand(w.world, CmdTeleport, "", "Usage: teleport[/switches] [<obj> =] <target location>");
  });

  it("checks the teleport and teleport_here locks for non-Admins", async () => {
    await makeChar2Builder(w.world);
    const { char2, obj1, room2 } = w.world;
    await callCommand(w.world, CmdTeleport, "Room2", "Char2 'teleport'-lock blocks you from teleporting it anywhere.", { caller: char2 });
    await callCommand(w.world, CmdTeleport, "Obj = out", "out 'teleport_here'-lock blocks Obj from moving there.", { caller: char2 });
    expect(obj1.location).toBe(w.world.room1);
    await callCommand(w.world, CmdTeleport, "Obj = Room2", /Teleported Obj -> Room2\.$/, { caller: char2 });
    expect(obj1.location).toBe(room2);
    await callCommand(w.world, CmdTeleport, "/tonone out", "out 'teleport'-lock blocks you from teleporting it anywhere.", { caller: char2 });
    expect(w.world.exit1.location).toBe(w.world.room1);
    // the object is the left side: a target after "=" is ignored
    await callCommand(w.world, CmdTeleport, "/tonone Obj = Room", "Teleported Obj -> None-location.", { caller: char2 });
    expect(obj1.location).toBeNull();
    expect(w.world.room1.isDeleted).toBe(false);
  });
});

describeWithWorld("building commands: name and desc", (w) => {
  it("renames an object and adds aliases", async () => {
    const { obj1 } = w.world;
    await callCommand(w.world, CmdName, "Obj = Ball;sphere;orb", "Object's name changed to 'Ball' (sphere, orb).");
    expect((await row(w.world, obj1.id))!.key).toBe("Ball");
    expect(await storedAliases(w.world, obj1.id)).toEqual(["orb", "sphere"]);
    await callCommand(w.world, CmdName, "Ball = ;globe", "Aliases added to Ball: (globe).");
    expect(obj1.aliases.get()).toContain("globe");
  });

  it("refuses builders without the edit lock, and bad arguments", async () => {
    await makeChar2Builder(w.world);
    await callCommand(w.world, CmdName, "Obj = Ball", "You don't have the right to edit Obj.", { caller: w.world.char2 });
    expect(w.world.obj1.key).toBe("Obj");
    await callCommand(w.world, CmdName, "Obj", "No names or aliases defined!");
    await callCommand(w.world, CmdName, "", "Usage: name <obj> = <newname>");
    await callCommand(w.world, CmdName, "nothing = x", "Could not find 'nothing'.");
  });

  it("renames an account with *name, refusing aliases and taken names", async () => {
    await callCommand(w.world, CmdName, "*TestAccount2 = Bob;b", "Accounts can't have aliases.");
    await callCommand(w.world, CmdName, "*TestAccount2 = testaccount", "There is already an account named 'TestAccount'.");
    await callCommand(w.world, CmdName, "*nobody = Bob", "Could not find account 'nobody'.");
    await callCommand(w.world, CmdName, "*TestAccount2 = Bob", "Account's name changed to 'Bob'.");
    const [r] = await w.world.fixture.db.query<{ username: string }>("SELECT username FROM accounts WHERE id = ?", [w.world.account2.id]);
    expect(r?.username).toBe("Bob");
  });

  it("describes the room, or a named object", async () => {
    const { room1, obj1 } = w.world;
    await callCommand(w.world, CmdDesc, "A sunny meadow.", "The description was set on Room.");
    expect(room1.db.desc).toBe("A sunny meadow.");
    await callCommand(w.world, CmdDesc, "Obj = A round, red ball.", "The description was set on Obj.");
    expect(obj1.db.desc).toBe("A round, red ball.");
    const [attr] = await w.world.fixture.db.query<{ value: string }>("SELECT value FROM attributes WHERE owner_kind = 'object' AND owner_id = ? AND key = 'desc'", [obj1.id]);
    expect(attr?.value).toContain("A round, red ball.");
  });

  it("refuses without the edit lock (also for /edit), opens the line editor with /edit, and answers a bare desc", async () => {
    await makeChar2Builder(w.world);
    await callCommand(w.world, CmdDesc, "Obj = mine now", "You don't have permission to edit the description of Obj.", { caller: w.world.char2 });
    expect(w.world.obj1.db.desc).toBeUndefined();
    await callCommand(w.world, CmdDesc, "/edit Obj", "You don't have permission to edit the description of Obj.", { caller: w.world.char2 });
    await callCommand(w.world, CmdDesc, "/edit Obj", "----------Line Editor [desc]");
    await callCommand(w.world, CmdDesc, "", "Usage: desc [<obj> =] <description>");
  });
});

describeWithWorld("building commands through the command handler", (w) => {
  const handler = () => new CommandHandler(w.world.fixture.db, worldServices(w.world), DEFAULT_CMDSET_PATHS);

  it("are in the character cmdset for Builders, and not offered to players", async () => {
    const h = handler();
    const { session1, session2 } = w.world;
    await h.execute(session2, "create box");
    expect(w.world.text(session2)).toContain("Command 'create box' is not available.");
    for (const cmd of [CmdCreate, CmdDig, CmdTunnel, CmdOpen, CmdLink, CmdUnlink, CmdDestroy, CmdCopy, CmdSetHome, CmdTeleport, CmdName, CmdDesc]) {
      expect(new cmd().access(w.world.char2, "cmd"), cmd.name).toBe(false);
      expect(new cmd().access(w.world.char1, "cmd"), cmd.name).toBe(true);
    }
    await h.execute(session1, "@tun d = Cellar");
    expect(w.world.text(session1)).toMatch(/Created Exit from Room to Cellar: down\(#\d+\) \(d\)\./);
  });

  it("a renamed exit answers to its new name", async () => {
    const h = handler();
    const { session1, char1, room2 } = w.world;
    await h.execute(session1, "rename out = portal;p");
    await h.execute(session1, "p");
    expect(char1.location).toBe(room2);
  });

  it("destroy asks, and the next line answers", async () => {
    const h = handler();
    const { session1, obj1 } = w.world;
    await h.execute(session1, "del Obj");
    expect(obj1.isDeleted).toBe(false);
    await h.execute(session1, "y");
    expect(obj1.isDeleted).toBe(true);
    expect(w.world.text(session1)).toContain("Obj was destroyed.");
  });
});

describeWithWorld("building: object specs and typeclasses", () => {
  it("parses name;alias:option and obj/attr:category as Evennia", () => {
    expect(parseObjectSpec(" box ; crate;; chest : typeclasses.objects.Box ")).toEqual({ name: "box", aliases: ["crate", "chest"], option: "typeclasses.objects.Box" });
    expect(parseObjectSpec("north")).toEqual({ name: "north", aliases: [], option: null });
    expect(parseObjectAttrSpec("box/Weight/Data['Key']:stats")).toEqual({ name: "box", attrs: ["weight", "data['Key']"], category: "stats" });
    expect(parseObjectAttrSpec("box")).toEqual({ name: "box", attrs: [], category: null });
  });

  it("resolves typeclasses by path, short path or default, never throwing", () => {
    expect(resolveObjectTypeclass(null, "room")).toMatchObject({ ok: true, typeclass: { path: "evennia.objects.DefaultRoom" } });
    expect(resolveObjectTypeclass("DefaultExit")).toMatchObject({ ok: true, typeclass: { path: "evennia.objects.DefaultExit" } });
    expect(resolveObjectTypeclass("objects.Boulder")).toMatchObject({ ok: true, typeclass: { path: "typeclasses.objects.Boulder" } });
    expect(resolveObjectTypeclass("nope")).toMatchObject({ ok: false });
  });
});
