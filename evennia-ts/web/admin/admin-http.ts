/**
 * Small request helpers of the web admin: reading form fields and query values
 * that may be hostile (arrays, huge strings), ids from the path, the acting
 * account, rendering an admin page and redirecting after a change.
 */
import type { Request, Response } from "express";
import type { DefaultAccount } from "../../typeclasses/accounts.ts";
import type { WebContext } from "../web-context.ts";
import { EvenniaError } from "../../utils/errors.ts";

/** The longest text one form field may carry (a description, a help text). */
export const MAX_FIELD_LENGTH = 100_000;

/** A request the admin refuses, with the HTTP status and the reason shown to the admin. */
export class AdminRequestError extends EvenniaError {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(status === 403 ? "EV_ERR_LOCK_DENIED" : status === 404 ? "EV_ERR_NOT_FOUND" : status >= 500 ? "EV_ERR_INTERNAL" : "EV_ERR_BAD_INPUT", message);
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

/** Render `templates/admin/<template>.liquid` (the flash messages waiting for this browser come with it). */
export async function renderAdmin(ctx: WebContext, req: Request, res: Response, template: string, data: Record<string, unknown> = {}, status = 200): Promise<void> {
  await ctx.render(req, res, `admin/${template}.liquid`, data, status);
}

/** After a change: back to `url` (303, so a reload does not post again), with `notice` shown there once. */
export function redirectWithNotice(ctx: WebContext, req: Request, res: Response, url: string, notice: string): void {
  ctx.flash(req, notice);
  res.redirect(303, url);
}
