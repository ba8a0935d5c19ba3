/**
 * Every built-in lock function, on real objects and accounts, on both databases.
 * Each case checks an object's lock for an accessor through `obj.access`.
 */
import { beforeAll, expect, it } from "vitest";
import { setActiveSettings } from "../../evennia-ts/conf/active-settings.ts";
import { defaultSettings } from "../../evennia-ts/conf/default-settings.ts";
import { checkLockString } from "../../evennia-ts/locks/lock-handler.ts";
import { BUILTIN_LOCK_FUNCS } from "../../evennia-ts/locks/lock-funcs.ts";
import { describeEachDatabase } from "../../evennia-ts/testing/database-fixture.ts";
import {
  DefaultAccount,
  DefaultCharacter,
  DefaultObject,
  DefaultRoom,
  createAccount,
  createObject,
  type ObjectSession,
} from "../../evennia-ts/typeclasses/index.ts";
import { uniqueName } from "../typeclasses/store-helpers.ts";

interface World {
  hall: DefaultRoom;
  vault: DefaultRoom;
  anna: DefaultCharacter;
  bob: DefaultCharacter;
  npc: DefaultCharacter;
  annaAccount: DefaultAccount;
  bobAccount: DefaultAccount;
  rootAccount: DefaultAccount;
  root: DefaultCharacter;
  box: DefaultObject;
  key: DefaultObject;
  gem: DefaultObject;
  door: DefaultObject;
}

function fakeSession(puppet: DefaultObject | null): ObjectSession & { puppet: DefaultObject | null } {
  return { sessid: 1, puppet, msg: () => undefined };
}

describeEachDatabase("lock functions", (ctx) => {
  let w: World;

  beforeAll(async () => {
    w = await ctx.unit(async () => {
      const hall = await createObject(DefaultRoom, { key: uniqueName("Hall") });
      const vault = await createObject(DefaultRoom, { key: uniqueName("Vault") });
      const annaAccount = await createAccount(undefined, { username: uniqueName("anna"), password: "secret123", permissions: ["Player"] });
      const bobAccount = await createAccount(undefined, { username: uniqueName("bob"), password: "secret123", permissions: ["Builder"] });
      const rootAccount = await createAccount(undefined, { username: uniqueName("root"), password: "secret123", isSuperuser: true, permissions: ["Developer"] });
      const anna = await createObject(DefaultCharacter, { key: "Anna", location: hall, account: annaAccount });
      const bob = await createObject(DefaultCharacter, { key: "Bob", location: hall, account: bobAccount });
      const root = await createObject(DefaultCharacter, { key: "Root", location: hall, account: rootAccount });
      const npc = await createObject(DefaultCharacter, { key: "Guard", location: hall });
      const box = await createObject(undefined, { key: "box", location: anna });
      const key = await createObject(undefined, { key: "brass key", location: anna, aliases: ["key"] });
      const gem = await createObject(undefined, { key: "gem", location: box });
      const door = await createObject(undefined, { key: "door", location: hall });
      hall.tags.add("indoors");
      hall.tags.add("lit", "light");
      hall.db.temperature = 20;
      anna.db.strength = 12;
      anna.db.ghost = false;
      anna.tags.add("thief");
      gem.db.shiny = true;
      key.db.opens = "vault";
      door.db.weight = 100;
      door.tags.add("wooden");
      return { hall, vault, anna, bob, npc, annaAccount, bobAccount, rootAccount, root, box, key, gem, door };
    });
  });

  /** `accessor` passes `expr` as a lock on `on`. */
  const passes = (on: DefaultObject | DefaultAccount, accessor: unknown, expr: string, options: { noSuperuserBypass?: boolean } = {}): boolean => {
    const type = `t${Math.random().toString(36).slice(2, 8)}`;
    on.locks.add(`${type}:${expr}`);
    return on.access(accessor, type, options);
  };

  it("covers every function Evennia has", () => {
    expect(Object.keys(BUILTIN_LOCK_FUNCS).sort()).toEqual(
      [
        "true", "all", "false", "none", "superuser", "self", "perm", "perm_above", "pperm", "pperm_above", "id", "dbref", "pid", "pdbref",
        "attr", "objattr", "locattr", "objlocattr", "attr_eq", "attr_gt", "attr_ge", "attr_lt", "attr_le", "attr_ne", "tag", "objtag",
        "objloctag", "inside", "inside_rec", "holds", "has_account", "is_ooc", "serversetting",
      ].sort(),
    );
  });

  it("true/all, false/none", async () => {
    await ctx.unit(() => {
      expect(passes(w.door, w.anna, "true()")).toBe(true);
      expect(passes(w.door, w.anna, "all()")).toBe(true);
      expect(passes(w.door, w.anna, "false()")).toBe(false);
      expect(passes(w.door, w.anna, "none()")).toBe(false);
      expect(passes(w.door, null, "all()")).toBe(true);
    });
  });

  it("superuser(): only superusers, through the bypass", async () => {
    await ctx.unit(() => {
      expect(passes(w.door, w.rootAccount, "superuser()")).toBe(true);
      expect(passes(w.door, w.root, "superuser()")).toBe(true);
      expect(passes(w.door, w.bob, "superuser()")).toBe(false);
      expect(passes(w.door, w.rootAccount, "superuser()", { noSuperuserBypass: true })).toBe(false);
    });
  });

  it("self()", async () => {
    await ctx.unit(() => {
      expect(passes(w.anna, w.anna, "self()")).toBe(true);
      expect(passes(w.anna, w.bob, "self()")).toBe(false);
      expect(passes(w.anna, w.annaAccount, "self()")).toBe(false);
    });
  });

  it("perm(): hierarchy, plural forms, direct permissions, account before puppet", async () => {
    await ctx.unit(() => {
      expect(passes(w.door, w.bob, "perm(Builder)")).toBe(true);
      expect(passes(w.door, w.bob, "perm(Builders)")).toBe(true);
      expect(passes(w.door, w.bob, "perm(helper)")).toBe(true); // lower rank
      expect(passes(w.door, w.bob, "perm(Admin)")).toBe(false);
      expect(passes(w.door, w.anna, "perm(Builder)")).toBe(false);
      expect(passes(w.door, w.annaAccount, "perm(Player)")).toBe(true);
      // a puppet is judged by its account, not its own permissions
      w.anna.permissions.add("Admin");
      expect(passes(w.door, w.anna, "perm(Admin)")).toBe(false);
      w.anna.permissions.remove("Admin");
      // an object without an account by its own
      w.npc.permissions.add("Helper");
      expect(passes(w.door, w.npc, "perm(Helper)")).toBe(true);
      expect(passes(w.door, w.npc, "perm(Builder)")).toBe(false);
      // a permission outside the hierarchy: the account's, then the puppet's
      w.annaAccount.permissions.add("cartographer");
      expect(passes(w.door, w.anna, "perm(cartographer)")).toBe(true);
      w.anna.permissions.add("bard");
      expect(passes(w.door, w.anna, "perm(bard)")).toBe(true);
      expect(passes(w.door, w.anna, "perm(juggler)")).toBe(false);
      expect(passes(w.door, w.anna, "perm()")).toBe(false);
    });
  });

  it("perm_above(): strictly higher", async () => {
    await ctx.unit(() => {
      expect(passes(w.door, w.bob, "perm_above(Helper)")).toBe(true);
      expect(passes(w.door, w.bob, "perm_above(Builder)")).toBe(false);
    });
  });

  it("pperm() and pperm_above() look at the account", async () => {
    await ctx.unit(() => {
      expect(passes(w.door, w.bob, "pperm(Builder)")).toBe(true);
      expect(passes(w.door, w.bobAccount, "pperm(Builder)")).toBe(true);
      expect(passes(w.door, w.bob, "pperm_above(Player)")).toBe(true);
      expect(passes(w.door, w.bob, "pperm_above(Builder)")).toBe(false);
      w.npc.permissions.add("Admin");
      expect(passes(w.door, w.npc, "pperm(Admin)")).toBe(false); // no account at all
    });
  });

  it("id()/dbref() and pid()/pdbref()", async () => {
    await ctx.unit(() => {
      expect(passes(w.door, w.anna, `id(${w.anna.id})`)).toBe(true);
      expect(passes(w.door, w.anna, `dbref(#${w.anna.id})`)).toBe(true);
      expect(passes(w.door, w.bob, `id(${w.anna.id})`)).toBe(false);
      expect(passes(w.door, w.anna, `pid(${w.annaAccount.id})`)).toBe(true);
      expect(passes(w.door, w.anna, `pdbref(#${w.annaAccount.id})`)).toBe(true);
      expect(passes(w.door, w.bob, `pid(${w.annaAccount.id})`)).toBe(false);
      expect(passes(w.door, w.anna, "id(abc)")).toBe(false);
    });
  });

  it("attr() and attr_eq/gt/ge/lt/le/ne, on attributes and properties", async () => {
    await ctx.unit(() => {
      expect(passes(w.door, w.anna, "attr(strength)")).toBe(true);
      expect(passes(w.door, w.anna, "attr(ghost)")).toBe(false); // false value
      expect(passes(w.door, w.anna, "attr(missing)")).toBe(false);
      expect(passes(w.door, w.anna, "attr(strength, 12)")).toBe(true);
      expect(passes(w.door, w.anna, "attr(strength, 13)")).toBe(false);
      expect(passes(w.door, w.anna, "attr(strength, 10, compare=gt)")).toBe(true);
      expect(passes(w.door, w.anna, "attr(ghost, False)")).toBe(true);
      expect(passes(w.door, w.anna, "attr(key, Anna)")).toBe(true); // a property
      expect(passes(w.door, w.anna, "attr_eq(strength, 12)")).toBe(true);
      expect(passes(w.door, w.anna, "attr_gt(strength, 11)")).toBe(true);
      expect(passes(w.door, w.anna, "attr_gt(strength, 12)")).toBe(false);
      expect(passes(w.door, w.anna, "attr_ge(strength, 12)")).toBe(true);
      expect(passes(w.door, w.anna, "attr_lt(strength, 13)")).toBe(true);
      expect(passes(w.door, w.anna, "attr_lt(strength, 12)")).toBe(false);
      expect(passes(w.door, w.anna, "attr_le(strength, 12)")).toBe(true);
      expect(passes(w.door, w.anna, "attr_ne(strength, 12)")).toBe(false);
      expect(passes(w.door, w.anna, "attr_ne(strength, 7)")).toBe(true);
      expect(passes(w.door, w.anna, "attr_gt(strength, lots)")).toBe(false); // not a number
      expect(passes(w.door, w.anna, "attr(_row)")).toBe(false); // internals are not properties
    });
  });

  it("objattr(), locattr(), objlocattr()", async () => {
    await ctx.unit(() => {
      expect(passes(w.door, w.anna, "objattr(weight, 100)")).toBe(true);
      expect(passes(w.door, w.anna, "objattr(weight, 50, compare=lt)")).toBe(false);
      expect(passes(w.door, w.anna, "locattr(temperature, 20)")).toBe(true); // anna is in the hall
      expect(passes(w.door, w.gem, "locattr(temperature)")).toBe(false); // the gem is in the box
      expect(passes(w.door, w.gem, "objlocattr(temperature, 15, compare=gt)")).toBe(true); // the door is in the hall
      expect(passes(w.gem, w.anna, "objlocattr(temperature)")).toBe(false);
    });
  });

  it("tag(), objtag(), objloctag(): category given, or uncategorised only", async () => {
    await ctx.unit(() => {
      expect(passes(w.door, w.anna, "tag(thief)")).toBe(true);
      expect(passes(w.door, w.bob, "tag(thief)")).toBe(false);
      expect(passes(w.door, w.anna, "objtag(wooden)")).toBe(true);
      expect(passes(w.door, w.anna, "objtag(stone)")).toBe(false);
      expect(passes(w.door, w.anna, "objloctag(indoors)")).toBe(true);
      expect(passes(w.door, w.anna, "objloctag(lit, light)")).toBe(true);
      expect(passes(w.door, w.anna, "objloctag(lit)")).toBe(false); // lit has a category
      expect(passes(w.hall, w.anna, "objloctag(indoors)")).toBe(false); // a room has no location
    });
  });

  it("inside() and inside_rec()", async () => {
    await ctx.unit(() => {
      expect(passes(w.hall, w.anna, "inside()")).toBe(true);
      expect(passes(w.hall, w.box, "inside()")).toBe(false); // box is in anna, anna in the hall
      expect(passes(w.hall, w.gem, "inside_rec()")).toBe(true); // gem in box in anna in hall
      expect(passes(w.vault, w.gem, "inside_rec()")).toBe(false);
      expect(passes(w.hall, w.hall, "inside_rec()")).toBe(false);
    });
  });

  it("holds(): the locked object, a key or #id, an attribute value", async () => {
    await ctx.unit(() => {
      expect(passes(w.box, w.anna, "holds()")).toBe(true);
      expect(passes(w.box, w.bob, "holds()")).toBe(false);
      expect(passes(w.door, w.anna, "holds(brass key)")).toBe(true);
      expect(passes(w.door, w.anna, "holds(KEY)")).toBe(true); // alias, any case
      expect(passes(w.door, w.anna, `holds(#${w.key.id})`)).toBe(true);
      expect(passes(w.door, w.anna, `holds(${w.key.id})`)).toBe(true);
      expect(passes(w.door, w.bob, "holds(brass key)")).toBe(false);
      expect(passes(w.door, w.anna, "holds(gem)")).toBe(false); // inside the box, not carried
      expect(passes(w.door, w.anna, "holds(opens, vault)")).toBe(true);
      expect(passes(w.door, w.anna, "holds(opens, hall)")).toBe(false);
      // Evennia's default drop lock
      expect(w.box.access(w.anna, "drop")).toBe(true);
      expect(w.box.access(w.bob, "drop")).toBe(false);
    });
  });

  it("has_account(): an object a player is connected to, never an account", async () => {
    await ctx.unit(() => {
      const session = fakeSession(w.bob);
      w.bob.sessions.add(session);
      try {
        expect(passes(w.door, w.bob, "has_account()")).toBe(true);
        expect(passes(w.door, w.anna, "has_account()")).toBe(false); // has an account, nobody connected
        expect(passes(w.door, w.npc, "has_account()")).toBe(false);
        expect(passes(w.door, w.bobAccount, "has_account()")).toBe(false);
      } finally {
        w.bob.sessions.delete(session);
      }
    });
  });

  it("is_ooc(): the session puppets nothing", async () => {
    await ctx.unit(() => {
      expect(checkLockString(w.annaAccount, "cmd:is_ooc()", "cmd", { session: fakeSession(null) })).toBe(true);
      expect(checkLockString(w.anna, "cmd:is_ooc()", "cmd", { session: fakeSession(w.anna) })).toBe(false);
      // no session: an object with an account and nobody connected, or no account, counts as out of character
      expect(passes(w.anna, w.anna, "is_ooc()")).toBe(true);
      expect(passes(w.npc, w.anna, "is_ooc()")).toBe(true);
      const session = fakeSession(w.bob);
      w.bob.sessions.add(session);
      try {
        expect(passes(w.bob, w.bob, "is_ooc()")).toBe(false);
      } finally {
        w.bob.sessions.delete(session);
      }
    });
  });

  it("serversetting(): a setting is true, or equals a value", async () => {
    setActiveSettings({ ...defaultSettings, telnetMxp: true, serverName: "Testland", telnetPorts: [4000, 4100] });
    try {
      await ctx.unit(() => {
        expect(passes(w.door, w.anna, "serversetting(telnetMxp)")).toBe(true);
        expect(passes(w.door, w.anna, "serversetting(telnetMxp, True)")).toBe(true);
        expect(passes(w.door, w.anna, "serversetting(telnetMxp, false)")).toBe(false);
        expect(passes(w.door, w.anna, "serversetting(controlSocket)")).toBe(true);
        expect(passes(w.door, w.anna, "serversetting(maxLineLength, 8192)")).toBe(true);
        expect(passes(w.door, w.anna, "serversetting(serverName, 'Testland')")).toBe(true);
        expect(passes(w.door, w.anna, 'serversetting(serverName, "Other")')).toBe(false);
        expect(passes(w.door, w.anna, "serversetting(noSuchSetting)")).toBe(false);
        expect(passes(w.door, w.anna, "serversetting(maxLineLength, not json)")).toBe(false);
      });
    } finally {
      setActiveSettings(null);
    }
  });
});
