/**
 * The command handler end to end on a real database: cmdsets gathered from the
 * session, account, puppet and what is around it, merged and cached, persistent
 * cmdsets across a reload, system commands, and bad input.
 */
import { beforeAll, expect, it } from "vitest";
import { CmdSet } from "../../evennia-ts/commands/cmdset.ts";
import { registerLocationCmdSets } from "../../evennia-ts/commands/cmdset-gather.ts";
import { registerCmdSet } from "../../evennia-ts/commands/cmdset-registry.ts";
import { Command } from "../../evennia-ts/commands/command.ts";
import type { CommandHandler } from "../../evennia-ts/commands/handler.ts";
import { CMD_NOINPUT, CMD_NOMATCH, MultiMatchCommand } from "../../evennia-ts/commands/system-commands.ts";
import { describeEachDatabase } from "../../evennia-ts/testing/database-fixture.ts";
import { DefaultCharacter, DefaultExit, DefaultObject, DefaultRoom, createObject, getById } from "../../evennia-ts/typeclasses/index.ts";
import { TypedObject } from "../../evennia-ts/typeclasses/typed-object.ts";
import { forget } from "../typeclasses/store-helpers.ts";
import { puppetInHall, RecordingSession, testHandler } from "./command-session.ts";

class CmdKick extends Command {
  override key = "kick";
  override help = "Kick it.";
  override async func(): Promise<void> {
    this.msg(`You kick the ${(this.obj as DefaultObject).key}.`);
  }
}
class BallCmdSet extends CmdSet {
  override key = "BallCmdSet";
  override atCmdsetCreation(): void {
    this.add(CmdKick);
  }
}
class CmdFeel extends Command {
  override key = "feel";
  override async func(): Promise<void> {
    this.msg("You feel around in the dark.");
  }
}
/** Replaces everything (a dark room) and hides objects' commands. */
class DarkCmdSet extends CmdSet {
  override key = "DarkCmdSet";
  override priority = 10;
  override mergeType = "Replace" as const;
  override noObjs = true;
  override atCmdsetCreation(): void {
    this.add(CmdFeel);
  }
}
class CmdTraverse extends Command {
  override key = "north";
  override isExit = true;
  override async func(): Promise<void> {
    this.msg("You go north.");
  }
}
class ExitLikeCmdSet extends CmdSet {
  override key = "ExitCmdSet";
  override priority = 101;
  override atCmdsetCreation(): void {
    this.add(CmdTraverse);
  }
}
class NoExitsCmdSet extends CmdSet {
  override key = "NoExits";
  override priority = 1;
  override noExits = true;
}
class CmdWhat extends Command {
  override key = CMD_NOMATCH;
  override async func(): Promise<void> {
    this.msg(`Huh? (${this.args})`);
  }
}
class CmdEnter extends Command {
  override key = CMD_NOINPUT;
  override async func(): Promise<void> {
    this.msg("Say something!");
  }
}
class CmdWhich extends MultiMatchCommand {
  override async func(): Promise<void> {
    this.msg(`Which one? ${this.matches.length} kicks.`);
  }
}
class SystemCmdSet extends CmdSet {
  override key = "SystemCmdSet";
  override atCmdsetCreation(): void {
    this.add(CmdWhat).add(CmdEnter).add(CmdWhich);
  }
}
class CmdBoom extends Command {
  override key = "boom";
  override async func(): Promise<void> {
    (this.caller as DefaultObject).cmdset.add(BallCmdSet);
    (this.caller as DefaultObject).db.boomed = true;
    throw new Error("kaboom");
  }
}
class BoomCmdSet extends CmdSet {
  override key = "BoomCmdSet";
  override atCmdsetCreation(): void {
    this.add(CmdBoom);
  }
}
registerCmdSet("test.handler.BallCmdSet", BallCmdSet);
registerCmdSet("test.handler.DarkCmdSet", DarkCmdSet);

describeEachDatabase("the command handler", (ctx) => {
  let handler: CommandHandler;
  let room: DefaultRoom;
  let elsewhere: DefaultRoom;
  let anna: DefaultCharacter;
  let session: RecordingSession;

  const run = async (line: string) => {
    await handler.execute(session, line);
    return session.take();
  };

  beforeAll(async () => {
    ({ handler, hall: room, garden: elsewhere, anna, session } = await puppetInHall(ctx, "anna"));
  });

  it("runs the puppet's default commands and says what it cannot find, with suggestions", async () => {
    expect(await run("say hi")).toContain('You say, "hi"');
    expect(await run("lok")).toBe('Command \'lok\' is not available. Maybe you meant "look"?');
    expect(await run("xyzzy")).toBe("Command 'xyzzy' is not available. Type \"help\" for help.");
  });

  it("gathers cmdsets from objects in the room, with a numbered choice between same-named commands", async () => {
    const [ball, box] = await ctx.unit(async () => [
      await createObject(DefaultObject, { key: "ball", location: room }),
      await createObject(DefaultObject, { key: "box", location: room }),
    ]);
    expect(await run("kick")).toContain("Command 'kick' is not available");
    ball.cmdset.add(BallCmdSet);
    expect(await run("kick")).toBe("You kick the ball.");
    box.cmdset.add(BallCmdSet);
    // as in Evennia, the set merged last (the later object) comes first
    expect(await run("kick")).toBe("More than one match for 'kick' (please narrow target):\n kick-1 (box)\n kick-2 (ball)");
    expect(await run("kick-2")).toBe("You kick the ball.");
    expect(await run("1-kick")).toBe("You kick the box.");
    await ctx.unit(async () => {
      await box.delete();
      ball.cmdset.remove(BallCmdSet);
    });
  });

  it("gathers what the puppet carries and the room itself, but not other characters' cmdsets", async () => {
    const [pebble, bob] = await ctx.unit(async () => [
      await createObject(DefaultObject, { key: "pebble", location: anna }),
      await createObject(DefaultCharacter, { key: "Bob", location: room }),
    ]);
    bob.cmdset.add(BallCmdSet);
    expect(await run("kick")).toContain("not available");
    pebble.cmdset.add(BallCmdSet);
    expect(await run("kick")).toBe("You kick the pebble.");
    pebble.cmdset.remove("BallCmdSet");
    room.cmdset.add(BallCmdSet);
    expect(await run("kick")).toBe("You kick the Hall.");
    room.cmdset.remove();
    await ctx.unit(async () => {
      await pebble.delete();
      await bob.delete();
    });
  });

  it("follows cmdsets added in a failed unit of work, and classes swapped in place, around the puppet", async () => {
    const [crate, statue] = await ctx.unit(async () => [
      await createObject(DefaultObject, { key: "crate", location: room }),
      await createObject(DefaultObject, { key: "statue", location: room, locks: "call:true()" }),
    ]);
    expect(await run("kick")).toContain("not available");
    /** Change the crate's cmdsets in a unit of work that fails: inside it, `kick` is there or not as `kickInside` says. */
    const failedUnit = (change: () => void, kickInside: boolean) =>
      expect(
        ctx.unit(async () => {
          change();
          expect((await handler.currentCmdSet(session)).has("kick")).toBe(kickInside);
          throw new Error("refused");
        }),
      ).rejects.toThrow("refused");
    // inside the unit the command is there; the unit fails and takes the cmdset with it
    await failedUnit(() => crate.cmdset.add(BallCmdSet), true);
    expect(crate.cmdset.all()).toEqual([]);
    expect(await run("kick")).toContain("not available");
    // and the other way: a removal undone gives the command back
    crate.cmdset.add(BallCmdSet);
    expect(await run("kick")).toBe("You kick the crate.");
    await failedUnit(() => crate.cmdset.remove(BallCmdSet), false);
    expect(await run("kick")).toBe("You kick the crate.");
    // a thing that becomes a character in place has the character's default set from then on
    const before = await handler.currentCmdSet(session);
    expect(before.commands.some((c) => c.obj === statue)).toBe(false);
    await ctx.unit(() => statue.swapTypeclass("evennia.objects.DefaultCharacter"));
    expect((await handler.currentCmdSet(session)).commands.some((c) => c.obj === statue)).toBe(true);
    await ctx.unit(async () => {
      await crate.delete();
      await statue.delete();
    });
  });

  it("lets a high-priority Replace set with noObjs hide everything else", async () => {
    const ball = await ctx.unit(() => createObject(DefaultObject, { key: "ball2", location: room }));
    ball.cmdset.add(BallCmdSet);
    room.cmdset.add(DarkCmdSet);
    expect(await run("kick")).toContain("not available");
    expect(await run("look")).toContain("not available");
    expect(await run("feel")).toBe("You feel around in the dark.");
    room.cmdset.remove(DarkCmdSet);
    anna.cmdset.add(DarkCmdSet);
    expect(await run("kick")).toContain("not available");
    anna.cmdset.remove(DarkCmdSet);
    expect(await run("kick")).toBe("You kick the ball2.");
    await ctx.unit(() => ball.delete());
  });

  it("drops exit cmdsets when the merged sets say noExits", async () => {
    const door = await ctx.unit(() => createObject(DefaultExit, { key: "trapdoor", location: room, destination: elsewhere }));
    door.cmdset.add(ExitLikeCmdSet);
    expect(await run("north")).toBe("You go north.");
    anna.cmdset.add(NoExitsCmdSet);
    // the exits' sets are gone; the lowest-priority direction fallback answers
    expect(await run("north")).toBe("You can't go that way.");
    expect(await run("trapdoor")).toContain("not available");
    anna.cmdset.remove(NoExitsCmdSet);
    await ctx.unit(() => door.delete());
  });

  it("gathers cmdsets a location source gives (how the exit cmdset plugs in), filtered by noExits", async () => {
    const exitSets = new WeakMap<object, CmdSet>();
    registerLocationCmdSets((location) => {
      if (location !== room) return [];
      let set = exitSets.get(location);
      if (!set) exitSets.set(location, (set = new ExitLikeCmdSet(location)));
      return [set, null];
    });
    expect(await run("north")).toBe("You go north.");
    const first = await handler.currentCmdSet(session);
    expect(await handler.currentCmdSet(session)).toBe(first);
    anna.cmdset.add(NoExitsCmdSet);
    expect(await run("north")).toBe("You can't go that way.");
    anna.cmdset.remove(NoExitsCmdSet);
    await ctx.unit(() => anna.moveTo(elsewhere));
    session.take();
    expect(await run("north")).toBe("You can't go that way.");
    await ctx.unit(() => anna.moveTo(room));
    session.take();
  });

  it("caches the merged set for an unchanged situation, and merges again after a move or a cmdset change", async () => {
    const ball = await ctx.unit(() => createObject(DefaultObject, { key: "ball3", location: room }));
    ball.cmdset.add(BallCmdSet);
    const first = await handler.currentCmdSet(session);
    expect(await handler.currentCmdSet(session)).toBe(first);
    await ctx.unit(() => ball.moveTo(elsewhere));
    const moved = await handler.currentCmdSet(session);
    expect(moved).not.toBe(first);
    expect(moved.has("kick")).toBe(false);
    await ctx.unit(() => ball.moveTo(room));
    expect((await handler.currentCmdSet(session)).has("kick")).toBe(true);
    anna.cmdset.add(DarkCmdSet);
    expect((await handler.currentCmdSet(session)).has("feel")).toBe(true);
    anna.cmdset.remove(DarkCmdSet);
    expect((await handler.currentCmdSet(session)).has("feel")).toBe(false);
    const stats = handler.cacheStats()!;
    expect(stats.hits).toBeGreaterThan(0);
    await ctx.unit(() => ball.delete());
  });

  it("gives the same results with the cache off", async () => {
    const uncached = testHandler(ctx.db, { mergeCacheSize: 0 });
    expect(uncached.cacheStats()).toBeNull();
    await uncached.execute(session, "say again");
    expect(session.take()).toContain('You say, "again"');
  });

  it("keeps persistent cmdsets across a reload and forgets the others", async () => {
    const [id, weak] = await (async () => {
      const stone = await ctx.unit(async () => {
        const s = await createObject(DefaultObject, { key: "stone" });
        s.cmdset.add(BallCmdSet, { persistent: true });
        s.cmdset.add(DarkCmdSet);
        s.cmdset.add("test.handler.DarkCmdSet", { persistent: true });
        return s;
      });
      expect(stone.cmdset.all().map((s) => s.key)).toEqual(["BallCmdSet", "DarkCmdSet", "DarkCmdSet"]);
      return [stone.id, new WeakRef(stone)] as const;
    })();
    await forget(ctx.store, weak);
    const weak2 = await (async () => {
      const again = (await getById(id))!;
      expect(again.cmdset.all().map((s) => s.key)).toEqual(["BallCmdSet", "DarkCmdSet"]);
      expect(again.cmdset.all().every((s) => s.persistent)).toBe(true);
      expect(again.cmdset.has(BallCmdSet)).toBe(true);
      expect(again.cmdset.has("test.handler.DarkCmdSet")).toBe(true);
      await ctx.unit(async () => void again.cmdset.remove("DarkCmdSet"));
      return new WeakRef(again);
    })();
    await forget(ctx.store, weak2);
    expect((await getById(id))!.cmdset.all().map((s) => s.key)).toEqual(["BallCmdSet"]);
  });

  it("gathers a stored cmdset of an object nothing has asked for its cmdsets yet, and leaves the handlers of plain things unmade", async () => {
    const [drum, pebble] = await ctx.unit(async () => {
      const d = await createObject(DefaultObject, { key: "drum", location: room });
      // what an object loaded after a reload looks like: its stack stored, no handler made yet
      d.attributes.add("cmdset_storage", ["", "test.handler.BallCmdSet"], { category: "system" });
      const p = await createObject(DefaultObject, { key: "pebble2", location: room });
      return [d, p];
    });
    const asked = { drum: 0, pebble: 0 };
    const getter = Object.getOwnPropertyDescriptor(TypedObject.prototype, "cmdset")!.get!;
    Object.defineProperty(drum, "cmdset", { configurable: true, get: () => (asked.drum++, getter.call(drum)) });
    Object.defineProperty(pebble, "cmdset", { configurable: true, get: () => (asked.pebble++, getter.call(pebble)) });
    try {
      expect(await run("kick")).toBe("You kick the drum.");
      expect(asked.drum).toBeGreaterThan(0);
      expect(asked.pebble).toBe(0);
    } finally {
      await ctx.unit(async () => {
        await drum.delete();
        await pebble.delete();
      });
    }
  });

  it("replaces and removes the default cmdset; a character's default is the settings' CharacterCmdSet", async () => {
    const [id, weak] = await (async () => {
      const bob = await ctx.unit(() => createObject(DefaultCharacter, { key: "Bob2" }));
      expect(bob.cmdset.has("evennia.commands.default.CharacterCmdSet", { mustBeDefault: true })).toBe(true);
      await ctx.unit(async () => void bob.cmdset.addDefault(BallCmdSet));
      expect(bob.cmdset.all().map((s) => s.key)).toEqual(["BallCmdSet"]);
      await ctx.unit(async () => bob.cmdset.removeDefault());
      expect(bob.cmdset.all()).toEqual([]);
      return [bob.id, new WeakRef(bob)] as const;
    })();
    await forget(ctx.store, weak);
    expect((await getById(id))!.cmdset.all()).toEqual([]);
  });

  it("refuses to make an unregistered cmdset persistent", async () => {
    class Loose extends CmdSet {}
    await expect(ctx.unit(async () => anna.cmdset.add(Loose, { persistent: true }))).rejects.toThrow(/not registered/);
    expect(anna.cmdset.has(Loose)).toBe(false);
  });

  it("undoes cmdset changes of a command that fails", async () => {
    anna.cmdset.add(BoomCmdSet);
    expect(await run("boom")).toMatch(/An error occurred; nothing was changed \(error id [0-9a-f]+\)/);
    expect(anna.cmdset.has(BallCmdSet)).toBe(false);
    expect(anna.db.boomed).toBeUndefined();
    anna.cmdset.remove(BoomCmdSet);
  });

  it("runs overriding system commands for no input, no match and several matches", async () => {
    expect(await run("")).toBe("");
    expect(await run("   ")).toBe("");
    const ball = await ctx.unit(() => createObject(DefaultObject, { key: "ball4", location: room }));
    const box = await ctx.unit(() => createObject(DefaultObject, { key: "box4", location: room }));
    ball.cmdset.add(BallCmdSet);
    box.cmdset.add(BallCmdSet);
    anna.cmdset.add(SystemCmdSet);
    expect(await run("")).toBe("Say something!");
    expect(await run("xyzzy plugh")).toBe("Huh? (xyzzy plugh)");
    expect(await run("kick")).toBe("Which one? 2 kicks.");
    anna.cmdset.remove(SystemCmdSet);
    await ctx.unit(async () => {
      await ball.delete();
      await box.delete();
    });
  });

  it("answers bad input with a clear message", async () => {
    expect(await run("say " + "x".repeat(9000))).toBe("You entered a string that was too long. Please break it up into multiple parts.");
    expect(await run("say a\u0007b")).toBe("Your input contained a control character (^G); it was not run.");
    expect(await run("say tab\there")).toContain("You say");
  });

  it("unlogged-in sessions get the unlogged-in cmdset", async () => {
    const guest = new RecordingSession();
    await handler.execute(guest, "look");
    expect(guest.take()).toBe("Welcome");
    await handler.execute(guest, "say hi");
    expect(guest.take()).toContain("Command 'say hi' is not available.");
  });
});
