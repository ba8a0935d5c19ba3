/**
 * Help topics from three sources, as in Evennia: every command's `help` text, help
 * entries in the database (`sethelp`), and files in the game's `world/help/`.
 * Commands win over the others, database entries over files. Each entry may have
 * a `view` lock (listed in the index?) and a `read` lock (readable?); without a
 * `view` lock the `read` lock decides both, and without either everyone may.
 *
 * A help file is Markdown or text: optional header lines (`key:`, `aliases:`,
 * `category:`, `locks:`), a blank line, then the text. Without a `key:` the file
 * name is the topic.
 *
 * Subtopics: after a line `# SUBTOPICS`, each `## name` starts a subtopic, `###` a
 * sub-subtopic and so on (`help topic/name/subname`).
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { checkLock } from "../../locks/lock-string.ts";
import type { PermissionHolder } from "../../locks/permissions.ts";
import { getLogger } from "../../utils/logger.ts";
import { stringSuggestions } from "../../utils/text/suggestions.ts";
import type { Command } from "../command.ts";
import { createCmdSet } from "../cmdset-registry.ts";
import type { DbHelpEntry } from "./db-help-entries.ts";

const log = getLogger("help");

/** One help topic. */
export interface HelpEntry {
  key: string;
  aliases: string[];
  /** Lower-case. */
  category: string;
  text: string;
  locks: string;
  source: "command" | "database" | "file";
  /** For command topics: the command. */
  command?: Command;
}

/** A command's help topic. */
export function commandHelpEntry(cmd: Command, caller: unknown): HelpEntry {
  return {
    key: cmd.key,
    aliases: [...cmd.aliases],
    category: cmd.helpCategory.toLowerCase(),
    text: cmd.getHelp(caller, cmd.cmdset),
    locks: cmd.locks,
    source: "command",
    command: cmd,
  };
}

/** A database entry's help topic. */
export function dbHelpTopic(entry: DbHelpEntry): HelpEntry {
  return { key: entry.key, aliases: [...entry.aliases], category: entry.category, text: entry.text, locks: entry.locks, source: "database" };
}

/** Parse a help file's text into an entry (`fallbackKey` when it names none). */
export function parseHelpFile(source: string, fallbackKey: string): HelpEntry {
  const lines = source.replace(/\r\n?/g, "\n").split("\n");
  const fields: Record<string, string> = {};
  let i = 0;
  while (i < lines.length) {
    const m = /^(key|aliases|category|locks)\s*:\s*(.*)$/i.exec(lines[i]!);
    if (!m) break;
    fields[m[1]!.toLowerCase()] = m[2]!.trim();
    i++;
  }
  if (i > 0 && lines[i]?.trim() === "") i++;
  return {
    key: fields.key || fallbackKey,
    aliases: (fields.aliases ?? "").split(/[;,]/).map((a) => a.trim().toLowerCase()).filter(Boolean),
    category: (fields.category || "general").toLowerCase(),
    text: lines.slice(i).join("\n").trim(),
    locks: fields.locks ?? "",
    source: "file",
  };
}

const fileCache = new Map<string, HelpEntry[]>();

/** The help files of the game in `gameDir` (`world/help/*.md`, `*.txt`), read once per process. */
export function fileHelpEntries(gameDir: string | undefined): HelpEntry[] {
  if (!gameDir) return [];
  const dir = path.join(gameDir, "world", "help");
  const cached = fileCache.get(dir);
  if (cached) return cached;
  const out: HelpEntry[] = [];
  if (existsSync(dir)) {
    for (const name of readdirSync(dir).sort()) {
      if (!/\.(md|txt)$/i.test(name)) continue;
      try {
        out.push(parseHelpFile(readFileSync(path.join(dir, name), "utf8"), name.replace(/\.(md|txt)$/i, "")));
      } catch (err) {
        log.error(`could not read help file ${name}`, err);
      }
    }
  }
  fileCache.set(dir, out);
  return out;
}

/** Forget the help files read (tests; a game that changed them). */
export function forgetHelpFiles(): void {
  fileCache.clear();
}

/** May `accessor` see `entry` in the index? */
export function canListTopic(entry: HelpEntry, accessor: PermissionHolder | null): boolean {
  if (entry.command && !entry.command.autoHelp) return false;
  const type = /(^|;)\s*view\s*:/.test(entry.locks) ? "view" : "read";
  return checkLock(entry.locks, type, { accessor: accessor as never, accessed: entry }, true);
}

/** May `accessor` read `entry`? */
export function canReadTopic(entry: HelpEntry, accessor: PermissionHolder | null): boolean {
  if (entry.command && !entry.command.autoHelp) return false;
  return checkLock(entry.locks, "read", { accessor: accessor as never, accessed: entry }, true);
}

/** Strip one ignored prefix (`@`) off a name. */
export function stripPrefix(name: string, prefixes: string): string {
  return name.length > 1 && prefixes.includes(name[0]!) ? name.slice(1) : name;
}

/** What a help search found. */
export interface HelpSearchResult {
  /** The topic, a category name (`{ category }`), or null. */
  match: HelpEntry | { category: string } | null;
  /** Other topics the player may have meant. */
  suggestions: string[];
}

/**
 * Find `query` among `entries`: an exact key or alias (an ignored prefix does not
 * matter), then a category name, then a topic starting with the query; the rest
 * of the similar or starting names are suggestions (at most `maxnum`).
 */
export function searchHelp(query: string, entries: readonly HelpEntry[], options: { prefixes?: string; maxnum?: number; cutoff?: number } = {}): HelpSearchResult {
  const prefixes = options.prefixes ?? "@&/+";
  const maxnum = options.maxnum ?? 5;
  const q = stripPrefix(query.trim().toLowerCase(), prefixes);
  const names = (e: HelpEntry) => [e.key, ...e.aliases].map((n) => stripPrefix(n.toLowerCase(), prefixes));
  const exact = entries.find((e) => names(e).includes(q));
  const categories = [...new Set(entries.map((e) => e.category))];
  const starting = entries.filter((e) => e !== exact && names(e).some((n) => n.startsWith(q)));
  const similar = stringSuggestions(q, entries.flatMap((e) => names(e)), { cutoff: options.cutoff ?? 0.6, maxnum: maxnum * 2 });
  const keyOf = (name: string) => entries.find((e) => names(e).includes(name))?.key ?? name;
  const suggestions = [...new Set([...starting.map((e) => e.key), ...similar.map(keyOf)])].filter((k) => k !== exact?.key).slice(0, maxnum);
  if (exact) return { match: exact, suggestions };
  const category = categories.find((c) => c === q);
  if (category) return { match: { category }, suggestions };
  const [first] = starting;
  if (first) return { match: first, suggestions: suggestions.filter((s) => s !== first.key).slice(0, maxnum) };
  return { match: null, suggestions };
}

/** A topic's text split into its subtopics: `text` and named children. */
export interface SubtopicTree {
  text: string;
  children: Map<string, SubtopicTree>;
}

/**
 * `text` without its leading newlines and trailing whitespace. Done by hand: `/\s+$/`
 * takes time growing with the square of a long run of spaces inside the text.
 */
export function trimHelpBlock(text: string): string {
  let start = 0;
  while (text[start] === "\n") start++;
  return text.slice(start).trimEnd();
}

/** Split a help text at `# SUBTOPICS` into a tree of subtopics (names lower-case, runs of spaces made one). */
export function parseSubtopics(text: string): SubtopicTree {
  const [main, rest] = splitOnce(text, /^#\s*subtopics\s*$/im);
  const root: SubtopicTree = { text: trimHelpBlock(main), children: new Map() };
  if (rest === null) return root;
  const path: SubtopicTree[] = [root];
  let current: SubtopicTree | null = null;
  let buffer: string[] = [];
  const flush = () => {
    if (current) current.text = trimHelpBlock(buffer.join("\n"));
    buffer = [];
  };
  for (const line of rest.split("\n")) {
    // the name is trimmed by hand: a regular expression doing it takes time growing with the square of a long run of spaces
    const hashes = /^(#{2,7})\s/.exec(line)?.[1];
    const name = hashes ? line.slice(hashes.length).trim() : "";
    if (hashes && name) {
      flush();
      const depth = hashes.length - 1; // ## is depth 1
      const node: SubtopicTree = { text: "", children: new Map() };
      path.length = Math.min(path.length, depth);
      const parent = path[path.length - 1] ?? root;
      parent.children.set(name.replace(/\s+/g, " ").toLowerCase(), node);
      path.push(node);
      current = node;
    } else buffer.push(line);
  }
  flush();
  return root;
}

function splitOnce(text: string, re: RegExp): [string, string | null] {
  const m = re.exec(text);
  if (!m) return [text, null];
  return [text.slice(0, m.index), text.slice(m.index + m[0].length)];
}

/** The child of `tree` named `query`: exactly, else the first starting with it, else containing it. */
export function findSubtopic(tree: SubtopicTree, query: string): [string, SubtopicTree] | undefined {
  const q = query.toLowerCase();
  const names = [...tree.children.keys()];
  const name = names.find((n) => n === q) ?? names.find((n) => n.startsWith(q)) ?? names.find((n) => n.includes(q));
  return name === undefined ? undefined : [name, tree.children.get(name)!];
}

/** Commands (in `cmdsets`) that show in help but have no help text. */
export function commandsMissingHelp(commands: Iterable<Command>): string[] {
  const out: string[] = [];
  for (const cmd of commands) if (cmd.autoHelp && !cmd.key.startsWith("__") && !cmd.help.trim()) out.push(cmd.key);
  return out;
}

/**
 * Check the cmdsets registered under `paths` for commands listed in help without a
 * help text; returns one warning per set that has some (the server logs them at start).
 */
export function helpWarnings(paths: readonly string[]): string[] {
  const out: string[] = [];
  for (const path of paths) {
    const set = createCmdSet(path);
    if (!set) continue;
    const missing = commandsMissingHelp(set);
    if (missing.length) out.push(`cmdset ${path}: command(s) without help text: ${missing.join(", ")} (set their \`help\`)`);
  }
  return out;
}
