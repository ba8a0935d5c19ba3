/**
 * What the web app keeps in a website session (express-session's `SessionData`,
 * stored as JSON in `web_sessions`).
 */
// types only: the server loads express-session with the web app, on its first request
import type {} from "express-session";

declare module "express-session" {
  interface SessionData {
    /** The logged-in account's id. */
    accountId?: number;
    /** One-time messages shown on the next page rendered. */
    flash?: string[];
  }
}

/** The session data key of the logged-in account (read by the server to log a webclient in). */
export const SESSION_ACCOUNT_KEY = "accountId";

/** The account id a stored session names, or null. */
export function accountIdOfSession(data: unknown): number | null {
  if (typeof data !== "object" || data === null) return null;
  const id = (data as Record<string, unknown>)[SESSION_ACCOUNT_KEY];
  return typeof id === "number" && Number.isInteger(id) && id > 0 ? id : null;
}
