/**
 * GMCP login: `Char.Login {"name": "anna", "password": "..."}` (cmdname `char_login`)
 * and Mudlet's `Char.Login.Credentials {"account": "anna", "password": "..."}`
 * (`char_login_credentials`) log an unlogged session in, as `connect <name> <password>`
 * does, through the same login throttle. The answer is
 * `Char.Login.Result {"success": true}` or `{"success": false, "message": "..."}`.
 *
 * OFF by default (a password in an out-of-band message bypasses whatever the
 * game's login screen does): a game turns it on by calling {@link enableGmcpLogin}
 * from its code (e.g. `server/conf/` or a module in `settings.gameModules`). While
 * off, these messages are ignored like any unknown input.
 */
import { findAccount } from "../../typeclasses/search.ts";
import { getLogger } from "../../utils/logger.ts";
import type { InputFunc } from "../inputfuncs.ts";
import type { ServerSession } from "../server-session.ts";
import { oobServices } from "./oob-context.ts";

const log = getLogger("server.oob");

/** Longest name or password considered. */
const MAX_LENGTH = 256;

let enabled = false;

/** Allow (or, with `false`, forbid again) logging in by GMCP `Char.Login`. */
export function enableGmcpLogin(on = true): void {
  enabled = on;
}

/** True when GMCP login is allowed. */
export function isGmcpLoginEnabled(): boolean {
  return enabled;
}

function answer(session: ServerSession, success: boolean, message?: string): void {
  session.msg({ char_login_result: [[], message === undefined ? { success } : { success, message }] });
}

/** `char_login` / `char_login_credentials`: log in with a name and a password. */
export const charLoginInputFunc: InputFunc = async (session, args, kwargs) => {
  if (!enabled) {
    log.debug(`session ${session.sessid} tried GMCP login, which is not enabled; ignored`);
    return;
  }
  const services = oobServices();
  if (!services) return;
  const name = kwargs.name ?? kwargs.account ?? args[0];
  const password = kwargs.password ?? args[1];
  if (session.loggedIn) {
    answer(session, false, "You are already logged in.");
    return;
  }
  if (typeof name !== "string" || typeof password !== "string" || !name.trim() || !password) {
    answer(session, false, 'Send {"name": ..., "password": ...}.');
    return;
  }
  if (name.length > MAX_LENGTH || password.length > MAX_LENGTH) {
    answer(session, false, "Username and/or password is incorrect.");
    return;
  }
  const refused = await services.loginThrottleCheck(session, name);
  if (refused) {
    answer(session, false, refused);
    return;
  }
  const account = await findAccount(name.trim());
  if (!account || !(await account.checkPassword(password))) {
    if (account) await account.atFailedLogin(session);
    services.loginFailed(session, name);
    answer(session, false, "Username and/or password is incorrect.");
    return;
  }
  services.loginSucceeded(session, name);
  await services.login(session, account);
  answer(session, true);
};
