/**
 * EvMenu, the character-creation menu and the spawner against hostile or careless
 * players and builders: a persistent menu whose node fails when it is made again
 * after a reload, two sessions of one account answering one menu at once, character
 * names that pass for others, prototypes naming one parent many times, a locked
 * prototype had through `prototype_parent`, permissions and places a builder could
 * not give by hand, and values that cannot be kept.
 */
import { expect, it } from "vitest";
import { EvMenu } from "../../evennia-ts/commands/evmenu/evmenu.ts";
import { runningMenu, setRunningMenu } from "../../evennia-ts/commands/evmenu/menu-cmdset.ts";
import { registerMenu } from "../../evennia-ts/commands/evmenu/menu-registry.ts";
import type { MenuNode } from "../../evennia-ts/commands/evmenu/menu-types.ts";
import { CmdCharCreate } from "../../evennia-ts/commands/default/account.ts";
import { CmdSpawn } from "../../evennia-ts/commands/default/building/spawn.ts";
import { CmdTag } from "../../evennia-ts/commands/default/building/tag.ts";
import { MAX_CHAR_LIMIT_WARNING } from "../../evennia-ts/commands/handler.ts";
import { getInput, hasPendingInput } from "../../evennia-ts/commands/input-prompt.ts";
import { clearModulePrototypes, getPrototype, registerPrototypes } from "../../evennia-ts/prototypes/prototype-library.ts";
import type { NormalPrototype, Prototype } from "../../evennia-ts/prototypes/prototype.ts";
import { homogenizePrototype } from "../../evennia-ts/prototypes/prototype.ts";
import { flattenPrototype, validatePrototype } from "../../evennia-ts/prototypes/spawner.ts";
import { resumeInteractive } from "../../evennia-ts/server/resume-interactive.ts";
import { callCommand, worldCommandHandler } from "../../evennia-ts/testing/call-command.ts";
import { describeWithWorld, type TestWorld } from "../../evennia-ts/testing/world-fixture.ts";
import type { DefaultObject } from "../../evennia-ts/typeclasses/objects.ts";
import "../../evennia-ts/commands/default/cmdsets.ts";

async function type(world: TestWorld, line: string, session = world.session1): Promise<string> {
  world.clearOutput();
  await worldCommandHandler(world).execute(session, line);
  return world.text(session);
}

async function objectsNamed(world: TestWorld, key: string): Promise<{ id: number; location_id: number | null }[]> {
  return world.fixture.db.query("SELECT id, location_id FROM objects WHERE key = ? ORDER BY id", [key]);
}

/** A menu whose "second" node fails while `broken` is set (as a node reading something gone after a reload). */
let broken = false;
const fragile: Record<string, MenuNode> = {
  start: () => ["Start here.", [{ key: "go", goto: "second" }]],
  second: () => {
    if (broken) throw new TypeError("the node broke");
    return ["The second node.", [{ key: "back", goto: "start" }]];
  },
};
registerMenu("test.hostile.fragile", fragile);

async function openFragileAtSecond(world: TestWorld): Promise<void> {
  broken = false;
  await world.unit(() => EvMenu.start(world.char1, "test.hostile.fragile", { session: world.session1, persistent: true }));
  expect(await type(world, "go")).toContain("The second node.");
  broken = true;
  // the server's memory of the menu is lost, as in a reload; the stored state is not
  setRunningMenu(world.char1, null);
}

registerMenu("test.hostile.pet", {
  start: () => [["Name your pet:", { food: "What it eats." }], [{ key: "_default", goto: (_c, raw) => ["named", { name: raw.trim() }] }]],
  named: (_c, _r, kwargs) => `Your pet is called ${String(kwargs.name)}.`,
});

registerMenu("test.hostile.jump", {
  start: () => ["Type the name of a room to go to (hall).", [{ key: "_default", goto: (_c, raw) => raw.trim() }]],
  hall: () => "You are in the hall.",
});

describeWithWorld("EvMenu against hostile input", (w) => {
  it("a node name typed by the player is one of the menu's own nodes, never a property every object has", async () => {
    await w.world.unit(() => EvMenu.start(w.world.char1, "test.hostile.jump", { session: w.world.session1, cmdOnExit: null }));
    for (const name of ["constructor", "toString", "__proto__"]) {
      // before: Object() or toString ran as a node, and the menu ended
      expect(await type(w.world, name)).toBe(`Menu node '${name}' is either not implemented or caused an error. Make another choice or try 'q' to abort.`);
      expect(runningMenu(w.world.char1)).toBeInstanceOf(EvMenu);
    }
    expect(await type(w.world, "hall")).toContain("You are in the hall.");
  });

  it("in a node with tooltips, 'constructor' or '__proto__' is ordinary input, not a tooltip of every object", async () => {
    for (const name of ["constructor", "__proto__", "hasOwnProperty"]) {
      await w.world.unit(() => EvMenu.start(w.world.char1, "test.hostile.pet", { session: w.world.session1, cmdOnExit: null }));
      // before: "function Object() { [native code] }" and "[object Object]", and the menu stayed
      expect(await type(w.world, name)).toContain(`Your pet is called ${name}.`);
      expect(runningMenu(w.world.char1)).toBeUndefined();
    }
    await w.world.unit(() => EvMenu.start(w.world.char1, "test.hostile.pet", { session: w.world.session1, cmdOnExit: null }));
    expect(await type(w.world, "food")).toBe("What it eats.");
  });
});

describeWithWorld("answers to a question (getInput) against hostile input", (w) => {
  it("a too long answer or one with a control character is refused like a command line, and the question stays open", async () => {
    const answers: string[] = [];
    await w.world.unit(() => getInput(w.world.session1, "Your motto?", (answer) => void answers.push(answer)));
    expect(await type(w.world, "x".repeat(7000))).toBe(MAX_CHAR_LIMIT_WARNING);
    expect(await type(w.world, "bell\u0007")).toBe("Your input contained a control character (^G); it was not run.");
    expect(answers).toEqual([]);
    expect(hasPendingInput(w.world.session1)).toBe(true);
    await type(w.world, "Onwards");
    expect(answers).toEqual(["Onwards"]);
    expect(hasPendingInput(w.world.session1)).toBe(false);
  });
});

describeWithWorld("EvMenu against a node failing when the menu is made again", (w) => {
  it("a saved menu whose node throws after a reload is dropped at the next line, which does not lock the player in", async () => {
    await openFragileAtSecond(w.world);
    try {
      // before: every line (quit too) failed again with "An error occurred", for good
      expect(await type(w.world, "quit")).toBe("The menu you were in could not be found; you have left it.");
      expect(runningMenu(w.world.char1)).toBeUndefined();
      expect(w.world.char1.cmdset.has("menu_cmdset")).toBe(false);
      expect(w.world.char1.attributes.has("_menutree_saved")).toBe(false);
      expect(w.world.char1.attributes.has("_menutree_saved_startnode")).toBe(false);
      // the next line is a command again
      expect(await type(w.world, "look")).toContain("room_desc");
    } finally {
      broken = false;
    }
  });

  it("at login (or after a reload) such a menu is dropped with a message; resuming does not fail", async () => {
    await openFragileAtSecond(w.world);
    try {
      w.world.clearOutput();
      await w.world.unit(() => resumeInteractive(w.world.session1));
      expect(w.world.text(w.world.session1)).toContain("The menu you were in could not be restored; you have left it.");
      expect(w.world.char1.cmdset.has("menu_cmdset")).toBe(false);
      expect(w.world.char1.attributes.has("_menutree_saved")).toBe(false);
      expect(await type(w.world, "look")).toContain("room_desc");
      // a menu that is fine again can be opened as before
      broken = false;
      await w.world.unit(() => EvMenu.start(w.world.char1, "test.hostile.fragile", { session: w.world.session1, persistent: true }));
      expect(await type(w.world, "go")).toContain("The second node.");
    } finally {
      broken = false;
    }
  });
});

describeWithWorld(
  "the character-creation menu against hostile players",
  (w) => {
    it("two sessions of one account answering 'yes' at once make one character, and the second is told", async () => {
      const handler = worldCommandHandler(w.world);
      const { account2, session2 } = w.world;
      const session3 = w.world.connectSession();
      await w.world.unit(() => w.world.sessions.login(session3, account2));
      expect(await type(w.world, "charcreate", session2)).toContain("What is your new character's name?");
      expect(await type(w.world, "Bob", session2)).toContain("Describe Bob in a line");
      // the other session shares the account's menu
      expect(await type(w.world, "A tall fellow.", session3)).toContain("Create Bob?");
      w.world.clearOutput();
      await Promise.all([handler.execute(session2, "yes"), handler.execute(session3, "yes")]);
      expect(account2.characters.map((c) => c.key).sort()).toEqual(["Bob", "Char2"]);
      const answers = [w.world.text(session2), w.world.text(session3)];
      expect(answers.filter((a) => a.includes("Created new character Bob"))).toHaveLength(1);
      expect(answers.filter((a) => a.includes("The menu ended before what you typed reached it; it was not used."))).toHaveLength(1);
      expect(runningMenu(account2)).toBeUndefined();
      const rows = await w.world.fixture.db.query<{ id: number }>("SELECT id FROM objects WHERE key = ?", ["Bob"]);
      expect(rows).toHaveLength(1);
    });

    it("names mixing alphabets or holding characters that show as nothing are refused, in the menu and by charcreate", async () => {
      const asAccount2 = { caller: w.world.account2, session: w.world.session2 };
      const refusal = "A name cannot mix letters of different alphabets (such as Latin and Cyrillic), nor hold characters that show as nothing.";
      // a Cyrillic А, a zero-width space, a right-to-left override, a Hangul filler
      for (const name of ["\u0410dmin", "Char2\u200b", "\u202eevil", "Anna\u3164", "\u200b"]) {
        await callCommand(w.world, CmdCharCreate, name, refusal, asAccount2);
      }
      expect(w.world.account2.characters.map((c) => c.key)).toEqual(["Char2"]);
      // full-width letters are the same name, as for accounts
      await callCommand(w.world, CmdCharCreate, "\uff23har2", "A character named 'Char2' already exists.", asAccount2);
      await callCommand(w.world, CmdCharCreate, "\uff22ob", "Created new character Bob.", asAccount2);
      // one alphabet is fine
      await callCommand(w.world, CmdCharCreate, "\u0410\u043d\u043d\u0430", "Created new character \u0410\u043d\u043d\u0430.", asAccount2);
      // the menu holds to the same rules and stays on its question
      expect(await type(w.world, "charcreate", w.world.session2)).toContain("What is your new character's name?");
      expect(await type(w.world, "T\u0435st", w.world.session2)).toBe(`${refusal} Try another.`);
      expect(await type(w.world, "Test", w.world.session2)).toContain("Describe Test in a line");
    });
  },
  { settings: { charcreateMenu: true, maxNrCharacters: 5, multisessionMode: 3 } },
);

describeWithWorld("prototypes against hostile builders", (w) => {
  const asBuilder = () => ({ caller: w.world.char2, session: w.world.session2 });
  const makeBuilder = () => w.world.unit(() => w.world.account2.permissions.add("Builder"));

  it("one parent named many times on many levels is looked up once, not once per path", async () => {
    const parents = new Map<string, NormalPrototype>();
    parents.set("q8", homogenizePrototype({ prototype_key: "q8", typeclass: "evennia.objects.DefaultObject", attrs: [["deep", true]] }));
    for (let i = 7; i >= 0; i--) parents.set(`q${i}`, homogenizePrototype({ prototype_key: `q${i}`, prototype_parent: Array(4).fill(`q${i + 1}`) }));
    let lookups = 0;
    const counting = new (class extends Map<string, NormalPrototype> {
      override get(key: string): NormalPrototype | undefined {
        lookups++;
        return super.get(key);
      }
    })(parents);
    const child: Prototype = { prototype_parent: "q0", key: "deep thing" };
    await w.world.unit(() => validatePrototype(child, { parents: counting }));
    // before: 4 + 16 + ... + 4^9 lookups (about 350 000) to validate, as many to flatten
    expect(lookups).toBeLessThanOrEqual(parents.size);
    lookups = 0;
    const flat = await w.world.unit(() => flattenPrototype(child, counting));
    expect(lookups).toBeLessThanOrEqual(parents.size);
    expect(flat.typeclass).toBe("evennia.objects.DefaultObject");
    expect(flat.attrs).toEqual([["deep", true, null, ""]]);
  });

  it("an attribute's bad lockstring is refused before anything is made", async () => {
    const out = await callCommand(w.world, CmdSpawn, `{"key": "lockbox", "attrs": [["x", 1, null, "get:(((("]]}`);
    expect(out.text).toContain("bad lockstring of attribute 'x'");
    // before: the object was made, then the attribute failed and the half-made object was kept
    expect(await objectsNamed(w.world, "lockbox")).toEqual([]);
    await callCommand(w.world, CmdSpawn, `{"key": "lockbox", "attrs": [["x", 1, null, "read:all()"]]}`, "Spawned lockbox");
    expect(await objectsNamed(w.world, "lockbox")).toHaveLength(1);
  });

  it("a prototype one may not spawn cannot be had by naming it as a prototype_parent", async () => {
    await makeBuilder();
    registerPrototypes([{ prototype_key: "hoard", prototype_locks: "spawn:perm(Developer);edit:perm(Developer)", typeclass: "evennia.objects.DefaultObject", key: "dragon hoard", attrs: [["gold", 1_000_000]] }]);
    try {
      await callCommand(w.world, CmdSpawn, "hoard", "You don't have access to use this prototype.", asBuilder());
      await callCommand(w.world, CmdSpawn, `{"prototype_parent": "hoard"}`, "You don't have access to use the prototype 'hoard' (a prototype_parent).", asBuilder());
      await callCommand(w.world, CmdSpawn, `{"prototype_parent": {"prototype_parent": "hoard", "key": "copy"}}`, "You don't have access to use the prototype 'hoard'", asBuilder());
      // a saved prototype inheriting from it neither
      await callCommand(w.world, CmdSpawn, `/save {"prototype_key": "myhoard", "prototype_parent": "hoard"}`, /Saved prototype: myhoard/, asBuilder());
      await callCommand(w.world, CmdSpawn, "myhoard", "You don't have access to use the prototype 'hoard' (a prototype_parent).", asBuilder());
      expect(await objectsNamed(w.world, "dragon hoard")).toEqual([]);
      // the Developer may
      await callCommand(w.world, CmdSpawn, `{"prototype_parent": "hoard"}`, "Spawned dragon hoard");
    } finally {
      clearModulePrototypes();
    }
  });

  it("a builder cannot spawn an object with a permission above their own, nor update objects to have one", async () => {
    await makeBuilder();
    const refusal = "You cannot spawn an object with a permission higher than the one you have yourself";
    await callCommand(w.world, CmdSpawn, `{"key": "golem", "permissions": ["Developer"], "locks": "puppet:all()"}`, `${refusal} (Developer).`, asBuilder());
    await callCommand(w.world, CmdSpawn, `/save {"prototype_key": "adminbase", "typeclass": "evennia.objects.DefaultObject", "permissions": ["Admin"]}`, /Saved prototype: adminbase/, asBuilder());
    await callCommand(w.world, CmdSpawn, `{"key": "golem", "prototype_parent": "adminbase"}`, `${refusal} (Admin).`, asBuilder());
    expect(await objectsNamed(w.world, "golem")).toEqual([]);
    // their own rank and other permissions are fine
    await callCommand(w.world, CmdSpawn, `{"key": "golem", "permissions": ["Builder", "smith"]}`, "Spawned golem", asBuilder());
    // a prototype raised after its objects were made cannot be applied to them
    await callCommand(w.world, CmdSpawn, `/save {"prototype_key": "statue", "key": "statue"}`, /Saved prototype: statue/, asBuilder());
    await callCommand(w.world, CmdSpawn, "statue", "Spawned statue", asBuilder());
    await callCommand(w.world, CmdSpawn, `/save {"prototype_key": "statue", "key": "statue", "permissions": ["Developer"]}`, /Replaced existing prototype/, asBuilder());
    await callCommand(w.world, CmdSpawn, "/update statue", `${refusal} (Developer).`, asBuilder());
    const [statue] = await objectsNamed(w.world, "statue");
    const obj = (await w.world.unit(() => w.world.store.get("object", statue!.id))) as DefaultObject;
    expect(obj.permissions.get()).toEqual([]);
    // the Developer may
    await callCommand(w.world, CmdSpawn, "/update statue", "1 objects were updated.");
  });

  it("a builder cannot spawn into a place whose teleport_here lock keeps the object out (another's inventory)", async () => {
    await makeBuilder();
    const char1 = `#${w.world.char1.id}`;
    // typed as a player types it: the refusal undoes the spawn, and the builder is told why
    expect(await type(w.world, `spawn {"key": "cursed ring", "location": "${char1}"}`, w.world.session2)).toBe("Char 'teleport_here'-lock blocks cursed ring from being spawned there. Nothing was spawned.");
    expect(await objectsNamed(w.world, "cursed ring")).toEqual([]);
    // a room lets it in; the builder's own location is the default
    await callCommand(w.world, CmdSpawn, `{"key": "ring", "location": "#${w.world.room2.id}"}`, "Spawned ring", asBuilder());
    await callCommand(w.world, CmdSpawn, `{"key": "ring"}`, "Spawned ring", asBuilder());
    // an Admin passes, as with teleport
    await callCommand(w.world, CmdSpawn, `{"key": "gift", "location": "#${w.world.char2.id}"}`, "Spawned gift");
    const [gift] = await objectsNamed(w.world, "gift");
    expect(Number(gift!.location_id)).toBe(w.world.char2.id);
  });

  it("a builder cannot mark another's object as made from a prototype, which would let spawn/update rewrite it", async () => {
    await makeBuilder();
    await callCommand(w.world, CmdSpawn, `/save {"prototype_key": "puppetkit", "key": "kit", "locks": "puppet:all()"}`, /Saved prototype: puppetkit/, asBuilder());
    await callCommand(w.world, CmdSpawn, "puppetkit", "Spawned kit", asBuilder());
    // the spawner's tag on another player's character: refused
    await callCommand(w.world, CmdTag, `#${w.world.char1.id} = puppetkit:from_prototype`, `You don't have permission to mark Char as made from a prototype`, asBuilder());
    expect(w.world.char1.tags.has("puppetkit", "from_prototype")).toBe(false);
    await callCommand(w.world, CmdSpawn, `/save {"prototype_key": "puppetkit", "key": "kit2", "locks": "puppet:all()"}`, /Replaced existing prototype/, asBuilder());
    await callCommand(w.world, CmdSpawn, "/update puppetkit", "1 objects were updated.", asBuilder());
    expect(w.world.char1.key).toBe("Char");
    // other tags stay free to add, as in Evennia; the superuser may mark anything
    await callCommand(w.world, CmdTag, `#${w.world.char1.id} = hero`, "Added tag 'hero' to Char.", asBuilder());
    await callCommand(w.world, CmdTag, `#${w.world.char1.id} = puppetkit:from_prototype`, "Added tag 'puppetkit' (category: from_prototype) to Char.");
  });

  it("a saved prototype keeps its values: a number JSON cannot hold is refused, not saved as null", async () => {
    await callCommand(w.world, CmdSpawn, `/save {"prototype_key": "inf", "attrs": [["hp", 1e999]]}`, /Error saving:.*cannot be kept in a saved prototype/);
    expect(await w.world.unit(() => getPrototype("inf"))).toBeNull();
    await callCommand(w.world, CmdSpawn, `/save {"prototype_key": "inf", "attrs": [["hp", 1e300]]}`, /Saved prototype: inf/);
    expect((await w.world.unit(() => getPrototype("inf")))!.prototype.attrs).toEqual([["hp", 1e300, null, ""]]);
  });
});
