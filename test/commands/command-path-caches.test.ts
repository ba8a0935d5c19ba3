/**
 * The command path's caches (the merged-cmdset cache and its last-stack fast path,
 * the parser's name index per merged set, the exit and channel cmdsets, parsed lock
 * strings, a handler's list of cmdsets) never answer with yesterday's world: each
 * change below is run between two commands and must show in the very next one; and
 * the merge cache does not grow with every room a player walks through.
 */
import { beforeAll, expect, it, vi } from "vitest";
import { setPersonalChannelAliases } from "../../evennia-ts/commands/channel-cmdset.ts";
import { CmdSet } from "../../evennia-ts/commands/cmdset.ts";
import { DEFAULT_MERGES_PER_BOTTOM } from "../../evennia-ts/commands/cmdset-merge.ts";
import { Command } from "../../evennia-ts/commands/command.ts";
import { exitCmdSetFor } from "../../evennia-ts/commands/exit-cmdset.ts";
import type { CommandHandler } from "../../evennia-ts/commands/handler.ts";
import { describeEachDatabase } from "../../evennia-ts/testing/database-fixture.ts";
import {
  createChannel,
  createObject,
  DefaultCharacter,
  DefaultExit,
  DefaultObject,
  DefaultRoom,
  type DefaultAccount,
  type DefaultChannel,
} from "../../evennia-ts/typeclasses/index.ts";
import { uniqueName } from "../typeclasses/store-helpers.ts";
import { puppetInHall, RecordingSession } from "./command-session.ts";

class CmdJuggle extends Command {
  override key = "juggle";
  override async func(): Promise<void> {
    this.msg(`You juggle${this.args}.`);
  }
}
class CmdWhistle extends Command {
  override key = "whistle";
  override async func(): Promise<void> {
    this.msg("You whistle.");
  }
}
class CircusCmdSet extends CmdSet {
  override key = "CircusCmdSet";
  override atCmdsetCreation(): void {
    this.add(CmdJuggle);
  }
}
class CmdPress extends Command {
  override key = "press";
  override async func(): Promise<void> {
    this.msg(`You press the ${(this.obj as DefaultObject).key}.`);
  }
}
class ButtonCmdSet extends CmdSet {
  override key = "ButtonCmdSet";
  override atCmdsetCreation(): void {
    this.add(CmdPress);
  }
}

/** A character whose class hears every access check made on it (Evennia's `at_access`). */
class ListeningCharacter extends DefaultCharacter {
  heard: string[] = [];
  override atAccess(result: boolean, _accessor: unknown, accessType: string): void {
    this.heard.push(`${accessType}:${result}`);
  }
}

const NOT_AVAILABLE = /is not available/;

describeEachDatabase("the command path's caches", (ctx) => {
  let handler: CommandHandler;
  let hall: DefaultRoom;
  let garden: DefaultRoom;
  let anna: DefaultCharacter;
  let account: DefaultAccount;
  let session: RecordingSession;

  const run = async (line: string) => {
    await handler.execute(session, line);
    return session.take();
  };

  beforeAll(async () => {
    ({ handler, hall, garden, anna, account, session } = await puppetInHall(ctx, "cachey"));
  });

  it("keeps what it built while nothing changes", async () => {
    await ctx.unit(() => createObject(DefaultExit, { key: "window", aliases: ["win"], location: hall, destination: garden }));
    await run("look");
    const misses = handler.cacheStats()!.misses;
    const exits = exitCmdSetFor(hall);
    const merged = await handler.currentCmdSet(session);
    await run("look");
    await run("say hi");
    expect(handler.cacheStats()!.misses).toBe(misses);
    expect(exits).not.toBeNull();
    expect(exitCmdSetFor(hall)).toBe(exits);
    expect(await handler.currentCmdSet(session)).toBe(merged);
  });

  it("sees a cmdset added or removed, and a command added to or removed from a set in use", async () => {
    expect(await run("juggle")).toMatch(NOT_AVAILABLE);
    await ctx.unit(() => anna.cmdset.add(CircusCmdSet));
    expect(await run("juggle balls")).toBe("You juggle balls.");
    const circus = anna.cmdset.all().find((s) => s.key === "CircusCmdSet")!;
    circus.add(CmdWhistle);
    expect(await run("whistle")).toBe("You whistle.");
    circus.remove("whistle");
    expect(await run("whistle")).toMatch(NOT_AVAILABLE);
    await ctx.unit(() => anna.cmdset.remove(CircusCmdSet));
    expect(await run("juggle")).toMatch(NOT_AVAILABLE);
    expect(handler.cacheStats()!.misses).toBeGreaterThan(1);
  });

  it("matches a command renamed in its set by the names it has now, and not by the name it lost", async () => {
    const circus = await ctx.unit(() => anna.cmdset.add(CircusCmdSet));
    expect(await run("toss")).toMatch(NOT_AVAILABLE);
    const juggle = circus.commands.find((c) => c.key === "juggle")!;
    juggle.aliases = ["toss"];
    circus.add(juggle);
    expect(await run("toss clubs")).toBe("You juggle clubs.");
    juggle.key = "twirl";
    circus.add(juggle);
    expect(await run("juggle")).toMatch(NOT_AVAILABLE);
    expect(await run("twirl")).toBe("You juggle.");
    await ctx.unit(() => anna.cmdset.remove(CircusCmdSet));
  });

  it("checks a command's lock as it is now", async () => {
    const circus = await ctx.unit(() => anna.cmdset.add(CircusCmdSet));
    const juggle = circus.commands.find((c) => c.key === "juggle")!;
    expect(await run("juggle")).toBe("You juggle.");
    juggle.locks = "cmd:perm(Admin)";
    expect(await run("juggle")).toMatch(NOT_AVAILABLE);
    juggle.locks = "cmd:all()";
    expect(await run("juggle")).toBe("You juggle.");
    await ctx.unit(() => anna.cmdset.remove(CircusCmdSet));
  });

  it("gathers an object's commands as its call lock and its place say now", async () => {
    const button = await ctx.unit(async () => {
      const made = await createObject(DefaultObject, { key: "button", location: hall });
      made.cmdset.add(ButtonCmdSet, { persistent: false });
      return made;
    });
    expect(await run("press")).toBe("You press the button.");
    await ctx.unit(() => button.locks.add("call:false()"));
    expect(await run("press")).toMatch(NOT_AVAILABLE);
    await ctx.unit(() => button.locks.add("call:true()"));
    expect(await run("press")).toBe("You press the button.");
    await ctx.unit(() => button.moveTo(garden, { quiet: true }));
    expect(await run("press")).toMatch(NOT_AVAILABLE);
    await ctx.unit(() => button.cmdset.remove(ButtonCmdSet));
  });

  it("skips a character that refuses every caller without a lock check, and follows its lock when it changes", async () => {
    const bob = await ctx.unit(async () => {
      const made = await createObject(DefaultCharacter, { key: "Bob", location: hall });
      made.cmdset.add(ButtonCmdSet, { persistent: false });
      return made;
    });
    const check = vi.spyOn(bob.locks, "check");
    expect(await run("press")).toMatch(NOT_AVAILABLE);
    expect(await run("look")).toContain("Bob");
    const callChecks = () => check.mock.calls.filter((args) => args[1] === "call").length;
    expect(callChecks()).toBe(0); // call:false() answers every caller alike (look checks other locks)
    await ctx.unit(() => bob.locks.add("call:true()"));
    expect(await run("press")).toBe("You press the Bob.");
    // a unit that fails puts the lock back, and gathering follows
    await expect(
      ctx.unit(() => {
        bob.locks.add("call:false()");
        throw new Error("the unit fails");
      }),
    ).rejects.toThrow("the unit fails");
    expect(bob.locks.get("call")).toBe("call:true()");
    expect(await run("press")).toBe("You press the Bob.");
    await ctx.unit(() => bob.locks.add("call:perm(Admin)")); // depends on who calls: checked
    expect(await run("press")).toMatch(NOT_AVAILABLE);
    expect(callChecks()).toBeGreaterThan(0);
    check.mockRestore();
    await ctx.unit(() => bob.delete());
  });

  it("still asks a character whose class hears access checks", async () => {
    const carl = await ctx.unit(async () => {
      const made = await createObject(ListeningCharacter, { key: "Carl", location: hall });
      made.cmdset.add(ButtonCmdSet, { persistent: false });
      return made;
    });
    carl.heard.length = 0;
    expect(await run("press")).toMatch(NOT_AVAILABLE);
    expect(carl.heard).toContain("call:false");
    await ctx.unit(() => carl.delete());
  });

  it("applies a nick from the next line on, and stops when it is removed", async () => {
    expect(await run("jj")).toMatch(NOT_AVAILABLE);
    await ctx.unit(() => anna.nicks.add("jj", "say juggling!"));
    expect(await run("jj")).toContain('You say, "juggling!"');
    await ctx.unit(() => account.nicks.add("jj", "say from the account"));
    expect(await run("jj")).toContain('You say, "from the account"');
    await ctx.unit(() => {
      anna.nicks.remove("jj");
      account.nicks.remove("jj");
    });
    expect(await run("jj")).toMatch(NOT_AVAILABLE);
  });

  it("walks through the exits of the room it is in now, as they are now", async () => {
    const cellar = await ctx.unit(async () => {
      const room = await createObject(DefaultRoom, { key: "Cellar" });
      await createObject(DefaultExit, { key: "ladder", aliases: ["l-up"], location: room, destination: hall });
      return room;
    });
    expect(await run("ladder")).toMatch(NOT_AVAILABLE);
    await ctx.unit(() => anna.moveTo(cellar, { quiet: true }));
    await run("ladder");
    expect(anna.location).toBe(hall);
    const door = await ctx.unit(() => createObject(DefaultExit, { key: "trapdoor", location: hall, destination: cellar }));
    await run("trapdoor");
    expect(anna.location).toBe(cellar);
    await ctx.unit(() => anna.moveTo(hall, { quiet: true }));
    await ctx.unit(() => door.aliases.add("hatch"));
    await run("hatch");
    expect(anna.location).toBe(cellar);
    await ctx.unit(() => anna.moveTo(hall, { quiet: true }));
    await ctx.unit(() => {
      door.key = "hole";
    });
    expect(await run("trapdoor")).toMatch(NOT_AVAILABLE);
    await ctx.unit(() => {
      door.destination = garden;
    });
    await run("hole");
    expect(anna.location).toBe(garden);
    await ctx.unit(() => anna.moveTo(hall, { quiet: true }));
    await ctx.unit(() => door.delete());
    expect(await run("hole")).toMatch(NOT_AVAILABLE);
  });

  it("talks on a channel from the command after joining it, and not after leaving it", async () => {
    let channel!: DefaultChannel;
    await ctx.unit(async () => {
      channel = await createChannel(undefined, { key: uniqueName("Gossip"), aliases: ["goss"] });
    });
    expect(await run("goss hello")).toMatch(NOT_AVAILABLE);
    await ctx.unit(() => channel.connect(account));
    expect(await run("goss hello")).not.toMatch(NOT_AVAILABLE);
    expect(await run("goss")).toContain("hello");
    await ctx.unit(() => channel.aliases.add("chatter"));
    expect(await run("chatter again")).not.toMatch(NOT_AVAILABLE);
    expect(await run("goss")).toContain("again");
    await ctx.unit(() => setPersonalChannelAliases(account, { natter: channel.id }));
    expect(await run("natter once more")).not.toMatch(NOT_AVAILABLE);
    expect(await run("goss")).toContain("once more");
    await ctx.unit(() => setPersonalChannelAliases(account, {}));
    expect(await run("natter")).toMatch(NOT_AVAILABLE);
    await ctx.unit(() => channel.disconnect(account));
    expect(await run("goss hello")).toMatch(NOT_AVAILABLE);
  });

  it("keeps a few merged sets per session, not one per room walked through or exit dug", async () => {
    // a builder digging from where it stands: the room's exit set is rebuilt after every exit
    const rooms: DefaultRoom[] = [];
    for (let i = 0; i < 12; i++) {
      const room = await ctx.unit(() => createObject(DefaultRoom, { key: `Cell ${i}` }));
      rooms.push(room);
      await ctx.unit(() => createObject(DefaultExit, { key: `cell${i}`, location: hall, destination: room }));
      await ctx.unit(() => createObject(DefaultExit, { key: "back", location: room, destination: hall }));
      expect(await run("look")).toContain(`cell${i}`);
    }
    // a walker: every room has its own exit set
    for (let i = 0; i < 12; i++) {
      await run(`cell${i}`);
      expect(anna.location).toBe(rooms[i]);
      await run("back");
    }
    expect(handler.cacheStats()!.size).toBeLessThanOrEqual(DEFAULT_MERGES_PER_BOTTOM);
    expect(handler.cacheStats()!.misses).toBeGreaterThan(24);
  });
});
