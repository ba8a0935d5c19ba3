/**
 * Evennia's `monitor`, `unmonitor` and `monitored` inputfuncs: a client asks to be
 * told whenever a field or an attribute of the character it plays changes.
 *
 * ```
 * client: ["monitor", [], {"name": "location"}]
 * server, after each move: ["monitor", [], {"name": "location", "value": "The Square"}]
 * client: ["unmonitor", [], {"name": "location"}]
 * client: ["monitored", [], {}]   server: ["monitored", [["desc", "monitor"]], {}]
 * ```
 *
 * Only names in a whitelist may be monitored (defaults: `name`, the key; `location`,
 * the key of where it is; `desc`, the description attribute); a game adds its own with
 * {@link registerMonitorable}. `outputfunc_name` renames the message sent (MSDP
 * clients use it); `category` picks an attribute category. `stop: true` is `unmonitor`.
 *
 * A monitor belongs to the session, not to one character: it follows whatever the
 * session puppets (Evennia's is set on the puppet of the moment and needs one). A
 * change is told once per unit of work, after the commit, to each session puppeting
 * the object. Monitors come back after a server reload and end with the session.
 */
import { onAttributeChange } from "../../typeclasses/attribute-monitor.ts";
import { onFieldChange } from "../../typeclasses/field-monitor.ts";
import { DefaultObject } from "../../typeclasses/objects.ts";
import type { TypedObject } from "../../typeclasses/typed-object.ts";
import { EvenniaError } from "../../utils/errors.ts";
import { getLogger } from "../../utils/logger.ts";
import type { InputFunc } from "../inputfuncs.ts";
import type { ServerSession } from "../server-session.ts";
import { saveSessionList } from "./saved-list.ts";
import { toOobValue } from "./oob-value.ts";

const log = getLogger("server.oob");

/** What a monitored name watches on the session's puppet. */
export type MonitorableSpec =
  /** A database field (column) of the object, as `"key"` or `"location_id"`. */
  | { field: string; get(obj: DefaultObject): unknown }
  /** An attribute (key, and a category unless the client names one). */
  | { attribute: string; category?: string };

/** Most monitors one session may hold. */
export const MAX_MONITORS_PER_SESSION = 64;
/** Largest value a monitor report carries, as JSON characters; a larger change is not sent (and logged). */
export const MAX_MONITOR_VALUE_SIZE = 100_000;
/** The message names a client may not pick for its reports (they mean something else to every client). */
const RESERVED_OUTPUTFUNCS = new Set(["text", "prompt", "echo", "logged_in"]);
const OUTPUTFUNC_NAME = /^[A-Za-z][A-Za-z0-9_.]{0,63}$/;
const SAVED_KEY = "oob_monitors";

interface Monitor {
  readonly name: string;
  /** The attribute category the client named ("" when none). */
  readonly category: string;
  readonly outputfunc: string;
}

const monitorables = new Map<string, MonitorableSpec>();
/** The monitors of each session that has any (entries go when the session does: {@link forgetMonitors}). */
const bySession = new Map<ServerSession, Map<string, Monitor>>();
let stopListening: (() => void) | null = null;

/**
 * Let clients monitor `name` (case-insensitive; replaces a monitorable of that name).
 *
 * @example
 * registerMonitorable("hp", { attribute: "hp" });
 * registerMonitorable("home", { field: "home_id", get: (obj) => obj.home });
 */
export function registerMonitorable(name: string, spec: MonitorableSpec): void {
  const key = name.trim().toLowerCase();
  if (!/^[a-z0-9_.-]{1,64}$/.test(key)) {
    throw new EvenniaError("EV_ERR_CONFIG", `invalid monitorable name "${name}" (letters, digits, _ . - only, at most 64)`);
  }
  monitorables.set(key, "attribute" in spec ? { attribute: spec.attribute.trim().toLowerCase(), category: spec.category?.trim().toLowerCase() } : spec);
}

/** Stop offering `name` (monitors already set on it stay silent). True when it was offered. */
export function unregisterMonitorable(name: string): boolean {
  return monitorables.delete(name.trim().toLowerCase());
}

/** The names clients may monitor, sorted. */
export function monitorableNames(): string[] {
  return [...monitorables.keys()].sort();
}

/** The monitors `session` holds, as `[name, outputfunc_name]` (with the category third when one was named). */
export function monitoredBy(session: ServerSession): unknown[][] {
  return [...(bySession.get(session)?.values() ?? [])].map((m) => (m.category ? [m.name, m.outputfunc, m.category] : [m.name, m.outputfunc]));
}

/** Forget every monitor of `session` (it disconnected). */
export function forgetMonitors(session: ServerSession): void {
  if (bySession.delete(session)) listenWhileNeeded();
}

/** Forget every session's monitors (a server starting in this process). */
export function resetMonitors(): void {
  bySession.clear();
  listenWhileNeeded();
}

/** After a reload: monitor again what the session monitored before it. */
export function restoreMonitors(session: ServerSession): void {
  const saved = session.saved[SAVED_KEY];
  if (!Array.isArray(saved)) return;
  for (const entry of saved) {
    if (Array.isArray(entry)) addMonitor(session, String(entry[0]), String(entry[1] ?? "monitor"), String(entry[2] ?? ""), false);
  }
  remember(session);
}

/** `monitor`: `{name, outputfunc_name?, category?, stop?}`. */
export const monitorInputFunc: InputFunc = (session, _args, kwargs) => {
  const name = typeof kwargs.name === "string" ? kwargs.name.trim().toLowerCase() : "";
  const category = typeof kwargs.category === "string" ? kwargs.category.trim().toLowerCase() : "";
  if (kwargs.stop === true) {
    removeMonitor(session, name, category);
    return;
  }
  const outputfunc = typeof kwargs.outputfunc_name === "string" ? kwargs.outputfunc_name.trim() : "monitor";
  addMonitor(session, name, outputfunc, category, true);
};

/** `unmonitor`: `{name, category?}`. */
export const unmonitorInputFunc: InputFunc = (session, args, kwargs) => monitorInputFunc(session, args, { ...kwargs, stop: true });

/** `monitored`: `["monitored", [[name, outputfunc_name], ...], {}]`. */
export const monitoredInputFunc: InputFunc = (session) => {
  session.msg({ monitored: [monitoredBy(session), {}] });
};

function entryKey(name: string, category: string): string {
  return category ? `${name}[${category}]` : name;
}

function addMonitor(session: ServerSession, name: string, outputfunc: string, category: string, save: boolean): void {
  const spec = monitorables.get(name);
  if (!spec) {
    log.debug(`session ${session.sessid} asked to monitor "${name.slice(0, 64)}", which is not monitorable`);
    return;
  }
  if (!OUTPUTFUNC_NAME.test(outputfunc) || RESERVED_OUTPUTFUNCS.has(outputfunc.toLowerCase())) {
    log.debug(`session ${session.sessid} asked for monitor reports as "${outputfunc.slice(0, 64)}"; refused`);
    return;
  }
  // a category only means something for an attribute, and is part of what it watches
  const cat = "attribute" in spec ? category.slice(0, 64) : "";
  let mine = bySession.get(session);
  const key = entryKey(name, cat);
  if (!mine?.has(key) && (mine?.size ?? 0) >= MAX_MONITORS_PER_SESSION) {
    log.debug(`session ${session.sessid} holds too many monitors; ${key} refused`);
    return;
  }
  if (!mine) bySession.set(session, (mine = new Map()));
  mine.set(key, { name, category: cat, outputfunc });
  listenWhileNeeded();
  if (save) remember(session);
}

function removeMonitor(session: ServerSession, name: string, category: string): void {
  const mine = bySession.get(session);
  if (!mine) return;
  // with a category, that monitor; without, every monitor of the name whatever its category
  let removed = false;
  for (const [key, monitor] of mine) {
    if (monitor.name === name && (!category || monitor.category === category)) removed = mine.delete(key) || removed;
  }
  if (!removed) return;
  if (mine.size === 0) bySession.delete(session);
  listenWhileNeeded();
  remember(session);
}

/** Keep the session's monitors across reloads (in the portal's copy of its data). */
function remember(session: ServerSession): void {
  saveSessionList(session, SAVED_KEY, [...(bySession.get(session)?.values() ?? [])].map((m) => [m.name, m.outputfunc, m.category]));
}

/** Field and attribute listeners run only while some session monitors something. */
function listenWhileNeeded(): void {
  if (bySession.size > 0 && !stopListening) {
    const stopFields = onFieldChange(onFieldChanged);
    const stopAttributes = onAttributeChange(onAttributeChanged);
    stopListening = () => {
      stopFields();
      stopAttributes();
    };
  } else if (bySession.size === 0 && stopListening) {
    stopListening();
    stopListening = null;
  }
}

function onFieldChanged(owner: TypedObject, field: string): void {
  tellWatchers(owner, (spec) => "field" in spec && spec.field === field);
}

function onAttributeChanged(owner: TypedObject, key: string, category: string): void {
  tellWatchers(owner, (spec, monitor) => "attribute" in spec && spec.attribute === key && (monitor.category || spec.category || "") === category);
}

/** Send the monitors of the sessions puppeting `owner` that `matches` picks. */
function tellWatchers(owner: TypedObject, matches: (spec: MonitorableSpec, monitor: Monitor) => boolean): void {
  if (!(owner instanceof DefaultObject) || owner.sessions.size === 0) return;
  for (const s of owner.sessions) {
    const session = s as ServerSession;
    const mine = bySession.get(session);
    if (!mine || session.puppet !== owner) continue;
    for (const monitor of mine.values()) {
      const spec = monitorables.get(monitor.name);
      if (spec && matches(spec, monitor)) send(session, owner, spec, monitor);
    }
  }
}

function send(session: ServerSession, obj: DefaultObject, spec: MonitorableSpec, monitor: Monitor): void {
  let value: unknown;
  try {
    value = "field" in spec ? spec.get(obj) : obj.attributes.get(spec.attribute, { category: monitor.category || spec.category || undefined });
  } catch (err) {
    log.error(`monitor ${monitor.name} failed for session ${session.sessid}`, err);
    return;
  }
  const report: Record<string, unknown> = { name: monitor.name };
  if (monitor.category) report.category = monitor.category;
  report.value = toOobValue(value);
  // a huge value (a long log in an attribute, a game's value that fans out) would make one
  // message larger than the link to the portal takes, and the link closing restarts the server
  const size = JSON.stringify(report.value).length;
  if (size > MAX_MONITOR_VALUE_SIZE) {
    log.warn(`monitor ${monitor.name} of session ${session.sessid}: value of ${size} characters not sent (at most ${MAX_MONITOR_VALUE_SIZE})`);
    return;
  }
  session.msg({ [monitor.outputfunc]: [[], report] });
}

registerMonitorable("name", { field: "key", get: (obj) => obj.key });
registerMonitorable("location", { field: "location_id", get: (obj) => obj.location });
registerMonitorable("desc", { attribute: "desc" });
