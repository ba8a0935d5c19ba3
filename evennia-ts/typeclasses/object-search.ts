/**
 * `caller.search(query, options)`: what a player means by a name. As Evennia's
 * `DefaultObject.search`:
 *
 * - candidates are the caller, what it carries, its location and what is there
 *   (or `candidates`, or the contents of `location`; `global` searches every object);
 * - `me`/`self` is the caller and `here` its location; `#12` finds object 12 for
 *   those who may (Builders and up, or `useDbref`);
 * - keys and aliases match case-insensitively: exact matches first; failing
 *   those, names starting with the query; failing those, names whose words start
 *   with the query's words in order (`bi sw` finds "Big sword");
 * - `sword-2` (or `2-sword`) picks the second of several swords (the separator is
 *   the `searchMultimatchSeparator` setting);
 * - things the caller may not `search` or `view` (their locks) are never found;
 * - unless `quiet`, the caller is told "Could not find 'x'." or "More than one
 *   match for 'x' (please narrow target):" with one ` sword-1 (carried)` line per
 *   match, and gets null; `quiet` returns the list of matches instead.
 *
 * Two changes from Evennia, on purpose: the match tiers (exact, then prefix, then
 * word start) make `sw` pick "sword" over "big sword" rather than report both;
 * and hidden matches are removed before `sword-2` is counted, so the number a
 * player reads in the list is the one that picks.
 */
import { activeSettings } from "../conf/active-settings.ts";
import { checkLockString } from "../locks/lock-handler.ts";
import type { DefaultObject } from "./objects.ts";
import { findTypeclass, type TypeclassConstructor } from "./registry.ts";
import { getById, search as searchDatabase } from "./search.ts";

/** Options of {@link DefaultObject.search}. */
export interface ObjectSearchOptions {
  /** Search only these objects (ignored when `global`). */
  candidates?: DefaultObject[];
  /** Search the contents of this location (or these locations) instead of the caller's surroundings. */
  location?: DefaultObject | DefaultObject[];
  /** Search every object in the game (exact names only). */
  global?: boolean;
  /** Return the list of matches and tell the caller nothing. */
  quiet?: boolean;
  /** Only objects of this typeclass (class or registered path; subclasses count), or of one of these. */
  typeclass?: TypeclassConstructor | string | (TypeclassConstructor | string)[];
  /** Let the caller's nicks rewrite the query first ({@link DefaultObject.getSearchQueryReplacement}). */
  useNicks?: boolean;
  /** Exact names only (no prefix or word-start matches). */
  exact?: boolean;
  /** Leave out what the caller may not `search` or `view` (default true). */
  useLocks?: boolean;
  /** Allow `#12`; default: when the caller passes `perm(Builder)`. */
  useDbref?: boolean;
  /** Only objects with every one of these tags (`key` or `[key, category]`). */
  tags?: (string | [string, string])[];
  /** Replaces "Could not find 'x'.". */
  nofoundString?: string;
  /** Replaces the first line of the multi-match message. */
  multimatchString?: string;
}

/** A query split into a name and the number of the match wanted (`sword-2` → `sword`, 2). */
export interface NumberedQuery {
  name: string;
  number: number | null;
}

/** Split `sword-2` or `2-sword` (with the game's separator) into name and number; no number: `number` is null. */
export function parseNumberedQuery(query: string, separator = activeSettings().searchMultimatchSeparator): NumberedQuery {
  const sep = escapeRegExp(separator);
  const suffix = new RegExp(`^(.+?)${sep}([0-9]+)$`).exec(query);
  if (suffix) return { name: suffix[1]!.trim(), number: Number(suffix[2]) };
  const prefix = new RegExp(`^([0-9]+)${sep}(.+)$`).exec(query);
  if (prefix) return { name: prefix[2]!.trim(), number: Number(prefix[1]) };
  return { name: query, number: null };
}

/**
 * The objects a local search looks through: the contents of the caller and its
 * location (from memory; loaded once if a location's contents never were).
 */
export async function searchCandidates(caller: DefaultObject, options: ObjectSearchOptions): Promise<DefaultObject[]> {
  if (options.candidates) return options.candidates.filter((o) => o && !o.isDeleted);
  if (options.location) {
    const places = Array.isArray(options.location) ? options.location : [options.location];
    const out: DefaultObject[] = [];
    for (const place of places) out.push(...(await place.loadContents()));
    return out;
  }
  const location = caller.location;
  const carried = await caller.loadContents();
  if (!location) return [...carried, caller];
  return [...carried, location, ...(await location.loadContents())];
}

/** Run a search for `caller` (the body of {@link DefaultObject.search}). */
export async function searchFor(caller: DefaultObject, rawQuery: string, options: ObjectSearchOptions = {}): Promise<DefaultObject[] | DefaultObject | null> {
  const query = String(options.useNicks === false ? rawQuery : caller.getSearchQueryReplacement(rawQuery, options)).trim();
  const useDbref = options.useDbref ?? checkLockString(caller, "perm(Builder)");
  const dbrefMatch = useDbref ? /^#(\d+)$/.exec(query) : null;
  const global = Boolean(options.global) || dbrefMatch !== null;
  const candidates = global ? null : await searchCandidates(caller, options);

  // me, self, here
  const lower = query.toLowerCase();
  const direct = lower === "me" || lower === "self" ? caller : lower === "here" ? caller.location : undefined;
  if (direct !== undefined && direct !== null && (global || candidates!.includes(direct))) return options.quiet ? [direct] : direct;

  let matches: DefaultObject[];
  let number: number | null = null;
  if (dbrefMatch) {
    const found = await getById<DefaultObject>(Number(dbrefMatch[1]));
    matches = found && (!options.candidates || options.candidates.includes(found)) ? [found] : [];
  } else {
    const exact = global || Boolean(options.exact);
    const find = (name: string) => (candidates ? matchAmong(candidates, name, exact) : globalMatches(name));
    matches = await find(query);
    if (matches.length === 0) {
      const numbered = parseNumberedQuery(query);
      if (numbered.number !== null) {
        number = numbered.number;
        matches = await find(numbered.name);
      }
    }
  }
  matches = filterMatches(caller, matches, options);
  if (number !== null) matches = number >= 1 && number <= matches.length ? [matches[number - 1]!] : [];
  if (options.quiet) return matches;
  return reportResult(caller, query, matches, options);
}

/** Key/alias matches among candidates: exact, else prefix, else word start (unless `exact`). */
function matchAmong(candidates: DefaultObject[], name: string, exact: boolean): DefaultObject[] {
  const wanted = name.trim().toLowerCase();
  if (!wanted) return [];
  const unique = new Set(candidates);
  // the row keeps the key lower-cased; aliases are stored lower-case (no copies: a builder may carry hundreds of things)
  const named = (o: DefaultObject, test: (n: string) => boolean) => test(o._row.key_lower) || o.aliases.someKey(test);
  const tiers: ((n: string) => boolean)[] = [(n) => n === wanted];
  if (!exact) tiers.push((n) => n.startsWith(wanted), wordStartMatcher(wanted));
  for (const test of tiers) {
    // only the matches are sorted (a builder may carry hundreds of things)
    const found: DefaultObject[] = [];
    for (const o of unique) if (named(o, test)) found.push(o);
    if (found.length > 0) return found.sort((a, b) => a.id - b.id);
  }
  return [];
}

/** True when the query's words start words of the name, in order (`bi sw` ~ "big sword"). */
function wordStartMatcher(query: string): (name: string) => boolean {
  const words = query.split(/\s+/).filter(Boolean);
  return (name) => {
    const nameWords = name.split(/[^\p{L}\p{N}_]+/u).filter(Boolean);
    let at = 0;
    for (const word of words) {
      while (at < nameWords.length && !nameWords[at]!.startsWith(word)) at++;
      if (at === nameWords.length) return false;
      at++;
    }
    return true;
  };
}

function globalMatches(name: string): Promise<DefaultObject[]> {
  return name.trim() ? searchDatabase<DefaultObject>({ key: name }) : Promise.resolve([]);
}

function classOf(ref: TypeclassConstructor | string): TypeclassConstructor | null {
  return typeof ref === "string" ? (findTypeclass(ref) ?? null) : ref;
}

/** Typeclass, tags and locks. */
function filterMatches(caller: DefaultObject, matches: DefaultObject[], options: ObjectSearchOptions): DefaultObject[] {
  let out = matches.filter((o) => !o.isDeleted);
  if (options.typeclass !== undefined) {
    const refs = Array.isArray(options.typeclass) ? options.typeclass : [options.typeclass];
    out = out.filter((o) =>
      refs.some((ref) => {
        const cls = classOf(ref);
        return cls ? o instanceof (cls as unknown as abstract new () => object) : o.typeclassPath === ref;
      }),
    );
  }
  for (const tag of options.tags ?? []) {
    const [key, category] = typeof tag === "string" ? [tag, ""] : tag;
    out = out.filter((o) => o.tags.has(key, category));
  }
  if (options.useLocks !== false) {
    out = out.filter((o) => o.access(caller, "search", { default: true }) && o.access(caller, "view", { default: true }));
  }
  return out;
}

/** Tell the caller about no match or several; return the single match or null. */
function reportResult(caller: DefaultObject, query: string, matches: DefaultObject[], options: ObjectSearchOptions): DefaultObject | null {
  if (matches.length === 1) return matches[0]!;
  if (matches.length === 0) {
    caller.msg(options.nofoundString ?? `Could not find '${query}'.`);
    return null;
  }
  caller.msg(multimatchMessage(caller, query, matches, options.multimatchString));
  return null;
}

/**
 * The multi-match message: a header line, then one line per match, numbered
 * within each group of the same name: ` sword-1 [blade] (carried)`.
 */
export function multimatchMessage(caller: DefaultObject, query: string, matches: DefaultObject[], header?: string): string {
  const separator = activeSettings().searchMultimatchSeparator;
  const lines = [header ?? `More than one match for '${query}' (please narrow target):`];
  const groups = new Map<string, DefaultObject[]>();
  for (const obj of matches) {
    const name = obj.getDisplayName(caller);
    const group = groups.get(name.toLowerCase()) ?? [];
    group.push(obj);
    groups.set(name.toLowerCase(), group);
  }
  for (const group of groups.values()) {
    group.forEach((obj, i) => {
      const aliases = obj.aliases.get();
      const aliasText = aliases.length ? ` [${aliases.join(";")}]` : "";
      lines.push(` ${obj.getDisplayName(caller)}${separator}${i + 1}${aliasText}${obj.getExtraInfo(caller)}`);
    });
  }
  return lines.join("\n");
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");
}
