/**
 * The web admin's accounts: the list (search by name or `#dbref`, filter by a
 * permission or superusers, pages), the edit page (name, attributes, tags, locks,
 * permissions, typeclass, email, password as `userpassword`), creation as the
 * `create` login command (`services.createAccount`), and deletion as
 * `accounts/delete` does it: the account's `delete` lock, never one's own account,
 * never a superuser unless one is, and its characters stay in the world, played by
 * nobody. A connected account is booted first (its `boot` lock, as `boot`), in the
 * same unit of work: when the delete is refused, nobody is disconnected.
 */
import type { Router } from "express";
import { deleteWithCharacters } from "../../commands/default/accounts-list.ts";
import { PERMISSION_HIERARCHY } from "../../locks/permissions.ts";
import { DefaultAccount } from "../../typeclasses/accounts.ts";
import { findAccount } from "../../typeclasses/search.ts";
import type { WebContext } from "../web-context.ts";
import { actingAccount, AdminRequestError, formField, pathId, queryValue, redirectWithNotice, renderAdmin } from "./admin-http.ts";
import { listAccounts } from "./listing.ts";
import { pagerView, pageRequest } from "./pagination.ts";
import { assertMayEdit, cleanName, outranksOrEquals } from "./typed-changes.ts";
import { changeHandler, loadTarget, mountTypedEditRoutes, type TypedSection } from "./typed-edit-routes.ts";
import { refView, typedView } from "./typed-view.ts";
import { changeEmail, changePassword } from "./account-credentials.ts";
import { isEvenniaError } from "../../utils/errors.ts";

const SECTION: TypedSection = { kind: "account", base: "accounts" };

/** The permission filter's choices: the hierarchy, and superusers. */
const PERMISSION_FILTERS = [...PERMISSION_HIERARCHY, "superuser"];

async function loadAccount(ctx: WebContext, id: number): Promise<DefaultAccount> {
  const target = await loadTarget(ctx, "account", id);
  if (!(target instanceof DefaultAccount)) throw new AdminRequestError(404, `There is no account #${id}.`);
  return target;
}

/** Why `actor` may not delete `account`, or null when it may. */
function deletionRefusal(ctx: WebContext, account: DefaultAccount, actor: DefaultAccount): string | null {
  if (account === actor) return "You cannot delete your own account while logged in with it.";
  if (account.isSuperuser && !actor.isSuperuser) return `Only a superuser may delete ${account.key}.`;
  if (!outranksOrEquals(actor, account)) return `You may not delete ${account.key}: their permissions are above yours.`;
  if (!account.access(actor, "delete")) return "You don't have the permissions to delete that account.";
  if (onlineSessions(ctx, account) > 0 && !account.access(actor, "boot")) return `${account.key} is connected, and you don't have the permission to boot ${account.key}.`;
  return null;
}

/** How many sessions `account` is connected with. */
function onlineSessions(ctx: WebContext, account: DefaultAccount): number {
  return ctx.services.sessions().filter((s) => s.account !== null && s.account.toLowerCase() === account.key.toLowerCase()).length;
}

/** `name` checked (and tidied) by the rules of `account`'s class, or a 400 saying what is wrong. */
function validAccountName(account: DefaultAccount, name: string): string {
  try {
    return (account.constructor as typeof DefaultAccount).validateUsername(name);
  } catch (err) {
    if (isEvenniaError(err, "EV_ERR_BAD_INPUT")) throw new AdminRequestError(400, err.message);
    throw err;
  }
}

/** Why the form's passwords make no account: they differ (the rules themselves are the account typeclass's). */
function passwordsMatch(password: string, repeat: string): void {
  if (password !== repeat) throw new AdminRequestError(400, "The two passwords are not the same.");
}

/** Mount the account pages on the admin router. */
export function mountAccountAdmin(router: Router, ctx: WebContext): void {
  const { services } = ctx;

  router.get("/accounts", async (req, res) => {
    const permission = queryValue(req, "permission").toLowerCase();
    if (permission && !PERMISSION_FILTERS.includes(permission)) throw new AdminRequestError(400, `'${permission}' is not a permission filter (${PERMISSION_FILTERS.join(", ")}).`);
    const filters = { q: queryValue(req, "q"), permission };
    const page = await listAccounts(services.db, filters, pageRequest(req));
    await renderAdmin(ctx, req, res, "accounts", { section: "accounts", page, pager: pagerView(req, page), filters, permissions: PERMISSION_FILTERS });
  });

  router.post("/accounts/new", async (req, res) => {
    const name = formField(req, "username", 200);
    const password = formField(req, "password", 200);
    passwordsMatch(password, formField(req, "password2", 200));
    const email = formField(req, "email", 300);
    const actor = actingAccount(ctx, req);
    const account = await services.runInUnit(async () => {
      let created: DefaultAccount;
      try {
        created = await services.createAccount(name, password);
      } catch (err) {
        if (isEvenniaError(err, "EV_ERR_BAD_INPUT")) throw new AdminRequestError(400, err.message);
        throw err;
      }
      if (email.trim()) changeEmail(created, actor, email);
      return created;
    });
    const characters = account.characters.map((c) => `${c.key}(${c.dbref})`);
    const message = `Account ${account.key} (#${account.id}) was created${characters.length ? `, with the character ${characters.join(", ")}` : ""}.`;
    ctx.audit(req, `account #${account.id}: ${message}`);
    redirectWithNotice(ctx, req, res, `/admin/accounts/${account.id}`, message);
  });

  router.get("/accounts/:id", async (req, res) => {
    const actor = actingAccount(ctx, req);
    const account = await loadAccount(ctx, pathId(req));
    const sessions = services.sessions().filter((s) => s.account !== null && s.account.toLowerCase() === account.key.toLowerCase());
    await renderAdmin(ctx, req, res, "account", {
      section: "accounts",
      item: await typedView(account, actor),
      isSuperuser: account.isSuperuser,
      lastLogin: account.lastLogin ? account.lastLogin.toISOString().slice(0, 19).replace("T", " ") : null,
      characters: account.characters.map((c) => refView(c)),
      sessions: sessions.map((s) => ({ protocol: s.protocolKey, address: s.address, puppet: s.puppet })),
      email: account.email,
      mayChangePassword: account === actor || outranksOrEquals(actor, account),
    });
  });

  router.post(
    "/accounts/:id/name",
    changeHandler(ctx, SECTION, async (target, actor, req) => {
      assertMayEdit(target, actor);
      // the account class's name rules, as registration, the API and `create` apply them
      const name = validAccountName(target as DefaultAccount, cleanName(formField(req, "key", 200), "account name"));
      const taken = await findAccount(name);
      if (taken && taken !== target) throw new AdminRequestError(400, `There is already an account named '${taken.key}'.`);
      const old = target.key;
      (target as DefaultAccount).username = name;
      return `Account's name changed from '${old}' to '${name}'.`;
    }),
  );

  router.post("/accounts/:id/email", changeHandler(ctx, SECTION, (target, actor, req) => changeEmail(target as DefaultAccount, actor, formField(req, "email", 300))));

  router.post(
    "/accounts/:id/password",
    changeHandler(ctx, SECTION, async (target, actor, req) => {
      const notice = await changePassword(target as DefaultAccount, actor, formField(req, "password", 200), formField(req, "password2", 200));
      // the account's other logins end with the old password; an admin changing their own stays logged in here
      if (target === actor) ctx.keepLoginAfterPasswordChange(req, actor);
      return notice;
    }),
  );

  mountTypedEditRoutes(router, ctx, SECTION, { permissions: true, typeclass: true });

  router.get("/accounts/:id/delete", async (req, res) => {
    const actor = actingAccount(ctx, req);
    const account = await loadAccount(ctx, pathId(req));
    const online = onlineSessions(ctx, account);
    await renderAdmin(ctx, req, res, "confirm-delete", {
      section: "accounts",
      what: `account ${account.key} (#${account.id})`,
      action: `/admin/accounts/${account.id}/delete`,
      back: `/admin/accounts/${account.id}`,
      refusal: deletionRefusal(ctx, account, actor),
      notes: [
        "It is often better to ban an account than to delete it.",
        "Its characters stay in the world, played by nobody.",
        ...(online > 0 ? [`It is connected (${online} session${online > 1 ? "s" : ""}): it is booted first, as boot does.`] : []),
      ],
    });
  });

  router.post("/accounts/:id/delete", async (req, res) => {
    const actor = actingAccount(ctx, req);
    const id = pathId(req);
    const message = await services.runInUnit(async () => {
      const account = await loadAccount(ctx, id);
      const refusal = deletionRefusal(ctx, account, actor);
      if (refusal) throw new AdminRequestError(403, refusal);
      const name = account.key;
      const booted = await services.disconnectAccount(account, `Your account was deleted by ${actor.key}.`);
      await deleteWithCharacters(account);
      if (!account.isDeleted) throw new AdminRequestError(409, `Account ${name} was not deleted: its atObjectDelete hook refused.`);
      return booted > 0 ? `Booted ${name} (${booted} session${booted > 1 ? "s" : ""}); account ${name} was deleted.` : `Account ${name} was deleted.`;
    });
    ctx.audit(req, `account #${id}: ${message}`);
    redirectWithNotice(ctx, req, res, "/admin/accounts", message);
  });
}
