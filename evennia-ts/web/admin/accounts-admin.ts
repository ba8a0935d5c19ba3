/**
 * The web admin's accounts: the list (search by name or `#dbref`, filter by a
 * permission or superusers, pages), the edit page (name, attributes, tags, locks,
 * permissions, typeclass) and deletion as `accounts/delete` does it: the
 * account's `delete` lock, never one's own account, never a superuser unless one
 * is, and its characters stay in the world, played by nobody. An account that is
 * connected is not deleted (boot it first): the web cannot tell its sessions why.
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
import { assertMayEdit, cleanName } from "./typed-changes.ts";
import { changeHandler, loadTarget, mountTypedEditRoutes, type TypedSection } from "./typed-edit-routes.ts";
import { refView, typedView } from "./typed-view.ts";

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
  if (!account.access(actor, "delete")) return "You don't have the permissions to delete that account.";
  const online = ctx.services.sessions().filter((s) => s.account !== null && s.account.toLowerCase() === account.key.toLowerCase()).length;
  if (online > 0) return `${account.key} is connected (${online} session${online > 1 ? "s" : ""}): boot them first.`;
  return null;
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
    });
  });

  router.post(
    "/accounts/:id/name",
    changeHandler(ctx, SECTION, async (target, actor, req) => {
      assertMayEdit(target, actor);
      const name = cleanName(formField(req, "key", 200), "account name");
      const taken = await findAccount(name);
      if (taken && taken !== target) throw new AdminRequestError(400, `There is already an account named '${taken.key}'.`);
      const old = target.key;
      (target as DefaultAccount).username = name;
      return `Account's name changed from '${old}' to '${name}'.`;
    }),
  );

  mountTypedEditRoutes(router, ctx, SECTION, { permissions: true, typeclass: true });

  router.get("/accounts/:id/delete", async (req, res) => {
    const actor = actingAccount(ctx, req);
    const account = await loadAccount(ctx, pathId(req));
    await renderAdmin(ctx, req, res, "confirm-delete", {
      section: "accounts",
      what: `account ${account.key} (#${account.id})`,
      action: `/admin/accounts/${account.id}/delete`,
      back: `/admin/accounts/${account.id}`,
      refusal: deletionRefusal(ctx, account, actor),
      notes: ["It is often better to ban an account than to delete it.", "Its characters stay in the world, played by nobody."],
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
      await deleteWithCharacters(account);
      if (!account.isDeleted) throw new AdminRequestError(409, `Account ${name} was not deleted: its atObjectDelete hook refused.`);
      return `Account ${name} was deleted.`;
    });
    ctx.audit(req, `account #${id}: ${message}`);
    redirectWithNotice(ctx, req, res, "/admin/accounts", message);
  });
}
