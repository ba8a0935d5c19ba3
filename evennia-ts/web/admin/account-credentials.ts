/**
 * An account's password and email, changed from the web admin as `userpassword`
 * changes a password: the account's own password rules (`validatePassword`), and
 * never the password of a superuser (unless one is) or of an account holding a
 * hierarchy permission the admin does not pass. The password itself is never
 * written to the audit log or shown again; the account, if connected, is told.
 */
import type { DefaultAccount } from "../../typeclasses/accounts.ts";
import { isEvenniaError } from "../../utils/errors.ts";
import { AdminRequestError } from "./admin-http.ts";
import { assertMayEdit, outranksOrEquals } from "./typed-changes.ts";

/** The longest email address (RFC 5321's limit on a path). */
const MAX_EMAIL_LENGTH = 254;

/** One `@`, something on each side, a dot in the domain, no spaces or angle brackets. */
const EMAIL_RE = /^[^\s@<>"]+@[^\s@<>"]+\.[^\s@<>".]+$/;

/** Set `account`'s password as `userpassword` does; `repeat` must match. Returns the notice (without the password). */
export async function changePassword(account: DefaultAccount, actor: DefaultAccount, password: string, repeat: string): Promise<string> {
  if (account !== actor && !outranksOrEquals(actor, account)) {
    throw new AdminRequestError(403, `You cannot change the password of ${account.key}: their permissions are above yours.`);
  }
  if (password !== repeat) throw new AdminRequestError(400, "The two passwords are not the same.");
  try {
    (account.constructor as typeof DefaultAccount).validatePassword(password);
  } catch (err) {
    if (isEvenniaError(err, "EV_ERR_BAD_INPUT")) throw new AdminRequestError(400, err.message);
    throw err;
  }
  await account.setPassword(password);
  if (account !== actor) account.msg(`${actor.key} has changed your password (in the web admin).`);
  return `${account.key} - new password set.`;
}

/** Set (or, with an empty field, clear) `account`'s email: the edit rules, and a plausible address. */
export function changeEmail(account: DefaultAccount, actor: DefaultAccount, text: string): string {
  assertMayEdit(account, actor);
  const email = text.trim();
  if (!email) {
    account.email = null;
    return `${account.key} has no email address now.`;
  }
  if (email.length > MAX_EMAIL_LENGTH || !EMAIL_RE.test(email)) throw new AdminRequestError(400, `'${email.slice(0, 80)}' is not an email address.`);
  account.email = email;
  return `Email of ${account.key} set to ${email}.`;
}
