/**
 * The web admin's help entries (the database ones `sethelp` makes): the list
 * (search in topics and aliases, filter by category, pages), a form to create
 * one, the edit page (topic, category, aliases, locks, text) and deletion.
 * Changes go through `saveDbHelpEntry`/`deleteDbHelpEntry`, as `sethelp`, so the
 * in-game `help` sees them at once. A lock string is checked by the lock parser.
 */
import type { Request, Router } from "express";
import { allDbHelpEntries, deleteDbHelpEntry, findDbHelpEntry, saveDbHelpEntry, type DbHelpEntry } from "../../commands/help/db-help-entries.ts";
import { parseLockDefinition, splitLockString } from "../../locks/lock-string.ts";
import { isEvenniaError } from "../../utils/errors.ts";
import type { WebContext } from "../web-context.ts";
import { AdminRequestError, formField, queryValue, redirectWithNotice, renderAdmin } from "./admin-http.ts";
import { pageOfArray, pagerView, pageRequest } from "./pagination.ts";
import { cleanName } from "./typed-changes.ts";

/** `/admin/help/<topic>`: the topic in the path, URL-encoded. */
export function helpEntryUrl(key: string): string {
  return `/admin/help/${encodeURIComponent(key.toLowerCase())}`;
}

/** The entry the path names, or a 404. */
async function entryFromPath(ctx: WebContext, req: Request): Promise<DbHelpEntry> {
  const key = String(req.params.key ?? "");
  const entry = key ? await findDbHelpEntry(ctx.services.db, key) : undefined;
  if (!entry) throw new AdminRequestError(404, `There is no help entry '${key}'.`);
  return entry;
}

/** The entry fields of a help form, checked. */
function entryFromForm(req: Request): Omit<DbHelpEntry, "dateCreated"> {
  const key = cleanName(formField(req, "key", 200), "topic");
  const category = formField(req, "category", 200).trim().toLowerCase() || "general";
  const aliases = formField(req, "aliases", 2000)
    .split(/[;,]/)
    .map((a) => a.trim())
    .filter(Boolean);
  const locks = formField(req, "locks", 2000).trim() || "read:all()";
  try {
    for (const part of splitLockString(locks)) parseLockDefinition(part, true);
  } catch (err) {
    if (isEvenniaError(err)) throw new AdminRequestError(400, `Lock string '${locks}' is malformed: ${err.message}`);
    throw err;
  }
  return { key, category, aliases, locks, text: formField(req, "text").replace(/\r\n/g, "\n") };
}

/** Mount the help entry pages on the admin router. */
export function mountHelpAdmin(router: Router, ctx: WebContext): void {
  const { services } = ctx;

  router.get("/help", async (req, res) => {
    const q = queryValue(req, "q").toLowerCase();
    const category = queryValue(req, "category").toLowerCase();
    const all = (await allDbHelpEntries(services.db)).slice().sort((a, b) => a.key.localeCompare(b.key));
    const categories = [...new Set(all.map((e) => e.category))].sort();
    const matching = all.filter((e) => (!category || e.category === category) && (!q || e.key.toLowerCase().includes(q) || e.aliases.some((a) => a.includes(q))));
    const page = pageOfArray(matching, pageRequest(req));
    const rows = page.rows.map((e) => ({ key: e.key, url: helpEntryUrl(e.key), category: e.category, aliases: e.aliases, locks: e.locks }));
    await renderAdmin(ctx, req, res, "help-entries", { section: "help", page: { ...page, rows }, pager: pagerView(req, page), filters: { q, category }, categories });
  });

  router.post("/help", async (req, res) => {
    const message = await services.runInUnit(async () => {
      const fields = entryFromForm(req);
      if (await findDbHelpEntry(services.db, fields.key)) throw new AdminRequestError(400, `Topic '${fields.key}' already exists: edit it instead.`);
      const saved = await saveDbHelpEntry(services.db, fields);
      return `Topic '${saved.key}' was created.`;
    });
    ctx.audit(req, `help: ${message}`);
    redirectWithNotice(ctx, req, res, "/admin/help", message);
  });

  router.get("/help/:key", async (req, res) => {
    const entry = await entryFromPath(ctx, req);
    await renderAdmin(ctx, req, res, "help-entry", { section: "help", entry: { ...entry, url: helpEntryUrl(entry.key), aliasText: entry.aliases.join(", ") } });
  });

  router.post("/help/:key", async (req, res) => {
    const { message, url } = await services.runInUnit(async () => {
      const old = await entryFromPath(ctx, req);
      const fields = entryFromForm(req);
      if (fields.key.toLowerCase() !== old.key.toLowerCase()) {
        if (await findDbHelpEntry(services.db, fields.key)) throw new AdminRequestError(400, `Topic '${fields.key}' already exists.`);
        await deleteDbHelpEntry(services.db, old.key);
      }
      const saved = await saveDbHelpEntry(services.db, { ...fields, dateCreated: old.dateCreated });
      return { message: `Help entry '${saved.key}' was saved.`, url: helpEntryUrl(saved.key) };
    });
    ctx.audit(req, `help: ${message}`);
    redirectWithNotice(ctx, req, res, url, message);
  });

  router.get("/help/:key/delete", async (req, res) => {
    const entry = await entryFromPath(ctx, req);
    await renderAdmin(ctx, req, res, "confirm-delete", {
      section: "help",
      what: `help entry '${entry.key}'`,
      action: `${helpEntryUrl(entry.key)}/delete`,
      back: helpEntryUrl(entry.key),
      refusal: null,
      notes: [],
    });
  });

  router.post("/help/:key/delete", async (req, res) => {
    const message = await services.runInUnit(async () => {
      const entry = await entryFromPath(ctx, req);
      await deleteDbHelpEntry(services.db, entry.key);
      return `Deleted help entry '${entry.key}'.`;
    });
    ctx.audit(req, `help: ${message}`);
    redirectWithNotice(ctx, req, res, "/admin/help", message);
  });
}
