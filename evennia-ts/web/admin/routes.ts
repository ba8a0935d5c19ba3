/**
 * The web admin, mounted at `/admin` (the web app checks each form's CSRF token
 * before this router sees it). Every page needs the Admin permission or higher:
 * anonymous visitors are sent to the login page, other accounts get 403. Pages
 * are rendered on the server from `templates/admin/*.liquid`; changes go through
 * the store, the typeclass hooks and the locks as the in-game commands do, and
 * each is written to the audit log with who made it.
 */
import { Router, type NextFunction, type Request, type Response } from "express";
import type { WebContext } from "../web-context.ts";
import { AdminRequestError, renderAdmin } from "./admin-http.ts";
import { mountAccountAdmin } from "./accounts-admin.ts";
import { mountBanAdmin } from "./bans-admin.ts";
import { mountChannelAdmin } from "./channels-admin.ts";
import { mountHelpAdmin } from "./help-admin.ts";
import { mountObjectAdmin } from "./objects-admin.ts";
import { mountScriptAdmin } from "./scripts-admin.ts";
import { mountStatusAdmin } from "./status-admin.ts";

/** The permission every admin page needs. */
export const ADMIN_PERMISSION = "Admin";

/** How many rows each table has, for the admin's front page. */
async function tableCounts(ctx: WebContext): Promise<{ name: string; url: string; count: number }[]> {
  const tables = [
    ["Accounts", "/admin/accounts", "accounts"],
    ["Objects", "/admin/objects", "objects"],
    ["Scripts", "/admin/scripts", "scripts"],
    ["Channels", "/admin/channels", "channels"],
    ["Help entries", "/admin/help", "help_entries"],
  ] as const;
  const out: { name: string; url: string; count: number }[] = [];
  for (const [name, url, table] of tables) {
    const [row] = await ctx.services.db.query<{ n: number | string }>(`SELECT COUNT(*) AS n FROM ${table}`);
    out.push({ name, url, count: Number(row?.n ?? 0) });
  }
  return out;
}

/** The admin page the browser came from (for the error page's "back" link), or null. */
function backLink(req: Request): string | null {
  const referer = req.get("referer");
  if (!referer) return null;
  try {
    const url = new URL(referer);
    return url.host === req.get("host") && url.pathname.startsWith("/admin") ? url.pathname + url.search : null;
  } catch {
    return null;
  }
}

/** The router of the web admin, mounted at `/admin`. */
export function adminRoutes(ctx: WebContext): Router {
  const router = Router();
  router.use(ctx.requirePermission(ADMIN_PERMISSION));

  router.get("/", async (req, res) => {
    await renderAdmin(ctx, req, res, "index", { section: "home", tables: await tableCounts(ctx), bans: (await ctx.services.bans.list()).length });
  });
  mountAccountAdmin(router, ctx);
  mountObjectAdmin(router, ctx);
  mountScriptAdmin(router, ctx);
  mountChannelAdmin(router, ctx);
  mountHelpAdmin(router, ctx);
  mountBanAdmin(router, ctx);
  mountStatusAdmin(router, ctx);

  // a refusal or bad input: the admin page says why, with the status it deserves
  router.use(async (err: unknown, req: Request, res: Response, next: NextFunction) => {
    if (!(err instanceof AdminRequestError) || res.headersSent) return next(err);
    await renderAdmin(ctx, req, res, "error", { section: "", status: err.status, message: err.message, back: backLink(req) }, err.status).catch(next);
  });
  return router;
}
