/**
 * The parser's index of a cmdset: which commands have a name that starts a typed
 * line, found among the names that begin with the line's first character (kept
 * together, shortest first) instead of testing every name of every command.
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
 *
 * Memory: an index lives as long as its set, and every merged set in the merge cache
 * has one, so it is kept small: one `Map` from first character to names. (It was a
 * trie of one `Map` per character, 100+ KiB for the default character set, and the
 * merge cache's sets made most of a server's heap growth.)
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

/** The names by their first character (code), each list shortest first, in the set's order within a length. */
type NameTable = Map<number, IndexedName[]>;

/** Strip leading characters of `prefixes` (a lone character is left alone), as the parser does. */
export function stripPrefixes(text: string, prefixes: string): string {
  if (!prefixes || text.length <= 1) return text;
  let i = 0;
  while (i < text.length && prefixes.includes(text[i]!)) i++;
  return text.slice(i);
}

/** The name trie of one cmdset (see the module comment). */
export class CommandIndex {
  /** The commands indexed, in the set's order (a copy: the set's array can change in place). */
  private readonly indexed: readonly Command[];
  private readonly raw: NameTable;
  /** The names with ignored prefixes stripped, by the prefix characters (the parser uses one). */
  private stripped: { prefixes: string; table: NameTable } | null = null;

  constructor(
    private readonly commands: readonly Command[],
    private readonly version: number,
  ) {
    this.indexed = [...commands];
    this.raw = this.build((name) => name);
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
    const names = table.get(search.charCodeAt(0));
    if (names) for (const entry of names) if (search.startsWith(entry.name)) out.push(entry);
    return out;
  }

  private strippedTable(prefixes: string): NameTable {
    if (this.stripped?.prefixes !== prefixes) this.stripped = { prefixes, table: this.build((name) => stripPrefixes(name, prefixes)) };
    return this.stripped.table;
  }

  private build(nameOf: (rawName: string) => string): NameTable {
    const table: NameTable = new Map();
    this.indexed.forEach((cmd, position) => {
      cmd.names.forEach((rawName, order) => {
        const name = nameOf(rawName);
        if (!name) return;
        const entry: IndexedName = { position, order, rawName, name };
        const first = name.charCodeAt(0);
        const names = table.get(first);
        if (names) names.push(entry);
        else table.set(first, [entry]);
      });
    });
    // shortest first; sort is stable, so the set's order stays within a length
    for (const names of table.values()) names.sort((a, b) => a.name.length - b.name.length);
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
