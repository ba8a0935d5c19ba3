/**
 * HTTP Basic authentication (`Authorization: Basic base64(name:password)`), for
 * scripts using the REST API. Each attempt goes through the same login throttle as
 * telnet logins and the website's login form: a wrong password counts as a failed
 * login, and a throttled address is refused before the password is checked.
 */
import type { DefaultAccount } from "../typeclasses/accounts.ts";
import { findAccount } from "../typeclasses/search.ts";
import type { WebServices } from "./web-context.ts";

/** Name and password of a Basic `Authorization` header, or null when it is not one (or malformed). */
export function parseBasicAuthorization(header: string | undefined): { username: string; password: string } | null {
  if (!header) return null;
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!match || match[1]!.length > 4096) return null;
  const decoded = Buffer.from(match[1]!, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon <= 0) return null;
  // the account's name as the account search and the throttle see it: " anna" is anna, and counts as anna
  const username = decoded.slice(0, colon).trim();
  if (!username) return null;
  return { username, password: decoded.slice(colon + 1) };
}

/** The outcome of one Basic login. */
export type BasicAuthResult =
  | { ok: true; account: DefaultAccount }
  | { ok: false; status: 401 | 403 | 429; reason: string };

/** Check a Basic login from `ip`: throttle, bans (of the name given, then of the account found), then the password. */
export async function checkBasicLogin(services: WebServices, ip: string, username: string, password: string): Promise<BasicAuthResult> {
  // counted against the address from now until its password is judged (requests raced in at once included)
  const attempt = {};
  try {
    const refused = await services.throttles.loginCheck(ip, username, attempt);
    if (refused) return { ok: false, status: 429, reason: refused };
    if (await services.bans.isBanned({ ip, username })) return { ok: false, status: 403, reason: "You have been banned." };
    const account = await findAccount(username);
    // a ban names the account, which may have been given by an alias
    if (account && (await services.bans.isBanned({ ip, username: account.key }))) return { ok: false, status: 403, reason: "You have been banned." };
    if (!account || !(await account.checkPassword(password))) {
      services.throttles.loginFailed(ip, username, attempt);
      return { ok: false, status: 401, reason: "Username and/or password is incorrect." };
    }
    services.throttles.loginSucceeded(ip, username, attempt);
    return { ok: true, account };
  } finally {
    services.throttles.loginAbandoned(attempt);
  }
}
