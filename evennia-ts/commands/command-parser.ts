/**
 * The command parser: which command of a merged cmdset a typed line calls.
 * Evennia's rules (its `cmdparser`):
 *
 * 1. Every key and alias that starts the line (case-insensitively) and is followed
 *    by what the command's `argRegex` accepts is a match; the longest name of a
 *    command counts (`smile at` before `smile`).
 * 2. With no match, or several, a numbered choice is tried: `look-2` (Evennia's
 *    form) or `2-look` picks the second of same-named commands.
 * 3. With still no match, prefixes the settings ignore (`@&/+`) are stripped from
 *    the line and from the names: `@reload` is `reload`, `+who` is `who`.
 * 4. Commands the caller may not use (`cmd:` lock) are dropped.
 * 5. Of several, those whose name the line starts with exactly win, then the
 *    longest name, then the name covering most of the line; the numbered choice
 *    picks among what is left.
 */
import type { PermissionHolder } from "../locks/permissions.ts";
import type { CmdSet } from "./cmdset.ts";
import type { Command } from "./command.ts";
import { commandIndexOf, stripPrefixes, type IndexedName } from "./command-index.ts";

/** Evennia's `CMD_IGNORE_PREFIXES`. */
export const DEFAULT_IGNORE_PREFIXES = "@&/+";

/** One way a line can call a command. */
export interface CommandMatch {
  /** The name matched, lower-case, without an ignored prefix. */
  cmdname: string;
  /** The rest of the line (leading space kept). */
  args: string;
  /** The command (the merged set's instance: copy it before running). */
  cmd: Command;
  /** Length of the matched name. */
  length: number;
  /** How much of the line the name covers (1: all of it). */
  ratio: number;
  /** The name as the command has it (`@reload` when matched as `reload`). */
  rawCmdname: string;
}

/** Options of {@link parseCommand}. */
export interface ParseOptions {
  /** Prefix characters to ignore (default Evennia's `@&/+`; "" turns it off). */
  ignorePrefixes?: string;
  /** Who types: commands they may not use are not matched. Undefined: no lock check. */
  caller?: PermissionHolder | null;
  /** The session the line came from (lock functions such as `is_ooc()` read it). */
  session?: unknown;
}

/** `name-2 args` (Evennia's current form). */
const NUMBERED_SUFFIX = /^(?<name>.*?)-(?<number>[0-9]+)(?<args>(?:\s[\s\S]*)?)$/u;
/** `2-name args` (Evennia's older form). */
const NUMBERED_PREFIX = /^(?<number>[0-9]+)-(?<rest>[\s\S]+)$/u;

function buildMatches(line: string, cmdset: CmdSet, prefixes: string, includePrefixes: boolean): CommandMatch[] {
  const raw = includePrefixes ? line : stripPrefixes(line, prefixes);
  const search = raw.toLowerCase();
  const index = commandIndexOf(cmdset);
  if (!index) return scanMatches(raw, search, cmdset, prefixes, includePrefixes);
  const candidates = index.namesStarting(search, includePrefixes ? undefined : prefixes);
  if (candidates.length === 0) return [];
  // in the set's order; of one command, the first of its names (longest first) the arguments fit
  if (candidates.length > 1 && !inSetOrder(candidates)) candidates.sort((a, b) => a.position - b.position || a.order - b.order);
  const out: CommandMatch[] = [];
  let taken = -1;
  for (const { position, name, rawName } of candidates) {
    if (position === taken) continue;
    const cmd = cmdset.commands[position]!;
    const pattern = cmd.argPattern;
    if (pattern && !pattern.test(raw.slice(name.length))) continue;
    taken = position;
    out.push(matchOf(raw, name, rawName, cmd));
  }
  return out;
}

/** The same as the index finds, by testing every name of every command (a set matched against once). */
function scanMatches(raw: string, search: string, cmdset: CmdSet, prefixes: string, includePrefixes: boolean): CommandMatch[] {
  const out: CommandMatch[] = [];
  for (const cmd of cmdset.commands) {
    let pattern: RegExp | null | undefined;
    for (const rawName of cmd.names) {
      const name = includePrefixes ? rawName : stripPrefixes(rawName, prefixes);
      if (!name || !search.startsWith(name)) continue;
      // read only for a command whose name starts the line
      if (pattern === undefined) pattern = cmd.argPattern;
      if (pattern && !pattern.test(raw.slice(name.length))) continue;
      out.push(matchOf(raw, name, rawName, cmd));
      break;
    }
  }
  return out;
}

function matchOf(raw: string, name: string, rawName: string, cmd: Command): CommandMatch {
  return { cmdname: name, args: raw.slice(name.length), cmd, length: name.length, ratio: 1 - (raw.length - name.length) / raw.length, rawCmdname: rawName };
}

function inSetOrder(names: readonly IndexedName[]): boolean {
  for (let i = 1; i < names.length; i++) {
    const a = names[i - 1]!;
    const b = names[i]!;
    if (a.position > b.position || (a.position === b.position && a.order > b.order)) return false;
  }
  return true;
}

function numberedChoice(line: string): { index: number; rest: string } | null {
  const suffix = NUMBERED_SUFFIX.exec(line);
  if (suffix?.groups && suffix.groups.name) return { index: Number(suffix.groups.number), rest: suffix.groups.name + (suffix.groups.args ?? "") };
  const prefix = NUMBERED_PREFIX.exec(line);
  if (prefix?.groups) return { index: Number(prefix.groups.number), rest: prefix.groups.rest! };
  return null;
}

function keepBest(matches: CommandMatch[], quality: (m: CommandMatch) => number): CommandMatch[] {
  if (matches.length < 2) return matches;
  const best = Math.max(...matches.map(quality));
  return matches.filter((m) => quality(m) === best);
}

/**
 * The commands `line` (already trimmed, not empty) may call in `cmdset`: none, one,
 * or several (a multi-match).
 */
export function parseCommand(line: string, cmdset: CmdSet, options: ParseOptions = {}): CommandMatch[] {
  if (!line) return [];
  const prefixes = options.ignorePrefixes ?? DEFAULT_IGNORE_PREFIXES;
  let matches = buildMatches(line, cmdset, prefixes, true);
  let choice: number | null = null;
  let working = line;
  if (matches.length !== 1) {
    const numbered = numberedChoice(line);
    if (numbered) {
      const extra = buildMatches(numbered.rest, cmdset, prefixes, true);
      if (extra.length > 0) {
        choice = numbered.index;
        working = numbered.rest;
        matches = [...matches, ...extra];
      }
    }
  }
  if (matches.length === 0 && prefixes) {
    working = stripPrefixes(line, prefixes);
    matches = buildMatches(working, cmdset, prefixes, false);
  }
  if (options.caller !== undefined) matches = matches.filter((m) => m.cmd.access(options.caller ?? null, "cmd", false, options.session));
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

/**
 * Split arguments the way login commands want them: words, with double or single
 * quotes grouping a name that contains spaces (`connect "Anna Smith" secret`).
 */
export function splitQuoted(args: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|'([^']*)'|(\S+)/g;
  for (let m = re.exec(args); m; m = re.exec(args)) out.push(m[1] ?? m[2] ?? m[3] ?? "");
  return out;
}

/** True when `args` has an opening `"` without its closing one. */
export function hasUnmatchedQuote(args: string): boolean {
  return ((args.match(/"/g) ?? []).length % 2) === 1;
}
