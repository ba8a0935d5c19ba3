/**
 * The web admin's scripts: the list (search by key or `#dbref`, filter by
 * typeclass or the object they are on, pages), creation as the `scripts` command
 * creates (`creation.ts`), the edit page (key, description, interval and repeats,
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
import { createScriptAs } from "./creation.ts";
import { isEvenniaError } from "../../utils/errors.ts";

const SECTION: TypedSection = { kind: "script", base: "scripts" };

/** What the action buttons do, as the `scripts` switches. */
const ACTIONS = { start: "Started", stop: "Stopped", pause: "Paused", unpause: "Unpaused" } as const;
type ScriptAction = keyof typeof ACTIONS;

/** The longest interval the admin sets: a year, in seconds. */
const MAX_INTERVAL_SECONDS = 365 * 24 * 3600;

/** A whole number from 0 to `max` typed in the field `name`, or a 400. */
function wholeField(text: string, name: string, max: number): number {
  const trimmed = text.trim();
  if (!/^\d{1,12}$/.test(trimmed) || Number(trimmed) > max) throw new AdminRequestError(400, `The ${name} must be a whole number from 0 to ${max}, not '${trimmed.slice(0, 40)}'.`);
  return Number(trimmed);
}

/**
 * New interval and repeats, as the scheduler takes them: a running (or paused)
 * script restarts its timer with them (`start`, as `scripts/start` after a change);
 * a stopped one keeps them for its next start.
 */
async function changeTimer(script: DefaultScript, interval: number, repeats: number): Promise<string> {
  if (interval === script.interval && repeats === script.repeats) return `Script ${script.key}: interval and repeats unchanged.`;
  try {
    if (script.isActive) await script.start({ interval, repeats });
    else {
      script.interval = interval;
      script.repeats = repeats;
    }
  } catch (err) {
    if (isEvenniaError(err, "EV_ERR_BAD_INPUT")) throw new AdminRequestError(400, err.message);
    throw err;
  }
  const state = script.isActive ? "restarted" : "kept for its next start";
  return `Script ${script.key}: interval ${interval} s, repeats ${repeats === 0 ? "unlimited" : repeats} (${state}).`;
}

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

  router.post("/scripts/new", async (req, res) => {
    const fields = { typeclass: formField(req, "typeclass", 300), key: formField(req, "key", 200), obj: formField(req, "obj", 20) };
    const script = await services.runInUnit(() => createScriptAs(services.store, fields));
    const on = script.obj ? `on ${script.obj.key}(${script.obj.dbref})` : "global";
    const message = `Script ${script.key} (${script.typeclassPath}) created, ${on}, and started.`;
    ctx.audit(req, `script #${script.id}: ${message}`);
    redirectWithNotice(ctx, req, res, `/admin/scripts/${script.id}`, message);
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
    "/scripts/:id/timer",
    changeHandler(ctx, SECTION, (target, _actor, req) =>
      changeTimer(target as DefaultScript, wholeField(formField(req, "interval", 20), "interval", MAX_INTERVAL_SECONDS), wholeField(formField(req, "repeats", 20), "repeats", 1_000_000_000)),
    ),
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
