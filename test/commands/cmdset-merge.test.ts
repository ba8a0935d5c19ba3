/**
 * Cmdset merging with Evennia's rules (the examples of Evennia's cmdset.py), and the merge cache.
 */
import { describe, expect, it } from "vitest";
import { CmdSet, type MergeType } from "../../evennia-ts/commands/cmdset.ts";
import { MergeCache, mergeCmdSets, mergeStack } from "../../evennia-ts/commands/cmdset-merge.ts";
import { Command } from "../../evennia-ts/commands/command.ts";

/** A command `key` from set `from` (so we can tell A1 from B1). */
function cmd(key: string, from: string, aliases: string[] = []): Command {
  const c = new Command();
  c.key = key;
  c.aliases = aliases;
  (c as Command & { from: string }).from = from;
  return c;
}
const origin = (set: CmdSet) => set.commands.map((c) => `${(c as Command & { from: string }).from}${c.key}`).sort();

function setOf(key: string, priority: number, mergeType: MergeType, keys: string[], from: string): CmdSet {
  const s = new CmdSet(null, key);
  s.priority = priority;
  s.mergeType = mergeType;
  for (const k of keys) s.add(cmd(k, from));
  return s;
}

describe("merging two cmdsets (A has the higher priority)", () => {
  const B = () => setOf("B", 0, "Union", ["1", "2", "4", "5"], "B");
  const A = (type: MergeType) => setOf("A", 1, type, ["1", "3"], "A");

  it("Union: A1,A3 + B1,B2,B4,B5 = A1,B2,A3,B4,B5", () => {
    expect(origin(mergeCmdSets(B(), A("Union")))).toEqual(["A1", "A3", "B2", "B4", "B5"]);
  });
  it("Intersect: = A1", () => {
    expect(origin(mergeCmdSets(B(), A("Intersect")))).toEqual(["A1"]);
  });
  it("Replace: = A1,A3", () => {
    expect(origin(mergeCmdSets(B(), A("Replace")))).toEqual(["A1", "A3"]);
  });
  it("Remove: = B2,B4,B5", () => {
    expect(origin(mergeCmdSets(B(), A("Remove")))).toEqual(["B2", "B4", "B5"]);
  });
  it("the higher priority applies its merge type whichever side it is on", () => {
    expect(origin(mergeCmdSets(A("Replace"), B()))).toEqual(["A1", "A3"]);
  });
  it("on equal priority the set merged on (the second) wins clashes", () => {
    const a = setOf("A", 0, "Union", ["1"], "A");
    const b = setOf("B", 0, "Union", ["1"], "B");
    expect(origin(mergeCmdSets(b, a))).toEqual(["A1"]);
    expect(origin(mergeCmdSets(a, b))).toEqual(["B1"]);
  });
  it("keyMergetypes override the merge type for a named lower set", () => {
    const a = A("Union");
    a.keyMergetypes = { B: "Replace" };
    expect(origin(mergeCmdSets(B(), a))).toEqual(["A1", "A3"]);
    const other = setOf("C", 0, "Union", ["2"], "C");
    expect(origin(mergeCmdSets(other, a))).toEqual(["A1", "A3", "C2"]);
  });
  it("duplicates keeps both same-named commands, on equal priority only", () => {
    const a = setOf("A", 0, "Union", ["kick"], "A");
    const b = setOf("B", 0, "Union", ["kick"], "B");
    a.duplicates = true;
    expect(origin(mergeCmdSets(b, a))).toEqual(["Akick", "Bkick"]);
    a.priority = 1;
    expect(origin(mergeCmdSets(b, a))).toEqual(["Akick"]);
    expect(mergeCmdSets(b, a).duplicates).toBeNull();
  });
  it("commands sharing an alias are the same command", () => {
    const a = new CmdSet(null, "A");
    a.priority = 1;
    a.add(cmd("inventory", "A", ["i"]));
    const b = new CmdSet(null, "B");
    b.add(cmd("i", "B"));
    expect(origin(mergeCmdSets(b, a))).toEqual(["Ainventory"]);
  });
  it("noExits, noObjs and noChannels pass through unless the higher set sets them", () => {
    const low = setOf("L", 0, "Union", [], "L");
    low.noExits = true;
    low.noObjs = false;
    const high = setOf("H", 5, "Union", [], "H");
    high.noObjs = true;
    const merged = mergeCmdSets(low, high);
    expect([merged.noExits, merged.noObjs, merged.noChannels]).toEqual([true, true, null]);
    high.noExits = false;
    expect(mergeCmdSets(low, high).noExits).toBe(false);
  });
  it("system commands survive even a Replace, and a same-named one replaces them", () => {
    const low = setOf("L", 0, "Union", ["look", "__nomatch_command"], "L");
    const high = setOf("H", 5, "Replace", ["dance"], "H");
    const merged = mergeCmdSets(low, high);
    expect(origin(merged)).toEqual(["L__nomatch_command", "Hdance"].sort());
    expect(merged.systemCommands.map((c) => c.key)).toEqual(["__nomatch_command"]);
    high.add(cmd("__nomatch_command", "H"));
    expect(mergeCmdSets(low, high).systemCommands.map((c) => (c as Command & { from: string }).from)).toEqual(["H"]);
  });
});

describe("merging a gathered stack", () => {
  it("merges equal priorities among themselves first, then from the lowest up", () => {
    const base = setOf("Base", 0, "Union", ["look", "get"], "Base");
    const dark = setOf("Dark", 10, "Replace", ["feel"], "Dark");
    const ball = setOf("Ball", 0, "Union", ["kick"], "Ball");
    expect(origin(mergeStack([base, dark, ball]))).toEqual(["Darkfeel"]);
    expect(origin(mergeStack([base, ball]))).toEqual(["Ballkick", "Baseget", "Baselook"]);
  });
  it("object sets merged with duplicates keep two balls' kick commands", () => {
    const ball1 = setOf("Ball", 0, "Union", ["kick"], "B1");
    const ball2 = setOf("Ball", 0, "Union", ["kick"], "B2");
    expect(origin(mergeStack([{ set: ball1, duplicates: true }, { set: ball2, duplicates: true }]))).toEqual(["B1kick", "B2kick"]);
    expect(origin(mergeStack([ball1, ball2]))).toEqual(["B2kick"]);
  });
  it("an empty stack gives an empty set; a lone set is copied, not shared", () => {
    expect(mergeStack([]).size).toBe(0);
    const one = setOf("One", 0, "Union", ["x"], "O");
    const merged = mergeStack([one]);
    expect(merged).not.toBe(one);
    merged.add(cmd("y", "M"));
    expect(one.size).toBe(1);
  });
});

describe("the merge cache", () => {
  it("returns the same merged set for the same sets, and merges again when one changes", () => {
    const cache = new MergeCache(10);
    const a = setOf("A", 0, "Union", ["look"], "A");
    const b = setOf("B", 1, "Union", ["say"], "B");
    const first = cache.merged([{ set: a }, { set: b }]);
    expect(cache.merged([{ set: a }, { set: b }])).toBe(first);
    expect(cache.stats()).toMatchObject({ hits: 1, misses: 1 });
    b.add(cmd("pose", "B"));
    const after = cache.merged([{ set: a }, { set: b }]);
    expect(after).not.toBe(first);
    expect(origin(after)).toEqual(["Alook", "Bpose", "Bsay"]);
    // a different set of sets (something moved away) is a different entry
    expect(cache.merged([{ set: a }])).not.toBe(first);
  });
  it("drops the least recently used entry when full", () => {
    const cache = new MergeCache(2);
    const sets = [0, 1, 2].map((i) => setOf(`S${i}`, 0, "Union", [`c${i}`], "S"));
    const m0 = cache.merged([{ set: sets[0]! }]);
    cache.merged([{ set: sets[1]! }]);
    cache.merged([{ set: sets[0]! }]);
    cache.merged([{ set: sets[2]! }]);
    expect(cache.stats().size).toBe(2);
    expect(cache.merged([{ set: sets[0]! }])).toBe(m0);
  });
  it("keeps at most `perBottom` stacks per bottom set: walking through new rooms does not fill the cache", () => {
    const cache = new MergeCache(1000, 3);
    const session = setOf("Session", -20, "Union", ["quit"], "S");
    const character = setOf("Character", 0, "Union", ["look"], "C");
    // 50 rooms, each with its own exit set (as a walker, or a builder whose room's exits are rebuilt)
    const rooms = Array.from({ length: 50 }, (_, i) => setOf(`Exits${i}`, 101, "Union", [`way${i}`], "R"));
    for (const room of rooms) cache.merged([{ set: session }, { set: character }, { set: room }]);
    expect(cache.stats().size).toBe(3);
    // the most recent ones are still there
    const last = cache.merged([{ set: session }, { set: character }, { set: rooms[49]! }]);
    const before = cache.stats().hits;
    expect(cache.merged([{ set: session }, { set: character }, { set: rooms[48]! }])).not.toBe(last);
    expect(cache.stats().hits).toBe(before + 1);
    // each bottom set has its own allowance
    const other = setOf("Session2", -20, "Union", ["quit"], "S");
    for (const room of rooms.slice(0, 5)) cache.merged([{ set: other }, { set: character }, { set: room }]);
    expect(cache.stats().size).toBe(6);
  });
  it("forgets the stacks of a bottom set whose session is gone, and only those", () => {
    const cache = new MergeCache(1000, 4);
    const character = setOf("Character", 0, "Union", ["look"], "C");
    const rooms = Array.from({ length: 3 }, (_, i) => setOf(`Exits${i}`, 101, "Union", [`way${i}`], "R"));
    const gone = setOf("Session", -20, "Union", ["quit"], "S");
    const stays = setOf("Session2", -20, "Union", ["quit"], "S");
    for (const room of rooms) {
      cache.merged([{ set: gone }, { set: character }, { set: room }]);
      cache.merged([{ set: stays }, { set: character }, { set: room }]);
    }
    expect(cache.stats().size).toBe(6);
    cache.forget(gone);
    expect(cache.stats().size).toBe(3);
    // the other session's merges are still hits; the gone one's would be merged again
    const hits = cache.stats().hits;
    cache.merged([{ set: stays }, { set: character }, { set: rooms[0]! }]);
    expect(cache.stats().hits).toBe(hits + 1);
    const misses = cache.stats().misses;
    expect(cache.merged([{ set: gone }, { set: character }, { set: rooms[2]! }]).has("way2")).toBe(true);
    expect(cache.stats().misses).toBe(misses + 1);
    cache.forget(setOf("Never", 0, "Union", [], "N")); // a set never merged: nothing happens
    expect(cache.stats().size).toBe(4);
  });
  it("a set whose version keeps changing leaves `perBottom` entries, not one per version", () => {
    const cache = new MergeCache(1000, 2);
    const session = setOf("Session", -20, "Union", ["quit"], "S");
    const exits = setOf("Exits", 101, "Union", [], "R");
    for (let i = 0; i < 40; i++) {
      exits.add(cmd(`way${i}`, "R"));
      expect(cache.merged([{ set: session }, { set: exits }]).has(`way${i}`)).toBe(true);
    }
    expect(cache.stats().size).toBe(2);
  });
});
