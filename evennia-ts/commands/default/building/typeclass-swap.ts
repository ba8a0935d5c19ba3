/**
 * Changing the typeclass of a live object or account, as the `typeclass` command
 * does it (and the web admin, through the same function): swap the class of the
 * instance in place and run the creation hooks the mode asks for.
 */
import type { TypedObject } from "../../../typeclasses/typed-object.ts";
import { findTypeclass } from "../../../typeclasses/registry.ts";
import { isEvenniaError } from "../../../utils/errors.ts";

/** What a swap does besides changing the class. */
export interface SwapMode {
  /** Clear attributes, locks and cmdsets first and run every creation hook (`type/reset`, `swap`). */
  reset: boolean;
  /** Only run `atObjectCreation`, keeping the object's data (the default). */
  update: boolean;
}

/**
 * Why `path` cannot be `obj`'s typeclass (not registered, or of another kind), or
 * null when it can.
 */
export function typeclassProblem(obj: TypedObject, path: string): string | null {
  const cls = findTypeclass(path);
  if (!cls) return `No typeclass is registered as '${path}'; ${obj.key} keeps its typeclass.`;
  if (cls.kind !== obj.kind) return `'${path}' is a ${cls.kind} typeclass, not a${obj.kind === "account" ? "n" : ""} ${obj.kind} typeclass.`;
  return null;
}

/**
 * Give `obj` the typeclass `path` and run the hooks `mode` asks for; returns the
 * report the `typeclass` command prints. The caller has checked the locks and
 * {@link typeclassProblem}.
 */
export async function swapObjectTypeclass(obj: TypedObject, path: string, mode: SwapMode): Promise<string> {
  const oldPath = obj.typeclassPath;
  const isSame = oldPath === path;
  if (mode.reset) {
    for (const attr of obj.attributes.all()) obj.attributes.remove(attr.key, { category: attr.category });
    obj.locks.clear();
    obj.cmdset.clear();
  }
  try {
    obj.swapTypeclass(path);
  } catch (err) {
    if (!isEvenniaError(err, "EV_ERR_TYPECLASS")) throw err;
    return `${obj.key} keeps its typeclass: ${(err as Error).message}.`;
  }
  if (mode.reset) obj.basetypeSetup();
  await obj.atObjectCreation();
  let text = isSame ? `${obj.key} updated its existing typeclass (${path}).\n` : `${obj.key} changed typeclass from ${oldPath} to ${obj.typeclassPath}.\n`;
  text += mode.update && !mode.reset ? "Only the at_object_creation hook was run (update mode)." : "All object creation hooks were run.";
  text += mode.reset ? " All old attributes where deleted before the swap." : " Attributes set before swap were not removed\n(use `swap` or `type/reset` to clear all).";
  return text;
}
