/**
 * The web admin's objects: the list (search by key, alias or `#dbref`; filters by
 * typeclass, location and kind; pages), the edit page (name, home, attributes,
 * tags, aliases, locks, permissions, typeclass), creation as `create/drop`
 * (`creation.ts`), a new location as `teleport` (`object-moves.ts`), and deletion
 * as `destroy` does it: the `delete` or `control` lock, never the default home or
 * the start room, a character played by an account only when the admin says so.
 */
import type { Router } from "express";
import { mayBuild } from "../../commands/default/building/access.ts";
import { roomsNeverDestroyed } from "../../commands/default/building/destroy.ts";
import { DefaultObject } from "../../typeclasses/objects.ts";
import type { WebContext } from "../web-context.ts";
import { actingAccount, AdminRequestError, formField, pathId, queryValue, redirectWithNotice, renderAdmin } from "./admin-http.ts";
import { listObjects, typeclassesInUse, type ObjectFilters } from "./listing.ts";
import { kindOf, OBJECT_KINDS, type ObjectKind } from "./object-kinds.ts";
import { pagerView, pageRequest } from "./pagination.ts";
import { assertMayEdit, isSuperuserTarget, rename } from "./typed-changes.ts";
import { changeHandler, loadTarget, mountTypedEditRoutes, type TypedSection } from "./typed-edit-routes.ts";
import { refView, typedView } from "./typed-view.ts";
import { createObjectAs, objectFromField } from "./creation.ts";
import { teleportAs } from "./object-moves.ts";

const SECTION: TypedSection = { kind: "object", base: "objects" };

/** The object `id`, or a 404 (also for an id that is an account's, a script's...). */
async function loadObject(ctx: WebContext, id: number): Promise<DefaultObject> {
  const target = await loadTarget(ctx, "object", id);
  if (!(target instanceof DefaultObject)) throw new AdminRequestError(404, `There is no object #${id}.`);
  return target;
}

/** The object list's filters from the query string; an unknown kind is a 400. */
function objectFilters(q: string, typeclass: string, location: string, kind: string): ObjectFilters {
  if (kind && !(OBJECT_KINDS as readonly string[]).includes(kind)) throw new AdminRequestError(400, `'${kind}' is not a kind of object (${OBJECT_KINDS.join(", ")}).`);
  if (location && location !== "none" && !/^#?\d{1,15}$/.test(location)) throw new AdminRequestError(400, `The location filter takes a #dbref or 'none', not '${location}'.`);
  return { q, typeclass, location, kind: kind as ObjectKind | "" };
}

/** Why `obj` may not be deleted by `actor`, or null when it may. */
async function deletionRefusal(obj: DefaultObject, actor: Parameters<typeof mayBuild>[1], override: boolean): Promise<string | null> {
  if (isSuperuserTarget(obj) && !(actor as { isSuperuser?: boolean }).isSuperuser) return `Only a superuser may delete ${obj.key}.`;
  if (!mayBuild(obj, actor, "delete")) return `You don't have permission to delete ${obj.key}.`;
  const role = (await roomsNeverDestroyed()).get(obj);
  if (role) return `${obj.key} is ${role}: point that setting to another object before deleting it.`;
  if (obj.account && !override) return `${obj.key} is controlled by the account ${obj.account.key}: tick "delete anyway" to delete it.`;
  return null;
}

/** Mount the object pages on the admin router. */
export function mountObjectAdmin(router: Router, ctx: WebContext): void {
  const { services } = ctx;

  router.get("/objects", async (req, res) => {
    const filters = objectFilters(queryValue(req, "q"), queryValue(req, "typeclass", 300), queryValue(req, "location"), queryValue(req, "kind"));
    const page = await listObjects(services.db, filters, pageRequest(req));
    const typeclasses = await typeclassesInUse(services.db, "objects");
    await renderAdmin(ctx, req, res, "objects", { page, pager: pagerView(req, page), filters, typeclasses, kinds: OBJECT_KINDS, section: "objects" });
  });

  router.post("/objects/new", async (req, res) => {
    const actor = actingAccount(ctx, req);
    const fields = { key: formField(req, "key", 200), typeclass: formField(req, "typeclass", 300), location: formField(req, "location", 20), home: formField(req, "home", 20) };
    const obj = await services.runInUnit(() => createObjectAs(services.store, actor, fields));
    const where = obj.location ? ` in ${obj.location.key}(${obj.location.dbref})` : "";
    const message = `Created ${obj.key}(${obj.dbref}) of type ${obj.typeclassPath}${where}.`;
    ctx.audit(req, `object #${obj.id}: ${message}`);
    redirectWithNotice(ctx, req, res, `/admin/objects/${obj.id}`, message);
  });

  router.get("/objects/:id", async (req, res) => {
    const actor = actingAccount(ctx, req);
    const obj = await loadObject(ctx, pathId(req));
    const contents = await obj.loadContents();
    const scripts = await obj.scripts.all();
    await renderAdmin(ctx, req, res, "object", {
      section: "objects",
      item: await typedView(obj, actor),
      objectKind: kindOf(obj),
      location: refView(obj.location),
      home: refView(obj.home),
      destination: refView(obj.destination),
      playedBy: refView(obj.account),
      contents: contents.map((o) => refView(o)),
      scripts: scripts.map((s) => refView(s)),
    });
  });

  router.post("/objects/:id/name", changeHandler(ctx, SECTION, (target, actor, req) => rename(target, actor, formField(req, "key", 200))));

  router.post(
    "/objects/:id/home",
    changeHandler(ctx, SECTION, async (target, actor, req) => {
      assertMayEdit(target, actor);
      const obj = target as DefaultObject;
      const home = await objectFromField(services.store, formField(req, "home", 20), "home");
      obj.home = home;
      return home ? `Home of ${obj.key} set to ${home.key}(${home.dbref}).` : `${obj.key} has no home now.`;
    }),
  );

  router.post(
    "/objects/:id/location",
    changeHandler(ctx, SECTION, async (target, actor, req) => teleportAs(target as DefaultObject, actor, await objectFromField(services.store, formField(req, "location", 20), "location"))),
  );

  mountTypedEditRoutes(router, ctx, SECTION, { aliases: true, permissions: true, typeclass: true });

  router.get("/objects/:id/delete", async (req, res) => {
    const actor = actingAccount(ctx, req);
    const obj = await loadObject(ctx, pathId(req));
    const refusal = await deletionRefusal(obj, actor, true);
    await renderAdmin(ctx, req, res, "confirm-delete", {
      section: "objects",
      what: `object ${obj.key} (${obj.dbref})`,
      action: `/admin/objects/${obj.id}/delete`,
      back: `/admin/objects/${obj.id}`,
      refusal,
      override: obj.account ? `It is the character of ${obj.account.key}. Delete it anyway` : null,
      notes: ["Exits to and from it are deleted with it; what is inside it is sent home."],
    });
  });

  router.post("/objects/:id/delete", async (req, res) => {
    const actor = actingAccount(ctx, req);
    const id = pathId(req);
    const override = formField(req, "override", 10) === "yes";
    const message = await services.runInUnit(async () => {
      const obj = await loadObject(ctx, id);
      const refusal = await deletionRefusal(obj, actor, override);
      if (refusal) throw new AdminRequestError(403, refusal);
      const name = `${obj.key}(${obj.dbref})`;
      await obj.loadContents();
      if (!(await obj.delete())) throw new AdminRequestError(409, `${name} was not deleted: its atObjectDelete hook refused.`);
      return `${name} was destroyed.`;
    });
    ctx.audit(req, `object #${id}: ${message}`);
    redirectWithNotice(ctx, req, res, "/admin/objects", message);
  });
}
