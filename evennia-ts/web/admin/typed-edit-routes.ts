/**
 * The change forms every admin edit page shares — attributes, tags, aliases,
 * locks, permissions, typeclass — as POST routes under `/admin/<list>/<id>/`.
 * Each loads the live instance through the store, changes it with the functions
 * of `typed-changes.ts` inside one unit of work (all or nothing), writes the
 * change to the audit log with who made it, and sends the browser back to the
 * edit page with a notice.
 */
import type { Request, RequestHandler, Router } from "express";
import type { TypedKind } from "../../db/row-codecs.ts";
import type { DefaultAccount } from "../../typeclasses/accounts.ts";
import type { TypedObject } from "../../typeclasses/typed-object.ts";
import type { WebContext } from "../web-context.ts";
import { actingAccount, AdminRequestError, formField, pathId, redirectWithNotice } from "./admin-http.ts";
import {
  addAlias,
  addLocks,
  addPermission,
  addTag,
  changeTypeclass,
  removeAlias,
  removeAttribute,
  removeLock,
  removePermission,
  removeTag,
  setAttributeFromText,
} from "./typed-changes.ts";

/** Which admin list a kind of thing lives in (`/admin/objects/12`). */
export interface TypedSection {
  kind: TypedKind;
  /** The path segment under `/admin`. */
  base: string;
}

/** The live `kind` #`id`, or a 404. */
export async function loadTarget(ctx: WebContext, kind: TypedKind, id: number): Promise<TypedObject> {
  const target = await ctx.services.store.get(kind, id);
  if (!target || target.isDeleted) throw new AdminRequestError(404, `There is no ${kind} #${id}.`);
  return target;
}

/** A change to one thing: what it did, in words, for the notice and the audit log. */
export type TypedChange = (target: TypedObject, actor: DefaultAccount, req: Request) => string | Promise<string>;

/**
 * A POST handler that applies `change` to the thing named in the path, in one unit
 * of work, audits it and redirects back to its edit page.
 */
export function changeHandler(ctx: WebContext, section: TypedSection, change: TypedChange): RequestHandler {
  return async (req, res) => {
    const actor = actingAccount(ctx, req);
    const id = pathId(req);
    const message = await ctx.services.runInUnit(async () => change(await loadTarget(ctx, section.kind, id), actor, req));
    ctx.audit(req, `${section.kind} #${id}: ${message}`);
    redirectWithNotice(ctx, req, res, `/admin/${section.base}/${id}`, message);
  };
}

/** Which of the shared forms a section offers. */
export interface TypedFeatures {
  aliases?: boolean;
  permissions?: boolean;
  typeclass?: boolean;
}

/** Mount the shared change routes of `section` on `router`. */
export function mountTypedEditRoutes(router: Router, ctx: WebContext, section: TypedSection, features: TypedFeatures): void {
  const post = (path: string, change: TypedChange) => router.post(`/${section.base}/:id/${path}`, changeHandler(ctx, section, change));
  const store = ctx.services.store;

  post("attributes", (target, actor, req) => setAttributeFromText(store, target, actor, formField(req, "key", 200), formField(req, "category", 200), formField(req, "value")));
  post("attributes/delete", (target, actor, req) => removeAttribute(target, actor, formField(req, "key", 200), formField(req, "category", 200)));
  post("tags", (target, actor, req) => addTag(target, actor, formField(req, "key", 200), formField(req, "category", 200)));
  post("tags/delete", (target, actor, req) => removeTag(target, actor, formField(req, "key", 200), formField(req, "category", 200)));
  post("locks", (target, actor, req) => addLocks(target, actor, formField(req, "lockstring", 2000)));
  post("locks/delete", (target, actor, req) => removeLock(target, actor, formField(req, "type", 200)));
  if (features.aliases) {
    post("aliases", (target, actor, req) => addAlias(target, actor, formField(req, "alias", 200)));
    post("aliases/delete", (target, actor, req) => removeAlias(target, actor, formField(req, "alias", 200)));
  }
  if (features.permissions) {
    post("permissions", (target, actor, req) => addPermission(target, actor, formField(req, "permission", 200)));
    post("permissions/delete", (target, actor, req) => removePermission(target, actor, formField(req, "permission", 200)));
  }
  if (features.typeclass) {
    post("typeclass", (target, actor, req) => changeTypeclass(target, actor, formField(req, "typeclass", 300), formField(req, "mode", 20) === "reset"));
  }
}
