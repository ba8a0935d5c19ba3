/**
 * Logging in out of band: GMCP `Char.Login {"name": "anna", "password": "..."}` (cmdname
 * `char_login`), Mudlet's `Char.Login.Credentials {"account": "anna", "password": "..."}`
 * (`char_login_credentials`) and Evennia's `login` inputfunc (`["login", [], {"name": "anna",
 * "password": "..."}]`) log an unlogged session in as `connect <name> <password>` does, through
 * the same checks (`checkLogin`: the login throttle, bans of the address and the name, the
 * password). GMCP's answer is `Char.Login.Result {"success": true}` or `{"success": false,
 * "message": "..."}`; `login` answers a failure as text, as Evennia's.
 *
 * OFF by default (a password in an out-of-band message bypasses whatever the
 * game's login screen does): a game turns it on by calling {@link enableGmcpLogin}
 * from its code (e.g. `server/conf/` or a module in `settings.gameModules`). While
 * off, these messages are ignored like any unknown input.
 */
import { checkLogin } from "../../commands/default/unloggedin.ts";
import { stripMarkup } from "../../utils/text/markup.ts";
import { getLogger } from "../../utils/logger.ts";
import type { InputFunc } from "../inputfuncs.ts";
import type { ServerSession } from "../server-session.ts";
import { oobServices } from "./oob-context.ts";

const log = getLogger("server.oob");

/** Longest name or password considered. */
const MAX_LENGTH = 256;

let enabled = false;

/** Allow (or, with `false`, forbid again) logging in out of band: GMCP `Char.Login` and the `login` inputfunc. */
export function enableGmcpLogin(on = true): void {
  enabled = on;
}

/** True when logging in out of band (GMCP `Char.Login`, `login`) is allowed. */
export function isGmcpLoginEnabled(): boolean {
  return enabled;
}

function answer(session: ServerSession, success: boolean, message?: string): void {
  session.msg({ char_login_result: [[], message === undefined ? { success } : { success, message }] });
}

/** Why a session may not try an out-of-band login with `name` and `password` now, or null. */
function badRequest(session: ServerSession, name: unknown, password: unknown): string | null {
  if (session.loggedIn) return "You are already logged in.";
  if (typeof name !== "string" || typeof password !== "string" || !name.trim() || !password) return 'Send {"name": ..., "password": ...}.';
  if (name.length > MAX_LENGTH || password.length > MAX_LENGTH) return "Username and/or password is incorrect.";
  return null;
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
  const bad = badRequest(session, name, password);
  if (bad) {
    answer(session, false, bad);
    return;
  }
  const checked = await checkLogin(services, session, name as string, password as string);
  if ("refusal" in checked) {
    answer(session, false, stripMarkup(checked.refusal));
    return;
  }
  await services.login(session, checked.account);
  answer(session, true);
};

/** Evennia's `login` inputfunc: `{name, password}`; a refusal is sent as text, success logs the session in. */
export const loginInputFunc: InputFunc = async (session, args, kwargs) => {
  if (!enabled) {
    log.debug(`session ${session.sessid} tried the login inputfunc, which is not enabled; ignored`);
    return;
  }
  const services = oobServices();
  if (!services) return;
  const name = kwargs.name ?? args[0];
  const password = kwargs.password ?? args[1];
  const bad = badRequest(session, name, password);
  if (bad) {
    session.msg(`|R${bad}|n`);
    return;
  }
  const checked = await checkLogin(services, session, name as string, password as string);
  if ("refusal" in checked) session.msg(checked.refusal);
  else await services.login(session, checked.account);
};
