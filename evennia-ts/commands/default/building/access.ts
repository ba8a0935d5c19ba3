/**
 * The lock checks of the building commands, with Evennia's access types and
 * messages: `control` lets through everything; otherwise `edit` (name, desc),
 * `delete` (destroy), `teleport` (on the object moved) and `teleport_here` (on the
 * place it goes, checked against the object moved).
 */
import { checkLockString } from "../../../locks/lock-handler.ts";
import type { DefaultAccount } from "../../../typeclasses/accounts.ts";
import type { DefaultObject } from "../../../typeclasses/objects.ts";

/** Who runs a building command: a character, or an account out of character. */
export type Builder = DefaultObject | DefaultAccount;

/** The access types the building commands check on objects. */
export type BuildAccessType = "control" | "edit" | "delete" | "teleport" | "teleport_here";

/**
 * True when `caller` passes `obj`'s `control` lock or its `accessType` lock (as
 * Evennia's building commands ask: `obj.access(caller, "control") or obj.access(caller, "edit")`).
 * A missing lock denies, as Evennia's default.
 */
export function mayBuild(obj: DefaultObject, caller: Builder, accessType: BuildAccessType): boolean {
  return obj.access(caller, "control") || (accessType !== "control" && obj.access(caller, accessType));
}

/** "You don't have permission to <what> <obj>." — the refusal the building commands give. */
export function noPermission(what: string, obj: DefaultObject): string {
  return `You don't have permission to ${what} ${obj.key}.`;
}

/** True when `caller` holds `perm(Admin)` (or better): Evennia lets Admins teleport past the teleport locks. */
export function isAdmin(caller: Builder): boolean {
  return checkLockString(caller, "perm(Admin)");
}
