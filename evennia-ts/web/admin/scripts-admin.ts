/**
 * The web admin's scripts: the list (search by key or `#dbref`, filter by
 * typeclass or the object they are on, pages), the edit page (key, description,
 * attributes, tags, locks; start, stop, pause, unpause as the `scripts` switches)
 * and deletion (stopped, then deleted, as `scripts/delete`). The `scripts`
 * command asks for Admin and no lock of the script; neither does this page for
 * those actions. Attributes go through the script's locks, as `set/script`.
 */
import type { Router } from "express";
import { DefaultScript } from "../../typeclasses/scripts.ts";
import type { WebContext } from "../web-context.ts";
import { actingAccount, AdminRequestError, formField, pathId, queryValue, redirectWithNotice, renderAdmin } from "./admin-http.ts";
import { dbrefNumber, listScripts, typeclassesInUse } from "./listing.ts";
import { pagerView, pageRequest } from "./pagination.ts";
import { cleanName } from "./typed-changes.ts";
import { changeHandler, loadTarget, mountTypedEditRoutes, type TypedSection } from "./typed-edit-routes.ts";
import { refView, typedView } from "./typed-view.ts";

const SECTION: TypedSection = { kind: "script", base: "scripts" };

/** What the action buttons do, as the `scripts` switches. */
const ACTIONS = { start: "Started", stop: "Stopped", pause: "Paused", unpause: "Unpaused" } as const;
type ScriptAction = keyof typeof ACTIONS;

async function loadScript(ctx: WebContext, id: number): Promise<DefaultScript> {
  const target = await loadTarget(ctx, "script", id);
  if (!(target instanceof DefaultScript)) throw new AdminRequestError(404, `There is no script #${id}.`);
  return target;
}

/** Mount the script pages on the admin router. */
export function mountScriptAdmin(router: Router, ctx: WebContext): void {
  const { services } = ctx;

  router.get("/scripts", async (req, res) => {
    const filters = { q: queryValue(req, "q"), typeclass: queryValue(req, "typeclass", 300), obj: queryValue(req, "obj") };
    if (filters.obj && dbrefNumber(filters.obj) === null) throw new AdminRequestError(400, `The object filter takes a #dbref, not '${filters.obj}'.`);
    const page = await listScripts(services.db, filters, pageRequest(req));
    const typeclasses = await typeclassesInUse(services.db, "scripts");
    await renderAdmin(ctx, req, res, "scripts", { section: "scripts", page, pager: pagerView(req, page), filters, typeclasses });
  });

  router.get("/scripts/:id", async (req, res) => {
    const actor = actingAccount(ctx, req);
    const script = await loadScript(ctx, pathId(req));
    const next = script.timeUntilNextRepeat();
    await renderAdmin(ctx, req, res, "script", {
      section: "scripts",
      item: await typedView(script, actor),
      description: script.description,
      interval: script.interval,
      repeats: script.repeats,
      repeatsDone: script.repeatsDone,
      persistent: script.persistent,
      isActive: script.isActive,
      isPaused: script.isPaused,
      nextRepeatSeconds: next === null ? null : Math.round(next / 100) / 10,
      obj: refView(script.obj),
      owner: refView(script.account),
      actions: Object.keys(ACTIONS),
    });
  });

  router.post(
    "/scripts/:id/fields",
    changeHandler(ctx, SECTION, (target, _actor, req) => {
      const script = target as DefaultScript;
      const key = cleanName(formField(req, "key", 200), "script key");
      const description = formField(req, "description", 2000);
      script.key = key;
      script.description = description;
      return `Script ${script.dbref} is now '${key}' (${description ? "with" : "without"} a description).`;
    }),
  );

  router.post(
    "/scripts/:id/action",
    changeHandler(ctx, SECTION, async (target, _actor, req) => {
      const action = formField(req, "action", 20) as ScriptAction;
      if (!Object.hasOwn(ACTIONS, action)) throw new AdminRequestError(400, `'${action}' is not a script action (${Object.keys(ACTIONS).join(", ")}).`);
      const script = target as DefaultScript;
      await script[action]();
      return `${ACTIONS[action]} script ${script.key} (${script.typeclassPath}).`;
    }),
  );

  mountTypedEditRoutes(router, ctx, SECTION, {});

  router.get("/scripts/:id/delete", async (req, res) => {
    const script = await loadScript(ctx, pathId(req));
    await renderAdmin(ctx, req, res, "confirm-delete", {
      section: "scripts",
      what: `script ${script.key} (#${script.id})`,
      action: `/admin/scripts/${script.id}/delete`,
      back: `/admin/scripts/${script.id}`,
      refusal: null,
      notes: ["It is stopped first (its atStop hook runs)."],
    });
  });

  router.post("/scripts/:id/delete", async (req, res) => {
    const id = pathId(req);
    const message = await services.runInUnit(async () => {
      const script = await loadScript(ctx, id);
      const name = `${script.key} (${script.typeclassPath})`;
      if (!(await script.delete())) throw new AdminRequestError(409, `Script ${name} was not deleted: its atObjectDelete hook refused.`);
      return `Deleted script ${name}.`;
    });
    ctx.audit(req, `script #${id}: ${message}`);
    redirectWithNotice(ctx, req, res, "/admin/scripts", message);
  });
}
