/**
 * The changes the web admin makes to accounts, objects, scripts and channels,
 * each through the same store, typeclass methods and locks as the in-game
 * building commands (`set`, `tag`, `name`, `lock`, `perm`, `typeclass`), so the
 * live instance in the identity map is the one changed. Each returns what it did
 * (for the notice and the audit log) or throws an {@link AdminRequestError}: 403
 * when a lock or rank refuses, 400 for bad input. Call them inside
 * `services.runInUnit`, so a change commits whole or not at all.
 */
import { mayEdit } from "../../commands/default/building/target-search.ts";
import { swapObjectTypeclass, typeclassProblem } from "../../commands/default/building/typeclass-swap.ts";
import { checkLockString } from "../../locks/lock-handler.ts";
import { permissionRank } from "../../locks/permissions.ts";
import { DefaultAccount } from "../../typeclasses/accounts.ts";
import { DefaultObject } from "../../typeclasses/objects.ts";
import type { Store } from "../../typeclasses/store.ts";
import type { TypedObject } from "../../typeclasses/typed-object.ts";
import { isEvenniaError } from "../../utils/errors.ts";
import { tryParseLiteral } from "../../utils/literal-parse.ts";
import { AdminRequestError } from "./admin-http.ts";

/** The longest attribute key, tag, alias or permission the admin accepts. */
const MAX_NAME_LENGTH = 200;

/** A superuser account, or an object a superuser account plays: only a superuser changes it. */
export function isSuperuserTarget(target: TypedObject): boolean {
  if (target instanceof DefaultAccount) return target.isSuperuser;
  if (target instanceof DefaultObject) return Boolean(target.account?.isSuperuser);
  return false;
}

/** Does `actor` pass every hierarchy permission `account` holds (and is it a superuser when the account is)? As `userpassword`. */
export function outranksOrEquals(actor: DefaultAccount, account: DefaultAccount): boolean {
  if (account.isSuperuser) return actor.isSuperuser;
  return account.permissions.get().every((perm) => permissionRank(perm) < 0 || checkLockString(actor, `dummy:perm(${perm})`, "dummy"));
}

/** Refuse (403) a change to another account ranked above `actor` (an Admin may not rework a Developer's account). */
export function assertNotOutranked(target: TypedObject, actor: DefaultAccount): void {
  if (target instanceof DefaultAccount && target !== actor && !outranksOrEquals(actor, target)) {
    throw new AdminRequestError(403, `You may not change ${target.key}: their permissions are above yours.`);
  }
}

/**
 * Refuse (403) unless `actor` may change `target` as the building commands ask:
 * its `control` or `edit` lock; a superuser (or what one plays) only by a superuser;
 * another account only when it is not ranked above the actor.
 */
export function assertMayEdit(target: TypedObject, actor: DefaultAccount): void {
  if (isSuperuserTarget(target) && !actor.isSuperuser) throw new AdminRequestError(403, `Only a superuser may change ${target.key}.`);
  assertNotOutranked(target, actor);
  if (!mayEdit(target, actor)) throw new AdminRequestError(403, `You don't have permission to edit ${target.key}.`);
}

/** A key, tag or permission from a form: trimmed, not empty, not too long. */
export function cleanName(text: string, what: string): string {
  const name = text.trim();
  if (!name) throw new AdminRequestError(400, `The ${what} cannot be empty.`);
  if (name.length > MAX_NAME_LENGTH) throw new AdminRequestError(400, `The ${what} is longer than ${MAX_NAME_LENGTH} characters.`);
  return name;
}

/**
 * The value `set` would store for `text`: `$dbref(#12)` is that object (which the
 * actor must be allowed to edit), a Python literal is its value, anything else is
 * the text itself. `asText` is true in that last case.
 */
export async function attributeValueFromText(store: Store, actor: DefaultAccount, text: string): Promise<{ value: unknown; asText: boolean }> {
  const ref = /^\$dbref\(\s*['"]?#?(\d{1,15})['"]?\s*\)$/i.exec(text.trim());
  if (ref) {
    const obj = await store.get("object", Number(ref[1]));
    if (!obj || obj.isDeleted) throw new AdminRequestError(400, `$dbref: there is no object #${ref[1]}.`);
    if (!mayEdit(obj, actor)) throw new AdminRequestError(403, `You don't have permission to set object with identifier '${text.trim()}'.`);
    return { value: obj, asText: false };
  }
  const parsed = tryParseLiteral(text);
  return parsed.ok ? { value: parsed.value, asText: false } : { value: text, asText: true };
}

/** Set attribute `key` (in `category`) of `target` from the text typed in the admin, as `set` does. */
export async function setAttributeFromText(store: Store, target: TypedObject, actor: DefaultAccount, key: string, category: string, text: string): Promise<string> {
  assertMayEdit(target, actor);
  const name = cleanName(key, "attribute name");
  const cat = category.trim() || undefined;
  const { value, asText } = await attributeValueFromText(store, actor, text);
  const verb = target.attributes.has(name, { category: cat }) ? "Modified" : "Created";
  try {
    target.attributes.add(name, value, { category: cat, accessor: actor });
  } catch (err) {
    if (isEvenniaError(err, "EV_ERR_LOCK_DENIED")) throw new AdminRequestError(403, err.message);
    if (isEvenniaError(err, "EV_ERR_SERIALIZE")) throw new AdminRequestError(400, err.message);
    throw err;
  }
  return `${verb} attribute ${target.key}/${name.toLowerCase()}${cat ? ` [category:${cat.toLowerCase()}]` : ""}${asText ? " (stored as text: it is not a literal)" : ""}.`;
}

/** Delete attribute `key` (in `category`) of `target`, as `set obj/attr =` does. */
export function removeAttribute(target: TypedObject, actor: DefaultAccount, key: string, category: string): string {
  assertMayEdit(target, actor);
  const cat = category || undefined;
  if (!target.attributes.has(key, { category: cat })) throw new AdminRequestError(400, `${target.key} has no attribute '${key}'${cat ? ` in category '${cat}'` : ""}.`);
  try {
    target.attributes.remove(key, { category: cat, accessor: actor });
  } catch (err) {
    if (isEvenniaError(err, "EV_ERR_LOCK_DENIED")) throw new AdminRequestError(403, err.message);
    throw err;
  }
  return `Deleted attribute ${target.key}/${key}${cat ? ` [category:${cat}]` : ""}.`;
}

/** Add tag `key` (in `category`) to `target`, as `tag obj = key:category`. */
export function addTag(target: TypedObject, actor: DefaultAccount, key: string, category: string): string {
  assertMayEdit(target, actor);
  const tag = cleanName(key, "tag");
  target.tags.add(tag, category.trim() || undefined);
  return `Added tag '${tag.toLowerCase()}'${category.trim() ? ` (category: ${category.trim().toLowerCase()})` : ""} to ${target.key}.`;
}

/** Remove tag `key` (in `category`) from `target`, as `tag/del obj = key:category`. */
export function removeTag(target: TypedObject, actor: DefaultAccount, key: string, category: string): string {
  assertMayEdit(target, actor);
  if (!target.tags.remove(key, category || undefined)) throw new AdminRequestError(400, `${target.key} has no tag '${key}'${category ? ` (category: ${category})` : ""}.`);
  return `Removed tag '${key}'${category ? ` (category: ${category})` : ""} from ${target.key}.`;
}

/** Rename `target` (not an account: see the account admin), as `name obj = newname`. */
export function rename(target: TypedObject, actor: DefaultAccount, newKey: string): string {
  assertMayEdit(target, actor);
  const key = cleanName(newKey, "name");
  if (key === target.key) return `${target.key} keeps its name.`;
  const old = target.key;
  try {
    target.key = key;
  } catch (err) {
    if (isEvenniaError(err, "EV_ERR_BAD_INPUT")) throw new AdminRequestError(400, err.message);
    throw err;
  }
  return `Renamed ${old} to '${key}'.`;
}

/** Add an alias, as `name obj = ;alias` (`alias/add`). */
export function addAlias(target: TypedObject, actor: DefaultAccount, alias: string): string {
  assertMayEdit(target, actor);
  const name = cleanName(alias, "alias");
  target.aliases.add(name);
  return `Alias '${name.toLowerCase()}' added to ${target.key}.`;
}

/** Remove an alias. */
export function removeAlias(target: TypedObject, actor: DefaultAccount, alias: string): string {
  assertMayEdit(target, actor);
  if (!target.aliases.remove(alias)) throw new AdminRequestError(400, `${target.key} has no alias '${alias}'.`);
  return `Alias '${alias}' removed from ${target.key}.`;
}

/** Add lock definitions, as `lock obj = type:func()`: checked by the lock parser, `control` only with control access. */
export function addLocks(target: TypedObject, actor: DefaultAccount, lockString: string): string {
  assertMayEdit(target, actor);
  const lockdef = cleanName(lockString.replace(/['"]/g, ""), "lock string");
  const problem = target.locks.validate(lockdef);
  if (problem) throw new AdminRequestError(400, problem);
  if (/(^|;)\s*control\s*:/i.test(lockdef) && !target.access(actor, "control")) throw new AdminRequestError(403, "You need 'control' access to change this type of lock.");
  try {
    target.locks.add(lockdef);
  } catch (err) {
    if (isEvenniaError(err, "EV_ERR_BAD_LOCK")) throw new AdminRequestError(400, err.message);
    throw err;
  }
  return `Added lock '${lockdef}' to ${target.key}.`;
}

/** Delete the lock of one access type, as `lock/del obj/type`. */
export function removeLock(target: TypedObject, actor: DefaultAccount, accessType: string): string {
  const type = accessType.trim().toLowerCase();
  if (type === "control" && !target.access(actor, "control")) throw new AdminRequestError(403, "You need 'control' access to change this type of lock.");
  assertMayEdit(target, actor);
  const lockdef = target.locks.get(type);
  if (!lockdef) throw new AdminRequestError(400, `${target.key} has no lock of access type '${type}'.`);
  target.locks.remove(type);
  return `Deleted lock ${lockdef} from ${target.key}.`;
}

/** Refuse (403) to give a hierarchy permission above the actor's own, as `perm`. */
function assertMayGrant(actor: DefaultAccount, perm: string): void {
  if (permissionRank(perm) >= 0 && !checkLockString(actor, `dummy:perm(${perm})`, "dummy")) {
    throw new AdminRequestError(403, "You cannot assign a permission higher than the one you have yourself.");
  }
}

/** Refuse (403) unless `actor` may edit `target`'s permissions: `perm` asks accounts for `edit`, objects for `control`. */
function assertMayEditPermissions(target: TypedObject, actor: DefaultAccount): void {
  if (isSuperuserTarget(target) && !actor.isSuperuser) throw new AdminRequestError(403, `Only a superuser may change ${target.key}.`);
  assertNotOutranked(target, actor);
  const accessType = target instanceof DefaultAccount ? "edit" : "control";
  if (!target.access(actor, accessType)) throw new AdminRequestError(403, `You are not allowed to edit this ${target instanceof DefaultAccount ? "account" : "object"}'s permissions.`);
}

/** Give a permission, as `perm <target> = <perm>`. */
export function addPermission(target: TypedObject, actor: DefaultAccount, permission: string): string {
  assertMayEditPermissions(target, actor);
  const perm = cleanName(permission, "permission");
  assertMayGrant(actor, perm);
  if (target.permissions.has(perm)) throw new AdminRequestError(400, `Permission '${perm}' is already defined on ${target.key}.`);
  target.permissions.add(perm);
  return `Permission '${perm}' given to ${target.key}.`;
}

/** Take a permission away, as `perm/del`. Taking away a rank above one's own is a raise in reverse: refused too. */
export function removePermission(target: TypedObject, actor: DefaultAccount, permission: string): string {
  assertMayEditPermissions(target, actor);
  assertMayGrant(actor, permission);
  if (!target.permissions.remove(permission)) throw new AdminRequestError(400, `${target.key} has no permission '${permission}'.`);
  return `Permission ${permission} removed from ${target.key}.`;
}

/**
 * Change `target`'s typeclass through the `typeclass` command's own function: the
 * live instance gets the new class and its creation hooks run (`reset` first
 * clears attributes, locks and cmdsets, as `type/reset`).
 */
export async function changeTypeclass(target: TypedObject, actor: DefaultAccount, path: string, reset: boolean): Promise<string> {
  assertMayEdit(target, actor);
  const newPath = path.trim() || target.typeclassPath;
  const problem = typeclassProblem(target, newPath);
  if (problem) throw new AdminRequestError(400, problem);
  return swapObjectTypeclass(target, newPath, { reset, update: !reset });
}
