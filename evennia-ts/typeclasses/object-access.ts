/**
 * One place where objects ask "may `accessor` do `accessType` to `target`?" (the
 * `view`, `get`, `drop` and `traverse` locks of movement, appearance and the item
 * commands): the target's own lock of that type, through `target.access` (so the
 * superuser bypass, quell and every lock function apply, and `atAccess` hears it).
 */
import type { DefaultAccount } from "./accounts.ts";
import type { DefaultObject } from "./objects.ts";

/**
 * True when `accessor` passes `target`'s `accessType` lock; `defaultAllow` when the
 * object has no lock of that type.
 */
export function canAccess(target: DefaultObject, accessor: DefaultObject | DefaultAccount | null, accessType: string, defaultAllow = true): boolean {
  return target.access(accessor, accessType, { default: defaultAllow });
}
