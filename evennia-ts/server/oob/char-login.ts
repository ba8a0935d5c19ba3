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

/** How an out-of-band login answers: a refusal (markup), or success after the session is logged in. */
interface LoginReply {
  refused(message: string): void;
  succeeded(): void;
}

/** The out-of-band login both inputfuncs share: when enabled, the request's shape, then `checkLogin` and the login. */
async function loginOutOfBand(session: ServerSession, via: string, name: unknown, password: unknown, reply: LoginReply): Promise<void> {
  if (!enabled) {
    log.debug(`session ${session.sessid} tried ${via}, which is not enabled; ignored`);
    return;
  }
  const services = oobServices();
  if (!services) return;
  const bad = badRequest(session, name, password);
  if (bad) {
    reply.refused(`|R${bad}|n`);
    return;
  }
  const checked = await checkLogin(services, session, name as string, password as string);
  if ("refusal" in checked) {
    reply.refused(checked.refusal);
    return;
  }
  await services.login(session, checked.account);
  reply.succeeded();
}

/** `char_login` / `char_login_credentials`: log in with a name and a password; answered by `Char.Login.Result`. */
export const charLoginInputFunc: InputFunc = (session, args, kwargs) =>
  loginOutOfBand(session, "GMCP login", kwargs.name ?? kwargs.account ?? args[0], kwargs.password ?? args[1], {
    refused: (message) => answer(session, false, stripMarkup(message)),
    succeeded: () => answer(session, true),
  });

/** Evennia's `login` inputfunc: `{name, password}`; a refusal is sent as text, success logs the session in. */
export const loginInputFunc: InputFunc = (session, args, kwargs) =>
  loginOutOfBand(session, "the login inputfunc", kwargs.name ?? args[0], kwargs.password ?? args[1], {
    refused: (message) => session.msg(message),
    succeeded: () => undefined,
  });
