/**
 * What the web app keeps in a website session (express-session's `SessionData`,
 * stored as JSON in `web_sessions`).
 */
// types only: the server loads express-session with the web app, on its first request
import type {} from "express-session";
import { createHmac, timingSafeEqual } from "node:crypto";
import type { DefaultAccount } from "../typeclasses/accounts.ts";

declare module "express-session" {
  interface SessionData {
    /** The logged-in account's id. */
    accountId?: number;
    /** {@link passwordStampOf} the account when it logged in: a new password ends the login. */
    passwordStamp?: string;
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

/**
 * A stamp of `account`'s password as it is now (an HMAC of its id and password hash
 * under the session secret). A login keeps the stamp of its time; once the password
 * changes (on the website, in the admin, in game) the stamps differ and every other
 * login of the account ends, as Django's session auth hash does in Evennia.
 */
export function passwordStampOf(account: DefaultAccount, secret: string): string {
  return createHmac("sha256", secret).update(`${account.id}:${account._row.password_hash}`).digest("base64url");
}

/** True when the stored session `data` is a login of `account` made with its current password. */
export function isCurrentLogin(data: unknown, account: DefaultAccount, secret: string): boolean {
  if (accountIdOfSession(data) !== account.id) return false;
  const stamp = (data as Record<string, unknown>).passwordStamp;
  if (typeof stamp !== "string") return false;
  const given = Buffer.from(stamp);
  const expected = Buffer.from(passwordStampOf(account, secret));
  return given.length === expected.length && timingSafeEqual(given, expected);
}
