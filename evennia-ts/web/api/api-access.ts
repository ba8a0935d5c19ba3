/**
 * Who may do what through the REST API, after Evennia's `EvenniaPermission`:
 * every call needs a logged-in account (website session or HTTP Basic); listing
 * and creating need a permission (Builder by default; accounts Admin); reading,
 * changing and deleting one resource pass its locks (`examine`; `control` or
 * `edit`; `delete`), with a permission standing in where the resource has no such
 * lock. Superusers pass everything. Permissions are never given above one's own.
 */
import type { Request } from "express";
import type { DefaultAccount } from "../../typeclasses/accounts.ts";
import type { TypedObject } from "../../typeclasses/typed-object.ts";
import { hasPermission, permissionRank } from "../../locks/permissions.ts";
import type { WebContext } from "../web-context.ts";
import { ApiError, forbidden } from "./api-error.ts";

/** Lock types checked for one action, and the permission used when the resource defines none of them. */
export interface LockRule {
  locks: readonly string[];
  fallback: string;
}

/** The request's account, or 401 with a Basic challenge. */
export function requireAccount(ctx: WebContext, req: Request): DefaultAccount {
  const account = ctx.account(req);
  if (account) return account;
  throw new ApiError(401, "unauthorized", "log in first: HTTP Basic with your account name and password, or the website session", {
    "WWW-Authenticate": `Basic realm="${ctx.services.settings.serverName.replace(/["\\]/g, "")} API", charset="UTF-8"`,
  });
}

/** 403 unless `account` has `permission` (or higher, or is a superuser). */
export function requirePermission(account: DefaultAccount, permission: string, what: string): void {
  if (!hasPermission(account, permission)) throw forbidden(`${what} needs the ${permission} permission`);
}

/** Does `account` pass `rule` on `target`? Any of the rule's locks that the target defines decides; with none, the fallback permission. */
export function passesLocks(target: TypedObject, account: DefaultAccount, rule: LockRule): boolean {
  const defined = rule.locks.filter((type) => target.locks.has(type));
  if (defined.length === 0) return hasPermission(account, rule.fallback);
  return defined.some((type) => target.access(account, type));
}

/** 403 unless `account` passes `rule` on `target`. */
export function requireLocks(target: TypedObject, account: DefaultAccount, rule: LockRule, action: string): void {
  if (!passesLocks(target, account, rule)) {
    throw forbidden(`you may not ${action} ${target.dbref} (needs the ${rule.locks.join(" or ")} lock)`);
  }
}

/** The rank of the highest hierarchy permission `account` holds (superusers: above all), -1 for none. */
export function highestRank(account: DefaultAccount): number {
  if (account.isSuperuser) return Number.POSITIVE_INFINITY;
  return Math.max(-1, ...account.permissions.get().map((p) => permissionRank(p)));
}

/** 403 when any of `permissions` is a hierarchy permission above `actor`'s own. */
export function requireGrantable(actor: DefaultAccount, permissions: readonly string[]): void {
  const own = highestRank(actor);
  const above = permissions.filter((p) => permissionRank(p) > own);
  if (above.length > 0) throw forbidden(`you cannot give or take ${above.join(", ")}: above your own permissions`);
}

/** 403 unless `actor` (Admin or higher) may change or delete the account `target`: never a superuser unless one, never one ranked above oneself. */
export function requireAccountManager(actor: DefaultAccount, target: DefaultAccount, action: string): void {
  requirePermission(actor, "Admin", `to ${action} an account`);
  if (target.isSuperuser && !actor.isSuperuser) throw forbidden(`only a superuser may ${action} the superuser account ${target.key}`);
  if (highestRank(target) > highestRank(actor)) throw forbidden(`you may not ${action} ${target.key}: their permissions are above yours`);
}
