/**
 * Reading what a browser sent: form fields as trimmed strings of bounded length
 * (a field sent twice, as an object or not at all reads as ""), and the client's
 * address as the game's throttles and bans see it.
 */
import type { Request } from "express";

/** Longest value read from a form field; the rest is cut off. */
export const MAX_FIELD_LENGTH = 10_000;

/** The form field `name` (trimmed unless `raw`), cut to `maxLength` characters; "" when absent or malformed. */
export function formField(req: Request, name: string, options: { maxLength?: number; raw?: boolean } = {}): string {
  const body: unknown = req.body;
  if (!body || typeof body !== "object") return "";
  const value: unknown = (body as Record<string, unknown>)[name];
  if (typeof value !== "string") return "";
  const cut = value.slice(0, options.maxLength ?? MAX_FIELD_LENGTH);
  return options.raw ? cut : cut.trim();
}

/**
 * The browser's address: `req.ip`, which follows `X-Forwarded-For` from the portal
 * (the web app trusts its loopback proxy), without the `::ffff:` IPv4 prefix so
 * bans on `203.0.113.*` match.
 */
export function clientAddress(req: Request): string {
  const ip = req.ip ?? req.socket.remoteAddress ?? "";
  return ip.startsWith("::ffff:") ? ip.slice(7) : ip;
}

/** A positive whole page number from the query string (1 when absent or malformed). */
export function pageNumber(req: Request): number {
  const raw = req.query.page;
  const n = typeof raw === "string" && /^\d{1,6}$/.test(raw) ? Number(raw) : 1;
  return n >= 1 ? n : 1;
}
