/**
 * Small request helpers of the web admin: reading form fields and query values
 * that may be hostile (arrays, huge strings), ids from the path, the acting
 * account, and notices carried across a redirect in the website session.
 */
import type { Request, Response } from "express";
import type { DefaultAccount } from "../../typeclasses/accounts.ts";
import type { WebContext } from "../web-context.ts";

/** The longest text one form field may carry (a description, a help text). */
export const MAX_FIELD_LENGTH = 100_000;

/** A request the admin refuses, with the HTTP status and the reason shown to the admin. */
export class AdminRequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = "AdminRequestError";
  }
}

/** A form field as a string ("" when missing); a repeated or over-long field is a 400. */
export function formField(req: Request, name: string, maxLength = MAX_FIELD_LENGTH): string {
  const body = (req.body ?? {}) as Record<string, unknown>;
  const value = body[name];
  if (value === undefined || value === null) return "";
  if (typeof value !== "string") throw new AdminRequestError(400, `The field '${name}' was sent more than once or in a form the admin does not read.`);
  if (value.length > maxLength) throw new AdminRequestError(400, `The field '${name}' is longer than ${maxLength} characters.`);
  return value;
}

/** A query-string value as a string ("" when missing); a repeated value is a 400. */
export function queryValue(req: Request, name: string, maxLength = 200): string {
  const value = (req.query as Record<string, unknown>)[name];
  if (value === undefined) return "";
  if (typeof value !== "string") throw new AdminRequestError(400, `The query parameter '${name}' was given more than once.`);
  if (value.length > maxLength) throw new AdminRequestError(400, `The query parameter '${name}' is longer than ${maxLength} characters.`);
  return value.trim();
}

/** The numeric id in the path (`/admin/objects/12`), or a 400 when it is not one. */
export function pathId(req: Request, name = "id"): number {
  const text = String(req.params[name] ?? "");
  if (!/^\d{1,15}$/.test(text) || Number(text) <= 0) throw new AdminRequestError(400, `'${text}' is not an id.`);
  return Number(text);
}

/** The logged-in account (the routes run behind `requirePermission`, so there is one). */
export function actingAccount(ctx: WebContext, req: Request): DefaultAccount {
  const account = ctx.account(req);
  if (!account) throw new AdminRequestError(401, "You are not logged in.");
  return account;
}

/** One notice shown at the top of the next admin page. */
export interface AdminNotice {
  kind: "info" | "error";
  text: string;
}

interface NoticeSession {
  adminNotices?: AdminNotice[];
}

/** Remember a notice for the next page this browser sees (kept in its website session). */
export function addNotice(req: Request, text: string, kind: AdminNotice["kind"] = "info"): void {
  const session = (req as Request & { session?: NoticeSession }).session;
  if (!session) return;
  session.adminNotices = [...(session.adminNotices ?? []), { kind, text }].slice(-10);
}

/** The notices waiting for this browser (they are shown once). */
export function takeNotices(req: Request): AdminNotice[] {
  const session = (req as Request & { session?: NoticeSession }).session;
  if (!session?.adminNotices) return [];
  const notices = session.adminNotices;
  delete session.adminNotices;
  return notices;
}

/** Render an admin page with the notices waiting for this browser. */
export async function renderAdmin(ctx: WebContext, req: Request, res: Response, template: string, data: Record<string, unknown> = {}, status = 200): Promise<void> {
  await ctx.render(req, res, `admin/${template}.liquid`, { notices: takeNotices(req), ...data }, status);
}

/** After a change: back to `url` (303, so a reload does not post again) with `notice`. */
export function redirectWithNotice(req: Request, res: Response, url: string, notice: string): void {
  addNotice(req, notice);
  res.redirect(303, url);
}
