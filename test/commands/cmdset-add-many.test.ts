/**
 * Adding many commands to a set in one call (`CmdSet.add([...])`) goes through an
 * index of their names: the same result as adding them one at a time (a command
 * replaces those it shares a name with), without comparing every pair. A room's
 * exits are built into one set this way: a hub with a thousand exits used to cost a
 * million name comparisons at each rebuild (found in a load test's profile, where
 * builders dug hundreds of exits from one room).
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { CmdSet } from "../../evennia-ts/commands/cmdset.ts";
import { Command } from "../../evennia-ts/commands/command.ts";
import { prng } from "../seeded-random.ts";

function command(key: string, aliases: string[] = []): Command {
  const cmd = new Command();
  cmd.key = key;
  cmd.aliases = aliases;
  return cmd;
}

/** The set's commands as `key(aliases)`, in order. */
function shape(set: CmdSet): string[] {
  return set.commands.map((c) => `${c.key}(${c.aliases.join(",")})`);
}

afterEach(() => vi.restoreAllMocks());

describe("CmdSet.add of many commands at once", () => {
  it("gives what adding them one by one gives, on 300 random sets (names shared by key and alias, case folded)", () => {
    const random = prng(16);
    const pool = ["look", "LOOK", "l", "get", "take", "out", "north", "n", "__noinput", "say", "'"];
    const pick = () => pool[Math.floor(random() * pool.length)]!;
    for (let round = 0; round < 300; round++) {
      const existing = Array.from({ length: Math.floor(random() * 6) }, () => command(pick(), random() < 0.5 ? [pick()] : []));
      const added = Array.from({ length: 2 + Math.floor(random() * 8) }, () => command(pick(), random() < 0.5 ? [pick(), pick()] : []));
      const oneByOne = new CmdSet();
      const atOnce = new CmdSet();
      for (const c of existing) {
        oneByOne.add(c);
        atOnce.add(c);
      }
      for (const c of added) oneByOne.add(c);
      atOnce.add(added);
      expect(shape(atOnce), `round ${round}`).toEqual(shape(oneByOne));
      expect(atOnce.systemCommands.map((c) => c.key)).toEqual(oneByOne.systemCommands.map((c) => c.key));
    }
  });

  it("compares no pair of commands for 2,000 distinct exits (linear), and keeps them all in order", () => {
    const sameAs = vi.spyOn(Command.prototype, "sameAs");
    const set = new CmdSet();
    set.add(Array.from({ length: 2000 }, (_, i) => command(`way${i}`, [`w${i}`])));
    expect(set.size).toBe(2000);
    expect(set.commands[1999]!.key).toBe("way1999");
    expect(sameAs).not.toHaveBeenCalled();
  });

  it("a later command sharing an alias replaces the earlier one; allowDuplicates keeps both", () => {
    const set = new CmdSet().add([command("north", ["n"]), command("nudge", ["n"])]);
    expect(shape(set)).toEqual(["nudge(n)"]);
    const both = new CmdSet().add([command("north", ["n"]), command("nudge", ["n"])], true);
    expect(shape(both)).toEqual(["north(n)", "nudge(n)"]);
  });
});
