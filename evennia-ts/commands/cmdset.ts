/**
 * `CmdSet`: a set of commands with a priority and a merge type. The command
 * handler merges the sets that apply to a player (session, account, puppet,
 * room...) into one, Evennia's way:
 *
 * - `Union`: everything from both; on a name clash the higher priority wins.
 * - `Intersect`: only commands in both; the higher priority's version.
 * - `Replace`: the higher-priority set replaces the lower entirely.
 * - `Remove`: the higher set's commands are removed from the lower.
 */
import type { Command } from "./command.ts";

/** How a set merges onto a lower-priority one. */
export type MergeType = "Union" | "Intersect" | "Replace" | "Remove";

/** A command class the set instantiates fresh for every use. */
export type CommandClass = new () => Command;

/** A set of commands. */
export class CmdSet {
  /** Name of the set. */
  key = "cmdset";
  /** Higher merges on top of lower. */
  priority = 0;
  /** How this set merges onto a lower-priority one. */
  mergeType: MergeType = "Union";
  private readonly commands = new Map<string, CommandClass>();

  constructor() {
    this.atCmdsetCreation();
  }

  /** Hook: add commands here in subclasses. */
  atCmdsetCreation(): void {}

  /** Add a command class (replacing one with the same key). */
  add(cls: CommandClass): this {
    const probe = new cls();
    this.commands.set(probe.key.toLowerCase(), cls);
    return this;
  }

  /** Remove a command by key. */
  remove(key: string): this {
    this.commands.delete(key.toLowerCase());
    return this;
  }

  /** Command classes by key. */
  entries(): [string, CommandClass][] {
    return [...this.commands.entries()];
  }

  /** The command class with `key`, if any. */
  get(key: string): CommandClass | undefined {
    return this.commands.get(key.toLowerCase());
  }

  /** Number of commands. */
  get size(): number {
    return this.commands.size;
  }
}

/** Merge `higher` onto `lower` as `mergeType` (default `higher.mergeType`) says; returns a new set. */
export function mergeCmdSets(lower: CmdSet, higher: CmdSet, mergeType: MergeType = higher.mergeType): CmdSet {
  const out = new CmdSet();
  out.key = `${lower.key}+${higher.key}`;
  out.priority = Math.max(lower.priority, higher.priority);
  switch (mergeType) {
    case "Union":
      for (const [, cls] of lower.entries()) out.add(cls);
      for (const [, cls] of higher.entries()) out.add(cls);
      break;
    case "Intersect":
      for (const [key, cls] of higher.entries()) if (lower.get(key)) out.add(cls);
      break;
    case "Replace":
      for (const [, cls] of higher.entries()) out.add(cls);
      break;
    case "Remove":
      for (const [key, cls] of lower.entries()) if (!higher.get(key)) out.add(cls);
      break;
  }
  return out;
}

/** Merge many sets in ascending priority (stable for equal priorities). */
export function mergeAll(sets: CmdSet[]): CmdSet {
  const sorted = [...sets].sort((a, b) => a.priority - b.priority);
  let merged = new CmdSet();
  merged.key = "empty";
  sorted.forEach((set, i) => {
    // the lowest set's own merge type has nothing to merge onto
    merged = mergeCmdSets(merged, set, i === 0 ? "Union" : set.mergeType);
  });
  return merged;
}
