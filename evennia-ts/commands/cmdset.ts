/**
 * `CmdSet`: a set of commands with a priority and a merge type. The command
 * handler merges the sets that apply to a player (session, account, puppet, what
 * is around it) into one, Evennia's way (see `cmdset-merge.ts`):
 *
 * - `Union`: everything from both; on a name clash the higher priority wins.
 * - `Intersect`: only commands in both; the higher priority's version.
 * - `Replace`: the higher-priority set replaces the lower entirely.
 * - `Remove`: the higher set's commands are removed from the lower.
 *
 * Commands whose key starts with `__` are system commands (no-input, no-match,
 * multi-match): they are kept through every merge, replaced only by same-named
 * system commands.
 */
import { EvenniaError } from "../utils/errors.ts";
import { Command, type CommandSession } from "./command.ts";
import type { DefaultAccount } from "../typeclasses/accounts.ts";
import type { DefaultObject } from "../typeclasses/objects.ts";

/** How a set merges onto a lower-priority one. */
export type MergeType = "Union" | "Intersect" | "Replace" | "Remove";

/** A command class. */
export type CommandClass = new () => Command;

/** What can hold cmdsets: an object, an account or a session. */
export type CmdSetOwner = DefaultObject | DefaultAccount | CommandSession;

/** What {@link CmdSet.add} takes. */
export type CommandLike = CommandClass | Command | CmdSet | (new () => CmdSet) | readonly (CommandClass | Command)[];

let nextUid = 1;

const MERGE_TYPES: readonly MergeType[] = ["Union", "Intersect", "Replace", "Remove"];

/** A set of commands. */
export class CmdSet {
  /** Name of the set (defaults to the class name). */
  key: string;
  /** Higher merges on top of lower. */
  priority = 0;
  /** How this set merges onto a lower-priority one. */
  mergeType: MergeType = "Union";
  /** Merge types for merging onto particular sets, by their key: `{ "DefaultCharacter": "Replace" }`. */
  keyMergetypes: Record<string, MergeType> = {};
  /** True: ignore exits when matching commands; false: include them; null: as the lower sets say. */
  noExits: boolean | null = null;
  /** True: ignore the cmdsets of objects around the caller; null: as the lower sets say. */
  noObjs: boolean | null = null;
  /** True: ignore channel commands; null: as the lower sets say. */
  noChannels: boolean | null = null;
  /**
   * On merging with a set of the same priority: true keeps both sets' same-named
   * commands (a multi-match the player resolves with `1-kick`, `2-kick`). Null
   * (the default) means true for cmdsets on objects around the caller, false
   * otherwise. Not inherited by the merge result.
   */
  duplicates: boolean | null = null;
  /** Kept across reloads (set by the handler). */
  persistent = false;
  /** The path this set was registered under, if any (set by the registry). */
  path = "";
  /** The object, account or session the set is on. */
  cmdsetObj: CmdSetOwner | null = null;
  /** The merge type used to produce this set (for merged sets; diagnosis). */
  actualMergeType: MergeType;
  /** For merged sets: the sets merged into it. */
  mergedFrom: CmdSet[] = [];
  /** Unique per instance, for merge-cache keys. */
  readonly uid = nextUid++;
  /** Changes whenever the commands change, for merge-cache keys. */
  version = 0;
  /** Ordinary commands. */
  commands: Command[] = [];
  /** `__` commands (kept through merges). */
  systemCommands: Command[] = [];

  constructor(cmdsetObj: CmdSetOwner | null = null, key?: string) {
    this.key = key ?? (this.constructor === CmdSet ? "Unnamed CmdSet" : this.constructor.name);
    this.cmdsetObj = cmdsetObj;
    this.actualMergeType = this.mergeType;
    creationNames.set(this, new NamesWhileCreating(this.commands));
    try {
      this.atCmdsetCreation();
    } finally {
      creationNames.delete(this);
    }
  }

  /** Hook: add commands here in subclasses. */
  atCmdsetCreation(): void {}

  /**
   * Add a command (class or instance), several, or every command of another set. A
   * command sharing a name with one already here replaces it.
   */
  add(item: CommandLike, allowDuplicates = false): this {
    const cmds = instantiateAll(item);
    if (!allowDuplicates && cmds.length > 1) this.addMany(cmds);
    else for (const cmd of cmds) this.addOne(cmd, allowDuplicates);
    this.version++;
    return this;
  }

  /** Remove the command named `keyOrCommand` (a key, alias or command). */
  remove(keyOrCommand: string | Command | CommandClass): this {
    const probe = typeof keyOrCommand === "function" ? commandTemplate(keyOrCommand) : keyOrCommand;
    const matches = (c: Command) => (typeof probe === "string" ? c.key.toLowerCase() === probe.toLowerCase() || c.sameAs(probe) : c.sameAs(probe));
    this.commands = this.commands.filter((c) => !matches(c));
    this.systemCommands = this.systemCommands.filter((c) => !matches(c));
    this.version++;
    return this;
  }

  /** The command named `keyOrCommand` (a key, alias or command), if here. */
  get(keyOrCommand: string | Command): Command | undefined {
    if (typeof keyOrCommand === "string") {
      const lower = keyOrCommand.toLowerCase();
      return this.commands.find((c) => c.key.toLowerCase() === lower) ?? this.commands.find((c) => c.sameAs(lower));
    }
    return this.commands.find((c) => c.sameAs(keyOrCommand));
  }

  /** True when a command with a name of `cmd` is here. */
  has(cmd: string | Command): boolean {
    return this.get(cmd) !== undefined;
  }

  /** Number of commands. */
  get size(): number {
    return this.commands.length;
  }

  /** The commands. */
  [Symbol.iterator](): Iterator<Command> {
    return this.commands[Symbol.iterator]();
  }

  /** Every key and alias of the commands `accessor` may use (all, without one). */
  allNames(accessor?: Parameters<Command["access"]>[0]): string[] {
    const out: string[] = [];
    for (const cmd of this.commands) {
      if (accessor !== undefined && !cmd.access(accessor, "cmd")) continue;
      for (const name of cmd.names) if (!name.startsWith("__")) out.push(name);
    }
    return out;
  }

  /**
   * Keep one command per key: the one on `caller` when there is a choice, else the
   * first (Evennia's `make_unique`, used by help).
   */
  makeUnique(caller?: unknown): this {
    const unique = new Map<string, Command>();
    for (const cmd of this.commands) {
      const seen = unique.get(cmd.key);
      if (!seen) unique.set(cmd.key, cmd);
      else if (caller !== undefined && cmd.obj === caller && seen.obj !== caller) unique.set(cmd.key, cmd);
    }
    this.commands = [...unique.values()];
    this.version++;
    return this;
  }

  /** A set with this one's settings and no commands. */
  duplicate(): CmdSet {
    const out = new CmdSet(this.cmdsetObj, this.key);
    out.priority = this.priority;
    out.mergeType = this.mergeType;
    out.keyMergetypes = { ...this.keyMergetypes };
    out.noExits = this.noExits;
    out.noObjs = this.noObjs;
    out.noChannels = this.noChannels;
    out.duplicates = this.duplicates;
    out.persistent = this.persistent;
    out.path = this.path;
    return out;
  }

  toString(): string {
    const flags = (["noExits", "noObjs", "noChannels", "duplicates"] as const)
      .filter((f) => this[f] !== null)
      .map((f) => `${f}:${this[f] ? "T" : "F"}`);
    const names = this.commands.map((c) => c.key).sort();
    return `<CmdSet ${this.key}, ${this.mergeType}, ${this.persistent ? "perm" : "non-perm"}, prio ${this.priority}${flags.length ? ", " + flags.join(", ") : ""}>: ${names.join(", ")}`;
  }

  /**
   * Add several commands at once, each replacing those it shares a name with (as
   * {@link addOne} does one by one), through an index of the names: linear in the
   * commands, where adding them one at a time scans the set each time (a room's
   * hundreds of exits built into one set).
   */
  private addMany(cmds: readonly Command[]): void {
    const all: Command[] = [...this.commands];
    const alive: boolean[] = all.map(() => true);
    const holders = new Map<string, number[]>();
    const index = (cmd: Command, at: number): void => {
      for (const name of cmd.names) {
        const list = holders.get(name);
        if (list) list.push(at);
        else holders.set(name, [at]);
      }
    };
    all.forEach(index);
    for (const cmd of cmds) {
      if (!cmd.obj) cmd.obj = this.cmdsetObj;
      for (const name of cmd.names) for (const at of holders.get(name) ?? []) alive[at] = false;
      alive.push(true);
      index(cmd, all.push(cmd) - 1);
      if (cmd.key.startsWith("__")) {
        this.systemCommands = this.systemCommands.filter((c) => !c.sameAs(cmd));
        this.systemCommands.push(cmd);
      }
    }
    this.commands = all.filter((_, i) => alive[i]);
  }

  private addOne(cmd: Command, allowDuplicates: boolean): void {
    if (!cmd.obj) cmd.obj = this.cmdsetObj;
    const creating = creationNames.get(this);
    if (creating) {
      this.commands = creating.add(this.commands, cmd, allowDuplicates);
    } else {
      if (!allowDuplicates) this.commands = this.commands.filter((c) => !c.sameAs(cmd));
      this.commands.push(cmd);
    }
    if (cmd.key.startsWith("__")) {
      if (!allowDuplicates) this.systemCommands = this.systemCommands.filter((c) => !c.sameAs(cmd));
      this.systemCommands.push(cmd);
    }
  }
}

/**
 * While a set's `atCmdsetCreation` runs, the names of the commands it holds: sets add
 * their commands one at a time (`this.add(CmdLook).add(CmdSay)...`), and each add
 * compared the new command with every one before it — 1,540 comparisons for a
 * character's 56 default commands, made again for every character loaded (a reload
 * loads them all at once). With the names at hand a new command is compared only when
 * one of its names is taken. Dropped when the hook returns: a set lives on without it.
 *
 * A command already in the set is known here by the names it had when it was added, as
 * Evennia knows a command by the match set made at `set_key`/`set_aliases`: renamed in
 * place since, add it again to rename it (as the parser's index asks too). When the
 * commands array was changed some other way (assigned, edited in place, `remove`), the
 * names are read from the commands again.
 */
class NamesWhileCreating {
  /** The commands array as this record last left it. */
  private commands!: Command[];
  /** Its commands, to notice an array edited in place. */
  private copy!: Command[];
  /** Each command's names, parallel to `copy`. */
  private names!: (readonly string[])[];
  /** Every name of every command. */
  private all!: Set<string>;

  constructor(commands: Command[]) {
    this.readAgain(commands);
  }

  /** Add `cmd` to `commands` (the set's array), replacing the commands that share a name with it unless `allowDuplicates`; returns the set's array after. */
  add(commands: Command[], cmd: Command, allowDuplicates: boolean): Command[] {
    if (!this.holds(commands)) this.readAgain(commands);
    const own = cmd.names;
    // the command itself added again (renamed, maybe) leaves its old place too
    if (!allowDuplicates && (own.some((n) => this.all.has(n)) || this.copy.includes(cmd))) {
      const keep: Command[] = [];
      const keepNames: (readonly string[])[] = [];
      this.copy.forEach((c, i) => {
        const theirs = this.names[i]!;
        if (c === cmd || own.some((n) => theirs.includes(n))) return;
        keep.push(c);
        keepNames.push(theirs);
      });
      this.commands = keep;
      this.copy = [...keep];
      this.names = keepNames;
      this.all = new Set(keepNames.flat());
    }
    this.commands.push(cmd);
    this.copy.push(cmd);
    this.names.push(own);
    for (const n of own) this.all.add(n);
    return this.commands;
  }

  /** True while `commands` is the array as this record left it, with the same commands. */
  private holds(commands: readonly Command[]): boolean {
    const copy = this.copy;
    if (commands !== this.commands || copy.length !== commands.length) return false;
    for (let i = 0; i < copy.length; i++) if (copy[i] !== commands[i]) return false;
    return true;
  }

  /** Read the names of `commands` (the set's array) from its commands. */
  private readAgain(commands: Command[]): void {
    this.commands = commands;
    this.copy = [...commands];
    this.names = commands.map((c) => c.names);
    this.all = new Set(this.names.flat());
  }
}

const creationNames = new WeakMap<CmdSet, NamesWhileCreating>();

/** True for a valid merge type name. */
export function isMergeType(value: unknown): value is MergeType {
  return MERGE_TYPES.includes(value as MergeType);
}

/** One instance of each command class, made on first use and shared by every set that adds the class. */
const templates = new WeakMap<CommandClass, Command>();

/**
 * The shared instance of a command class. Its `aliases` array is frozen: to give a
 * command in a set other names, assign a new array (or add an instance of your own).
 */
export function commandTemplate(cls: CommandClass): Command {
  let template = templates.get(cls);
  if (!template) {
    template = new cls();
    Object.freeze(template.aliases);
    void template.names; // cached on the template, so its views read it instead of making their own
    templates.set(cls, template);
  }
  return template;
}

/**
 * What a set holds for a command added by class: a view of the class's shared
 * instance (an object whose prototype it is) that owns only what the set gives it
 * (`obj`). A thousand characters with the default cmdsets then hold a thousand small
 * views of each command, not a thousand copies of its fields, names and arrays
 * (about 60 KiB a character: docs/perf.md). Assigning a field on it changes this
 * set's command only, as before.
 */
function viewOf(cls: CommandClass): Command {
  return Object.create(commandTemplate(cls)) as Command;
}

function instantiateAll(item: CommandLike): Command[] {
  if (item instanceof CmdSet) return [...item.commands];
  if (Array.isArray(item)) return item.flatMap((i: CommandClass | Command) => instantiateAll(i));
  if (item instanceof Command) return [item];
  if (typeof item === "function") {
    if (item.prototype instanceof Command) return [viewOf(item as CommandClass)];
    const made: unknown = new (item as new () => unknown)();
    if (made instanceof CmdSet) return [...made.commands];
    if (made instanceof Command) return [made];
  }
  throw new EvenniaError("EV_ERR_BAD_INPUT", `only commands, command classes and cmdsets can be added to a cmdset (got ${describe(item)})`);
}

function describe(value: unknown): string {
  if (typeof value === "function") return `class ${value.name}`;
  return typeof value;
}
