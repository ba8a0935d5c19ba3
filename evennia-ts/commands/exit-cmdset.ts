/**
 * The exit cmdset: each exit in a room is a command named by its key and aliases
 * (`north`, `n`), so typing it walks through. The set is built from the room's
 * exits in memory (no query), cached per room, and rebuilt when the exits change
 * (added, removed, renamed, re-aliased or re-pointed). It has Evennia's exit
 * priority (101), so an exit named like a command wins in its room.
 *
 * {@link DirectionFallbackCmdSet} answers "You can't go that way." for words that
 * look like directions but match no exit (priority below every default set).
 */
import { namesEpoch } from "../typeclasses/change-epochs.ts";
import { canAccess } from "../typeclasses/object-access.ts";
import { DefaultExit } from "../typeclasses/exits.ts";
import { DefaultObject } from "../typeclasses/objects.ts";
import { CmdSet, type CommandClass } from "./cmdset.ts";
import { registerLocationCmdSets } from "./cmdset-gather.ts";
import { Command } from "./command.ts";

/** Evennia's priority of exit cmdsets. */
export const EXIT_CMDSET_PRIORITY = 101;

/** Words that look like a direction. */
export const DIRECTION_WORDS = [
  "north", "south", "east", "west", "northeast", "northwest", "southeast", "southwest", "up", "down", "in", "out",
  "n", "s", "e", "w", "ne", "nw", "se", "sw", "u", "d",
] as const;

/** Base of the command each exit becomes. */
export class CmdExit extends Command {
  /** The exit this command walks through. */
  exit!: DefaultObject;
  override helpCategory = "exits";
  override autoHelp = false;

  override async func(): Promise<void> {
    const caller = this.caller;
    const exit = this.exit;
    if (!(caller instanceof DefaultObject) || exit.isDeleted || exit.location !== caller.location) {
      this.msg("You can't go that way.");
      return;
    }
    const destination = exit.destination;
    if (!destination) {
      // the room it led to is gone: the exit goes too
      await exit.delete();
      this.msg(`The ${exit.key} exit led nowhere and has been removed.`);
      return;
    }
    if (!canAccess(exit, caller, "traverse")) {
      const custom = exit.db.err_traverse;
      if (typeof custom === "string" && custom) caller.msg(custom);
      else if (exit instanceof DefaultExit) await exit.atFailedTraverse(caller);
      else caller.msg("You cannot go there.");
      return;
    }
    if (exit instanceof DefaultExit) await exit.atTraverse(caller, destination);
    else await caller.moveTo(destination, { moveType: "traverse", exitObj: exit });
  }
}

/**
 * The command for one exit, answering to `names` (the first is its key): an instance
 * of {@link CmdExit}, as Evennia makes one per exit. (A class per exit gave every
 * exit's commands their own hidden classes in V8 — a dozen per exit dug, kept as
 * long as the exit — and made the parser's reads of command fields megamorphic.)
 */
function exitCommand(exit: DefaultObject, names: string[]): CmdExit {
  // the same command again while the exit answers to the same names: a room's set is
  // rebuilt whenever an exit there is dug or renamed, and the sets before it live on in
  // players' merged sets for a while (each rebuild copied every exit's command: 4.5
  // commands an exit after builders dug 1,700 of them)
  // JSON, not a join: names may hold any character (["a\nb"] is not ["a", "b"])
  const namesKey = JSON.stringify(names);
  const kept = commandOfExit.get(exit);
  if (kept && kept.names === namesKey) return kept.cmd;
  const [key, ...aliases] = names;
  const cmd = new CmdExit();
  cmd.key = key!;
  cmd.aliases = aliases;
  cmd.exit = exit;
  commandOfExit.set(exit, { names: namesKey, cmd });
  return cmd;
}

/** Each exit's last command, with the names it was made for. */
const commandOfExit = new WeakMap<DefaultObject, { names: string; cmd: CmdExit }>();

/** Every name an exit answers to: its key and aliases, lower-case, without repeats. */
function exitNames(exit: DefaultObject): string[] {
  return [...new Set([exit.key, ...exit.aliases.get()].map((n) => n.toLowerCase()))];
}

/**
 * A name several exits of a room share: it walks through none of them but asks which
 * one is meant; each answers to the name numbered (`north-1`, `north-2`).
 */
export class CmdExitChoice extends Command {
  override helpCategory = "exits";
  override autoHelp = false;
  /** The exits that share this command's name, in id order. */
  candidates: DefaultObject[] = [];

  override async func(): Promise<void> {
    const name = this.key;
    const choices = this.candidates.map((exit, i) => `${name}-${i + 1} (to ${exit.destination?.key ?? "nowhere"})`);
    this.msg(`More than one match for '${name}' (please narrow target): ${choices.join(", ")}`);
  }
}

function choiceCommand(name: string, candidates: DefaultObject[]): CmdExitChoice {
  const cmd = new CmdExitChoice();
  cmd.key = name;
  cmd.candidates = candidates;
  return cmd;
}

/** A room's exits as commands. */
export class ExitCmdSet extends CmdSet {
  override key = "ExitCmdSet";
  override priority = EXIT_CMDSET_PRIORITY;
  override mergeType = "Union" as const;
}

/** The sets built for one location, with what they were built from. */
interface CachedSets {
  /** The exits, each with the key, aliases and destination it had. */
  built: readonly BuiltFrom[];
  /** The location's contents version and the world's names epoch when last found valid. */
  contentsVersion: number;
  namesEpoch: number;
  exits: ExitCmdSet | null;
  fallback: CmdSet;
  /** `[exits, fallback]` as the gatherer takes them (made with the sets, not per command). */
  pair: readonly [ExitCmdSet | null, CmdSet];
}

/** What one exit's commands were built from. */
interface BuiltFrom {
  exit: DefaultObject;
  key: string;
  aliasesVersion: number;
  destinationId: number | null;
}

const cache = new WeakMap<DefaultObject, CachedSets>();

function builtFrom(exit: DefaultObject): BuiltFrom {
  return { exit, key: exit.key, aliasesVersion: exit.aliases.version, destinationId: exit._row.destination_id };
}

/** True when `exits` are still those the sets were built from: same objects, keys, aliases and destinations. */
function stillBuiltFrom(built: readonly BuiltFrom[], exits: readonly DefaultObject[]): boolean {
  if (built.length !== exits.length) return false;
  for (let i = 0; i < exits.length; i++) {
    const exit = exits[i]!;
    const was = built[i]!;
    if (exit !== was.exit || exit.key !== was.key || exit._row.destination_id !== was.destinationId || exit.aliases.version !== was.aliasesVersion) {
      return false;
    }
  }
  return true;
}

/**
 * The sets of `location`, from the cache while they still fit: at once when neither its
 * contents nor any name or destination in the world changed since they were last found
 * valid (asked on every command of everyone there); else by comparing its exits one by one
 * (someone walked in: the exits are the same); else built anew.
 */
function setsFor(location: DefaultObject): CachedSets {
  const hit = cache.get(location);
  const version = location.contentsVersion;
  const epoch = namesEpoch();
  if (hit && hit.contentsVersion === version && hit.namesEpoch === epoch) return hit;
  const exits = location.exits;
  if (hit && stillBuiltFrom(hit.built, exits)) {
    hit.contentsVersion = version;
    hit.namesEpoch = epoch;
    return hit;
  }
  let exitSet: ExitCmdSet | null = null;
  const taken = new Set<string>();
  if (exits.length > 0) {
    exitSet = new ExitCmdSet();
    // a name two exits share would silently pick one of them: it asks instead
    const byName = new Map<string, DefaultObject[]>();
    const namesOf = exits.map((exit) => exitNames(exit));
    exits.forEach((exit, i) => {
      for (const name of namesOf[i]!) {
        const list = byName.get(name);
        if (list) list.push(exit);
        else byName.set(name, [exit]);
      }
    });
    // added in one call: a room with hundreds of exits builds its set in linear time
    const commands: Command[] = [];
    exits.forEach((exit, i) => {
      const names = namesOf[i]!;
      const own = names.filter((n) => byName.get(n)!.length === 1);
      const numbered = names.filter((n) => byName.get(n)!.length > 1).map((n) => `${n}-${byName.get(n)!.indexOf(exit) + 1}`);
      commands.push(exitCommand(exit, [...own, ...numbered]));
    });
    for (const [name, candidates] of byName) if (candidates.length > 1) commands.push(choiceCommand(name, candidates));
    exitSet.add(commands);
    for (const name of byName.keys()) taken.add(name);
  }
  const fallback = directionFallback(taken);
  const sets = { built: exits.map(builtFrom), contentsVersion: version, namesEpoch: epoch, exits: exitSet, fallback, pair: [exitSet, fallback] as const };
  cache.set(location, sets);
  return sets;
}

/**
 * The exit cmdset of `location` (built from its exits in memory, cached until they
 * change); null when the location has no exits or its contents are not loaded.
 */
export function exitCmdSetFor(location: DefaultObject | null): ExitCmdSet | null {
  if (!location || location.isDeleted || !location.contentsLoaded) return null;
  return setsFor(location).exits;
}

/**
 * "You can't go that way." commands for the direction words no exit of `location`
 * answers to (all of them when there is no location).
 */
export function directionFallbackFor(location: DefaultObject | null): CmdSet {
  if (!location || location.isDeleted || !location.contentsLoaded) return directionFallback(new Set());
  return setsFor(location).fallback;
}

/** "You can't go that way." for a direction word no exit here answers to. */
export class CmdNoExit extends Command {
  override helpCategory = "exits";
  override autoHelp = false;

  override async func(): Promise<void> {
    this.msg("You can't go that way.");
  }
}

const noExitClasses = new Map<string, CommandClass>(
  DIRECTION_WORDS.map((word) => [
    word,
    class extends CmdNoExit {
      override key = word;
    },
  ]),
);
const fallbackCache = new Map<string, CmdSet>();

/** A set of the direction words not in `taken`, at the lowest priority (every real command wins). */
function directionFallback(taken: Set<string>): CmdSet {
  const words = DIRECTION_WORDS.filter((w) => !taken.has(w));
  const cacheKey = words.join(",");
  let set = fallbackCache.get(cacheKey);
  if (!set) {
    set = new CmdSet();
    set.key = "DirectionFallback";
    set.priority = -100;
    for (const word of words) set.add(noExitClasses.get(word)!);
    fallbackCache.set(cacheKey, set);
  }
  return set;
}

// whoever stands in a room gets its exits as commands (and the direction fallback)
registerLocationCmdSets((location) => {
  if (location.isDeleted || !location.contentsLoaded) return [null, directionFallback(new Set())];
  return setsFor(location).pair;
});
