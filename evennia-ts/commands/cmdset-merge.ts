/**
 * Merging cmdsets, with Evennia's rules:
 *
 * - Two sets merge as "B + A": the one with the higher priority (A on a tie)
 *   applies its merge type — or its `keyMergetypes[B.key]` — to the other.
 * - Union keeps every command, the higher set's on a name clash (both, when the
 *   higher set has `duplicates` and the priorities are equal); Intersect keeps the
 *   names in both; Replace keeps the higher set; Remove keeps the lower set minus
 *   the higher set's names.
 * - `noExits`, `noObjs`, `noChannels` pass through unless the higher set sets them;
 *   `duplicates` is not inherited.
 * - System commands (`__noinput_command` ...) survive every merge.
 * - A stack of sets is merged by first merging the sets of equal priority among
 *   themselves, then the groups from the lowest priority up.
 *
 * {@link MergeCache} remembers merged results by the identity and version of the
 * sets merged, so an unchanged situation is not merged again.
 */
import { CmdSet, type MergeType } from "./cmdset.ts";
import type { Command } from "./command.ts";

/** Options of {@link mergeCmdSets}. */
export interface MergeOptions {
  /** `duplicates` to use for the higher set instead of its own (object sets use true when unset). */
  duplicates?: boolean | null;
  /** Same for the lower set. */
  lowerDuplicates?: boolean | null;
}

/**
 * Merge `higherCandidate` onto `lower` ("lower + higher"), deciding which is
 * higher by priority (the second on a tie). Returns a new set.
 */
export function mergeCmdSets(lower: CmdSet, higherCandidate: CmdSet, options: MergeOptions = {}): CmdSet {
  const bDup = options.lowerDuplicates !== undefined ? options.lowerDuplicates : lower.duplicates;
  const aDup = options.duplicates !== undefined ? options.duplicates : higherCandidate.duplicates;
  let high: CmdSet, low: CmdSet, highDup: boolean | null;
  if (lower.priority <= higherCandidate.priority) {
    high = higherCandidate;
    low = lower;
    highDup = aDup;
  } else {
    high = lower;
    low = higherCandidate;
    highDup = bDup;
  }
  const mergeType: MergeType = high.keyMergetypes[low.key] ?? high.mergeType;
  const out = high.duplicate();
  const dupes = Boolean(highDup) && high.priority === low.priority;
  switch (mergeType) {
    case "Intersect": {
      const lowNames = namesOf(low);
      out.commands = dupes
        ? high.commands.filter((c) => inSet(c, lowNames)).flatMap((c) => [c, ...low.commands.filter((l) => l.sameAs(c))])
        : high.commands.filter((c) => inSet(c, lowNames));
      break;
    }
    case "Replace":
      out.commands = [...high.commands];
      break;
    case "Remove": {
      const highNames = namesOf(high);
      out.commands = low.commands.filter((c) => !inSet(c, highNames));
      break;
    }
    default:
      if (dupes) out.commands = [...high.commands, ...low.commands];
      else {
        const highNames = namesOf(high);
        out.commands = [...high.commands, ...low.commands.filter((c) => !inSet(c, highNames))];
      }
  }
  out.noChannels = high.noChannels ?? low.noChannels;
  out.noExits = high.noExits ?? low.noExits;
  out.noObjs = high.noObjs ?? low.noObjs;
  out.duplicates = null;
  out.actualMergeType = mergeType;
  // system commands: the higher set's, then the lower set's not replaced by them
  const system = [...high.systemCommands, ...low.systemCommands.filter((c) => !high.systemCommands.some((h) => h.sameAs(c)))];
  out.commands = out.commands.filter((c) => !c.key.startsWith("__"));
  out.commands.push(...system);
  out.systemCommands = system;
  out.version++;
  return out;
}

/** Every name the commands of `set` answer to: one pass over the set, then each lookup is a hash probe. */
function namesOf(set: CmdSet): Set<string> {
  const names = new Set<string>();
  for (const c of set.commands) for (const n of c.names) names.add(n);
  return names;
}

/**
 * True when `cmd` shares a name with a command of the set whose names are `names`
 * (Evennia's command equality, `sameAs`). Merging two sets of 100 commands asked
 * `sameAs` 10,000 times; with the names of one set gathered first it is 100 probes.
 */
function inSet(cmd: Command, names: ReadonlySet<string>): boolean {
  for (const n of cmd.names) if (names.has(n)) return true;
  return false;
}

/** A set to merge and the `duplicates` value to merge it with. */
export interface StackEntry {
  set: CmdSet;
  /** Overrides `set.duplicates` for this merge (object sets around the caller: true when unset). */
  duplicates?: boolean | null;
}

/**
 * Merge a gathered stack: equal priorities first (in gathering order), then from
 * the lowest priority up. Returns an empty set for an empty stack.
 */
export function mergeStack(entries: readonly (StackEntry | CmdSet)[]): CmdSet {
  return foldStack(entries.map((e) => (e instanceof CmdSet ? { set: e } : e)), null).merged;
}

/**
 * One step of folding a stack: the entries of one priority, and the merge of every
 * group up to and including this one.
 */
interface FoldStep {
  readonly priority: number;
  readonly stamps: readonly EntryStamp[];
  /**
   * Kept for the step below the top group only (null on the others): a changed exit set
   * or a walk to another room changes the top group, and each intermediate set kept
   * would cost a player a kilobyte or two.
   */
  readonly merged: CmdSet | null;
}

/** A stack merged, with the steps of its fold (kept to start the next merge of the same bottom set part way). */
interface Folded {
  readonly merged: CmdSet;
  readonly steps: readonly FoldStep[];
}

/**
 * {@link mergeStack}, starting from `previous` (an earlier fold of the same bottom set)
 * when every group below the top one is the same sets at the same versions: the merge
 * of those groups is reused and only the top group is merged onto it. A builder digging
 * an exit changes only the room's exit set (priority 101, the top group): the 50 players
 * there merge that group onto the merge of their own sets they already have, instead of
 * merging all of their sets again. Any other change merges the whole stack.
 */
function foldStack(list: readonly StackEntry[], previous: readonly FoldStep[] | null): Folded {
  if (list.length === 0) return { merged: new CmdSet(null, "_EMPTY_CMDSET"), steps: [] };
  const groups = new Map<number, StackEntry[]>();
  for (const entry of list) {
    const group = groups.get(entry.set.priority);
    if (group) group.push(entry);
    else groups.set(entry.set.priority, [entry]);
  }
  const priorities = [...groups.keys()].sort((a, b) => a - b);
  const steps: FoldStep[] = [];
  /** The step whose merge is kept: the one below the top group. */
  const below = priorities.length - 2;
  let merged: CmdSet | null = null;
  let reusable = previous !== null;
  for (let i = 0; i < priorities.length; i++) {
    const priority = priorities[i]!;
    const group = groups.get(priority)!;
    const before = reusable ? previous![i] : undefined;
    if (before && before.priority === priority && sameStack(before.stamps, group)) {
      merged = before.merged;
      steps.push(i === below || before.merged === null ? before : { ...before, merged: null });
      continue;
    }
    // the groups so far are as before, but the merge of them was not kept: start again
    if (reusable && i > 0 && merged === null) return foldStack(list, null);
    reusable = false;
    const { set, duplicates } = mergeGroup(group);
    merged = merged === null ? set : mergeCmdSets(merged, set, { lowerDuplicates: null, duplicates });
    steps.push({ priority, stamps: group.map(stampOf), merged: i === below ? merged : null });
  }
  // every group as before (only the gathering order differed): merge afresh, so the result is a set of its own
  if (reusable) return foldStack(list, null);
  let result = merged!;
  if (result === list[0]!.set && list.length === 1) {
    // a lone set is used as it is; give callers a set of their own to keep
    result = result.duplicate();
    result.commands = [...list[0]!.set.commands];
    result.systemCommands = [...list[0]!.set.systemCommands];
  }
  result.mergedFrom = list.map((e) => e.set);
  return { merged: result, steps };
}

/** Merge the entries of one priority among themselves, in gathering order; with the `duplicates` the group merges on with. */
function mergeGroup(group: readonly StackEntry[]): { set: CmdSet; duplicates: boolean | null } {
  let set = group[0]!.set;
  let duplicates = duplicatesOf(group[0]!);
  for (let i = 1; i < group.length; i++) {
    set = mergeCmdSets(set, group[i]!.set, { lowerDuplicates: duplicates, duplicates: duplicatesOf(group[i]!) });
    duplicates = null;
  }
  return { set, duplicates };
}

/** Merge sets in ascending priority (a convenience for tests and game code). */
export function mergeAll(sets: readonly CmdSet[]): CmdSet {
  return mergeStack(sets);
}

/** Counters of a {@link MergeCache}. */
export interface MergeCacheStats {
  hits: number;
  misses: number;
  size: number;
}

/** What one stack entry was when a stack was merged: the set, its version, priority and `duplicates` as merged. */
interface EntryStamp {
  readonly set: CmdSet;
  readonly version: number;
  readonly priority: number;
  readonly duplicates: boolean | null;
}

/** Merged stacks kept per bottom set by default (see {@link MergeCache}). */
export const DEFAULT_MERGES_PER_BOTTOM = 4;

/** The last stack merged with a given bottom set, and its result. */
interface LastMerge {
  readonly stamps: readonly EntryStamp[];
  readonly merged: CmdSet;
  /** The steps of the last fold made for this bottom set (null before the first). */
  readonly steps: readonly FoldStep[] | null;
}

function duplicatesOf(e: StackEntry): boolean | null {
  return e.duplicates !== undefined ? e.duplicates : e.set.duplicates;
}

function stampOf(e: StackEntry): EntryStamp {
  return { set: e.set, version: e.set.version, priority: e.set.priority, duplicates: duplicatesOf(e) };
}

function sameStack(stamps: readonly EntryStamp[], entries: readonly StackEntry[]): boolean {
  if (stamps.length !== entries.length) return false;
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    const s = stamps[i]!;
    if (e.set !== s.set || e.set.version !== s.version || e.set.priority !== s.priority || duplicatesOf(e) !== s.duplicates) return false;
  }
  return true;
}

/**
 * Merged cmdsets by the sets that made them (least recently used dropped first).
 *
 * A player typing one command after another mostly stands in the same place with the
 * same sets, so before building the key of a stack the cache compares it with the
 * last stack merged on the same bottom set (the session's own, usually): when every
 * set, version, priority and `duplicates` is the same, that merge is the answer.
 *
 * Every key holds the bottom set's identity, so an entry serves only stacks on that
 * bottom set; each bottom set keeps at most `perBottom` entries (its most recent),
 * and older ones are dropped from the cache even when it has room. Without that bound
 * a player walking through new rooms, or a builder whose room's exit set is rebuilt
 * with every exit dug, filled the whole cache (`maxSize`) with merged sets of
 * situations gone for good — each with its parser index, tens of KiB — and the
 * server's heap grew for as long as the game ran. Entries of a bottom set that is
 * gone (a session that ended) stay until the least recently used are dropped.
 */
export class MergeCache {
  private readonly entries = new Map<string, CmdSet>();
  /** The last stack seen on each bottom set. */
  private lastByBottom = new WeakMap<CmdSet, LastMerge>();
  /** The keys cached for each bottom set, most recent first (at most `perBottom`). */
  private keysByBottom = new WeakMap<CmdSet, string[]>();
  private hits = 0;
  private misses = 0;

  /**
   * @param maxSize entries in all.
   * @param perBottom entries per bottom set (the situations a player was in last).
   */
  constructor(
    private readonly maxSize = 1000,
    private readonly perBottom = DEFAULT_MERGES_PER_BOTTOM,
  ) {}

  /** The key for a stack: each set's identity, version, priority and `duplicates` as merged. */
  static keyOf(entries: readonly StackEntry[]): string {
    let key = "";
    for (const e of entries) {
      const dup = duplicatesOf(e);
      key += `${e.set.uid}.${e.set.version}.${e.set.priority}.${dup === null ? "n" : dup ? "t" : "f"}|`;
    }
    return key;
  }

  /** The merged set for `entries`, merging (and remembering) on a miss. */
  merged(entries: readonly StackEntry[]): CmdSet {
    const bottom = entries[0]?.set;
    const last = bottom ? this.lastByBottom.get(bottom) : undefined;
    if (last && sameStack(last.stamps, entries)) {
      this.hits++;
      return last.merged;
    }
    const previous = last?.steps ?? null;
    const { merged, steps } = this.lookUp(entries, bottom, previous);
    // a fold found in the cache keeps the last steps known: each step is checked before it is reused
    if (bottom) this.lastByBottom.set(bottom, { stamps: entries.map(stampOf), merged, steps: steps ?? previous });
    return merged;
  }

  /**
   * Forget the merges made for `bottom` (its session is gone: only it could hit them).
   * Without this they stayed until the least recently used of the cache, each holding a
   * gone player's character and account through its commands' `obj`.
   */
  forget(bottom: CmdSet): void {
    for (const key of this.keysByBottom.get(bottom) ?? []) this.entries.delete(key);
    this.keysByBottom.delete(bottom);
    this.lastByBottom.delete(bottom);
  }

  /** Forget everything. */
  clear(): void {
    this.entries.clear();
    this.lastByBottom = new WeakMap();
    this.keysByBottom = new WeakMap();
  }

  /** Hit and miss counts. */
  stats(): MergeCacheStats {
    return { hits: this.hits, misses: this.misses, size: this.entries.size };
  }

  /** The merged set for `entries` from the cache, or merged (starting from the steps of `previous`, the bottom set's last fold) and cached. */
  private lookUp(entries: readonly StackEntry[], bottom: CmdSet | undefined, previous: readonly FoldStep[] | null): { merged: CmdSet; steps: readonly FoldStep[] | null } {
    const key = MergeCache.keyOf(entries);
    const hit = this.entries.get(key);
    if (hit) {
      this.hits++;
      this.entries.delete(key);
      this.entries.set(key, hit);
      if (bottom) this.remember(bottom, key);
      return { merged: hit, steps: null };
    }
    this.misses++;
    const { merged, steps } = foldStack(entries, previous);
    this.entries.set(key, merged);
    if (bottom) this.remember(bottom, key);
    if (this.entries.size > this.maxSize) this.entries.delete(this.entries.keys().next().value!);
    return { merged, steps };
  }

  /** Put `key` first among `bottom`'s keys, dropping the entries of its oldest beyond `perBottom`. */
  private remember(bottom: CmdSet, key: string): void {
    let keys = this.keysByBottom.get(bottom);
    if (!keys) {
      keys = [];
      this.keysByBottom.set(bottom, keys);
    }
    const at = keys.indexOf(key);
    if (at === 0) return;
    if (at > 0) keys.splice(at, 1);
    keys.unshift(key);
    while (keys.length > this.perBottom) this.entries.delete(keys.pop()!);
  }
}
