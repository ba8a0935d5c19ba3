/**
 * The parser's name index (`commands/command-index.ts`) finds exactly what testing
 * every name of every command finds: random cmdsets and lines are parsed both ways
 * and must give the same matches, in the same order. The reference below is the
 * parser as it was before the index.
 */
import { describe, expect, it } from "vitest";
import { CmdSet } from "../../evennia-ts/commands/cmdset.ts";
import { Command } from "../../evennia-ts/commands/command.ts";
import { commandIndexOf, sharedNameTableCount } from "../../evennia-ts/commands/command-index.ts";
import { parseCommand, type CommandMatch } from "../../evennia-ts/commands/command-parser.ts";
import { prng } from "../seeded-random.ts";
import { collectGarbage } from "../../evennia-ts/testing/database-fixture.ts";

const PREFIXES = "@&/+";

function stripPrefixes(text: string, prefixes: string): string {
  if (!prefixes || text.length <= 1) return text;
  let i = 0;
  while (i < text.length && prefixes.includes(text[i]!)) i++;
  return text.slice(i);
}

/** Every command, every name: the matching the index replaces. */
function referenceMatches(line: string, cmdset: CmdSet, prefixes: string, includePrefixes: boolean): CommandMatch[] {
  const raw = includePrefixes ? line : stripPrefixes(line, prefixes);
  const search = raw.toLowerCase();
  const out: CommandMatch[] = [];
  for (const cmd of cmdset.commands) {
    const pattern = cmd.argPattern;
    for (const rawName of cmd.names) {
      const name = includePrefixes ? rawName : stripPrefixes(rawName, prefixes);
      if (!name || !search.startsWith(name)) continue;
      if (pattern && !pattern.test(raw.slice(name.length))) continue;
      out.push({ cmdname: name, args: raw.slice(name.length), cmd, length: name.length, ratio: 1 - (raw.length - name.length) / raw.length, rawCmdname: rawName });
      break;
    }
  }
  return out;
}

function keepBest(matches: CommandMatch[], quality: (m: CommandMatch) => number): CommandMatch[] {
  if (matches.length < 2) return matches;
  const best = Math.max(...matches.map(quality));
  return matches.filter((m) => quality(m) === best);
}

function referenceParse(line: string, cmdset: CmdSet): CommandMatch[] {
  let matches = referenceMatches(line, cmdset, PREFIXES, true);
  let choice: number | null = null;
  let working = line;
  if (matches.length !== 1) {
    const suffix = /^(?<name>.*?)-(?<number>[0-9]+)(?<args>(?:\s[\s\S]*)?)$/u.exec(line);
    const prefix = /^(?<number>[0-9]+)-(?<rest>[\s\S]+)$/u.exec(line);
    const numbered = suffix?.groups?.name
      ? { index: Number(suffix.groups.number), rest: suffix.groups.name + (suffix.groups.args ?? "") }
      : prefix?.groups
        ? { index: Number(prefix.groups.number), rest: prefix.groups.rest! }
        : null;
    if (numbered) {
      const extra = referenceMatches(numbered.rest, cmdset, PREFIXES, true);
      if (extra.length > 0) {
        choice = numbered.index;
        working = numbered.rest;
        matches = [...matches, ...extra];
      }
    }
  }
  if (matches.length === 0) {
    working = stripPrefixes(line, PREFIXES);
    matches = referenceMatches(working, cmdset, PREFIXES, false);
  }
  if (matches.length > 1) {
    const lower = working.toLowerCase();
    const exact = matches.filter((m) => lower.startsWith(m.cmdname));
    if (exact.length > 0) matches = exact;
  }
  matches = keepBest(matches, (m) => m.length);
  matches = keepBest(matches, (m) => m.ratio);
  if (matches.length > 1 && choice !== null) matches = choice > 0 && choice <= matches.length ? [matches[choice - 1]!] : [];
  return matches;
}


const PIECES = ["a", "ab", "b", "l", "lo", "look", "@", "+", "&", "smile", " at", "-2", "2-", "Ä", "i̇", "x"];
const ARG_REGEXES: (string | null)[] = [null, "^[ /]|\\n|$", "\\s|$", "$", "^ "];

function word(rand: () => number, pieces = 1 + Math.floor(rand() * 3)): string {
  let out = "";
  for (let i = 0; i < pieces; i++) out += PIECES[Math.floor(rand() * PIECES.length)]!;
  return out;
}

function randomSet(rand: () => number): CmdSet {
  const set = new CmdSet(null, "Random");
  const count = 1 + Math.floor(rand() * 12);
  for (let i = 0; i < count; i++) {
    const cmd = new Command();
    cmd.key = word(rand);
    cmd.aliases = Array.from({ length: Math.floor(rand() * 3) }, () => word(rand));
    cmd.argRegex = ARG_REGEXES[Math.floor(rand() * ARG_REGEXES.length)]!;
    set.add(cmd, rand() < 0.3);
  }
  return set;
}

const shape = (matches: CommandMatch[]) => matches.map((m) => ({ cmd: m.cmd, cmdname: m.cmdname, rawCmdname: m.rawCmdname, args: m.args, length: m.length }));

describe("the parser's name index", () => {
  it("finds the same commands, in the same order, as testing every name", () => {
    const rand = prng(20261201);
    for (let round = 0; round < 400; round++) {
      const set = randomSet(rand);
      for (let i = 0; i < 25; i++) {
        // lines built from the set's own names hit far more often than random text
        const names = set.commands.flatMap((c) => c.names);
        const start = names.length > 0 && rand() < 0.7 ? names[Math.floor(rand() * names.length)]! : word(rand);
        const line = (start + (rand() < 0.5 ? word(rand, 1) : "") + (rand() < 0.5 ? " " + word(rand) : "")).trim();
        if (!line) continue;
        expect(shape(parseCommand(line, set, { ignorePrefixes: PREFIXES })), `line ${JSON.stringify(line)} in ${set}`).toEqual(shape(referenceParse(line, set)));
      }
    }
  });

  it("is rebuilt when the set changes, and kept while nothing does", () => {
    const set = new CmdSet(null, "Mutable");
    const look = new Command();
    look.key = "look";
    set.add(look);
    // a set is scanned the first time, indexed from the second on
    expect(commandIndexOf(set)).toBeNull();
    const first = commandIndexOf(set);
    expect(first).not.toBeNull();
    expect(commandIndexOf(set)).toBe(first);
    expect(parseCommand("glance", set)).toEqual([]);
    // renamed the documented way: added again
    look.aliases = ["glance"];
    set.add(look);
    expect(parseCommand("glance", set).map((m) => m.cmd)).toEqual([look]);
    look.key = "peer";
    set.add(look);
    expect(parseCommand("look", set)).toEqual([]);
    expect(parseCommand("peer", set).map((m) => m.cmd)).toEqual([look]);
    // the commands array changed in place, without the set's methods
    const other = new Command();
    other.key = "look";
    set.commands.push(other);
    expect(parseCommand("look", set).map((m) => m.cmd)).toEqual([other]);
    set.commands[1] = look;
    expect(parseCommand("look", set)).toEqual([]);
    set.commands = [other];
    expect(parseCommand("look", set).map((m) => m.cmd)).toEqual([other]);
  });

  it("shares one name table between sets whose own commands have the same names", () => {
    const names = ["zzshare-look", "zzshare-say", "zzshare-get"];
    const makeSet = (): CmdSet => {
      const set = new CmdSet(null, "Character");
      for (const key of names) {
        const cmd = new Command();
        cmd.key = key;
        set.add(cmd);
      }
      return set;
    };
    const sets = Array.from({ length: 50 }, makeSet);
    for (const set of sets) commandIndexOf(set);
    const before = sharedNameTableCount();
    const indexes = sets.map((set) => commandIndexOf(set)!);
    // the first set's table is new, the 49 others reuse it
    expect(sharedNameTableCount() - before).toBeLessThanOrEqual(1);
    for (const [i, set] of sets.entries()) {
      expect(indexes[i]!.fits(set.commands, set.version)).toBe(true);
      // each set's matches are its own command objects
      expect(parseCommand("zzshare-say hi", set).map((m) => m.cmd)).toEqual([set.commands.find((c) => c.key === "zzshare-say")]);
    }
  });

  it("drops a shared table once no index uses it (rooms whose exits changed do not keep theirs)", async () => {
    const makeSet = (tag: string): CmdSet => {
      const set = new CmdSet(null, "Exits");
      for (const key of [`zzgone-${tag}-north`, `zzgone-${tag}-south`]) {
        const cmd = new Command();
        cmd.key = key;
        set.add(cmd);
      }
      return set;
    };
    await collectGarbage();
    const before = sharedNameTableCount();
    const kept = makeSet("kept");
    commandIndexOf(kept);
    expect(commandIndexOf(kept)).not.toBeNull();
    (() => {
      // 30 situations gone for good: their sets, and so their indexes, are dropped
      for (let i = 0; i < 30; i++) {
        const set = makeSet(`gone${i}`);
        commandIndexOf(set);
        commandIndexOf(set);
      }
    })();
    expect(sharedNameTableCount() - before).toBeGreaterThanOrEqual(31);
    await collectGarbage();
    expect(sharedNameTableCount() - before).toBeLessThanOrEqual(1);
    // the table still in use is still shared: a set with the same names gets it, and matches its own commands
    const again = makeSet("kept");
    commandIndexOf(again);
    commandIndexOf(again);
    expect(sharedNameTableCount() - before).toBeLessThanOrEqual(1);
    expect(parseCommand("zzgone-kept-north", again).map((m) => m.cmd)).toEqual([again.commands[0]]);
    expect(commandIndexOf(kept)!.fits(kept.commands, kept.version)).toBe(true);
  });
});
