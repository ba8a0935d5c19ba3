/**
 * The merge cache starts a miss part way: the groups of a stack below the first one
 * that changed are not merged again (a builder's `dig` changes only the room's exit
 * set). The result must be what a fresh merge gives, for any stack and any change.
 */
import { describe, expect, it } from "vitest";
import { CmdSet, type MergeType } from "../../evennia-ts/commands/cmdset.ts";
import { MergeCache, mergeStack, type StackEntry } from "../../evennia-ts/commands/cmdset-merge.ts";
import { Command } from "../../evennia-ts/commands/command.ts";

/** A set counting how often merging copied it (`duplicate` is how a merge starts from its higher set). */
class CountingSet extends CmdSet {
  copies = 0;
  override duplicate(): CmdSet {
    this.copies++;
    return super.duplicate();
  }
}

function cmd(key: string, from: string): Command {
  const c = new Command();
  c.key = key;
  (c as Command & { from: string }).from = from;
  return c;
}

function setOf(key: string, priority: number, keys: string[], mergeType: MergeType = "Union"): CountingSet {
  const s = new CountingSet(null, key);
  s.priority = priority;
  s.mergeType = mergeType;
  for (const k of keys) s.add(cmd(k, key));
  return s;
}

/** What a merged set is, for comparing two merges: its commands (by identity) in order, and its flags. */
function shape(set: CmdSet): unknown {
  return {
    commands: set.commands.map((c) => `${(c as Command & { from?: string }).from ?? "?"}:${c.key}`),
    system: set.systemCommands.map((c) => c.key),
    noExits: set.noExits,
    noObjs: set.noObjs,
    noChannels: set.noChannels,
    mergeType: set.actualMergeType,
    mergedFrom: set.mergedFrom.map((s) => s.key),
  };
}

describe("a merge that starts part way", () => {
  it("does not merge the unchanged lower groups again when only the top set changed", () => {
    const session = setOf("session", -20, ["quit", "ooc"]);
    const account = setOf("account", -10, ["who", "ooc", "page"]);
    const character = setOf("character", 0, ["look", "get", "drop", "who"]);
    const fallback = setOf("fallback", -100, ["north", "south"]);
    const exits = setOf("exits", 101, ["gate"]);
    const stack: StackEntry[] = [{ set: session }, { set: account }, { set: character }, { set: fallback }, { set: exits }];
    const cache = new MergeCache(100);
    cache.merged(stack);
    const copiesBefore = [session, account, character, fallback].map((s) => s.copies);

    exits.add(cmd("tower", "exits")); // a builder dug an exit here
    const merged = cache.merged(stack);

    // the lower sets were not copied again: their merge was reused
    expect([session, account, character, fallback].map((s) => s.copies)).toEqual(copiesBefore);
    expect(shape(merged)).toEqual(shape(mergeStack(stack)));
    expect(merged.commands.map((c) => c.key)).toContain("tower");
    expect(cache.stats().misses).toBe(2);
  });

  it("merges the whole stack again when a group below the top one changed (only the merge below the top is kept)", () => {
    const low = setOf("low", -10, ["a", "b"]);
    const low2 = setOf("low2", -10, ["a", "f"]); // same priority: merged onto low first
    const mid = setOf("mid", 0, ["b", "c"]);
    const high = setOf("high", 50, ["c", "d"]);
    const stack: StackEntry[] = [{ set: low }, { set: low2 }, { set: mid }, { set: high }];
    const cache = new MergeCache(100);
    cache.merged(stack);

    high.add(cmd("g", "high"));
    let copies = [low2.copies, mid.copies, high.copies];
    let merged = cache.merged(stack);
    expect([low2.copies, mid.copies, high.copies]).toEqual([copies[0], copies[1], copies[2]! + 1]); // from the kept merge below the top
    expect(shape(merged)).toEqual(shape(mergeStack(stack)));

    mid.add(cmd("e", "mid"));
    copies = [low2.copies, mid.copies, high.copies];
    merged = cache.merged(stack);
    expect([low2.copies, mid.copies, high.copies]).toEqual(copies.map((n) => n + 1)); // every group merged again
    expect(shape(merged)).toEqual(shape(mergeStack(stack)));

    high.add(cmd("h", "high"));
    copies = [low2.copies, mid.copies, high.copies];
    merged = cache.merged(stack);
    expect([low2.copies, mid.copies, high.copies]).toEqual([copies[0], copies[1], copies[2]! + 1]); // the new merge below the top was kept
    expect(shape(merged)).toEqual(shape(mergeStack(stack)));
  });

  it("gives a set of its own when every group is as before and only the gathering order changed", () => {
    const a = setOf("a", 0, ["x"]);
    const b = setOf("b", 5, ["y"]);
    const cache = new MergeCache(100);
    const first = cache.merged([{ set: a }, { set: b }]);
    const second = cache.merged([{ set: a }, { set: b }, { set: a }].slice(0, 2).reverse());
    expect(second).not.toBe(first);
    expect(shape(second)).toEqual(shape(mergeStack([{ set: b }, { set: a }])));
    expect(first.mergedFrom.map((s) => s.key)).toEqual(["a", "b"]); // the earlier result was not touched
  });

  it("equals a fresh merge over a long random walk of changes to the stack", () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const names = ["look", "get", "drop", "say", "who", "north", "south", "gate", "kick", "ooc"];
    const types: MergeType[] = ["Union", "Union", "Union", "Intersect", "Replace", "Remove"];
    const pool = Array.from({ length: 8 }, (_, i) => {
      const s = setOf(`s${i}`, [-100, -10, 0, 0, 101, 101, 5, 0][i]!, names.filter(() => random() < 0.4), types[Math.floor(random() * types.length)]!);
      if (random() < 0.3) s.duplicates = random() < 0.5;
      return s;
    });
    const bottom = pool[0]!;
    const cache = new MergeCache(1000, 4);
    for (let step = 0; step < 400; step++) {
      const r = random();
      if (r < 0.3) pool[1 + Math.floor(random() * 7)]!.add(cmd(names[Math.floor(random() * names.length)]!, `v${step}`));
      else if (r < 0.4) pool[1 + Math.floor(random() * 7)]!.priority = [-10, 0, 5, 101][Math.floor(random() * 4)]!;
      else if (r < 0.5) pool[1 + Math.floor(random() * 7)]!.noExits = random() < 0.5;
      const stack: StackEntry[] = [{ set: bottom }];
      for (const s of pool.slice(1)) {
        if (random() < 0.7) stack.push(random() < 0.2 ? { set: s, duplicates: random() < 0.5 } : { set: s });
      }
      expect(shape(cache.merged(stack)), `step ${step}`).toEqual(shape(mergeStack(stack)));
    }
    expect(cache.stats().misses).toBeGreaterThan(100);
  });
});
