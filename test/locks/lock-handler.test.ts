/**
 * `obj.locks` and `obj.access` on both databases: storage, reload, rollback, bad
 * definitions, default locks per typeclass, the superuser bypass, quell, and
 * attribute locks (attrread / attredit / attrcreate).
 */
import { expect, it } from "vitest";
import { describeEachDatabase } from "../../evennia-ts/testing/database-fixture.ts";
import {
  DefaultAccount,
  DefaultCharacter,
  DefaultExit,
  DefaultObject,
  DefaultRoom,
  createAccount,
  createChannel,
  createObject,
  createScript,
  getById,
} from "../../evennia-ts/typeclasses/index.ts";
import { isEvenniaError } from "../../evennia-ts/utils/errors.ts";
import { countRows, forget, uniqueName } from "../typeclasses/store-helpers.ts";

async function rejects(fn: () => unknown, code: string): Promise<Error> {
  try {
    await fn();
  } catch (err) {
    expect(isEvenniaError(err), String(err)).toBe(true);
    expect((err as { code: string }).code).toBe(code);
    return err as Error;
  }
  throw new Error(`expected ${code}`);
}

async function lockColumn(db: { query<T>(sql: string, params: unknown[]): Promise<T[]> }, table: string, id: number): Promise<string> {
  const [row] = await db.query<{ lock_storage: string }>(`SELECT lock_storage FROM ${table} WHERE id = ?`, [id]);
  return row!.lock_storage;
}

describeEachDatabase("lock handler", (ctx) => {
  it("add, get, all, remove, replace, append, clear; stored in lock_storage and read back after a reload", async () => {
    const make = async (): Promise<[number, WeakRef<DefaultObject>]> => {
      const obj = await ctx.unit(async () => {
        const o = await createObject(undefined, { key: "lamp" });
        o.locks.replace("get:perm(Builder)");
        o.locks.add("view:all(); edit:perm(Admin) OR id(3)");
        o.locks.add(["call:false()", "get:tag(strong)"]);
        return o;
      });
      return [obj.id, new WeakRef(obj)];
    };
    const [id, weak] = await make();
    expect(await lockColumn(ctx.db, "objects", id)).toBe("view:all();edit:perm(Admin) OR id(3);call:false();get:tag(strong)");
    await forget(ctx.store, weak);
    const lamp = (await getById(id))!;
    expect(lamp.locks.get("get")).toBe("get:tag(strong)");
    expect(lamp.locks.get("EDIT")).toBe("edit:perm(Admin) OR id(3)");
    expect(lamp.locks.get("nothing")).toBe("");
    expect(lamp.locks.all()).toEqual(["view:all()", "edit:perm(Admin) OR id(3)", "call:false()", "get:tag(strong)"]);
    expect(lamp.locks.has("call")).toBe(true);
    await ctx.unit(() => {
      expect(lamp.locks.remove("call")).toBe(true);
      expect(lamp.locks.remove("call")).toBe(false);
      lamp.locks.append("get", "perm(Admin)");
      lamp.locks.append("get", "perm(Admin)"); // already there: unchanged
      lamp.locks.append("tell", "all()");
    });
    expect(await lockColumn(ctx.db, "objects", id)).toBe("view:all();edit:perm(Admin) OR id(3);get:tag(strong) OR perm(Admin);tell:all()");
    await ctx.unit(() => lamp.locks.clear());
    expect(await lockColumn(ctx.db, "objects", id)).toBe("");
    expect(lamp.locks.all()).toEqual([]);
  });

  it("a failed unit of work leaves the locks as they were", async () => {
    const box = await ctx.unit(async () => {
      const b = await createObject(undefined, { key: "box", locks: "open:all()" });
      return b;
    });
    await expect(
      ctx.unit(() => {
        box.locks.add("open:none()");
        expect(box.locks.get("open")).toBe("open:none()");
        throw new Error("no");
      }),
    ).rejects.toThrow("no");
    expect(box.locks.get("open")).toBe("open:all()");
    expect(box.access(null, "open")).toBe(true);
  });

  it("a bad lock string is refused when it is assigned, and nothing changes", async () => {
    const before = await countRows(ctx.db, "objects");
    const err = await rejects(() => ctx.unit(() => createObject(undefined, { key: "x", locks: "get:all();drop:nosuch()" })), "EV_ERR_BAD_LOCK");
    expect(err.message).toMatch(/nosuch\(\) does not exist/);
    expect(await countRows(ctx.db, "objects")).toBe(before);
    await rejects(() => ctx.unit(() => createChannel(undefined, { key: uniqueName("chan"), locks: "send all()" })), "EV_ERR_BAD_LOCK");

    const rock = await ctx.unit(() => createObject(undefined, { key: "rock" }));
    const stored = rock.locks.toString();
    await ctx.unit(async () => {
      await rejects(() => rock.locks.add("get:all(); view:perm(Admin"), "EV_ERR_BAD_LOCK");
      await rejects(() => rock.locks.add(""), "EV_ERR_BAD_LOCK");
      await rejects(() => rock.locks.replace("get:whatever"), "EV_ERR_BAD_LOCK");
    });
    expect(rock.locks.toString()).toBe(stored);
    expect(rock.locks.validate("get:all()")).toBeNull();
    expect(rock.locks.validate("get:al()")).toMatch(/al\(\) does not exist/);
  });

  it("a stored definition that no longer parses denies alone; the others still work", async () => {
    const make = async (): Promise<[number, WeakRef<DefaultObject>]> => {
      const o = await ctx.unit(() => createObject(undefined, { key: "statue" }));
      return [o.id, new WeakRef(o)];
    };
    const [id, weak] = await make();
    await forget(ctx.store, weak);
    await ctx.db.write([{ sql: "UPDATE objects SET lock_storage = ? WHERE id = ?", params: ["get:vanished_func();view:all()", id] }]);
    const statue = (await getById(id))!;
    expect(statue.access(null, "view")).toBe(true);
    expect(statue.access(null, "get")).toBe(false);
    expect(statue.access(null, "get", { default: true })).toBe(false);
  });

  it("access(): no lock of the type gives the default", async () => {
    const o = await ctx.unit(() => createObject(undefined, { key: "plain" }));
    expect(o.access(null, "frobnicate")).toBe(false);
    expect(o.access(null, "frobnicate", { default: true })).toBe(true);
  });

  it("default locks per typeclass, as Evennia sets them", async () => {
    const made = await ctx.unit(async () => {
      const room = await createObject(DefaultRoom, { key: "Room" });
      return {
        thing: await createObject(undefined, { key: "thing" }),
        character: await createObject(DefaultCharacter, { key: "Char", location: room }),
        room,
        exit: await createObject(DefaultExit, { key: "north", location: room, destination: room }),
        account: await createAccount(undefined, { username: uniqueName("acct"), password: "secret123" }),
        channel: await createChannel(undefined, { key: uniqueName("news") }),
        script: await createScript(undefined, { key: "timer" }),
      };
    });
    const object =
      "control:perm(Developer);examine:perm(Builder);view:all();edit:perm(Admin);delete:perm(Admin);get:all();drop:holds();call:true();tell:perm(Admin);puppet:pperm(Developer);teleport:true();teleport_here:true()";
    expect(made.thing.locks.toString()).toBe(object);
    const locks = (o: { locks: { get(t: string): string } }, ...types: string[]) => types.map((t) => o.locks.get(t));
    expect(locks(made.character, "get", "call", "teleport", "teleport_here", "view")).toEqual([
      "get:false()",
      "call:false()",
      "teleport:perm(Admin)",
      "teleport_here:perm(Admin)",
      "view:all()",
    ]);
    expect(locks(made.room, "get", "puppet", "teleport", "teleport_here")).toEqual(["get:false()", "puppet:false()", "teleport:false()", "teleport_here:true()"]);
    expect(locks(made.exit, "puppet", "traverse", "get", "teleport", "teleport_here")).toEqual([
      "puppet:false()",
      "traverse:all()",
      "get:false()",
      "teleport:false()",
      "teleport_here:false()",
    ]);
    expect(made.account.locks.toString()).toBe(
      "examine:perm(Admin);edit:perm(Admin);delete:perm(Admin);boot:perm(Admin);msg:all();noidletimeout:perm(Builder) or perm(noidletimeout)",
    );
    expect(made.channel.locks.toString()).toBe("send:all();listen:all();control:perm(Admin)");
    expect(made.script.locks.toString()).toBe("");
    expect(await lockColumn(ctx.db, "channels", made.channel.id)).toBe("send:all();listen:all();control:perm(Admin)");
  });

  it("locks given at creation go on top of the defaults; an account or caller gives owner locks", async () => {
    const { chest, hero, account, sword, builder } = await ctx.unit(async () => {
      const account = await createAccount(undefined, { username: uniqueName("owner"), password: "secret123" });
      const builder = await createObject(DefaultCharacter, { key: "Builder" });
      return {
        account,
        builder,
        chest: await createObject(undefined, { key: "chest", locks: "get:false();open:holds(chest key)" }),
        hero: await createObject(DefaultCharacter, { key: "Hero", account }),
        sword: await createObject(undefined, { key: "sword", caller: builder }),
      };
    });
    expect(chest.locks.get("get")).toBe("get:false()");
    expect(chest.locks.get("open")).toBe("open:holds(chest key)");
    expect(chest.locks.get("view")).toBe("view:all()");
    expect(hero.locks.get("puppet")).toBe(`puppet:pid(${account.id}) or perm(Developer) or pperm(Developer)`);
    expect(hero.locks.get("edit")).toBe(`edit:pid(${account.id}) or perm(Admin)`);
    expect(hero.access(account, "puppet")).toBe(true);
    expect(sword.locks.get("control")).toBe(`control:id(${builder.id}) or perm(Admin)`);
    expect(sword.access(builder, "delete")).toBe(true);
  });

  it("superusers pass every lock unless noSuperuserBypass; a quelled superuser puppet does not", async () => {
    const { root, puppet, safe } = await ctx.unit(async () => {
      const root = await createAccount(undefined, { username: uniqueName("root"), password: "secret123", isSuperuser: true });
      return {
        root,
        puppet: await createObject(DefaultCharacter, { key: "God", account: root }),
        safe: await createObject(undefined, { key: "safe", locks: "open:none()" }),
      };
    });
    expect(safe.access(root, "open")).toBe(true);
    expect(safe.access(puppet, "open")).toBe(true);
    expect(puppet.isSuperuser).toBe(true);
    expect(safe.access(root, "open", { noSuperuserBypass: true })).toBe(false);
    await ctx.unit(() => (root.quelled = true));
    expect(puppet.isSuperuser).toBe(false);
    expect(safe.access(puppet, "open")).toBe(false);
    expect(safe.access(root, "open")).toBe(true); // the account itself keeps its bypass, as Evennia
    await ctx.unit(() => (root.quelled = false));
    expect(safe.access(puppet, "open")).toBe(true);
  });

  it("quell: the puppet is judged by the lower of the account's and its own permissions", async () => {
    const { dev, char, door } = await ctx.unit(async () => {
      const dev = await createAccount(undefined, { username: uniqueName("dev"), password: "secret123", permissions: ["Developer"] });
      const char = await createObject(DefaultCharacter, { key: "Dev", account: dev });
      char.permissions.add("Player");
      char.permissions.add("bard");
      const door = await createObject(undefined, { key: "door", locks: "open:perm(Builder);sing:perm(bard);boss:perm(Developer)" });
      return { dev, char, door };
    });
    expect(door.access(char, "open")).toBe(true);
    await ctx.unit(() => (dev.quelled = true));
    expect(dev.quelled).toBe(true);
    const [row] = await ctx.db.query<{ value: string }>("SELECT value FROM attributes WHERE owner_kind = 'account' AND owner_id = ? AND key = '_quell'", [dev.id]);
    expect(row).toBeDefined();
    expect(door.access(char, "open")).toBe(false); // min(Developer, Player) = Player
    expect(door.access(char, "sing")).toBe(true); // the puppet's own permission counts when quelled
    expect(door.access(dev, "boss")).toBe(true); // the account alone is not quelled
    await ctx.unit(() => char.permissions.add("Admin"));
    expect(door.access(char, "open")).toBe(true); // min(Developer, Admin) = Admin
    expect(door.access(char, "boss")).toBe(false);
    await ctx.unit(() => (dev.quelled = false));
    expect(door.access(char, "boss")).toBe(true);
  });

  it("attribute locks: attrread hides, attredit and attrcreate refuse, stored with the attribute", async () => {
    const make = async () =>
      ctx.unit(async () => {
        const admin = await createAccount(undefined, { username: uniqueName("admin"), password: "secret123", permissions: ["Admin"] });
        const player = await createAccount(undefined, { username: uniqueName("player"), password: "secret123", permissions: ["Player"] });
        const note = await createObject(undefined, { key: "note" });
        note.attributes.add("secret", "xyzzy", { lockstring: "attrread:perm(Admin);attredit:perm(Admin)" });
        note.attributes.add("public", "hello");
        return { adminId: admin.id, playerId: player.id, noteId: note.id, weak: new WeakRef(note) };
      });
    const { adminId, playerId, noteId, weak } = await make();
    await forget(ctx.store, weak);
    const note = (await getById(noteId))!;
    const admin = (await getById<DefaultAccount>(adminId, "account"))!;
    const player = (await getById<DefaultAccount>(playerId, "account"))!;
    expect(note.attributes.lockstring("secret")).toBe("attrread:perm(Admin);attredit:perm(Admin)");
    expect(note.attributes.get("secret")).toBe("xyzzy"); // game code is trusted
    expect(note.attributes.get("secret", { accessor: admin })).toBe("xyzzy");
    expect(note.attributes.get("secret", { accessor: player })).toBeUndefined();
    expect(note.attributes.get("secret", { accessor: player, default: "?" })).toBe("?");
    expect(note.attributes.get("public", { accessor: player })).toBe("hello");
    expect(note.attributes.get("public", { accessor: player, defaultAccess: false })).toBeUndefined();
    expect(note.attributes.access("secret", player, "attrread")).toBe(false);
    expect(note.attributes.all({ accessor: player }).map((a) => a.key)).toEqual(["public"]);

    await ctx.unit(async () => {
      const err = await rejects(() => note.attributes.add("secret", "changed", { accessor: player }), "EV_ERR_LOCK_DENIED");
      expect(err.message).toBe("You are not allowed to change the attribute 'secret' on note.");
      await rejects(() => note.attributes.remove("secret", { accessor: player }), "EV_ERR_LOCK_DENIED");
      note.attributes.add("secret", "changed", { accessor: admin });
      note.attributes.add("public", "bye", { accessor: player });
    });
    expect(note.attributes.get("secret")).toBe("changed");
    expect(note.attributes.lockstring("secret")).toBe("attrread:perm(Admin);attredit:perm(Admin)"); // kept on update

    await ctx.unit(async () => {
      note.locks.add("attrcreate:perm(Builder)");
      await rejects(() => note.attributes.add("graffiti", "was here", { accessor: player }), "EV_ERR_LOCK_DENIED");
      note.attributes.add("graffiti", "was here", { accessor: admin });
      await rejects(() => note.attributes.add("x", 1, { lockstring: "attrread:perm(Admin" }), "EV_ERR_BAD_LOCK");
    });
    expect(note.attributes.has("x")).toBe(false);
    expect(note.attributes.get("graffiti")).toBe("was here");
  });
});
