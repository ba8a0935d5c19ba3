/**
 * Typeclasses on both databases: creating, loading the registered class, falling
 * back to the default class for unknown paths, and swapping the class of a live
 * object.
 */
import { afterEach, beforeEach, expect, it } from "vitest";
import { describeEachDatabase } from "../../evennia-ts/testing/database-fixture.ts";
import {
  DefaultAccount,
  DefaultChannel,
  DefaultCharacter,
  DefaultExit,
  DefaultObject,
  DefaultRoom,
  DefaultScript,
  createAccount,
  createChannel,
  createObject,
  createScript,
  getById,
  registerTypeclass,
  search,
} from "../../evennia-ts/typeclasses/index.ts";
import { setLogSink, type LogSink } from "../../evennia-ts/utils/logger.ts";
import { forget, uniqueName } from "./store-helpers.ts";

let initCount = 0;
let creationCount = 0;

/** A game typeclass. */
class Widget extends DefaultObject {
  override atInit(): void {
    initCount++;
  }
  override async atObjectCreation(): Promise<void> {
    creationCount++;
    this.db.made = true;
  }
  /** Something only widgets can do. */
  spin(): string {
    return `${this.key} spins`;
  }
}
registerTypeclass("typeclasses.tests.Widget", Widget);

/** Another game typeclass, to swap to. */
class Gadget extends DefaultObject {
  beep(): string {
    return `${this.key} beeps`;
  }
}
registerTypeclass("typeclasses.tests.Gadget", Gadget);

let errors: string[] = [];
let previousSink: LogSink | null = null;
beforeEach(() => {
  errors = [];
  previousSink = setLogSink((level, line) => {
    if (level === "error") errors.push(line);
  });
});
afterEach(() => {
  if (previousSink) setLogSink(previousSink);
});

describeEachDatabase("typeclasses", (ctx) => {
  it("creates every default typeclass into its table with its path", async () => {
    const names = { room: uniqueName("Room"), acc: uniqueName("acc"), chan: uniqueName("chan") };
    const ids = await ctx.unit(async () => {
      const room = await createObject(DefaultRoom, { key: names.room });
      const char = await createObject(DefaultCharacter, { key: "Char", location: room });
      const exit = await createObject("evennia.objects.DefaultExit", { key: "north", location: room, destination: room });
      const thing = await createObject(undefined, { key: "Thing" });
      const account = await createAccount(undefined, { username: names.acc, password: "secret-pw" });
      const script = await createScript(undefined, { key: "ticker", obj: char });
      const channel = await createChannel(undefined, { key: names.chan });
      expect([room, char, exit, thing].map((o) => o.constructor)).toEqual([DefaultRoom, DefaultCharacter, DefaultExit, DefaultObject]);
      expect(account).toBeInstanceOf(DefaultAccount);
      expect(script).toBeInstanceOf(DefaultScript);
      expect(channel).toBeInstanceOf(DefaultChannel);
      return { room: room.id, char: char.id, exit: exit.id, thing: thing.id, account: account.id, script: script.id, channel: channel.id };
    });
    const paths = await ctx.db.query<{ id: number; typeclass_path: string }>(
      "SELECT id, typeclass_path FROM objects WHERE id IN (?, ?, ?, ?) ORDER BY id",
      [ids.room, ids.char, ids.exit, ids.thing],
    );
    expect(paths.map((r) => r.typeclass_path)).toEqual([
      "evennia.objects.DefaultRoom",
      "evennia.objects.DefaultCharacter",
      "evennia.objects.DefaultExit",
      "evennia.objects.DefaultObject",
    ]);
    const [acc] = await ctx.db.query<{ typeclass_path: string; username: string }>("SELECT typeclass_path, username FROM accounts WHERE id = ?", [ids.account]);
    expect(acc).toEqual({ typeclass_path: "evennia.accounts.DefaultAccount", username: names.acc });
    const [scr] = await ctx.db.query<{ typeclass_path: string; obj_id: number }>("SELECT typeclass_path, obj_id FROM scripts WHERE id = ?", [ids.script]);
    expect({ ...scr, obj_id: Number(scr?.obj_id) }).toEqual({ typeclass_path: "evennia.scripts.DefaultScript", obj_id: ids.char });
    const [chan] = await ctx.db.query<{ typeclass_path: string }>("SELECT typeclass_path FROM channels WHERE id = ?", [ids.channel]);
    expect(chan?.typeclass_path).toBe("evennia.channels.DefaultChannel");
  });

  it("runs atObjectCreation once and builds the registered class again when loading", async () => {
    const before = creationCount;
    const id = await ctx.unit(async () => (await createObject(Widget, { key: "spinner" })).id);
    expect(creationCount).toBe(before + 1);
    const weak = new WeakRef((await getById(id))!);
    await forget(ctx.store, weak);
    const inits = initCount;
    const loaded = await getById<Widget>(id);
    expect(loaded).toBeInstanceOf(Widget);
    expect(loaded!.spin()).toBe("spinner spins");
    expect(loaded!.db.made).toBe(true);
    expect(initCount).toBe(inits + 1); // atInit on every load ...
    expect(creationCount).toBe(before + 1); // ... atObjectCreation only once
  });

  it("falls back to the default class, with a logged error, for an unknown or wrong-kind path", async () => {
    const ghostPath = `typeclasses.nowhere.Ghost_${ctx.dialect}`;
    // an account class: registered, but of the wrong kind for an object row (errors are logged once per path)
    const accountPath = `typeclasses.tests.Player_${ctx.dialect}`;
    registerTypeclass(accountPath, class extends DefaultAccount {});
    const ids = await ctx.unit(async () => [(await createObject(Widget, { key: "ghost" })).id, (await createObject(Widget, { key: "confused" })).id]);
    await ctx.db.write([
      { sql: "UPDATE objects SET typeclass_path = ? WHERE id = ?", params: [ghostPath, ids[0]] },
      { sql: "UPDATE objects SET typeclass_path = ? WHERE id = ?", params: [accountPath, ids[1]] },
    ]);
    await forget(ctx.store, new WeakRef((await getById(ids[0]!))!), new WeakRef((await getById(ids[1]!))!));
    errors = [];
    const [ghost, confused] = [await getById(ids[0]!), await getById(ids[1]!)];
    for (const obj of [ghost, confused]) {
      expect(obj!.constructor).toBe(DefaultObject);
      expect(obj).not.toBeInstanceOf(Widget);
    }
    expect(ghost!.key).toBe("ghost");
    expect(ghost!.typeclassPath).toBe(ghostPath); // the row keeps its path
    expect(errors.some((l) => l.includes(ghostPath))).toBe(true);
    expect(errors.some((l) => l.includes(accountPath) && l.includes("not a object class"))).toBe(true);
    // saving the fallback object does not overwrite the stored path
    await ctx.unit(() => {
      ghost!.db.seen = true;
      ghost!.key = "ghost2";
    });
    const [row] = await ctx.db.query<{ typeclass_path: string }>("SELECT typeclass_path FROM objects WHERE id = ?", [ids[0]]);
    expect(row?.typeclass_path).toBe(ghostPath);
  });

  it("swapTypeclass keeps the instance, persists the path, and loads as the new class", async () => {
    const key = uniqueName("swappy");
    const check = async (): Promise<[number, WeakRef<object>]> => {
      const obj = await ctx.unit(() => createObject(undefined, { key }));
      await ctx.unit(() => obj.swapTypeclass("typeclasses.tests.Gadget"));
      expect(obj).toBeInstanceOf(Gadget);
      expect((obj as unknown as Gadget).beep()).toBe(`${key} beeps`);
      expect(await getById(obj.id)).toBe(obj);
      expect((await search({ key }))[0]).toBe(obj);
      expect((await search({ typeclass: Gadget })).map((o) => o.id)).toContain(obj.id);
      return [obj.id, new WeakRef(obj)];
    };
    const [id, weak] = await check();
    const [row] = await ctx.db.query<{ typeclass_path: string }>("SELECT typeclass_path FROM objects WHERE id = ?", [id]);
    expect(row?.typeclass_path).toBe("typeclasses.tests.Gadget");
    await forget(ctx.store, weak);
    const reloaded = await getById(id);
    expect(reloaded).toBeInstanceOf(Gadget);
    expect(reloaded!.key).toBe(key);
  });

  it("swapTypeclass refuses an unknown path and is undone with its unit of work", async () => {
    const obj = await ctx.unit(() => createObject(Widget, { key: "stable" }));
    expect(() => obj.swapTypeclass("typeclasses.nowhere.Nothing")).toThrow(expect.objectContaining({ code: "EV_ERR_TYPECLASS" }));
    expect(obj).toBeInstanceOf(Widget);
    await expect(
      ctx.unit(() => {
        obj.swapTypeclass("typeclasses.tests.Gadget");
        expect(obj).toBeInstanceOf(Gadget);
        throw new Error("changed my mind");
      }),
    ).rejects.toThrow("changed my mind");
    expect(obj).toBeInstanceOf(Widget);
    expect(obj.typeclassPath).toBe("typeclasses.tests.Widget");
    const [row] = await ctx.db.query<{ typeclass_path: string }>("SELECT typeclass_path FROM objects WHERE id = ?", [obj.id]);
    expect(row?.typeclass_path).toBe("typeclasses.tests.Widget");
  });
});
