/**
 * The building commands for properties and inspection — set, wipe, examine, find,
 * tag, lock, typeclass, alias, cpattr, mvattr, cmdsets, objects — on both
 * databases, through `callCommand`: success output, lock-denied paths, bad
 * arguments, and that changes reach the database.
 */
import { expect, it } from "vitest";
import { CmdSetObjAlias } from "../../../evennia-ts/commands/default/building/alias.ts";
import { CmdCpAttr, CmdMvAttr } from "../../../evennia-ts/commands/default/building/attr-copy.ts";
import { CmdListCmdSets, CmdObjects, datetimeFormat } from "../../../evennia-ts/commands/default/building/cmdsets-objects.ts";
import { CmdExamine } from "../../../evennia-ts/commands/default/building/examine.ts";
import { CmdFind } from "../../../evennia-ts/commands/default/building/find.ts";
import { CmdLock } from "../../../evennia-ts/commands/default/building/lock.ts";
import { CmdSetAttribute, CmdWipe } from "../../../evennia-ts/commands/default/building/set-wipe.ts";
import { CmdTag } from "../../../evennia-ts/commands/default/building/tag.ts";
import { CmdTypeclass } from "../../../evennia-ts/commands/default/building/typeclass.ts";
import { AccountCmdSet, CharacterCmdSet } from "../../../evennia-ts/commands/default/cmdsets.ts";
import { callCommand, describeWithWorld, type TestWorld } from "../../../evennia-ts/testing/index.ts";
import { worldServices } from "../../../evennia-ts/testing/call-command.ts";
import { createScript } from "../../../evennia-ts/typeclasses/create.ts";
import { testHandler } from "../command-session.ts";
import { createObject } from "../../../evennia-ts/typeclasses/create.ts";
import { DefaultObject } from "../../../evennia-ts/typeclasses/objects.ts";
import { registerTypeclass } from "../../../evennia-ts/typeclasses/registry.ts";
import { registerPrototypes } from "../../../evennia-ts/prototypes/prototype-library.ts";
import { batchUpdateObjectsWithPrototype } from "../../../evennia-ts/prototypes/spawner.ts";

/** A typeclass for the `typeclass` tests: marks its objects at creation. */
class TestChest extends DefaultObject {
  override async atObjectCreation(): Promise<void> {
    this.db.chest = true;
  }
}
registerTypeclass("test.building.TestChest", TestChest);

/** The stored value of an attribute, read from the database (not from memory). */
async function storedValue(world: TestWorld, ownerId: number, key: string, category = ""): Promise<unknown> {
  const rows = await world.fixture.db.query<{ value: string }>("SELECT value FROM attributes WHERE owner_kind = 'object' AND owner_id = ? AND key = ? AND category = ?", [ownerId, key, category]);
  return rows[0] ? JSON.parse(rows[0].value) : undefined;
}

async function storedRow(world: TestWorld, table: string, id: number): Promise<Record<string, unknown>> {
  const rows = await world.fixture.db.query<Record<string, unknown>>(`SELECT * FROM ${table} WHERE id = ?`, [id]);
  return rows[0]!;
}

/** Make char2's account a Builder: it passes the commands' locks but not the objects' control/edit locks. */
async function makeBuilder(world: TestWorld): Promise<void> {
  await world.unit(() => world.account2.permissions.add("Builder"));
}

/** Tall enough a screen that EvMore sends everything at once. */
function tallScreen(world: TestWorld): void {
  world.session1.clientOptions.screenheight = 500;
}

describeWithWorld("building commands: properties and inspection", (w) => {
  it("are in the default cmdsets where Evennia has them, locked to builders", () => {
    const character = new CharacterCmdSet();
    for (const key of ["set", "wipe", "examine", "find", "tag", "lock", "typeclass", "alias", "cpattr", "mvattr", "cmdsets", "objects"]) {
      const cmd = character.get(key);
      expect(cmd, key).toBeDefined();
      expect(cmd!.access(w.world.char1, "cmd"), key).toBe(true);
      expect(cmd!.access(w.world.char2, "cmd"), key).toBe(false);
      expect(cmd!.help, key).toMatch(/Usage:[\s\S]*Examples:/);
    }
    expect(new AccountCmdSet().get("examine")).toBeDefined();
    for (const [name, key] of [["ex", "examine"], ["exam", "examine"], ["locate", "find"], ["search", "find"], ["locks", "lock"], ["tags", "tag"], ["swap", "typeclass"], ["parent", "typeclass"], ["update", "typeclass"], ["type", "typeclass"], ["setobjalias", "alias"], ["listcmsets", "cmdsets"], ["stats", "objects"], ["db", "objects"], ["listobjects", "objects"]]) {
      expect(character.get(name!)?.key, name).toBe(key);
    }
  });

  it("run through the command handler: @-prefixes, aliases and switches, and the cmd lock hides them from players", async () => {
    const { world } = w;
    const handler = testHandler(world.fixture.db, {}, worldServices(world));
    world.session1.clientOptions.screenheight = 500;
    const run = async (session: typeof world.session1, line: string) => {
      world.clearOutput();
      await handler.execute(session, line);
      return world.text(session);
    };
    expect(await run(world.session1, "@set Obj/weight = 5")).toBe("Created attribute Obj/weight [category:None] = 5");
    expect(await run(world.session1, "ex Obj/weight")).toContain("Attribute Obj/weight [category=None] [type:int]:");
    expect(await run(world.session1, "tag Obj = heavy")).toBe("Added tag 'heavy' to Obj.");
    expect(await run(world.session1, "@tags/search heavy")).toContain("Found 1 object with tag 'heavy':");
    expect(await run(world.session1, "locate Obj")).toContain(`(location: Room(${world.room1.dbref}))`);
    expect(await run(world.session1, "exam")).toContain("Name/key: Room");
    expect(await run(world.session2, "set Obj/weight = 6")).toContain("Command 'set Obj/weight = 6' is not available.");
    expect(await run(world.session2, "examine Obj")).toContain("Command 'examine Obj' is not available.");
    await makeBuilder(world);
    expect(await run(world.session2, "set Obj/weight = 6")).toBe("You don't have permission to edit Obj.");
    expect(world.obj1.db.weight).toBe(5);
  });

  it("set and examine work on scripts too", async () => {
    tallScreen(w.world);
    const script = await w.world.unit(() => createScript(undefined, { key: "weather" }));
    // scripts have no default locks (as in Evennia): only superusers pass until given some
    await callCommand(w.world, CmdExamine, "/script weather", "You are not allowed to examine weather.");
    await callCommand(w.world, CmdSetAttribute, "/script weather/rain = 0.5", "You don't have permission to edit weather.");
    await w.world.unit(() => script.locks.add("control:perm(Developer);examine:perm(Builder)"));
    await callCommand(w.world, CmdSetAttribute, "/script weather/rain = 0.5", "Created attribute weather/rain [category:None] = 0.5");
    expect(script.attributes.get("rain")).toBe(0.5);
    const out = await callCommand(w.world, CmdExamine, "/script weather");
    expect(out.text).toContain(`Name/key: weather (${script.dbref})`);
    expect(out.text).toContain("rain=0.5 [type: float]");
    await callCommand(w.world, CmdExamine, "/script nothing", "No script found with key nothing.");
    expect(out.text).toContain("Persistent: T");
    const onObj = await w.world.unit(() => createScript(undefined, { key: "ticker", obj: w.world.obj1, description: "ticks" }));
    const shown = await callCommand(w.world, CmdExamine, "Obj");
    expect(shown.text).toContain(`Scripts:\n 'ticker' (inf/inf, inf repeats): ticks`);
    expect(onObj.key).toBe("ticker");
  });

  // ---- set ------------------------------------------------------------------

  it("set stores literals, reports them as Evennia does, and writes them to the database", async () => {
    const { obj1 } = w.world;
    await callCommand(w.world, CmdSetAttribute, "Obj/weight = 5", "Created attribute Obj/weight [category:None] = 5");
    await callCommand(w.world, CmdSetAttribute, "Obj/weight = 7.5", "Modified attribute Obj/weight [category:None] = 7.5");
    await callCommand(w.world, CmdSetAttribute, "Obj/items = ['apple', 2, None, True]", "Created attribute Obj/items [category:None] = ['apple', 2, None, True]");
    await callCommand(w.world, CmdSetAttribute, "Obj/stats = {'str': 10, 'dex': (1, 2)}", "Created attribute Obj/stats [category:None] = {'str': 10, 'dex': [1, 2]}");
    await callCommand(w.world, CmdSetAttribute, 'Obj/motto = "carpe diem"', "Created attribute Obj/motto [category:None] = carpe diem");
    await callCommand(w.world, CmdSetAttribute, "Obj/MixedCase = 1", "Created attribute Obj/mixedcase [category:None] = 1");
    expect(obj1.db.weight).toBe(7.5);
    expect(await storedValue(w.world, obj1.id, "weight")).toBe(7.5);
    expect(await storedValue(w.world, obj1.id, "items")).toEqual(["apple", 2, null, true]);
    expect(await storedValue(w.world, obj1.id, "stats")).toEqual({ str: 10, dex: [1, 2] });
    expect(await storedValue(w.world, obj1.id, "motto")).toBe("carpe diem");
    expect(await storedValue(w.world, obj1.id, "mixedcase")).toBe(1);
  });

  it("set stores text that is not a literal as a string, with a note", async () => {
    const out = await callCommand(w.world, CmdSetAttribute, "Obj/greeting = hello there");
    expect(out.text).toContain('Note: name "hello there" was converted to a string. Make sure this is acceptable.');
    expect(out.text).toContain("Created attribute Obj/greeting [category:None] = hello there");
    expect(await storedValue(w.world, w.world.obj1.id, "greeting")).toBe("hello there");
    const bad = await callCommand(w.world, CmdSetAttribute, "Obj/list = [1, 2");
    expect(bad.text).toContain("was converted to a string");
    expect(w.world.obj1.db.list).toBe("[1, 2");
  });

  it("set views one attribute, all of them, and says when one does not exist", async () => {
    await w.world.unit(() => {
      w.world.obj1.db.weight = 5;
      w.world.obj1.db.zero = 0;
    });
    await callCommand(w.world, CmdSetAttribute, "Obj/weight", "Attribute Obj/weight [category:None] = 5");
    await callCommand(w.world, CmdSetAttribute, "Obj/zero", "Attribute Obj/zero [category:None] = 0");
    const all = await callCommand(w.world, CmdSetAttribute, "Obj");
    expect(all.text).toContain("Attribute Obj/weight [category:None] = 5");
    expect(all.text).toContain("Attribute Obj/zero [category:None] = 0");
    await callCommand(w.world, CmdSetAttribute, "Obj/nothing", "Attribute Obj/nothing [category:None] does not exist.");
    await callCommand(w.world, CmdSetAttribute, "Obj/nothing[0]", "Attribute Obj/nothing[0] [category:None] does not exist. (Nested lookups attempted)");
  });

  it("set with an empty value deletes the attribute", async () => {
    await w.world.unit(() => {
      w.world.obj1.db.weight = 5;
    });
    await callCommand(w.world, CmdSetAttribute, "Obj/weight =", "Deleted attribute Obj/weight [category:None].");
    expect(w.world.obj1.attributes.has("weight")).toBe(false);
    expect(await storedValue(w.world, w.world.obj1.id, "weight")).toBeUndefined();
    await callCommand(w.world, CmdSetAttribute, "Obj/weight =", "No attribute Obj/weight [category: None] was found to delete.");
  });

  it("set reaches into lists and dicts with [key], appends with [+] and inserts with [+N]", async () => {
    const { obj1 } = w.world;
    await callCommand(w.world, CmdSetAttribute, "Obj/stats = {'str': 10, 'Dex': 3}");
    await callCommand(w.world, CmdSetAttribute, "Obj/stats['str'] = 12", "Modified attribute Obj/stats [category:None] = {'str': 12, 'Dex': 3}");
    await callCommand(w.world, CmdSetAttribute, "Obj/stats['Dex']", "Attribute Obj/stats['Dex'] [category:None] = 3");
    await callCommand(w.world, CmdSetAttribute, "Obj/bag = ['a', 'b']");
    await callCommand(w.world, CmdSetAttribute, "Obj/bag[+] = 'c'", "Modified attribute Obj/bag [category:None] = ['a', 'b', 'c']");
    await callCommand(w.world, CmdSetAttribute, "Obj/bag[+0] = 'z'", "Modified attribute Obj/bag [category:None] = ['z', 'a', 'b', 'c']");
    await callCommand(w.world, CmdSetAttribute, "Obj/bag[1] = 'A'", "Modified attribute Obj/bag [category:None] = ['z', 'A', 'b', 'c']");
    await callCommand(w.world, CmdSetAttribute, "Obj/bag[-1]", "Attribute Obj/bag[-1] [category:None] = c");
    await callCommand(w.world, CmdSetAttribute, "Obj/bag[9] = 'x'", "list assignment index out of range");
    await callCommand(w.world, CmdSetAttribute, "Obj/bag[0] =", "Deleted attribute Obj/bag[0] [category:None].");
    await callCommand(w.world, CmdSetAttribute, "Obj/motto = 'hi'");
    await callCommand(w.world, CmdSetAttribute, "Obj/motto[0] = 'H'", "'str' object does not support item assignment");
    expect(obj1.db.stats).toEqual({ str: 12, Dex: 3 });
    expect(await storedValue(w.world, obj1.id, "stats")).toEqual({ str: 12, Dex: 3 });
    expect(await storedValue(w.world, obj1.id, "bag")).toEqual(["A", "b", "c"]);
  });

  it("set uses categories, accounts, $dbref() and the global-search switches", async () => {
    const { obj1, char2, account2, room2 } = w.world;
    await callCommand(w.world, CmdSetAttribute, "Obj/width:dimension = 3", "Created attribute Obj/width [category:dimension] = 3");
    expect(obj1.attributes.get("width", { category: "dimension" })).toBe(3);
    expect(obj1.attributes.has("width")).toBe(false);
    expect(await storedValue(w.world, obj1.id, "width", "dimension")).toBe(3);
    await callCommand(w.world, CmdSetAttribute, "*TestAccount2/prefs = {'color': True}", "Created attribute TestAccount2/prefs [category:None] = {'color': True}");
    expect(account2.attributes.get("prefs")).toEqual({ color: true });
    await callCommand(w.world, CmdSetAttribute, `Obj/owner = $dbref(${char2.dbref})`, `Created attribute Obj/owner [category:None] = Char2(${char2.dbref})`);
    expect(obj1.db.owner).toBe(char2);
    await callCommand(w.world, CmdSetAttribute, "Obj/owner = $dbref(#999)", "$dbref: Query '#999' gave no single match.");
    await callCommand(w.world, CmdSetAttribute, "/room Room2/mood = 'calm'", "Created attribute Room2/mood [category:None] = calm");
    expect(room2.db.mood).toBe("calm");
    await callCommand(w.world, CmdSetAttribute, "/char Room2/mood = 'x'", "Could not find 'Room2'.");
    await callCommand(w.world, CmdSetAttribute, "/edit Obj/desc", "----------Line Editor [Obj/desc]");
  });

  it("set refuses without edit access, and answers bad arguments", async () => {
    await makeBuilder(w.world);
    const { char2, obj1 } = w.world;
    await callCommand(w.world, CmdSetAttribute, "Obj/weight = 5", "You don't have permission to edit Obj.", { caller: char2 });
    await callCommand(w.world, CmdSetAttribute, "Obj/weight =", "You don't have permission to edit Obj.", { caller: char2 });
    expect(obj1.attributes.has("weight")).toBe(false);
    await callCommand(w.world, CmdSetAttribute, "", "Usage: set obj/attr[:category] = value. Use empty value to clear.");
    await callCommand(w.world, CmdSetAttribute, "Nothing/x = 1", "Could not find 'Nothing'.");
    await callCommand(w.world, CmdSetAttribute, "Obj = 1", "No valid attributes were found.");
    await callCommand(w.world, CmdSetAttribute, "*Nobody/x = 1", "Could not find 'Nobody'.");
    await w.world.unit(async () => {
      await createObject(DefaultObject, { key: "ball", location: w.world.room1 });
      await createObject(DefaultObject, { key: "ball", location: w.world.room1 });
    });
    await callCommand(w.world, CmdSetAttribute, "ball/x = 1", "More than one match for 'ball' (please narrow target):");
    // an attribute lock is respected
    await w.world.unit(() => obj1.attributes.add("secret", 1, { lockstring: "attredit:perm(Developer) and false()" }));
    await callCommand(w.world, CmdSetAttribute, "Obj/secret = 2", "You are not allowed to change the attribute 'secret' on Obj.");
    expect(obj1.db.secret).toBe(1);
  });

  // ---- wipe -----------------------------------------------------------------

  it("wipe removes named attributes or all of them (not the system ones), and refuses without access", async () => {
    const { obj1 } = w.world;
    await w.world.unit(() => {
      obj1.db.a = 1;
      obj1.db.b = 2;
      obj1.db.c = 3;
      obj1.attributes.add("cmdset_storage", ["", "x"], { category: "system" });
    });
    await callCommand(w.world, CmdWipe, "Obj/a/b", "Wiped attributes a,b on Obj.");
    expect(obj1.attributes.keys({ category: "" })).toEqual(["c"]);
    expect(await storedValue(w.world, obj1.id, "a")).toBeUndefined();
    await makeBuilder(w.world);
    await callCommand(w.world, CmdWipe, "Obj", "You are not allowed to do that.", { caller: w.world.char2 });
    await callCommand(w.world, CmdWipe, "Obj", "Wiped all attributes on Obj.");
    expect(obj1.attributes.keys({ category: "" })).toEqual([]);
    expect(obj1.attributes.has("cmdset_storage", { category: "system" })).toBe(true);
    expect(await storedValue(w.world, obj1.id, "c")).toBeUndefined();
    await callCommand(w.world, CmdWipe, "", "Usage: wipe <object>[/<attr>/<attr>...]");
    await callCommand(w.world, CmdWipe, "Nothing", "Could not find 'Nothing'.");
  });

  // ---- examine --------------------------------------------------------------

  it("examine shows Evennia's blocks for an object", async () => {
    tallScreen(w.world);
    const { obj1, room1 } = w.world;
    await w.world.unit(() => {
      obj1.db.weight = 5;
      obj1.db.label = "a |rred|n box";
      obj1.attributes.add("width", 3, { category: "dimension" });
      obj1.tags.add("heavy");
      obj1.tags.add("red", "colour");
      obj1.aliases.add("crate");
      obj1.ndb.temp = "warm";
    });
    const out = await callCommand(w.world, CmdExamine, "Obj");
    const lines = out.text.split("\n");
    expect(lines[0]).toMatch(/^-+$/);
    expect(lines.at(-1)).toMatch(/^-+$/);
    expect(out.text).toContain(`Name/key: Obj (${obj1.dbref})`);
    expect(out.text).toContain("Aliases: crate");
    expect(out.text).toContain("Typeclass: DefaultObject (evennia.objects.DefaultObject)");
    expect(out.text).toContain(`Location: Room (${room1.dbref})`);
    expect(out.text).toContain(`Home: Room (${room1.dbref})`);
    expect(out.text).toMatch(/Locks: control:perm\(Developer\); examine:perm\(Builder\)/);
    expect(out.text).toContain("Tags: heavy, red[colour]");
    expect(out.text).toContain("Persistent Attributes:");
    expect(out.text).toContain("weight=5 [type: int]");
    expect(out.text).toContain("label=a |rred|n box");
    expect(out.text).toContain("width[dimension]=3 [type: int]");
    expect(out.text).toContain("Non-Persistent Attributes:");
    expect(out.text).toContain("temp=warm");
    expect(out.text).not.toContain("Stored Cmdset(s)");
    expect(out.messages.get(w.world.char1)!.every(([, , kwargs]) => kwargs.type === "examine")).toBe(true);
  });

  it("examine shows a puppet's account, cmdsets and commands, and a room's contents", async () => {
    tallScreen(w.world);
    const { char1, room1, exit1, obj1 } = w.world;
    const out = await callCommand(w.world, CmdExamine, "me");
    expect(out.text).toContain(`Name/key: Char (${char1.dbref})`);
    expect(out.text).toContain("Sessions: #1");
    expect(out.text).toContain("Account: TestAccount (#1)");
    expect(out.text).toContain("Account Typeclass: DefaultAccount (evennia.accounts.DefaultAccount)");
    expect(out.text).toContain("Account Permissions: developer");
    expect(out.text).toContain("Stored Cmdset(s):\n  evennia.commands.default.CharacterCmdSet [DefaultCharacter] (Union, prio 0)");
    expect(out.text).toContain("Merged Cmdset(s):");
    expect(out.text).toContain("[DefaultAccount] (Union, prio -10)");
    expect(out.text).toMatch(/Commands available to Char \(result of Merged Cmdset\(s\)\):\n {2}about, access, [\s\S]*\balias\b[\s\S]*\bexamine\b/);
    const room = await callCommand(w.world, CmdExamine, "");
    expect(room.text).toContain(`Name/key: Room (${room1.dbref})`);
    expect(room.text).toContain(`Exits: out(${exit1.dbref})`);
    expect(room.text).toContain(`Characters: Char(${char1.dbref}), Char2(${w.world.char2.dbref})`);
    expect(room.text).toContain(`Content: Obj(${obj1.dbref})`);
  });

  it("examine shows single attributes in full, accounts with *, and pages long output", async () => {
    const { obj1 } = w.world;
    await w.world.unit(() => {
      obj1.db.weight = 5;
      obj1.db.notes = "x".repeat(200);
    });
    const detail = await callCommand(w.world, CmdExamine, "Obj/weight");
    expect(detail.text).toMatch(/^-+\nAttribute Obj\/weight \[category=None\] \[type:int\]:\n\n5$/);
    const long = await callCommand(w.world, CmdExamine, "Obj/notes");
    expect(long.text).toContain("x".repeat(200));
    await callCommand(w.world, CmdExamine, "Obj/nothing", "No attributes found on Obj.");
    tallScreen(w.world);
    const account = await callCommand(w.world, CmdExamine, "*TestAccount2");
    expect(account.text).toContain(`Name/key: TestAccount2 (${w.world.account2.dbref})`);
    expect(account.text).toContain("Typeclass: DefaultAccount");
    expect(account.text).toContain("Permissions: player");
    w.world.session1.clientOptions.screenheight = 10;
    const paged = await callCommand(w.world, CmdExamine, "me");
    expect(paged.text).toMatch(/\(Page \[1\/\d+\]/);
    await callCommand(w.world, CmdExamine, "Nothing", "Could not find 'Nothing'.");
    await callCommand(w.world, CmdExamine, "*Nobody", "Could not find 'Nobody'.");
  });

  it("examine without examine access shows what look shows; out of character it examines accounts", async () => {
    await makeBuilder(w.world);
    const { obj1, char2, session2 } = w.world;
    await w.world.unit(() => obj1.locks.add("examine:perm(Admin)"));
    const looked = await callCommand(w.world, CmdExamine, "Obj", undefined, { caller: char2 });
    expect(looked.text).not.toContain("Name/key");
    expect(looked.text).toContain("Obj");
    expect(looked.text).toContain("You see nothing special.");
    // the account itself (out of character): names are accounts unless /object
    await callCommand(w.world, CmdExamine, "", "You need to supply a target to examine.", { caller: w.world.account1 });
    session2.clientOptions.screenheight = 500;
    w.world.session1.clientOptions.screenheight = 500;
    const acc = await callCommand(w.world, CmdExamine, "TestAccount2", undefined, { caller: w.world.account1, session: w.world.session1 });
    expect(acc.text).toContain("Name/key: TestAccount2");
    const viaObject = await callCommand(w.world, CmdExamine, `/object ${obj1.dbref}`, undefined, { caller: w.world.account1, session: w.world.session1 });
    expect(viaObject.text).toContain(`Name/key: Obj (${obj1.dbref})`);
  });

  // ---- find -----------------------------------------------------------------

  it("find searches names and aliases in the database, with Evennia's switches", async () => {
    const { obj1, room1, room2, exit1 } = w.world;
    await w.world.unit(() => obj1.aliases.add("crate"));
    const rooms = await callCommand(w.world, CmdFind, "room");
    expect(rooms.text).toMatch(/^2 Matches\(#1-#\d+\):/);
    expect(rooms.text).toContain(`Room(${room1.dbref}) - evennia.objects.DefaultRoom`);
    expect(rooms.text).toContain(`Room2(${room2.dbref}) - evennia.objects.DefaultRoom`);
    const exact = await callCommand(w.world, CmdFind, "/exact room");
    expect(exact.text).toMatch(/^One Match\(#1-#\d+, exact\):/);
    expect(exact.text).not.toContain("Room2");
    await callCommand(w.world, CmdFind, "/startswith oo", "No Matches");
    await callCommand(w.world, CmdFind, "crat", `One Match`);
    expect((await callCommand(w.world, CmdFind, "crat")).text).toContain(`Obj(${obj1.dbref}) - evennia.objects.DefaultObject`);
    const exits = await callCommand(w.world, CmdFind, "/exit o");
    expect(exits.text).toContain(`out(${exit1.dbref})`);
    expect(exits.text).not.toContain("Obj(");
    const located = await callCommand(w.world, CmdFind, "obj", undefined, { cmdstring: "locate" });
    expect(located.text).toContain(`(location: Room(${room1.dbref}))`);
    await callCommand(w.world, CmdFind, "zzz", "No Matches(#1-#");
    expect((await callCommand(w.world, CmdFind, "zzz")).text).toContain("No matches found for 'zzz'");
    await callCommand(w.world, CmdFind, "%", "No Matches");
  });

  it("find takes a #dbref, an *account and a dbref range, and refuses a bad range", async () => {
    const { obj1, room2 } = w.world;
    const byDbref = await callCommand(w.world, CmdFind, obj1.dbref, "Exact dbref match");
    expect(byDbref.text).toContain(`Obj(${obj1.dbref}) - evennia.objects.DefaultObject`);
    await callCommand(w.world, CmdFind, `/room ${obj1.dbref}`, "Exact dbref match");
    expect((await callCommand(w.world, CmdFind, `/room ${obj1.dbref}`)).text).toContain("No match found.");
    const account = await callCommand(w.world, CmdFind, "*TestAccount2", "Match");
    expect(account.text).toContain("TestAccount2");
    const ranged = await callCommand(w.world, CmdFind, `room = ${room2.id}`);
    expect(ranged.text).toMatch(new RegExp(`^One Match\\(#${room2.id}-#\\d+\\):`));
    expect((await callCommand(w.world, CmdFind, `${obj1.dbref} = ${obj1.id + 1}-${obj1.id + 5}`)).text).toContain("in #dbref interval");
    await callCommand(w.world, CmdFind, "room = abc", "Invalid dbref range provided (not a number).");
    await callCommand(w.world, CmdFind, "", "Usage: find <string> [= low [-high]]");
  });

  // ---- tag ------------------------------------------------------------------

  it("tag adds, lists, searches and removes tags", async () => {
    const { obj1, room2 } = w.world;
    await callCommand(w.world, CmdTag, "Obj = heavy", "Added tag 'heavy' to Obj.");
    await callCommand(w.world, CmdTag, "Obj = red:colour", "Added tag 'red' (category: colour) to Obj.");
    await callCommand(w.world, CmdTag, "Room2 = red:colour", "Added tag 'red' (category: colour) to Room2.");
    expect(room2.tags.has("red", "colour")).toBe(true);
    await callCommand(w.world, CmdTag, "Obj", "Tags on Obj: 'heavy', 'red' (category: colour)");
    await callCommand(w.world, CmdTag, "/search red:colour", "Found 2 objects with tag 'red' (category: 'colour'):\n Room2, Obj");
    await callCommand(w.world, CmdTag, "/search heavy", "Found 1 object with tag 'heavy':\n Obj");
    await callCommand(w.world, CmdTag, "/search nothing", "No objects found with tag 'nothing'.");
    await callCommand(w.world, CmdTag, "/del Obj = heavy", "Removed tag 'heavy' from Obj.");
    await callCommand(w.world, CmdTag, "/del Obj = heavy", "No tag 'heavy' to delete on Obj.");
    await callCommand(w.world, CmdTag, "/del Obj", "Cleared all tags from Obj: red (category: colour)");
    await callCommand(w.world, CmdTag, "/del Obj", "No Tags to clear on Obj.");
    await callCommand(w.world, CmdTag, "Obj", "No tags attached to Obj.");
    const rows = await w.world.fixture.db.query<{ key: string }>("SELECT key FROM tags WHERE owner_kind = 'object' AND owner_id = ? AND kind = 'tag'", [obj1.id]);
    expect(rows).toEqual([]);
    const room2Rows = await w.world.fixture.db.query<{ key: string; category: string }>("SELECT key, category FROM tags WHERE owner_kind = 'object' AND owner_id = ? AND kind = 'tag'", [room2.id]);
    expect(room2Rows).toEqual([{ key: "red", category: "colour" }]);
    await callCommand(w.world, CmdTag, "", "Usage: tag[/switches] <obj> [= <tag>[:<category>]]");
    await callCommand(w.world, CmdTag, "Nothing = x", "Could not find 'Nothing'.");
  });

  // ---- lock -----------------------------------------------------------------

  it("lock adds, shows and deletes locks, and refuses bad lock strings", async () => {
    const { obj1 } = w.world;
    await callCommand(w.world, CmdLock, "Obj = get:perm(Builder) or id(25)", "Added lock 'get:perm(Builder) or id(25)' to Obj.");
    expect(obj1.locks.get("get")).toBe("get:perm(Builder) or id(25)");
    expect(String((await storedRow(w.world, "objects", obj1.id)).lock_storage)).toContain("get:perm(Builder) or id(25)");
    await callCommand(w.world, CmdLock, "Obj/get", "get:perm(Builder) or id(25)");
    const all = await callCommand(w.world, CmdLock, "Obj");
    expect(all.text.split("\n")).toContain("get:perm(Builder) or id(25)");
    expect(all.text.split("\n")).toContain("control:perm(Developer)");
    await callCommand(w.world, CmdLock, "/del Obj/get", "deleted lock get:perm(Builder) or id(25)");
    expect(obj1.locks.has("get")).toBe(false);
    await callCommand(w.world, CmdLock, "Obj/get", "Obj has no lock of access type 'get'.");
    const bad = await callCommand(w.world, CmdLock, "Obj = get:nosuchfunc()");
    expect(bad.text).toMatch(/nosuchfunc/);
    expect(obj1.locks.has("get")).toBe(false);
    await callCommand(w.world, CmdLock, "Obj = get perm(Builder)", /.+/);
    expect(obj1.locks.has("get")).toBe(false);
    await callCommand(w.world, CmdLock, "/del Obj = get:all()", "Switch(es) del can not be used with a lock assignment.");
    await callCommand(w.world, CmdLock, "*TestAccount2 = boot:perm(Developer)", "Added lock 'boot:perm(Developer)' to TestAccount2.");
    expect(w.world.account2.locks.get("boot")).toBe("boot:perm(Developer)");
    await callCommand(w.world, CmdLock, "", "Usage: lock <object>[ = <lockstring>] or lock[/switch] <object>/<access_type>");
  });

  it("lock refuses without control or edit access, and control locks need control", async () => {
    await makeBuilder(w.world);
    const { obj1, char2 } = w.world;
    await callCommand(w.world, CmdLock, "Obj = get:false()", "You are not allowed to do that.", { caller: char2 });
    await callCommand(w.world, CmdLock, "Obj", "You are not allowed to do that.", { caller: char2 });
    await w.world.unit(() => obj1.locks.add("edit:perm(Builder)"));
    await callCommand(w.world, CmdLock, "Obj/control", "You need 'control' access to change this type of lock.", { caller: char2 });
    await callCommand(w.world, CmdLock, "Obj = control:all()", "You need 'control' access to change this type of lock.", { caller: char2 });
    await callCommand(w.world, CmdLock, "Obj = get:false()", "Added lock 'get:false()' to Obj.", { caller: char2 });
    expect(obj1.locks.get("control")).toBe("control:perm(Developer)");
  });

  // ---- typeclass ------------------------------------------------------------

  it("typeclass shows, lists and changes typeclasses, running the creation hook", async () => {
    const { obj1 } = w.world;
    await callCommand(w.world, CmdTypeclass, "/show Obj", "Obj's current typeclass is 'evennia.objects.DefaultObject'");
    await callCommand(w.world, CmdTypeclass, "/show TestChest", "Typeclass 'test.building.TestChest': class TestChest");
    await callCommand(w.world, CmdTypeclass, "/show Nothing", "No object or typeclass path found to match 'Nothing'");
    const list = await callCommand(w.world, CmdTypeclass, "/list");
    expect(list.text).toContain("Core typeclasses");
    expect(list.text).toContain("evennia.objects.DefaultRoom");
    expect(list.text).toContain("test.building.TestChest");
    await callCommand(w.world, CmdTypeclass, "Obj", "Obj already has the typeclass 'evennia.objects.DefaultObject'. Use /force to override.");
    await w.world.unit(() => {
      obj1.db.keepme = 1;
    });
    const changed = await callCommand(w.world, CmdTypeclass, "Obj = test.building.TestChest");
    expect(changed.text).toContain("Obj changed typeclass from evennia.objects.DefaultObject to test.building.TestChest.");
    expect(changed.text).toContain("Only the at_object_creation hook was run (update mode).");
    expect(obj1).toBeInstanceOf(TestChest);
    expect(obj1.db.chest).toBe(true);
    expect(obj1.db.keepme).toBe(1);
    expect((await storedRow(w.world, "objects", obj1.id)).typeclass_path).toBe("test.building.TestChest");
    await callCommand(w.world, CmdTypeclass, "Obj = no.such.Class", "No typeclass is registered as 'no.such.Class'; Obj keeps its typeclass.");
    await callCommand(w.world, CmdTypeclass, "Obj = evennia.accounts.DefaultAccount", "Trying to search");
    expect(obj1).toBeInstanceOf(TestChest);
    await callCommand(w.world, CmdTypeclass, "", "Usage: typeclass <object> [= typeclass]");
  });

  it("typeclass/reset (and swap) asks first, then clears attributes and locks and runs every hook", async () => {
    const { obj1 } = w.world;
    await w.world.unit(() => {
      obj1.db.old = 1;
      obj1.locks.add("get:false()");
    });
    await callCommand(w.world, CmdTypeclass, "/reset Obj = test.building.TestChest", undefined, { inputs: ["n"] });
    expect(w.world.text(w.world.session1)).toContain("Aborted.");
    expect(obj1.typeclassPath).toBe("evennia.objects.DefaultObject");
    w.world.clearOutput();
    await callCommand(w.world, CmdTypeclass, "Obj = test.building.TestChest", undefined, { cmdstring: "swap", inputs: ["y"] });
    const text = w.world.text(w.world.session1);
    expect(JSON.stringify(w.world.output(w.world.session1))).toContain("Continue [Y]/N?");
    expect(text).toContain("All object creation hooks were run. All old attributes where deleted before the swap.");
    expect(obj1.typeclassPath).toBe("test.building.TestChest");
    expect(obj1.db.old).toBeUndefined();
    expect(obj1.db.chest).toBe(true);
    expect(obj1.locks.get("get")).toBe("get:all()");
    expect(await storedValue(w.world, obj1.id, "old")).toBeUndefined();
    expect(await storedValue(w.world, obj1.id, "chest")).toBe(true);
  });

  it("update re-runs the creation hook of the object's own typeclass", async () => {
    const { obj1 } = w.world;
    await callCommand(w.world, CmdTypeclass, "Obj = test.building.TestChest");
    await w.world.unit(() => {
      obj1.db.chest = false;
    });
    const out = await callCommand(w.world, CmdTypeclass, "Obj", undefined, { cmdstring: "update" });
    expect(out.text).toContain("Obj updated its existing typeclass (test.building.TestChest).");
    expect(out.text).toContain("Only the at_object_creation hook was run (update mode).");
    expect(obj1.db.chest).toBe(true);
    await callCommand(w.world, CmdTypeclass, "/force Obj", "Obj updated its existing typeclass");
  });

  it("typeclass/prototype applies a prototype to an object, and spawn/update reaches it from then on", async () => {
    const { obj1 } = w.world;
    registerPrototypes([{ prototype_key: "test_chest_proto", typeclass: "test.building.TestChest", key: "old chest", attrs: [["lid", "closed"]], tags: [["wooden", "material"]] }]);
    await w.world.unit(() => void (obj1.db.junk = 1));
    await callCommand(w.world, CmdTypeclass, "/prototype Obj = test_chest_proto", "old chest now follows the prototype 'test_chest_proto' (typeclass test.building.TestChest).");
    expect(obj1.typeclassPath).toBe("test.building.TestChest");
    expect(obj1.key).toBe("old chest");
    expect(obj1.db.lid).toBe("closed");
    expect(obj1.db.junk).toBeUndefined(); // attributes the prototype does not have go, as in a spawn/update
    expect(obj1.location).toBe(w.world.room1); // fields it does not name (its location) stay
    expect(obj1.tags.has("wooden", "material")).toBe(true);
    expect(obj1.tags.has("test_chest_proto", "from_prototype")).toBe(true);
    // the prototype changes: an update by its key now reaches the object
    registerPrototypes([{ prototype_key: "test_chest_proto", typeclass: "test.building.TestChest", key: "old chest", attrs: [["lid", "open"]] }]);
    expect(await w.world.unit(() => batchUpdateObjectsWithPrototype("test_chest_proto"))).toBe(1);
    expect(obj1.db.lid).toBe("open");
    await callCommand(w.world, CmdTypeclass, "/prototype old chest = nosuch", "No prototype named 'nosuch' was found (see spawn/list).");
    await callCommand(w.world, CmdTypeclass, "/prototype old chest", "Usage: typeclass/prototype <object> = <prototype_key>");
    await callCommand(w.world, CmdTypeclass, "/prototype old chest = test_chest_proto", "You are not allowed to do that.", { caller: w.world.char2 });
  });

  it("typeclass refuses without access", async () => {
    await makeBuilder(w.world);
    await callCommand(w.world, CmdTypeclass, "Obj = test.building.TestChest", "You are not allowed to do that.", { caller: w.world.char2 });
    expect(w.world.obj1.typeclassPath).toBe("evennia.objects.DefaultObject");
  });

  // ---- alias ----------------------------------------------------------------

  it("alias adds, lists, deletes and clears aliases; an exit's alias walks at once", async () => {
    const { obj1, exit1 } = w.world;
    await callCommand(w.world, CmdSetObjAlias, "Obj", "No aliases exist for 'Obj'.");
    await callCommand(w.world, CmdSetObjAlias, "Obj = Crate, chest", "Alias(es) for 'Obj' set to 'crate,chest'.");
    await callCommand(w.world, CmdSetObjAlias, "/category Obj = trunk:furniture", "Alias(es) for 'Obj' set to 'crate,chest,trunk' (category: 'furniture').");
    await callCommand(w.world, CmdSetObjAlias, "Obj", "Aliases for Obj: 'crate', 'chest', 'trunk'[category:'furniture']");
    await callCommand(w.world, CmdSetObjAlias, "/category Obj = trunk", "If specifying the /category switch");
    await callCommand(w.world, CmdSetObjAlias, "/delete Obj = crate", "Alias 'crate' deleted from Obj.");
    await callCommand(w.world, CmdSetObjAlias, "/delete Obj = crate", "Obj has no alias 'crate'.");
    const rows = await w.world.fixture.db.query<{ key: string }>("SELECT key FROM tags WHERE owner_kind = 'object' AND owner_id = ? AND kind = 'alias' ORDER BY key", [obj1.id]);
    expect(rows.map((r) => r.key)).toEqual(["chest", "trunk"]);
    await callCommand(w.world, CmdSetObjAlias, "Obj =", "Cleared aliases from Obj: chest, trunk");
    await callCommand(w.world, CmdSetObjAlias, "Obj =", "No aliases to clear.");
    await callCommand(w.world, CmdSetObjAlias, "out = o", "Alias(es) for 'out' set to 'o'.");
    expect(exit1.aliases.has("o")).toBe(true);
    await callCommand(w.world, CmdSetObjAlias, "", "Usage: alias <obj> [= [alias[,alias ...]]]");
    await makeBuilder(w.world);
    await callCommand(w.world, CmdSetObjAlias, "Obj = box", "You don't have permission to do that.", { caller: w.world.char2 });
    expect(obj1.aliases.get()).toEqual([]);
  });

  // ---- cpattr / mvattr ------------------------------------------------------

  it("cpattr copies attributes between objects, and /move moves them", async () => {
    const { obj1, room2, char1 } = w.world;
    await w.world.unit(() => {
      obj1.db.label = ["fragile"];
      obj1.attributes.add("width", 3, { category: "dimension" });
      char1.db.coolness = 9;
    });
    await callCommand(w.world, CmdCpAttr, `Obj/label = ${room2.dbref}/tag, me`, "Copied Obj.label -> Room2.tag. (value: ['fragile'])");
    expect(room2.db.tag).toEqual(["fragile"]);
    expect(char1.db.label).toEqual(["fragile"]);
    // the copies are separate values
    await w.world.unit(() => room2.db.tag.push("heavy"));
    expect(obj1.db.label).toEqual(["fragile"]);
    await callCommand(w.world, CmdCpAttr, "coolness = Obj/cool", "Copied Char.coolness -> Obj.cool. (value: 9)");
    await callCommand(w.world, CmdCpAttr, `Obj/width:dimension = ${room2.dbref}/width:dimension`, "Copied Obj.width[dimension] -> Room2.width[dimension]. (value: 3)");
    expect(room2.attributes.get("width", { category: "dimension" })).toBe(3);
    await callCommand(w.world, CmdCpAttr, `/move Obj/label = ${room2.dbref}/label2, me/label3`, "Moved Obj.label -> Room2.label2. (value: ['fragile'])");
    expect(obj1.attributes.has("label")).toBe(false);
    expect(room2.db.label2).toEqual(["fragile"]);
    expect(char1.db.label3).toEqual(["fragile"]);
    expect(await storedValue(w.world, obj1.id, "label")).toBeUndefined();
    expect(await storedValue(w.world, room2.id, "label2")).toEqual(["fragile"]);
    await callCommand(w.world, CmdCpAttr, "Obj/nothing = me", "Obj doesn't have an attribute nothing.");
    await callCommand(w.world, CmdCpAttr, "Obj/cool", "Usage:");
    const missing = await callCommand(w.world, CmdCpAttr, "Obj/cool = Nowhere");
    expect(missing.text).toContain("Could not find object 'Nowhere'");
  });

  it("mvattr moves (and /copy copies); writing needs edit access", async () => {
    const { obj1, room2 } = w.world;
    await w.world.unit(() => {
      obj1.db.label = "x";
      obj1.db.note = "y";
    });
    await callCommand(w.world, CmdMvAttr, `Obj/label = ${room2.dbref}`, "Moved Obj.label -> Room2.label. (value: 'x')");
    expect(obj1.attributes.has("label")).toBe(false);
    expect(room2.db.label).toBe("x");
    await callCommand(w.world, CmdMvAttr, `/copy Obj/note = ${room2.dbref}`, "Copied Obj.note -> Room2.note. (value: 'y')");
    expect(obj1.db.note).toBe("y");
    await callCommand(w.world, CmdMvAttr, "", "Usage:");
    await makeBuilder(w.world);
    await callCommand(w.world, CmdCpAttr, `Obj/note = ${room2.dbref}/other`, "You are not allowed to change attributes on Room2.", { caller: w.world.char2 });
    await callCommand(w.world, CmdMvAttr, "Obj/note = Char2", "You are not allowed to move attributes off Obj.", { caller: w.world.char2 });
    expect(room2.attributes.has("other")).toBe(false);
    expect(obj1.db.note).toBe("y");
  });

  // ---- cmdsets / objects ----------------------------------------------------

  it("cmdsets lists an object's cmdset stack and what it merges to", async () => {
    const mine = await callCommand(w.world, CmdListCmdSets, "", "<CmdSetHandler> stack:");
    expect(mine.text).toMatch(/<CmdSet DefaultCharacter, Union, (non-)?perm, prio 0>: .*examine/);
    const none = await callCommand(w.world, CmdListCmdSets, "Obj");
    expect(none.text).toContain("_EMPTY_CMDSET");
    await callCommand(w.world, CmdListCmdSets, "Nothing", "Could not find 'Nothing'.");
  });

  it("objects counts objects by kind and typeclass and lists the latest", async () => {
    tallScreen(w.world);
    const out = await callCommand(w.world, CmdObjects, "3", "Object subtype totals (out of 7 Objects):");
    expect(out.text).toMatch(/Characters\s+\(BASE_CHARACTER_TYPECLASS \+ children\)\s+2\s+28\.57/);
    expect(out.text).toMatch(/Rooms\s+\(BASE_ROOM_TYPECLASS \+ children\)\s+2\s+28\.57/);
    expect(out.text).toMatch(/Exits\s+\(BASE_EXIT_TYPECLASS \+ children\)\s+2\s+28\.57/);
    expect(out.text).toMatch(/Other\s+1\s+14\.29/);
    expect(out.text).toContain("Object typeclass distribution:");
    expect(out.text).toMatch(/evennia\.objects\.DefaultCharacter\s+2\s+28\.57/);
    expect(out.text).toContain("Last 3 Objects created:");
    expect(out.text).toContain(`${w.world.char2.dbref}`);
    expect(out.text).not.toMatch(new RegExp(`\\s${w.world.room1.dbref}\\s+Room\\s`));
    const all = await callCommand(w.world, CmdObjects, "");
    expect(all.text).toContain("Last 7 Objects created:");
  });
});

it("datetimeFormat reads as Evennia's datetime_format", () => {
  const now = new Date("2026-12-01T17:30:00Z");
  expect(datetimeFormat(new Date("2025-03-04T10:00:00Z"), now)).toBe("Mar 4, 2025");
  expect(datetimeFormat(new Date("2026-03-04T10:00:00Z"), now)).toBe("Mar 04");
  expect(datetimeFormat(new Date("2026-12-01T10:05:00Z"), now)).toBe("10:05");
  expect(datetimeFormat(new Date("2026-12-01T17:29:08Z"), now)).toBe("17:29:08");
});
