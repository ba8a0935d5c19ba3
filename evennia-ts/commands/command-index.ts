/**
 * The names of a cmdset's commands, kept with the set: each command's `names` read
 * once per version of the set, and the parser's index of them. Merging reads a set's
 * names from here (a walker's every move merges the new room's exits onto the merge of
 * its own sets: each command asked for its names was a lookup through its prototype),
 * and the parser finds which commands have a name that starts a typed line by looking
 * up the line's prefixes of each name length in a map of the names instead of testing
 * every name of every command. The maps are shared between sets whose commands have
 * the same names (see `sharedTable`).
 *
 * One record is kept per cmdset. The parser scans a set the first time it matches a
 * line against it and uses the map from the second time on — at once when another set
 * with the same names made the map already (the players in one room with the same sets
 * share it). Before each use the record is checked against the set — its version, and
 * the same command objects in the same order — and made again when anything differs.
 *
 * A command's names are read when the record is made, as Evennia reads them when a
 * command is made or `set_key`/`set_aliases` is called: to rename a command that is
 * already in a cmdset, add it to its set again (`set.add(cmd)`), which changes the
 * set's version — and so the merged sets made from it — and the record follows.
 */
import type { CmdSet } from "./cmdset.ts";
import type { Command } from "./command.ts";

/** One name of one command, as the index holds it. */
export interface IndexedName {
  /** Position of the command in the set's `commands`. */
  readonly position: number;
  /** Position of the name in the command's `names` (longest first). */
  readonly order: number;
  /** The name as the command has it, lower-case (`@reload`). */
  readonly rawName: string;
  /** The name as matched against the line (`reload` when ignored prefixes are stripped). */
  readonly name: string;
}

/**
 * The names of a list of commands, by name, with the distinct name lengths: a line's
 * candidate names are its prefixes of those lengths, one map lookup each.
 */
interface NameTable {
  readonly byName: ReadonlyMap<string, readonly IndexedName[]>;
  /** The distinct lengths of the names, ascending. */
  readonly lengths: readonly number[];
}

function buildTable(names: readonly (readonly string[])[], nameOf: (rawName: string) => string): NameTable {
  const byName = new Map<string, IndexedName[]>();
  names.forEach((own, position) => {
    own.forEach((rawName, order) => {
      const name = nameOf(rawName);
      if (!name) return;
      const list = byName.get(name);
      const entry: IndexedName = Object.freeze({ position, order, rawName, name });
      if (list) list.push(entry);
      else byName.set(name, [entry]);
    });
  });
  const lengths = [...new Set([...byName.keys()].map((n) => n.length))].sort((x, y) => x - y);
  return { byName, lengths };
}

/**
 * Tables shared by every set whose commands have the same names in the same order
 * (each character's default cmdset has its own command objects, with the same names):
 * a thousand characters share one table instead of holding one each.
 *
 * Held weakly: a table lives as long as an index uses it (the indexes live with their
 * merged sets, in the handler's merge cache), and its entry here goes with it. Names
 * change with every exit dug where players stand (each new combination of a room's
 * exits is a new table, 20–30 KiB); a least-recently-used list of 256 strong entries
 * kept the tables of situations long gone, and grew a builder's server by megabytes.
 */
const sharedTables = new Map<string, WeakRef<NameTable>>();
const forgetTable = new FinalizationRegistry<{ signature: string; ref: WeakRef<NameTable> }>(({ signature, ref }) => {
  // the entry may already hold a newer table of the same signature
  if (sharedTables.get(signature) === ref) sharedTables.delete(signature);
});

/** One command's names as one string, by its names array (commands made from one class share the array). */
const joinedNames = new WeakMap<readonly string[], string>();

function joinedOf(names: readonly string[]): string {
  let joined = joinedNames.get(names);
  if (joined === undefined) {
    joined = names.join("\u0002");
    joinedNames.set(names, joined);
  }
  return joined;
}

/** The key of the shared table of `names` matched with `prefixes` stripped (undefined: as they are). */
function signatureOf(names: readonly (readonly string[])[], prefixes: string | undefined): string {
  let signature = `${prefixes ?? "\u0000"}\u0001`;
  for (let i = 0; i < names.length; i++) signature += (i === 0 ? "" : "\u0003") + joinedOf(names[i]!);
  return signature;
}

function sharedTable(names: readonly (readonly string[])[], prefixes: string | undefined, signature = signatureOf(names, prefixes)): NameTable {
  const known = sharedTables.get(signature)?.deref();
  if (known) return known;
  const table = buildTable(names, prefixes === undefined ? (name) => name : (name) => stripPrefixes(name, prefixes));
  const ref = new WeakRef(table);
  sharedTables.set(signature, ref);
  forgetTable.register(table, { signature, ref });
  return table;
}

/** How many name tables are shared now (for tests). */
export function sharedNameTableCount(): number {
  return sharedTables.size;
}

/** Strip leading characters of `prefixes` (a lone character is left alone), as the parser does. */
export function stripPrefixes(text: string, prefixes: string): string {
  if (!prefixes || text.length <= 1) return text;
  let i = 0;
  while (i < text.length && prefixes.includes(text[i]!)) i++;
  return text.slice(i);
}

/** The names of one cmdset's commands, and its index (see the module comment). */
export class CommandIndex {
  /** The commands indexed, in the set's order (a copy: the set's array can change in place). */
  private readonly indexed: readonly Command[];
  /** Each command's names, in the set's order (the command's own `names` array). */
  readonly names: readonly (readonly string[])[];
  /** The table of the names as they are (made when first matched through). */
  private raw: NameTable | null = null;
  /** Tables of the names with ignored prefixes stripped, by the prefix characters. */
  private readonly stripped = new Map<string, NameTable>();
  /** Every name of every command (made when first asked for). */
  private every: ReadonlySet<string> | null = null;
  /** Times the parser asked for this record. */
  private matched = 0;

  /**
   * @param commands the set's `commands` array.
   * @param version the set's version.
   * @param names each command's names, when the caller has them (a merge does); read from the commands otherwise.
   */
  constructor(
    private readonly commands: readonly Command[],
    private readonly version: number,
    names?: readonly (readonly string[])[],
  ) {
    this.indexed = [...commands];
    this.names = names ?? commands.map((cmd) => cmd.names);
  }

  /** True while the set has the version and the very commands (same objects, same order) indexed. */
  fits(commands: readonly Command[], version: number): boolean {
    const indexed = this.indexed;
    if (commands !== this.commands || version !== this.version || commands.length !== indexed.length) return false;
    // identities only: reading each command's own fields would cost more than the index saves
    for (let i = 0; i < indexed.length; i++) if (commands[i] !== indexed[i]) return false;
    return true;
  }

  /** Every name of every command (for merging: which commands of a lower set this one's names hide). */
  allNames(): ReadonlySet<string> {
    if (!this.every) {
      const every = new Set<string>();
      for (const own of this.names) for (const name of own) every.add(name);
      this.every = every;
    }
    return this.every;
  }

  /** True when a command's name starts with `__` (a system command among the set's commands). */
  hasSystemNames(): boolean {
    for (const own of this.names) for (const name of own) if (name.startsWith("__")) return true;
    return false;
  }

  /**
   * Should the parser match through the table this time? Not the first time a set is
   * matched against (a set merged for one line is cheaper to scan once than to index),
   * unless a set with the same names made the table already.
   */
  useTable(): boolean {
    if (this.raw) return true;
    if (++this.matched > 1) return true;
    const known = sharedTables.get(signatureOf(this.names, undefined))?.deref();
    if (known) this.raw = known;
    return known !== undefined;
  }

  /**
   * The names that `search` (lower-case) starts with: with `prefixes` undefined as the
   * commands have them, else with those prefix characters stripped from the names.
   * Shortest first; several names of one command can be among them.
   */
  namesStarting(search: string, prefixes?: string): IndexedName[] {
    const table = prefixes === undefined ? (this.raw ??= sharedTable(this.names, undefined)) : this.strippedTable(prefixes);
    const out: IndexedName[] = [];
    for (const length of table.lengths) {
      if (length > search.length) break;
      const found = table.byName.get(length === search.length ? search : search.slice(0, length));
      if (found) for (const entry of found) out.push(entry);
    }
    return out;
  }

  private strippedTable(prefixes: string): NameTable {
    let table = this.stripped.get(prefixes);
    if (!table) {
      table = sharedTable(this.names, prefixes);
      this.stripped.set(prefixes, table);
    }
    return table;
  }
}

/** Per cmdset: the record of its commands' names. */
const indexes = new WeakMap<CmdSet, CommandIndex>();

/** The record of `cmdset`'s commands as they are now (made, or made again, when needed). */
export function commandIndexOf(cmdset: CmdSet): CommandIndex {
  const commands = cmdset.commands;
  const known = indexes.get(cmdset);
  if (known?.fits(commands, cmdset.version)) return known;
  const index = new CommandIndex(commands, cmdset.version);
  indexes.set(cmdset, index);
  return index;
}

/**
 * Give `cmdset` a record made from names the caller already has: `names[i]` must be
 * `cmdset.commands[i].names` (a merge builds its result from the records of the sets
 * merged).
 */
export function rememberCommandNames(cmdset: CmdSet, names: readonly (readonly string[])[]): void {
  indexes.set(cmdset, new CommandIndex(cmdset.commands, cmdset.version, names));
}
