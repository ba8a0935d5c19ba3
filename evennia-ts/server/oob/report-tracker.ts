/**
 * MSDP REPORT bookkeeping: which variables each session asked to have reported,
 * and sending them when they change.
 *
 * Reports belong to the session (the connection), not to a character: they are
 * accepted before login (clients send REPORT right after negotiating MSDP) and
 * apply to whatever the session puppets now. A change of a variable's attribute on
 * a puppet reaches the sessions puppeting it, once per unit of work, after the
 * commit. A disconnected session is unpuppeted, so it hears nothing more, and its
 * entry goes with it (the table is weak).
 *
 * Values go out as `["msdp", [], {NAME: value, ...}]`: flat MSDP variables to an
 * MSDP client, the same JSON triple to a websocket client.
 */
import { onAttributeChange } from "../../typeclasses/attribute-monitor.ts";
import { DefaultObject } from "../../typeclasses/objects.ts";
import type { TypedObject } from "../../typeclasses/typed-object.ts";
import { getLogger } from "../../utils/logger.ts";
import type { ServerSession } from "../server-session.ts";
import { saveSessionList } from "./saved-list.ts";
import { toOobValue } from "./oob-value.ts";
import { findReportableVariable } from "./reportable-variables.ts";

const log = getLogger("server.oob");

/** Most variables one session may have reported at once. */
export const MAX_REPORTED_PER_SESSION = 256;

const reports = new WeakMap<object, Set<string>>();
let stopListening: (() => void) | null = null;

/**
 * Start reporting `names` to `session` (unknown and non-reportable names are
 * skipped). Returns the names now reported that were asked for.
 */
export function reportVariables(session: ServerSession, names: readonly string[]): string[] {
  let set = reports.get(session);
  const accepted: string[] = [];
  for (const raw of names) {
    const variable = findReportableVariable(String(raw));
    if (!variable?.reportable) continue;
    set ??= new Set();
    if (!set.has(variable.name) && set.size >= MAX_REPORTED_PER_SESSION) {
      log.debug(`session ${session.sessid} reports too many variables; ${variable.name} refused`);
      continue;
    }
    set.add(variable.name);
    accepted.push(variable.name);
  }
  if (set && set.size > 0) reports.set(session, set);
  remember(session);
  return accepted;
}

/** Stop reporting `names` to `session`. */
export function unreportVariables(session: ServerSession, names: readonly string[]): void {
  const set = reports.get(session);
  if (!set) return;
  for (const name of names) set.delete(String(name).trim().toUpperCase());
  if (set.size === 0) reports.delete(session);
  remember(session);
}

/** Stop every report of `session`. */
export function clearReports(session: ServerSession): void {
  reports.delete(session);
  remember(session);
}

const SAVED_KEY = "msdp_reports";

/** Keep the session's reports across server reloads (in the portal's copy of its data). */
function remember(session: ServerSession): void {
  saveSessionList(session, SAVED_KEY, reportedVariableNames(session));
}

/** After a reload: report again what the session had asked for before it. */
export function restoreReports(session: ServerSession): void {
  const names = session.saved[SAVED_KEY];
  if (Array.isArray(names)) reportVariables(session, names.map(String));
}

/** Variables reported to `session`, sorted. */
export function reportedVariableNames(session: ServerSession): string[] {
  return [...(reports.get(session) ?? [])].sort();
}

/** Current values of the known variables among `names`, keyed by their MSDP name. */
export function variableValues(session: ServerSession, names: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const raw of names) {
    const variable = findReportableVariable(String(raw));
    if (!variable) continue;
    let value: unknown;
    try {
      value = variable.get(session);
    } catch (err) {
      log.error(`MSDP variable ${variable.name} failed for session ${session.sessid}`, err);
      value = null;
    }
    out[variable.name] = toOobValue(value);
  }
  return out;
}

/** Send the current values of the known variables among `names` to `session` (one message). */
export function sendVariables(session: ServerSession, names: readonly string[]): void {
  const values = variableValues(session, names);
  if (Object.keys(values).length > 0) session.msg({ msdp: [[], values] });
}

/**
 * Tell the sessions puppeting `target` that variables changed (for variables with no
 * attribute behind them, registered with `reportable: true`): each session that
 * reports one of `names` gets its new value.
 *
 * @example
 * // in a Character typeclass
 * override async atPostMove(...) { notifyReportableChanged(this, "ROOM_NAME"); }
 */
export function notifyReportableChanged(target: DefaultObject, ...names: string[]): void {
  const wanted = new Set(names.map((n) => n.trim().toUpperCase()));
  for (const s of target.sessions) {
    const session = s as ServerSession;
    const set = reports.get(session);
    if (!set || session.puppet !== target) continue;
    const due = [...set].filter((n) => wanted.has(n));
    if (due.length > 0) sendVariables(session, due);
  }
}

/** Attribute listener: report variables whose attribute changed on a puppet. */
function onAttributeChanged(owner: TypedObject, key: string, category: string): void {
  if (!(owner instanceof DefaultObject) || owner.sessions.size === 0) return;
  const k = key.toLowerCase();
  const c = category.toLowerCase();
  for (const s of owner.sessions) {
    const session = s as ServerSession;
    const set = reports.get(session);
    if (!set || session.puppet !== owner) continue;
    const due: string[] = [];
    for (const name of set) {
      const attr = findReportableVariable(name)?.attribute;
      if (attr && attr.key === k && attr.category === c) due.push(name);
    }
    if (due.length > 0) sendVariables(session, due);
  }
}

/**
 * Listen to attribute changes for reports (replacing an earlier listener, so a
 * restarted server listens once). Returns a function that stops listening.
 */
export function startReportTracking(): () => void {
  stopListening?.();
  const stop = onAttributeChange(onAttributeChanged);
  stopListening = () => {
    stop();
    stopListening = null;
  };
  return stopListening;
}
