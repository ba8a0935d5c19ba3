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
    creationNames.set(this, { commands: this.commands, copy: [], names: new Set() });
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
    if (!allowDuplicates && !this.surelyNewWhileCreating(cmd)) this.commands = this.commands.filter((c) => !c.sameAs(cmd));
    this.commands.push(cmd);
    this.noteAddedWhileCreating(cmd);
    if (cmd.key.startsWith("__")) {
      if (!allowDuplicates) this.systemCommands = this.systemCommands.filter((c) => !c.sameAs(cmd));
      this.systemCommands.push(cmd);
    }
  }

  /**
   * True when `atCmdsetCreation` is running and no command of the set has a name of
   * `cmd`: then adding it replaces nothing, and the set is not compared command by
   * command with it. False when unsure.
   */
  private surelyNewWhileCreating(cmd: Command): boolean {
    const record = creationNames.get(this);
    if (!record) return false;
    if (!holdsTheSame(record, this.commands)) {
      // changed some other way (a replacing add, the array assigned or edited): read the names again
      record.commands = this.commands;
      record.copy = [...this.commands];
      record.names = new Set(this.commands.flatMap((c) => c.names));
    }
    for (const name of cmd.names) if (record.names.has(name)) return false;
    return true;
  }

  /** Keep the creation-time names in step with `cmd`, just pushed onto the commands. */
  private noteAddedWhileCreating(cmd: Command): void {
    const record = creationNames.get(this);
    if (!record) return;
    if (record.commands === this.commands && record.copy.length === this.commands.length - 1) {
      record.copy.push(cmd);
      for (const name of cmd.names) record.names.add(name);
    } else {
      record.commands = null;
    }
  }
}

/**
 * While a set's `atCmdsetCreation` runs, the names of the commands it holds: sets add
 * their commands one at a time (`this.add(CmdLook).add(CmdSay)...`), and each add
 * compared the new command with every one before it — 3,000 comparisons for a
 * character's default set, made again for every character loaded (a reload loads
 * them all at once). Dropped when the hook returns: a set lives on without it.
 */
interface CreationNames {
  /** The commands array the names were read from (null: read them again). */
  commands: Command[] | null;
  /** Its commands when they were read, to notice an array edited in place. */
  copy: Command[];
  names: Set<string>;
}

const creationNames = new WeakMap<CmdSet, CreationNames>();

function holdsTheSame(record: CreationNames, commands: readonly Command[]): boolean {
  const copy = record.copy;
  if (record.commands !== commands || copy.length !== commands.length) return false;
  for (let i = 0; i < copy.length; i++) if (copy[i] !== commands[i]) return false;
  return true;
}

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
