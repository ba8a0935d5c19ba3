/**
 * Evennia's `webclient_options` inputfunc: a webclient keeps its settings (prompt
 * gagging, popups, sounds, whatever the client offers) on the account, so they follow
 * the player to any browser.
 *
 * ```
 * client: ["webclient_options", [], {}]               (a question)
 * server: ["webclient_options", [], {"gagprompt": true, ...}]
 * client: ["webclient_options", [], {"helppopup": true}]   (saved on the account)
 * server, to every session that asked before: ["webclient_options", [], {..., "helppopup": true}]
 * ```
 *
 * The options start as `settings.webclientOptions`; what a player saves is merged over
 * them in the account attribute `_saved_webclient_options`. Asking also subscribes the
 * session to later changes (from another browser, say) until it disconnects or logs out. Logged-in
 * sessions only. Bounds: 64 options a call, names up to 64 characters, values made
 * JSON-safe, 8 KB in all; past them the call is refused and logged.
 */
import { activeSettings } from "../../conf/active-settings.ts";
import type { MessageKwargs } from "../../protocol/message.ts";
import { onAttributeChange } from "../../typeclasses/attribute-monitor.ts";
import type { DefaultAccount } from "../../typeclasses/accounts.ts";
import type { TypedObject } from "../../typeclasses/typed-object.ts";
import { isPlainObject } from "../../protocol/message.ts";
import { getLogger } from "../../utils/logger.ts";
import type { InputFunc } from "../inputfuncs.ts";
import type { ServerSession } from "../server-session.ts";
import { toOobValue } from "./oob-value.ts";

const log = getLogger("server.oob");

/** The account attribute the options are saved in (Evennia's name). */
export const WEBCLIENT_OPTIONS_ATTRIBUTE = "_saved_webclient_options";
/** Keys that steer the call rather than set an option. */
const CONTROL_KEYS = new Set(["cmdid", "options"]);
const MAX_OPTIONS_PER_CALL = 64;
const MAX_KEY_LENGTH = 64;
/** Largest saved options, as JSON characters. */
export const MAX_WEBCLIENT_OPTIONS_SIZE = 8192;
const SAVED_KEY = "webclient_options_watch";

/** Sessions told of changes to the options of the account they watch (a logout or another login ends it, as in Evennia). */
const watchers = new Map<ServerSession, DefaultAccount>();
let stopListening: (() => void) | null = null;

/** The options of the account logged in on `session`: the defaults with what it saved over them. */
export function webclientOptionsOf(session: ServerSession): Record<string, unknown> {
  const saved = session.account?.attributes.get(WEBCLIENT_OPTIONS_ATTRIBUTE);
  return { ...activeSettings().webclientOptions, ...(isPlainObject(saved) ? (toOobValue(saved) as Record<string, unknown>) : {}) };
}

/** `webclient_options`: with no options, send them and watch for changes; with some, save them. */
export const webclientOptionsInputFunc: InputFunc = (session, _args, kwargs) => {
  const account = session.account;
  if (!account) {
    log.debug(`session ${session.sessid} sent webclient_options before logging in; ignored`);
    return;
  }
  const given = Object.keys(kwargs).filter((k) => !CONTROL_KEYS.has(k));
  if (given.length === 0) {
    send(session);
    watch(session, true);
    return;
  }
  if (given.length > MAX_OPTIONS_PER_CALL) return refuse(session, `${given.length} options in one call (at most ${MAX_OPTIONS_PER_CALL})`);
  const saved = account.attributes.get(WEBCLIENT_OPTIONS_ATTRIBUTE);
  const next: Record<string, unknown> = isPlainObject(saved) ? (toOobValue(saved) as Record<string, unknown>) : {};
  for (const key of given) {
    if (key.length === 0 || key.length > MAX_KEY_LENGTH || key === "__proto__") return refuse(session, `option name "${key.slice(0, 64)}"`);
    next[key] = toOobValue((kwargs as MessageKwargs)[key]);
  }
  if (JSON.stringify(next).length > MAX_WEBCLIENT_OPTIONS_SIZE) return refuse(session, `options larger than ${MAX_WEBCLIENT_OPTIONS_SIZE} characters`);
  account.attributes.add(WEBCLIENT_OPTIONS_ATTRIBUTE, next);
};

/** Stop telling `session` of changes (it disconnected); returns the account it watched, if any. */
export function forgetWebclientOptionsWatch(session: ServerSession): DefaultAccount | null {
  const account = watchers.get(session) ?? null;
  if (watchers.delete(session)) listenWhileNeeded();
  return account;
}

/** @internal `session` watches `account` again (its disconnect was undone). */
export function rewatchWebclientOptions(session: ServerSession, account: DefaultAccount): void {
  watchers.set(session, account);
  listenWhileNeeded();
}

/** Forget every watcher (a server starting in this process). */
export function resetWebclientOptionsWatches(): void {
  watchers.clear();
  listenWhileNeeded();
}

/** After a reload: a session that watched before watches again. */
export function restoreWebclientOptionsWatch(session: ServerSession): void {
  if (session.saved[SAVED_KEY] === true && session.account) watch(session, false);
}

function refuse(session: ServerSession, what: string): void {
  log.warn(`session ${session.sessid} (${session.account?.key ?? "?"}): webclient_options refused: ${what}`);
}

function send(session: ServerSession): void {
  session.msg({ webclient_options: [[], webclientOptionsOf(session) as MessageKwargs] });
}

function watch(session: ServerSession, save: boolean): void {
  watchers.set(session, session.account!);
  listenWhileNeeded();
  if (save && session.saved[SAVED_KEY] !== true) session.setSaved(SAVED_KEY, true);
}

function listenWhileNeeded(): void {
  if (watchers.size > 0 && !stopListening) {
    const stop = onAttributeChange(onAttributeChanged);
    stopListening = () => {
      stop();
      stopListening = null;
    };
  } else if (watchers.size === 0 && stopListening) {
    stopListening();
  }
}

function onAttributeChanged(owner: TypedObject, key: string, category: string): void {
  if (key !== WEBCLIENT_OPTIONS_ATTRIBUTE || category !== "") return;
  for (const [session, account] of watchers) {
    if (account !== owner) continue;
    if (session.account === account) send(session);
    else forgetWebclientOptionsWatch(session);
  }
}
