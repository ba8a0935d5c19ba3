/**
 * `client_options` (GMCP `Core.Supports.Get`) and `get_client_options`: a client
 * tells its capabilities and preferences (`{screenwidth: 120, screenreader: true}`),
 * merged into `session.clientOptions`; sent with no options (or `get: true`) it is a
 * question, answered with `["client_options", [], {...current options}]` (as Evennia).
 */
import type { MessageKwargs } from "../../protocol/message.ts";
import type { InputFunc } from "../inputfuncs.ts";
import type { ServerSession } from "../server-session.ts";
import { toOobValue } from "./oob-value.ts";

/** Keys that steer the call rather than set an option. */
const CONTROL_KEYS = new Set(["get", "cmdid", "options"]);
/** The window size, which the client reports as it changes (unless `autoresize` is off). */
const SIZE_KEYS = new Set(["screenwidth", "screenheight"]);
/** Most options one call may set. */
const MAX_OPTIONS = 64;
/** Most distinct option names a session holds: a client naming new ones call after call stops growing it here. */
export const MAX_SESSION_OPTIONS = 256;
/** Longest option name accepted. */
const MAX_KEY_LENGTH = 64;

/** Largest screen width or height accepted (what telnet NAWS can tell). */
const MAX_SCREEN_SIZE = 65535;

/** True for a screen width or height: a whole number from 1 to {@link MAX_SCREEN_SIZE}. */
function isScreenSize(value: unknown): value is number {
  return typeof value === "number" && Number.isInteger(value) && value >= 1 && value <= MAX_SCREEN_SIZE;
}

/** Send `session` its current client options. */
export function sendClientOptions(session: ServerSession): void {
  session.msg({ client_options: [[], toOobValue({ ...session.clientOptions }) as MessageKwargs] });
}

/**
 * Merge options into `session.clientOptions`: names lower-cased, at most 64 of them, values
 * made JSON-safe; the window size must be a whole number (1-65535) and is left alone while
 * `autoresize` is false; new names stop
 * at {@link MAX_SESSION_OPTIONS} a session (known ones still change). Returns the names set.
 */
export function mergeClientOptions(session: ServerSession, kwargs: MessageKwargs): string[] {
  const set: string[] = [];
  for (const [rawKey, value] of Object.entries(kwargs)) {
    if (set.length >= MAX_OPTIONS) break;
    const key = rawKey.trim().toLowerCase();
    if (key.length === 0 || key.length > MAX_KEY_LENGTH || key === "__proto__" || CONTROL_KEYS.has(key)) continue;
    // a size the player fixed with `option screenwidth = ...` (autoresize off) stays
    if (SIZE_KEYS.has(key) && session.clientOptions.autoresize === false) continue;
    // code reads the size as a number (`Number(screenwidth)`): anything else is refused, never stored
    if (SIZE_KEYS.has(key) && !isScreenSize(value)) continue;
    if (!Object.hasOwn(session.clientOptions, key) && Object.keys(session.clientOptions).length >= MAX_SESSION_OPTIONS) continue;
    session.clientOptions[key] = toOobValue(value);
    set.push(key);
  }
  return set;
}

/** `client_options`: set options, or send them back when asked with none. */
export const clientOptionsInputFunc: InputFunc = (session, _args, kwargs) => {
  const settable = Object.keys(kwargs).filter((k) => !CONTROL_KEYS.has(k.trim().toLowerCase()));
  if (settable.length === 0 || kwargs.get === true) {
    sendClientOptions(session);
    return;
  }
  mergeClientOptions(session, kwargs);
};

/** `get_client_options`: send the current options. */
export const getClientOptionsInputFunc: InputFunc = (session) => {
  sendClientOptions(session);
};
