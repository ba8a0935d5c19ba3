/**
 * The parser's index of a cmdset: which commands have a name that starts a typed
 * line, found by walking the line's first characters through a trie of the
 * commands' names instead of testing every name of every command.
 *
 * One index is kept per cmdset (the merged sets the handler matches against live
 * in the merge cache, so their index is built once per merge). It is checked
 * against the set before each use — the same command objects in the same order,
 * each with the key and aliases array it was indexed with (what `Command.names`
 * checks) — and rebuilt when anything differs, so a set changed in place, or a
 * command given a new key or alias list, is matched by its new names at once.
 */
import type { CmdSet } from "./cmdset.ts";
import type { Command } from "./command.ts";

/** One name of one command, as the trie holds it. */
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

interface TrieNode {
  children: Map<number, TrieNode> | null;
  /** Names ending here. */
  names: IndexedName[] | null;
}

/** What a command looked like when it was indexed. */
interface Stamp {
  readonly cmd: Command;
  readonly key: string;
  readonly aliases: string[];
  readonly aliasCount: number;
}

function newNode(): TrieNode {
  return { children: null, names: null };
}

function insert(root: TrieNode, entry: IndexedName): void {
  let node = root;
  const name = entry.name;
  for (let i = 0; i < name.length; i++) {
    const code = name.charCodeAt(i);
    node.children ??= new Map();
    let next = node.children.get(code);
    if (!next) {
      next = newNode();
      node.children.set(code, next);
    }
    node = next;
  }
  (node.names ??= []).push(entry);
}

/** Strip leading characters of `prefixes` (a lone character is left alone), as the parser does. */
export function stripPrefixes(text: string, prefixes: string): string {
  if (!prefixes || text.length <= 1) return text;
  let i = 0;
  while (i < text.length && prefixes.includes(text[i]!)) i++;
  return text.slice(i);
}

/** The name trie of one cmdset (see the module comment). */
export class CommandIndex {
  private readonly stamps: Stamp[];
  private readonly raw: TrieNode;
  /** Tries of the names with ignored prefixes stripped, by the prefix characters. */
  private readonly stripped = new Map<string, TrieNode>();

  constructor(private readonly commands: readonly Command[]) {
    this.stamps = commands.map((cmd) => ({ cmd, key: cmd.key, aliases: cmd.aliases, aliasCount: cmd.aliases.length }));
    this.raw = this.build((name) => name);
  }

  /** True while the set's commands are the ones indexed, with the names they were indexed by. */
  fits(commands: readonly Command[]): boolean {
    if (commands !== this.commands || commands.length !== this.stamps.length) return false;
    for (let i = 0; i < commands.length; i++) {
      const cmd = commands[i]!;
      const stamp = this.stamps[i]!;
      if (cmd !== stamp.cmd || cmd.key !== stamp.key || cmd.aliases !== stamp.aliases || cmd.aliases.length !== stamp.aliasCount) return false;
    }
    return true;
  }

  /**
   * The names that `search` (lower-case) starts with: with `prefixes` undefined as the
   * commands have them, else with those prefix characters stripped from the names.
   * Shortest first; several names of one command can be among them.
   */
  namesStarting(search: string, prefixes?: string): IndexedName[] {
    let node: TrieNode | undefined = prefixes === undefined ? this.raw : this.strippedTrie(prefixes);
    const out: IndexedName[] = [];
    for (let i = 0; node; i++) {
      if (node.names && i > 0) for (const entry of node.names) out.push(entry);
      if (i === search.length || !node.children) break;
      node = node.children.get(search.charCodeAt(i));
    }
    return out;
  }

  private strippedTrie(prefixes: string): TrieNode {
    let trie = this.stripped.get(prefixes);
    if (!trie) {
      trie = this.build((name) => stripPrefixes(name, prefixes));
      this.stripped.set(prefixes, trie);
    }
    return trie;
  }

  private build(nameOf: (rawName: string) => string): TrieNode {
    const root = newNode();
    this.commands.forEach((cmd, position) => {
      cmd.names.forEach((rawName, order) => {
        const name = nameOf(rawName);
        if (name) insert(root, { position, order, rawName, name });
      });
    });
    return root;
  }
}

const indexes = new WeakMap<CmdSet, CommandIndex>();

/** The index of `cmdset`'s commands as they are now (built, or rebuilt, when needed). */
export function commandIndexOf(cmdset: CmdSet): CommandIndex {
  const commands = cmdset.commands;
  let index = indexes.get(cmdset);
  if (!index || !index.fits(commands)) {
    index = new CommandIndex(commands);
    indexes.set(cmdset, index);
  }
  return index;
}
