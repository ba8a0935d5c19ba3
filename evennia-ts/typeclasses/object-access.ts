/**
 * One place where objects ask "may `accessor` do `accessType` to `target`?" (the
 * `view`, `get`, `drop` and `traverse` locks of movement, appearance and the item
 * commands). It checks the object's lock string; a puppet asks with its account's
 * permissions, as Evennia's `perm()` does when nobody is quelled.
 */
import { checkLock, registerLockFunc, type LockContext } from "../locks/lock-string.ts";
import type { DefaultAccount } from "./accounts.ts";
import type { DefaultObject } from "./objects.ts";

/** The lock-context accessor for an object or account (`object` is the asker itself). */
function accessorOf(accessor: DefaultObject | DefaultAccount | null): LockContext["accessor"] {
  if (!accessor) return null;
  const account = "account" in accessor ? accessor.account : null;
  const holder = account ?? accessor;
  return { id: accessor.id, isSuperuser: Boolean((holder as DefaultAccount).isSuperuser), permissions: holder.permissions, object: accessor } as LockContext["accessor"];
}

/**
 * True when `accessor` passes `target`'s `accessType` lock; `defaultAllow` when the
 * object has no lock of that type.
 */
export function canAccess(target: DefaultObject, accessor: DefaultObject | DefaultAccount | null, accessType: string, defaultAllow = true): boolean {
  return checkLock(target._row.lock_storage ?? "", accessType, { accessor: accessorOf(accessor), accessed: target }, defaultAllow);
}

// `holds(key, alias or #dbref)`: the accessor carries such an object (the demo's locked door uses it).
registerLockFunc("holds", (ctx, what = "") => {
  const carrier = (ctx.accessor as { object?: { contentsLoaded?: boolean; contents?: DefaultObject[] } } | null)?.object;
  const wanted = what.trim().toLowerCase();
  if (!carrier?.contentsLoaded || !wanted) return false;
  return carrier.contents!.some((o) => o.dbref === wanted || o.key.toLowerCase() === wanted || o.aliases.has(wanted));
});
