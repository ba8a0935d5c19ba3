/**
 * Names in cmdsets: a set being created adds its commands without comparing each new
 * one with all before it (`CmdSet.add` while `atCmdsetCreation` runs), and merging
 * finds the commands a higher set hides by their names. Each must give exactly what
 * comparing every command with every other (`sameAs`) gives.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { CmdSet, type MergeType } from "../../evennia-ts/commands/cmdset.ts";
import { mergeCmdSets } from "../../evennia-ts/commands/cmdset-merge.ts";
import { Command } from "../../evennia-ts/commands/command.ts";
import { parseCommand } from "../../evennia-ts/commands/command-parser.ts";
import { prng } from "../seeded-random.ts";

const MERGE_TYPES: MergeType[] = ["Union", "Intersect", "Replace", "Remove"];
const NAMES = ["look", "l", "get", "take", "drop", "say", "'", "north", "n", "__noinput_command", "__nomatch_command", "kick", "smile"];

function command(rand: () => number, tag: string): Command {
  const cmd = new Command();
  cmd.key = NAMES[Math.floor(rand() * NAMES.length)]!;
  cmd.aliases = rand() < 0.4 ? [NAMES[Math.floor(rand() * NAMES.length)]!] : [];
  (cmd as Command & { tag: string }).tag = tag;
  return cmd;
}

function randomSet(rand: () => number, tag: string): CmdSet {
  const set = new CmdSet(null, tag);
  set.priority = Math.floor(rand() * 3);
  set.mergeType = MERGE_TYPES[Math.floor(rand() * MERGE_TYPES.length)]!;
  set.duplicates = rand() < 0.3 ? true : null;
  const count = Math.floor(rand() * 8);
  for (let i = 0; i < count; i++) set.add(command(rand, `${tag}${i}`), rand() < 0.2);
  // a command put in the array past `add`: a `__` one there is not among the set's system commands
  if (rand() < 0.15) set.commands.push(command(rand, `${tag}-pushed`));
  return set;
}

/** The merge as it was written before the names were kept: every name asked of every command. */
function referenceMerge(lower: CmdSet, higher: CmdSet): Command[] {
  const [high, low, highDup] = lower.priority <= higher.priority ? [higher, lower, higher.duplicates] : [lower, higher, lower.duplicates];
  const mergeType = high.keyMergetypes[low.key] ?? high.mergeType;
  const dupes = Boolean(highDup) && high.priority === low.priority;
  let commands: Command[];
  switch (mergeType) {
    case "Intersect":
      commands = dupes
        ? high.commands.filter((c) => low.commands.some((l) => l.sameAs(c))).flatMap((c) => [c, ...low.commands.filter((l) => l.sameAs(c))])
        : high.commands.filter((c) => low.commands.some((l) => l.sameAs(c)));
      break;
    case "Replace":
      commands = [...high.commands];
      break;
    case "Remove":
      commands = low.commands.filter((c) => !high.commands.some((h) => h.sameAs(c)));
      break;
    default:
      commands = dupes ? [...high.commands, ...low.commands] : [...high.commands, ...low.commands.filter((c) => !high.commands.some((h) => h.sameAs(c)))];
  }
  const system = [...high.systemCommands, ...low.systemCommands.filter((c) => !high.systemCommands.some((h) => h.sameAs(c)))];
  return [...commands.filter((c) => !c.key.startsWith("__")), ...system];
}

const tags = (commands: readonly Command[]) => commands.map((c) => (c as Command & { tag?: string }).tag ?? c.key);

afterEach(() => {
  vi.restoreAllMocks();
});

describe("merging two sets", () => {
  it("merge as the merge rules say, for any two sets (and their merge with a third)", () => {
    const rand = prng(20261203);
    for (let round = 0; round < 2000; round++) {
      const a = randomSet(rand, "a");
      const b = randomSet(rand, "b");
      // a set matched against before has its parser index
      if (rand() < 0.5) parseCommand("look", a);
      const merged = mergeCmdSets(a, b, { lowerDuplicates: a.duplicates, duplicates: b.duplicates });
      expect(tags(merged.commands), `round ${round}: ${a} + ${b}`).toEqual(tags(referenceMerge(a, b)));
      // and merged again onto a third set
      const c = randomSet(rand, "c");
      const again = mergeCmdSets(merged, c, { lowerDuplicates: null, duplicates: c.duplicates });
      expect(tags(again.commands), `round ${round}: (${a} + ${b}) + ${c}`).toEqual(tags(referenceMerge(merged, c)));
    }
  });

  it("follow a command renamed the documented way (added to its set again)", () => {
    const exits = new CmdSet(null, "Exits");
    exits.priority = 1;
    const gate = new Command();
    gate.key = "gate";
    exits.add(gate);
    const own = new CmdSet(null, "Own");
    const look = new Command();
    look.key = "look";
    const tower = new Command();
    tower.key = "tower";
    own.add([look, tower]);
    expect(tags(mergeCmdSets(own, exits).commands)).toEqual(["gate", "look", "tower"]);
    gate.key = "tower";
    exits.add(gate);
    // the exit hides the lower set's `tower` now
    expect(mergeCmdSets(own, exits).commands).toEqual([gate, look]);
  });
});

/** A set whose creation hook adds commands one at a time, as the default sets do. */
class CreatedOneByOne extends CmdSet {
  static plan: (set: CmdSet) => void = () => {};
  override atCmdsetCreation(): void {
    CreatedOneByOne.plan(this);
  }
}

function named(key: string, aliases: string[] = []): Command {
  const cmd = new Command();
  cmd.key = key;
  cmd.aliases = aliases;
  return cmd;
}

describe("a set adding its commands while it is created", () => {
  it("compares each new command with the others only when a name is already taken", () => {
    const commands = Array.from({ length: 80 }, (_, i) => named(`zzcreate${i}`, [`zzc${i}`]));
    CreatedOneByOne.plan = (set) => {
      for (const cmd of commands) set.add(cmd);
    };
    const sameAs = vi.spyOn(Command.prototype, "sameAs");
    const set = new CreatedOneByOne(null, "Created");
    // one at a time through `sameAs` it was 80 · 79 / 2 = 3,160 comparisons
    expect(sameAs.mock.calls.length).toBeLessThan(80);
    expect(set.commands).toEqual(commands);
  });

  it("replaces as adding one at a time does, whatever the hook does to the set in between", () => {
    const rand = prng(31);
    for (let round = 0; round < 300; round++) {
      const steps: ((set: CmdSet) => void)[] = [];
      const count = 1 + Math.floor(rand() * 20);
      for (let i = 0; i < count; i++) {
        const roll = rand();
        const cmd = named(NAMES[Math.floor(rand() * 6)]!, rand() < 0.3 ? [NAMES[Math.floor(rand() * 6)]!] : []);
        (cmd as Command & { tag: string }).tag = `${round}.${i}`;
        if (roll < 0.6) steps.push((set) => set.add(cmd));
        else if (roll < 0.7) steps.push((set) => set.add(cmd, true));
        else if (roll < 0.8) steps.push((set) => set.commands.push(cmd)); // edited in place, past `add`
        else if (roll < 0.85) steps.push((set) => set.commands.length > 0 && (set.commands[0] = cmd));
        else if (roll < 0.9) steps.push((set) => (set.commands = set.commands.slice(1)));
        else if (roll < 0.95) {
          // a command of the set added again (it moves to the end)
          const pick = Math.floor(rand() * 8);
          steps.push((set) => set.commands.length > 0 && set.add(set.commands[pick % set.commands.length]!));
        } else steps.push((set) => set.remove(cmd.key));
      }
      // the same steps on a set made with an empty hook: each `add` there compares with every command
      const reference = new CmdSet(null, "Reference");
      for (const step of steps) step(reference);
      CreatedOneByOne.plan = (set) => {
        for (const step of steps) step(set);
      };
      const created = new CreatedOneByOne(null, "Created");
      expect(tags(created.commands), `round ${round}`).toEqual(tags(reference.commands));
      // and after the hook the set adds as any set does
      const late = named(NAMES[Math.floor(rand() * 6)]!);
      created.add(late);
      reference.add(late);
      expect(tags(created.commands), `round ${round}, after`).toEqual(tags(reference.commands));
    }
  });

  it("knows a command by the names it was added with, and by its new ones once added again", () => {
    const look = named("zzlook");
    const peek = named("zzpeek");
    const glance = named("zzglance");
    CreatedOneByOne.plan = (set) => {
      set.add(look);
      look.key = "zzpeek"; // renamed in place: not read again
      set.add(peek);
      glance.key = "zzglance";
      set.add(glance);
      glance.key = "zzpeek"; // renamed and added again: it replaces the other zzpeek
      set.add(glance);
    };
    const set = new CreatedOneByOne(null, "Renames");
    expect(set.commands).toEqual([look, glance]);
    expect(set.commands[1]).toBe(glance);
    // a command added again under a name nobody has is still there once
    const lone = named("zzlone");
    CreatedOneByOne.plan = (s) => {
      s.add(lone);
      s.add(named("zzother"));
      lone.key = "zzlone-renamed";
      s.add(lone);
    };
    expect(new CreatedOneByOne(null, "Again").commands.map((c) => c.key)).toEqual(["zzother", "zzlone-renamed"]);
  });

  it("keeps no names once created, and a hook that throws leaves none behind", () => {
    CreatedOneByOne.plan = (set) => {
      set.add(named("zzthrow"));
      throw new Error("a broken hook");
    };
    expect(() => new CreatedOneByOne(null, "Broken")).toThrow("a broken hook");
    CreatedOneByOne.plan = (set) => set.add(named("zzfine"));
    const set = new CreatedOneByOne(null, "Fine");
    const sameAs = vi.spyOn(Command.prototype, "sameAs");
    set.add(named("zzfine"));
    // after creation every add compares again (and so replaces)
    expect(sameAs).toHaveBeenCalled();
    expect(set.commands.map((c) => c.key)).toEqual(["zzfine"]);
  });
});
