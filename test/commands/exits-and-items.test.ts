/**
 * Exits and item commands through the real command handler (issue 11 points 2 and
 * 4), on both databases: exit names and aliases are commands in their room, the
 * traverse lock and its hooks, "You can't go that way.", the exit cmdset following
 * changes, an exit to a deleted room removed; `look <thing>`, `get`, `drop` and
 * `inventory` with Evennia's wording, and none of them reading the database.
 */
import { expect, it, vi } from "vitest";
import "../../evennia-ts/commands/default/cmdsets.ts";
import type { CommandServices, CommandSession } from "../../evennia-ts/commands/command.ts";
import { CmdExit, CmdExitChoice, exitCmdSetFor } from "../../evennia-ts/commands/exit-cmdset.ts";
import { CommandHandler, DEFAULT_CMDSET_PATHS } from "../../evennia-ts/commands/handler.ts";
import type { OutputSpec } from "../../evennia-ts/protocol/message.ts";
import { describeEachDatabase } from "../../evennia-ts/testing/database-fixture.ts";
import {
  DefaultAccount,
  DefaultCharacter,
  DefaultExit,
  DefaultObject,
  DefaultRoom,
  createAccount,
  createObject,
  registerTypeclass,
} from "../../evennia-ts/typeclasses/index.ts";
import { uniqueName } from "../typeclasses/store-helpers.ts";
import { CmdSetHandler } from "../../evennia-ts/commands/cmdset-handler.ts";
import type { CmdSet } from "../../evennia-ts/commands/cmdset.ts";

/** A player's session: it keeps what it is sent, without markup. */
class TestSession implements CommandSession {
  readonly address = "127.0.0.1";
  readonly protocolKey = "telnet";
  readonly clientOptions: Record<string, unknown> = {};
  readonly connectedAt = Date.now();
  readonly commandCount = 0;
  readonly lastCommandAt = Date.now();
  readonly got: string[] = [];
  readonly cmdset: CmdSetHandler = new CmdSetHandler(this, null);
  constructor(
    readonly sessid: number,
    public account: DefaultAccount | null,
    public puppet: DefaultObject | null,
  ) {}
  msg(spec: string | OutputSpec): void {
    const text = typeof spec === "string" ? spec : spec.text;
    const plain = typeof text === "string" ? text : String((text as unknown[])[0]);
    this.got.push(plain.replace(/\|[a-zA-Z]/g, ""));
  }
  updateClientOptions(options: Record<string, unknown>): void {
    Object.assign(this.clientOptions, options);
  }
  /** What arrived since the last call. */
  take(): string[] {
    return this.got.splice(0);
  }
}

const traversed: string[] = [];
class NotingExit extends DefaultExit {
  override async atPostTraverse(traveller: DefaultObject, source: DefaultObject | null): Promise<void> {
    traversed.push(`post:${traveller.key}:${source?.key}`);
  }
  override async atFailedTraverse(traveller: DefaultObject): Promise<void> {
    traversed.push(`failed:${traveller.key}`);
    await super.atFailedTraverse(traveller);
  }
}
registerTypeclass("test.exits.NotingExit", NotingExit);

class BrokenRoom extends DefaultRoom {
  override async atObjectReceive(): Promise<void> {
    throw new Error("the floor gave way");
  }
}
registerTypeclass("test.exits.BrokenRoom", BrokenRoom);

describeEachDatabase("exits and item commands", (ctx) => {
  let sessid = 0;
  const world = () =>
    ctx.unit(async () => {
      const hall = await createObject(DefaultRoom, { key: "Hall", attributes: { desc: "A long hall." } });
      const garden = await createObject(DefaultRoom, { key: "Garden" });
      const vault = await createObject(DefaultRoom, { key: "Vault" });
      const north = await createObject(NotingExit, { key: "north", aliases: ["n"], location: hall, destination: garden });
      const south = await createObject(NotingExit, { key: "south", aliases: ["s"], location: garden, destination: hall });
      const down = await createObject(NotingExit, { key: "down", aliases: ["d"], location: hall, destination: vault, locks: "traverse:perm(Builder)" });
      const account = await createAccount(undefined, { username: uniqueName("anna"), password: "secret-pass-1" });
      const anna = await createObject(DefaultCharacter, { key: "Anna", location: hall, account });
      const bob = await createObject(DefaultCharacter, { key: "Bob", location: hall });
      const session = new TestSession(++sessid, account, anna);
      anna.sessions.add(session);
      const bobHears: string[] = [];
      bob.sessions.add({
        sessid: 9999,
        msg: (spec) => {
          const text = typeof spec === "string" ? spec : spec.text;
          bobHears.push(String(typeof text === "string" ? text : (text as unknown[])[0]));
        },
      });
      return { hall, garden, vault, north, south, down, anna, bob, session, bobHears };
    });
  const handler = () => new CommandHandler(ctx.db, { sessions: () => [] } as unknown as CommandServices, DEFAULT_CMDSET_PATHS);

  it("walks through exits by key and alias, with the traverse hooks", async () => {
    const w = await world();
    const commands = handler();
    traversed.length = 0;
    await commands.execute(w.session, "north");
    expect(w.anna.location).toBe(w.garden);
    expect(w.session.take().join("\n")).toContain("Garden");
    expect(w.bobHears).toEqual(["Anna leaves north."]);
    await commands.execute(w.session, "s");
    expect(w.anna.location).toBe(w.hall);
    expect(traversed).toEqual(["post:Anna:Hall", "post:Anna:Garden"]);
    expect(w.bobHears.at(-1)).toBe("Anna arrives from the north.");
  });

  it("guards exits with the traverse lock and says err_traverse or calls atFailedTraverse", async () => {
    const w = await world();
    const commands = handler();
    traversed.length = 0;
    w.session.take();
    await commands.execute(w.session, "down");
    expect(w.anna.location).toBe(w.hall);
    expect(traversed).toEqual(["failed:Anna"]);
    expect(w.session.take()).toEqual(["You cannot go there."]);
    await ctx.unit(() => {
      w.down.db.err_traverse = "The trapdoor is bolted.";
    });
    await commands.execute(w.session, "d");
    expect(w.session.take()).toEqual(["The trapdoor is bolted."]);
    await ctx.unit(() => w.anna.account!.permissions.add("Builder"));
    await commands.execute(w.session, "down");
    expect(w.anna.location).toBe(w.vault);
  });

  it("says 'You can't go that way.' for directions without an exit, and rebuilds the exit commands when exits change", async () => {
    const w = await world();
    const commands = handler();
    w.session.take();
    await commands.execute(w.session, "west");
    await commands.execute(w.session, "sw");
    expect(w.session.take()).toEqual(["You can't go that way.", "You can't go that way."]);
    expect(w.anna.location).toBe(w.hall);
    const before = exitCmdSetFor(w.hall);
    await ctx.unit(async () => {
      await createObject(DefaultExit, { key: "west", aliases: ["w"], location: w.hall, destination: w.garden });
    });
    expect(exitCmdSetFor(w.hall)).not.toBe(before);
    // every exit's command is an instance of the one CmdExit class (as Evennia makes them), not a class of its own
    const exitCommands = exitCmdSetFor(w.hall)!.commands;
    expect(exitCommands.length).toBeGreaterThanOrEqual(2);
    for (const cmd of exitCommands) expect([CmdExit, CmdExitChoice]).toContain(cmd.constructor);
    expect(exitCommands.map((c) => c.key)).toContain("west");
    await commands.execute(w.session, "w");
    expect(w.anna.location).toBe(w.garden);
    await commands.execute(w.session, "south");
    // renaming an exit renames its command
    await ctx.unit(() => {
      w.north.key = "up";
      w.north.aliases.remove("n");
    });
    w.session.take();
    await commands.execute(w.session, "north");
    expect(w.session.take()).toEqual(["You can't go that way."]);
    await commands.execute(w.session, "up");
    expect(w.anna.location).toBe(w.garden);
    // an exit named like a command wins in its room; elsewhere the command is the command
    await commands.execute(w.session, "zzz");
    expect(w.session.take().at(-1)).toMatch(/Command 'zzz' is not available/);
  });

  it("keeps a room's exit commands while only who stands there changes, and rebuilds them on each rename, alias, new destination and undo", async () => {
    const w = await world();
    const first = exitCmdSetFor(w.hall);
    const names = () => exitCmdSetFor(w.hall)!.commands.map((c) => [c.key, ...c.aliases].join("/")).sort();
    // someone walking in and out changes the contents, not the exits: the same set
    await ctx.unit(() => w.bob.moveTo(w.garden, { quiet: true }));
    await ctx.unit(() => w.bob.moveTo(w.hall, { quiet: true }));
    expect(exitCmdSetFor(w.hall)).toBe(first);
    // each change of a name or a destination alone, nothing entering or leaving, rebuilds it
    await ctx.unit(() => {
      w.north.key = "northward";
    });
    expect(names()).toContain("northward/n");
    await ctx.unit(() => w.north.aliases.add("nw"));
    expect(names()).toContain("northward/n/nw");
    await ctx.unit(() => {
      w.down.destination = w.garden;
    });
    const commands = handler();
    await ctx.unit(() => w.anna.account!.permissions.add("Builder"));
    await commands.execute(w.session, "down");
    expect(w.anna.location).toBe(w.garden);
    await ctx.unit(() => w.anna.moveTo(w.hall, { quiet: true }));
    // a failed unit of work puts the names back, and the commands follow
    const failing = (change: () => void) =>
      ctx.unit(() => {
        change();
        exitCmdSetFor(w.hall); // built from the changed names inside the unit
        throw new Error("refused");
      });
    await expect(failing(() => (w.north.key = "elsewhere"))).rejects.toThrow("refused");
    await expect(failing(() => w.north.aliases.remove("nw"))).rejects.toThrow("refused");
    expect(names()).toContain("northward/n/nw");
    expect(names().join(" ")).not.toContain("elsewhere");
    await expect(failing(() => (w.down.destination = w.vault))).rejects.toThrow("refused");
    w.session.take();
    await commands.execute(w.session, "down");
    expect(w.anna.location).toBe(w.garden);
  });

  it("rebuilds a room's exit set with the same commands for the exits whose names did not change", async () => {
    const w = await world();
    const before = exitCmdSetFor(w.hall)!;
    const commandOf = (set: CmdSet, key: string) => set.commands.find((c) => c.key === key);
    const north = commandOf(before, "north")!;
    const down = commandOf(before, "down")!;
    // an exit dug here rebuilds the set: the other exits' commands are kept, not copied
    const west = await ctx.unit(() => createObject(NotingExit, { key: "west", location: w.hall, destination: w.vault }));
    const after = exitCmdSetFor(w.hall)!;
    expect(after).not.toBe(before);
    expect(commandOf(after, "north")).toBe(north);
    expect(commandOf(after, "down")).toBe(down);
    expect(commandOf(after, "west")).toBeDefined();
    // a renamed exit gets a new command; the old set keeps the old one
    await ctx.unit(() => {
      w.north.key = "northward";
    });
    const renamed = exitCmdSetFor(w.hall)!;
    expect(commandOf(renamed, "northward")).not.toBe(north);
    expect(commandOf(renamed, "northward")!.aliases).toEqual(["n"]);
    expect(north.key).toBe("north");
    expect(commandOf(renamed, "down")).toBe(down);
    // a key holding a line break is not the same names as that key split in two
    await ctx.unit(() => {
      w.north.key = "in\nout";
      w.north.aliases.clear();
    });
    const joined = commandOf(exitCmdSetFor(w.hall)!, "in\nout")!;
    await ctx.unit(() => {
      w.north.key = "in";
      w.north.aliases.add("out");
    });
    const split = commandOf(exitCmdSetFor(w.hall)!, "in")!;
    expect(split).toBeDefined();
    expect(split).not.toBe(joined);
    expect(split.aliases).toEqual(["out"]);
    // two exits sharing a name: each answers to its numbered name, with a command of its own
    await ctx.unit(() => {
      west.key = "down";
    });
    const shared = exitCmdSetFor(w.hall)!.commands.map((c) => [c.key, ...c.aliases].join("/")).sort();
    expect(shared).toEqual(expect.arrayContaining(["d/down-1", "down", "down-2"]));
    const commands = handler();
    w.session.take();
    await commands.execute(w.session, "down-2");
    expect(w.anna.location).toBe(w.vault);
  });

  it("removes an exit whose room is gone, and deleting a room removes the exits leading to it", async () => {
    const w = await world();
    const commands = handler();
    await ctx.unit(() => w.garden.delete());
    expect(w.north.isDeleted).toBe(true);
    expect(w.south.isDeleted).toBe(true);
    expect(w.hall.exits).toEqual([w.down]);
    await commands.execute(w.session, "north");
    expect(w.session.take().at(-1)).toBe("You can't go that way.");
    // an exit left dangling (its room removed behind its back) removes itself when used
    const dangling = await ctx.unit(() => createObject(DefaultExit, { key: "east", location: w.hall, destination: w.vault }));
    await ctx.db.write([{ sql: "DELETE FROM objects WHERE id = ?", params: [w.vault.id] }]);
    await ctx.unit(() => ctx.store.deleteObject(w.vault));
    await commands.execute(w.session, "east");
    expect(w.session.take().at(-1)).toBe("The east exit led nowhere and has been removed.");
    expect(dangling.isDeleted).toBe(true);
  });

  it("asks which one when two exits share a name, and walks through either by its number", async () => {
    const w = await world();
    const commands = handler();
    const other = await ctx.unit(() => createObject(DefaultExit, { key: "north", aliases: ["n"], location: w.hall, destination: w.vault }));
    w.session.take();
    await commands.execute(w.session, "north");
    expect(w.anna.location).toBe(w.hall);
    const said = w.session.take().join("\n");
    expect(said).toBe("More than one match for 'north' (please narrow target): north-1 (to Garden), north-2 (to Vault)");
    await commands.execute(w.session, "n-2");
    expect(w.anna.location).toBe(w.vault);
    await ctx.unit(() => w.anna.moveTo(w.hall, { quiet: true }));
    // a shared alias asks too; once one exit is gone the name walks again
    w.session.take();
    await commands.execute(w.session, "n");
    expect(w.session.take()).toEqual(["More than one match for 'n' (please narrow target): n-1 (to Garden), n-2 (to Vault)"]);
    await ctx.unit(() => other.delete());
    await commands.execute(w.session, "n");
    expect(w.anna.location).toBe(w.garden);
  });

  it("contains a move hook that throws: the command fails with an error id, the move is undone, the next command works", async () => {
    const w = await world();
    const commands = handler();
    await ctx.unit(async () => {
      const pit = await createObject(BrokenRoom, { key: "Pit" });
      await createObject(DefaultExit, { key: "pit", location: w.hall, destination: pit });
    });
    w.session.take();
    await commands.execute(w.session, "pit");
    expect(w.session.take().at(-1)).toMatch(/^An error occurred; nothing was changed \(error id [0-9a-f]{8}\)/);
    expect(w.anna.location).toBe(w.hall);
    expect(w.hall.characters).toContain(w.anna);
    await commands.execute(w.session, "north");
    expect(w.anna.location).toBe(w.garden);
  });

  it("looks at things, gets, drops and lists the inventory as Evennia words it, without a SELECT", async () => {
    const w = await world();
    const commands = handler();
    await ctx.unit(async () => {
      await createObject(DefaultObject, { key: "sword", location: w.hall, attributes: { desc: "Sharp." } });
      await createObject(DefaultObject, { key: "sword", location: w.hall });
      await createObject(DefaultObject, { key: "apple", location: w.hall });
      await createObject(DefaultObject, { key: "statue", location: w.hall, locks: "get:false()" });
    });
    w.session.take();
    const spy = vi.spyOn(ctx.db, "query");
    try {
      await commands.execute(w.session, "look");
      expect(w.session.take()[0]).toBe(
        "Hall\nA long hall.\nExits: north and down\nCharacters: Bob\nYou see: an apple, a statue, and two swords",
      );
      await commands.execute(w.session, "look apple");
      expect(w.session.take()).toEqual(["apple\nYou see nothing special."]);
      await commands.execute(w.session, "get sword");
      expect(w.session.take()[0]).toMatch(/^More than one match for 'sword' \(please narrow target\): 1-sword \(here\), 2-sword \(here\)$/);
      await commands.execute(w.session, "get 1-sword");
      expect(w.session.take()).toEqual(["You pick up a sword."]);
      expect(w.bobHears.at(-1)).toBe("Anna picks up a sword.");
      await commands.execute(w.session, "get north");
      await commands.execute(w.session, "get bob");
      expect(w.session.take()).toEqual(["You can't get that.", "You can't get that."]);
      expect(w.hall.exits).toContain(w.north);
      expect(w.bob.location).toBe(w.hall);
      await commands.execute(w.session, "get statue");
      await commands.execute(w.session, "get unicorn");
      expect(w.session.take()).toEqual(["You can't get that.", "Could not find 'unicorn'."]);
      await commands.execute(w.session, "get apple");
      await commands.execute(w.session, "inventory");
      expect(w.session.take().at(-1)).toBe("You are carrying:\n sword   Sharp.\n apple");
      await commands.execute(w.session, "drop sword");
      expect(w.session.take()).toEqual(["You drop a sword."]);
      expect(w.bobHears.at(-1)).toBe("Anna drops a sword.");
      await commands.execute(w.session, "drop lamp");
      expect(w.session.take()).toEqual(["You aren't carrying lamp."]);
      await commands.execute(w.session, "look me");
      expect(w.session.take()[0]).toContain("You see: an apple");
    } finally {
      const selects = spy.mock.calls.map((c) => String(c[0])).filter((sql) => /^\s*select/i.test(sql));
      spy.mockRestore();
      expect(selects).toEqual([]);
    }
  });
});
