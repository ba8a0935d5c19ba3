/**
 * `copy`: duplicate an object with its attributes, tags, locks and permissions
 * (Evennia's `ObjectDB.objects.copy_object`), or make a clean one with /reset.
 */
import { createObject } from "../../../typeclasses/create.ts";
import type { DefaultObject } from "../../../typeclasses/objects.ts";
import { findTypeclass, type TypeclassConstructor } from "../../../typeclasses/registry.ts";
import { ObjManipCommand } from "./obj-manip-command.ts";
import { objectNameProblem } from "./object-spec.ts";

/** Options of {@link copyObject}. */
export interface CopyObjectOptions {
  /** The copy's key (default: the original's). */
  key?: string;
  /** Where the copy goes (default: where the original is). */
  location?: DefaultObject | null;
  /** The copy's aliases (default: the original's). */
  aliases?: string[];
  /**
   * A clean copy: same typeclass, key, aliases, location, home and destination,
   * but the attributes, tags, locks and permissions of a newly created object.
   */
  reset?: boolean;
}

/** What {@link copyObject} made, and the lock definitions it could not carry over. */
export interface CopyResult {
  copy: DefaultObject;
  /** Definitions of the original's locks that no longer parse (left out of the copy). */
  skippedLocks: string[];
}

/**
 * Copy `original`: a new object of its typeclass (whose creation hooks run), in
 * its location, with its home, destination and aliases, then — unless `reset` —
 * its locks, permissions, attributes (with category and lock) and tags.
 */
export async function copyObject(original: DefaultObject, options: CopyObjectOptions = {}): Promise<CopyResult> {
  const cls = (findTypeclass(original.typeclassPath) ?? original.constructor) as TypeclassConstructor<DefaultObject>;
  const copy = await createObject(cls, {
    key: options.key || original.key,
    location: options.location ?? original.location,
    home: original.home,
    destination: original.destination,
    aliases: options.aliases ?? original.aliases.get(),
  });
  const skippedLocks: string[] = [];
  if (options.reset) return { copy, skippedLocks };
  for (const definition of original.locks.all()) {
    if (copy.locks.validate(definition) === null) copy.locks.add(definition);
    else skippedLocks.push(definition);
  }
  for (const perm of original.permissions.all()) copy.permissions.add(perm.key, perm.category || undefined);
  for (const attr of original.attributes.all()) {
    copy.attributes.add(attr.key, attr.value, { category: attr.category || undefined, lockstring: attr.lockstring || undefined });
  }
  for (const tag of original.tags.all()) copy.tags.add(tag.key, tag.category || undefined);
  return { copy, skippedLocks };
}

/** `copy[/reset] <original obj> [= <new_name>][;alias;alias..][:<new_location>] [,<new_name2> ...]`. */
export class CmdCopy extends ObjManipCommand {
  override key = "copy";
  override switchOptions = ["reset"];
  override locks = "cmd:perm(copy) or perm(Builder)";
  override help = `Copy an object and its properties.

Usage:
  copy[/reset] <original obj> [= <new_name>][;alias;alias..][:<new_location>] [,<new_name2> ...]

Switches:
  reset - make a clean copy: same typeclass, name, aliases and place, but
          without the original's attributes, tags, locks and permissions
          (what a newly created object of that typeclass has instead).

Makes one or more copies of an object. Without "=", one copy named
<name>_copy (its aliases too get "_copy") is made next to the original.
After "=", each comma-separated name makes one copy with that name and
aliases, placed in <new_location> (any object, by exact name or #dbref) when
one is given after a colon, else where the original is.

Examples:
  copy sword
  copy sword = Excalibur;blade, Durandal:Armoury
  copy/reset chest = empty chest`;

  override async func(): Promise<void> {
    const caller = this.builder();
    if (!caller) return;
    if (!this.args.trim() || !this.lhs) {
      this.msg("Usage: copy <obj> [=<new_name>[;alias;alias..]][:<new_location>] [, <new_name2>...]");
      return;
    }
    const reset = this.switches.includes("reset");
    if (this.rhs === null || this.rhs === "") {
      const original = await caller.search(this.lhs);
      if (!original) return;
      const key = `${original.key}_copy`;
      const result = await copyObject(original, { key, aliases: original.aliases.get().map((a) => `${a}_copy`), reset });
      this.msg(`Identical copy of ${original.key}, named '${key}' was created.`);
      this.reportSkipped(result);
      return;
    }
    const original = await caller.search(this.lhsObjs[0]!.name);
    if (!original) return;
    for (const spec of this.rhsObjs) {
      const badName = spec.name ? objectNameProblem(spec.name) : null;
      if (badName) {
        this.msg(badName);
        continue;
      }
      let location: DefaultObject | null | undefined;
      if (spec.option) {
        location = await caller.search(spec.option, { global: true });
        if (!location) return;
      }
      const result = await copyObject(original, { key: spec.name || undefined, location, aliases: spec.aliases.length ? spec.aliases : undefined, reset });
      const aliases = result.copy.aliases.get();
      this.msg(`Copied ${original.key} to '${result.copy.key}' (aliases: ${aliases.length ? aliases.join(", ") : "none"}).`);
      this.reportSkipped(result);
    }
  }

  private reportSkipped(result: CopyResult): void {
    if (result.skippedLocks.length) this.msg(`|yThese locks of the original no longer parse and were not copied:|n ${result.skippedLocks.join("; ")}`);
  }
}
