/**
 * The parser's index of a cmdset: which commands have a name that starts a typed
 * line, found by looking up the line's prefixes of each name length in a map of the
 * commands' names instead of testing every name of every command. The maps are shared
 * between sets whose commands have the same names (see `sharedTable`).
 *
 * One index is kept per cmdset, built the second time the set is matched against
 * (the merged sets the handler uses live in the merge cache, so their index is built
 * once per merge, while a set merged for one line is simply scanned). Before each
 * use it is checked against the set — its version, and the same command objects in
 * the same order — and rebuilt when anything differs.
 *
 * A command's names are read when the index is built, as Evennia reads them when a
 * command is made or `set_key`/`set_aliases` is called: to rename a command that is
 * already in a cmdset, add it to its set again (`set.add(cmd)`), which changes the
 * set's version — and so the merged sets made from it — and the index follows.
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

function buildTable(commands: readonly Command[], nameOf: (rawName: string) => string): NameTable {
  const byName = new Map<string, IndexedName[]>();
  commands.forEach((cmd, position) => {
    cmd.names.forEach((rawName, order) => {
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

function sharedTable(commands: readonly Command[], prefixes: string | undefined): NameTable {
  const signature = `${prefixes ?? "\u0000"}\u0001${commands.map((cmd) => cmd.names.join("\u0002")).join("\u0003")}`;
  const known = sharedTables.get(signature)?.deref();
  if (known) return known;
  const table = buildTable(commands, prefixes === undefined ? (name) => name : (name) => stripPrefixes(name, prefixes));
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

/** The name index of one cmdset (see the module comment). */
export class CommandIndex {
  /** The commands indexed, in the set's order (a copy: the set's array can change in place). */
  private readonly indexed: readonly Command[];
  private readonly raw: NameTable;
  /** Tables of the names with ignored prefixes stripped, by the prefix characters. */
  private readonly stripped = new Map<string, NameTable>();

  constructor(
    private readonly commands: readonly Command[],
    private readonly version: number,
  ) {
    this.indexed = [...commands];
    this.raw = sharedTable(this.indexed, undefined);
  }

  /** True while the set has the version and the very commands (same objects, same order) indexed. */
  fits(commands: readonly Command[], version: number): boolean {
    const indexed = this.indexed;
    if (commands !== this.commands || version !== this.version || commands.length !== indexed.length) return false;
    // identities only: reading each command's own fields would cost more than the index saves
    for (let i = 0; i < indexed.length; i++) if (commands[i] !== indexed[i]) return false;
    return true;
  }

  /**
   * The names that `search` (lower-case) starts with: with `prefixes` undefined as the
   * commands have them, else with those prefix characters stripped from the names.
   * Shortest first; several names of one command can be among them.
   */
  namesStarting(search: string, prefixes?: string): IndexedName[] {
    const table = prefixes === undefined ? this.raw : this.strippedTable(prefixes);
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
      table = sharedTable(this.indexed, prefixes);
      this.stripped.set(prefixes, table);
    }
    return table;
  }
}

/** Per cmdset: its index, or `SEEN_ONCE` while it has been matched against only once. */
const indexes = new WeakMap<CmdSet, CommandIndex | typeof SEEN_ONCE>();
const SEEN_ONCE = "seen once";

/**
 * The index of `cmdset`'s commands as they are now (built, or rebuilt, when needed),
 * or null the first time a set is asked about: a set merged for one line only (the
 * merge cache off or missed) is cheaper to scan once than to index.
 */
export function commandIndexOf(cmdset: CmdSet): CommandIndex | null {
  const commands = cmdset.commands;
  const known = indexes.get(cmdset);
  if (known === undefined) {
    indexes.set(cmdset, SEEN_ONCE);
    return null;
  }
  if (known !== SEEN_ONCE && known.fits(commands, cmdset.version)) return known;
  const index = new CommandIndex(commands, cmdset.version);
  indexes.set(cmdset, index);
  return index;
}
