/**
 * Showing a website page: the template under `templates/website/`, through the
 * web app's renderer (so a game's own copy of the template wins).
 */
import type { Request, Response } from "express";
import type { WebContext } from "../web-context.ts";

/**
 * Render `website/<template>.liquid` with `data` (plain values only) and `status`
 * (200). `path` is the page's full path (the layout marks the menu entry of the
 * current page with it), not the part after this router's mount point.
 */
export function showPage(ctx: WebContext, req: Request, res: Response, template: string, data: Record<string, unknown> = {}, status = 200): Promise<void> {
  return ctx.render(req, res, `website/${template}.liquid`, { path: req.baseUrl + req.path, ...data }, status);
}

/** The "not found" page (404) with `message`. */
export function showNotFound(ctx: WebContext, req: Request, res: Response, message: string): Promise<void> {
  return showPage(ctx, req, res, "error", { title: "Not found", message }, 404);
}

/** The "forbidden" page (403) with `message`. */
export function showForbidden(ctx: WebContext, req: Request, res: Response, message: string): Promise<void> {
  return showPage(ctx, req, res, "error", { title: "Not allowed", message }, 403);
}

/** A local path to go to after a form (`next`), or `fallback` when it is missing or points off-site. */
export function safeNextPath(next: unknown, fallback: string): string {
  if (typeof next !== "string" || !next.startsWith("/") || next.startsWith("//") || next.includes("\\")) return fallback;
  return /^[\x21-\x7e]{1,300}$/.test(next) ? next : fallback;
}

/** `YYYY-MM-DD HH:MM` (UTC) of a time in ms since the epoch. */
export function minuteText(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16).replace("T", " ");
}
