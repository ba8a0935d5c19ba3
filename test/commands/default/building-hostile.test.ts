/**
 * The building commands against hostile or careless builders, on both databases:
 * dbrefs past what an id can be, nested attribute keys named `__proto__`,
 * attributes locked against change (wipe, mvattr), account names that break the
 * account rules, exits leading to themselves, homes inside their object,
 * teleports through exits, and names that show as nothing or break the line.
 * Each test fails without the fix it covers (the #dbref one on PostgreSQL).
 */
import { expect, it } from "vitest";
import { CmdCopy } from "../../../evennia-ts/commands/default/building/copy.ts";
import { CmdCreate } from "../../../evennia-ts/commands/default/building/create.ts";
import { CmdDestroy } from "../../../evennia-ts/commands/default/building/destroy.ts";
import { CmdDig } from "../../../evennia-ts/commands/default/building/dig.ts";
import { CmdExamine } from "../../../evennia-ts/commands/default/building/examine.ts";
import { CmdOpen } from "../../../evennia-ts/commands/default/building/exits.ts";
import { CmdFind } from "../../../evennia-ts/commands/default/building/find.ts";
import { CmdName } from "../../../evennia-ts/commands/default/building/name-desc.ts";
import { CmdMvAttr } from "../../../evennia-ts/commands/default/building/attr-copy.ts";
import { CmdSetAttribute, CmdWipe } from "../../../evennia-ts/commands/default/building/set-wipe.ts";
import { CmdSetHome } from "../../../evennia-ts/commands/default/building/sethome.ts";
import { CmdTeleport } from "../../../evennia-ts/commands/default/building/teleport.ts";
import "../../../evennia-ts/commands/default/cmdsets.ts";
import { EvenniaError } from "../../../evennia-ts/utils/errors.ts";
import { callCommand, describeWithWorld, type TestWorld } from "../../../evennia-ts/testing/index.ts";

/** Ids of the objects with this key, from the database. */
async function idsOf(world: TestWorld, key: string): Promise<number[]> {
  const rows = await world.fixture.db.query<{ id: number }>("SELECT id FROM objects WHERE key = ? ORDER BY id", [key]);
  return rows.map((r) => Number(r.id));
}

async function objectCount(world: TestWorld): Promise<number> {
  const [r] = await world.fixture.db.query<{ n: number }>("SELECT COUNT(*) AS n FROM objects");
  return Number(r!.n);
}

/** Run a command and check that its text (markup stripped) contains `expected`, which may hold markup codes. */
async function expectText(world: TestWorld, cls: Parameters<typeof callCommand>[1], args: string, expected: string): Promise<void> {
  const out = await callCommand(world, cls, args);
  expect(out.text).toContain(expected);
}

/** A dbref no row can have: past 2^53 (where numbers lose digits) and past the integer id column. */
const HUGE = "99999999999999999999";

describeWithWorld("building commands against hostile input: dbrefs", (w) => {
  it("destroy with a dbref range past 2^53 answers at once instead of counting forever", async () => {
    const { char1 } = w.world;
    const before = await objectCount(w.world);
    // the endless loop never yields to a timer: stop it by counting the searches it makes
    let searches = 0;
    const search = char1.search.bind(char1) as (...args: unknown[]) => Promise<unknown>;
    (char1 as unknown as { search: unknown }).search = (...args: unknown[]) => {
      if (++searches > 2000) throw new EvenniaError("EV_ERR_INTERNAL", "destroy searched more than 2000 times for a range of at most one id");
      return search(...args);
    };
    // both ends read as 1e20, where id++ no longer changes the number
    const out = await callCommand(w.world, CmdDestroy, `/force ${HUGE.slice(0, -1)}0-${HUGE}`);
    expect(out.text).toContain("Could not find");
    expect(await objectCount(w.world)).toBe(before);
  });

  it("a #dbref too big for an id is not found (PostgreSQL refused the query)", async () => {
    await callCommand(w.world, CmdExamine, `#${HUGE}`, `Could not find '#${HUGE}'.`);
    await callCommand(w.world, CmdExamine, "#3000000000", "Could not find '#3000000000'.");
    await callCommand(w.world, CmdTeleport, `#${HUGE}`, `Could not find '#${HUGE}'.`);
    await callCommand(w.world, CmdDestroy, `/force #${HUGE}`, `Could not find '#${HUGE}'.`);
    const found = await callCommand(w.world, CmdFind, `#${HUGE}`);
    expect(found.text).toContain("No match found.");
    await callCommand(w.world, CmdSetAttribute, `Obj/owner = $dbref(#${HUGE})`, `$dbref: Query '#${HUGE}' gave no single match.`);
    expect(w.world.obj1.attributes.has("owner")).toBe(false);
  });

  it("find with a dbref range past the id column searches up to the last possible id", async () => {
    const out = await callCommand(w.world, CmdFind, `Obj = 1-${HUGE}`);
    expect(out.text).toContain(`Obj(${w.world.obj1.dbref})`);
    expect(out.text).toContain("#1-#2147483647");
  });
});

describeWithWorld("building commands against hostile input: attributes", (w) => {
  it("set stores a nested key named __proto__ as a key, as Python would", async () => {
    await callCommand(w.world, CmdSetAttribute, "Obj/stats = {'x': 1}");
    const out = await callCommand(w.world, CmdSetAttribute, "Obj/stats['__proto__'] = {'a': 1}");
    expect(out.text).toBe("Modified attribute Obj/stats [category:None] = {'x': 1, '__proto__': {'a': 1}}");
    const stats = w.world.obj1.attributes.get("stats") as Record<string, unknown>;
    expect(Object.getPrototypeOf(stats)).toBe(Object.prototype);
    expect(Object.hasOwn(stats, "__proto__")).toBe(true);
    expect((stats as { a?: unknown }).a).toBeUndefined();
    // and it is in the database: read back from a fresh load
    const [row] = await w.world.fixture.db.query<{ value: string }>("SELECT value FROM attributes WHERE owner_id = ? AND key = ?", [w.world.obj1.id, "stats"]);
    expect(row!.value).toContain("__proto__");
    await callCommand(w.world, CmdSetAttribute, "Obj/stats['__proto__']", "Attribute Obj/stats['__proto__'] [category:None] = {'a': 1}");
  });
});

describeWithWorld("building commands against hostile input: attribute locks", (w) => {
  /** Give Obj an attribute `secret` that nobody may change, and a plain one. */
  async function lockedSecret(world: TestWorld): Promise<void> {
    await world.unit(() => {
      world.obj1.attributes.add("secret", "keep me", { lockstring: "attredit:false()" });
      world.obj1.attributes.add("plain", 1);
    });
  }

  it("wipe keeps an attribute whose attredit lock refuses the builder, as set does", async () => {
    await lockedSecret(w.world);
    await callCommand(w.world, CmdSetAttribute, "Obj/secret =", "You are not allowed to change the attribute 'secret' on Obj.");
    const named = await callCommand(w.world, CmdWipe, "Obj/secret");
    expect(named.text).toBe("No attributes were wiped.\nYou are not allowed to change (so kept) the attribute(s) secret on Obj.");
    const all = await callCommand(w.world, CmdWipe, "Obj");
    expect(all.text).toBe("Wiped all attributes on Obj.\nYou are not allowed to change (so kept) the attribute(s) secret on Obj.");
    expect(w.world.obj1.attributes.get("secret")).toBe("keep me");
    expect(w.world.obj1.attributes.has("plain")).toBe(false);
  });

  it("mvattr does not move an attribute off an object when its attredit lock refuses", async () => {
    await lockedSecret(w.world);
    await callCommand(w.world, CmdMvAttr, "Obj/secret = me/stolen", "You are not allowed to move the attribute 'secret' off Obj.");
    expect(w.world.obj1.attributes.get("secret")).toBe("keep me");
    expect(w.world.char1.attributes.has("stolen")).toBe(false);
    await callCommand(w.world, CmdMvAttr, "Obj/plain = me/moved", "Moved Obj.plain -> Char.moved.");
  });
});

describeWithWorld("building commands against hostile input: account names", (w) => {
  it("name *account follows the rules of new account names, in their normal form", async () => {
    const { account2 } = w.world;
    await expectText(w.world, CmdName, "*TestAccount2 = |r|n", "A name must be 3 to 30 characters");
    await expectText(w.world, CmdName, "*TestAccount2 = x", "A name must be 3 to 30 characters");
    // Latin with a Cyrillic "е": looks like "Tester" to everyone
    await expectText(w.world, CmdName, "*TestAccount2 = T\u0435ster", "A name cannot mix letters of different alphabets");
    expect(account2.username).toBe("TestAccount2");
    // a full-width letter is kept as the plain one, as the login screen reads it
    await callCommand(w.world, CmdName, "*TestAccount2 = \uff34ester", "Account's name changed to 'Tester'.");
    expect(account2.username).toBe("Tester");
  });
});

describeWithWorld("building commands against hostile input: exits", (w) => {
  it("open does not point an existing exit at itself (link refuses it too)", async () => {
    const { exit1, room2 } = w.world;
    await callCommand(w.world, CmdOpen, "out = out", "Exit out cannot lead to itself.");
    expect(exit1.destination).toBe(room2);
    const [row] = await w.world.fixture.db.query<{ destination_id: number }>("SELECT destination_id FROM objects WHERE id = ?", [exit1.id]);
    expect(Number(row!.destination_id)).toBe(room2.id);
  });
});

describeWithWorld("building commands against hostile input: homes", (w) => {
  it("sethome refuses to make an object its own home or give it a home inside itself", async () => {
    const { obj1, room1, char1 } = w.world;
    await callCommand(w.world, CmdSetHome, "Obj = Obj", "Obj cannot be its own home.");
    await callCommand(w.world, CmdCreate, "/drop box");
    await callCommand(w.world, CmdTeleport, "/quiet box = Obj", "Teleported box -> Obj.");
    await callCommand(w.world, CmdSetHome, "Obj = box", "Obj cannot have a home inside itself (box is inside it).");
    expect(obj1.home).toBe(room1);
    await callCommand(w.world, CmdSetHome, "Obj = Char", `Home location of Obj was changed from Room(#${room1.id}) to Char(#${char1.id}).`);
  });
});

describeWithWorld("building commands against hostile input: teleport", (w) => {
  it("refuses to teleport an object through an exit that leads into it, with a message", async () => {
    const { obj1, room1 } = w.world;
    await callCommand(w.world, CmdOpen, "pit = Obj", /^Created new Exit 'pit'/);
    const out = await callCommand(w.world, CmdTeleport, "Obj = pit");
    expect(out.text).toBe("You can't teleport an object inside of itself!");
    expect(obj1.location).toBe(room1);
  });

  it("an object in no location teleported to an exit goes where the exit leads, not into the exit", async () => {
    const { obj1, room2, exit1 } = w.world;
    await callCommand(w.world, CmdTeleport, "/tonone Obj", "Teleported Obj -> None-location.");
    await callCommand(w.world, CmdTeleport, "Obj = out", "Teleported Obj None -> Room2.");
    expect(obj1.location).toBe(room2);
    // /intoexit still puts it into the exit itself
    await callCommand(w.world, CmdTeleport, "/tonone Obj");
    await callCommand(w.world, CmdTeleport, "/intoexit Obj = out", "Teleported Obj None -> out.");
    expect(obj1.location).toBe(exit1);
  });
});

describeWithWorld("building commands against hostile input: names", (w) => {
  it("create, dig and open refuse names that show as nothing or hold a line break", async () => {
    const before = await objectCount(w.world);
    const created = await callCommand(w.world, CmdCreate, "|r|n, |/, box|/Exits north, pebble");
    expect(created.text).toContain("The name '|r|n' shows as nothing");
    expect(created.text).toContain("The name '|/' shows as nothing");
    expect(created.text).toContain("The name 'box|/Exits north' holds a line break");
    expect(created.text).toContain("You create a new DefaultObject: pebble.");
    expect(await objectCount(w.world)).toBe(before + 1);
    await expectText(w.world, CmdDig, "|b |n = north, south", "The name '|b |n' shows as nothing");
    await expectText(w.world, CmdDig, "Cellar = |_, south", "The name '|_' shows as nothing");
    await expectText(w.world, CmdOpen, "|[r|n = Room2", "The name '|[r|n' shows as nothing");
    expect(await objectCount(w.world)).toBe(before + 1);
    expect(await idsOf(w.world, "Cellar")).toEqual([]);
  });

  it("name and copy refuse such names and leave the object as it was", async () => {
    const { obj1 } = w.world;
    await expectText(w.world, CmdName, "Obj = |r|n", "The name '|r|n' shows as nothing");
    await expectText(w.world, CmdName, "Obj = a|/b", "The name 'a|/b' holds a line break");
    expect(obj1.key).toBe("Obj");
    const before = await objectCount(w.world);
    await expectText(w.world, CmdCopy, "Obj = |n", "The name '|n' shows as nothing");
    expect(await objectCount(w.world)).toBe(before);
    // names with colour and visible text are fine
    await callCommand(w.world, CmdName, "Obj = |rred|n box", "Object's name changed to 'red box'.");
    expect(obj1.key).toBe("|rred|n box");
  });
});
