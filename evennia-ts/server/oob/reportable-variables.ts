/**
 * MSDP variables the server can send (`SEND`) and report (`REPORT`): a registry the
 * game adds to. A variable has a getter, and — to be reportable — a trigger: an
 * attribute on the session's puppet whose changes report the variable, or game code
 * calling `notifyReportableChanged(character, "NAME")` when the value changes.
 *
 * Defaults (a game replaces any of them by registering the same name):
 *
 * | name | value | reported when |
 * |---|---|---|
 * | `SERVER_ID` | the game's name (`settings.serverName`) | never (sendable only) |
 * | `SERVER_TIME` | server clock, Unix seconds | never (sendable only) |
 * | `CHARACTER_NAME` | the puppet's key (the account name before puppeting) | never (sendable only) |
 * | `ROOM_NAME` | key of the puppet's location | never (sendable only) |
 * | `HEALTH` / `HEALTH_MAX` | puppet attribute `hp` / `hp_max` | that attribute changes |
 * | `MANA` / `MANA_MAX` | puppet attribute `mana` / `mana_max` | that attribute changes |
 * | `MOVEMENT` / `MOVEMENT_MAX` | puppet attribute `movement` / `movement_max` | that attribute changes |
 * | `LEVEL`, `EXPERIENCE`, `MONEY` | puppet attributes `level`, `experience`, `money` | that attribute changes |
 *
 * `CHARACTER_NAME` and `ROOM_NAME` are not reportable by default because nothing
 * tells the server when a key or a location changes; a game that wants them
 * reported registers them with `reportable: true` and calls
 * `notifyReportableChanged` from its `atPostMove` hook.
 */
import type { ServerSession } from "../server-session.ts";
import { oobServices } from "./oob-context.ts";
import { EvenniaError } from "../../utils/errors.ts";

/** An attribute on the puppet that holds (and triggers reports of) a variable. */
export interface ReportableAttribute {
  key: string;
  /** Attribute category (default: none). */
  category?: string;
}

/** How a game defines an MSDP variable. */
export interface ReportableVariableSpec {
  /**
   * Current value for `session` (JSON-compatible; `undefined`/`null` send an empty
   * value). Defaults to the value of {@link ReportableVariableSpec.attribute} on the
   * session's puppet.
   */
  get?(session: ServerSession): unknown;
  /**
   * Attribute key on the session's puppet that holds the value; when it changes (after
   * the unit of work commits) the variable is reported to every session that asked.
   */
  attribute?: string | ReportableAttribute;
  /**
   * Listed under REPORTABLE_VARIABLES and kept by REPORT. Defaults to true when an
   * `attribute` is given; set it for getter-only variables whose changes the game
   * announces with `notifyReportableChanged`.
   */
  reportable?: boolean;
}

/** A registered variable. */
export interface ReportableVariable {
  /** Upper-case MSDP name. */
  readonly name: string;
  readonly attribute: Readonly<Required<ReportableAttribute>> | null;
  readonly reportable: boolean;
  get(session: ServerSession): unknown;
}

const gameVariables = new Map<string, ReportableVariable>();
const defaultVariables = new Map<string, ReportableVariable>();

function build(name: string, spec: ReportableVariableSpec): ReportableVariable {
  const upper = name.trim().toUpperCase();
  if (!/^[A-Z0-9_.-]{1,64}$/.test(upper)) {
    throw new EvenniaError("EV_ERR_CONFIG", `invalid MSDP variable name "${name}" (letters, digits, _ . - only, at most 64)`);
  }
  const attr = typeof spec.attribute === "string" ? { key: spec.attribute } : spec.attribute;
  // attribute keys and categories are case-insensitive, as the attribute handler stores them
  const attribute = attr ? { key: attr.key.trim().toLowerCase(), category: (attr.category ?? "").trim().toLowerCase() } : null;
  if (!spec.get && !attribute) throw new EvenniaError("EV_ERR_CONFIG", `MSDP variable ${upper} needs a getter or an attribute`);
  const get =
    spec.get ??
    ((session: ServerSession) => {
      const puppet = session.puppet;
      if (!puppet || !attribute) return undefined;
      return puppet.attributes.get(attribute.key, { category: attribute.category || undefined });
    });
  return { name: upper, attribute, reportable: spec.reportable ?? attribute !== null, get };
}

/**
 * Register (or replace) an MSDP variable. Names are case-insensitive (stored upper-case).
 *
 * @example
 * registerReportableVariable("GOLD", { attribute: "gold" });
 * registerReportableVariable("AREA_NAME", { get: (s) => s.puppet?.location?.db.area ?? "" });
 */
export function registerReportableVariable(name: string, spec: ReportableVariableSpec): void {
  const variable = build(name, spec);
  gameVariables.set(variable.name, variable);
}

/** Remove a game's variable (a default of the same name shows again). */
export function unregisterReportableVariable(name: string): boolean {
  return gameVariables.delete(name.trim().toUpperCase());
}

/** Forget every variable the game registered (for tests). */
export function resetReportableVariables(): void {
  gameVariables.clear();
}

/** The variable called `name` (case-insensitive), the game's before the default. */
export function findReportableVariable(name: string): ReportableVariable | undefined {
  const upper = name.trim().toUpperCase();
  return gameVariables.get(upper) ?? defaultVariables.get(upper);
}

/** Every variable, sorted by name. */
export function allReportableVariables(): ReportableVariable[] {
  const names = new Set([...defaultVariables.keys(), ...gameVariables.keys()]);
  return [...names].sort().map((n) => findReportableVariable(n)!);
}

/** Names a client may SEND. */
export function sendableVariableNames(): string[] {
  return allReportableVariables().map((v) => v.name);
}

/** Names a client may REPORT. */
export function reportableVariableNames(): string[] {
  return allReportableVariables()
    .filter((v) => v.reportable)
    .map((v) => v.name);
}

function addDefault(name: string, spec: ReportableVariableSpec): void {
  const variable = build(name, spec);
  defaultVariables.set(variable.name, variable);
}

addDefault("SERVER_ID", { get: () => oobServices()?.settings.serverName ?? "" });
addDefault("SERVER_TIME", { get: () => Math.floor(Date.now() / 1000) });
addDefault("CHARACTER_NAME", { get: (s) => s.puppet?.key ?? s.account?.username ?? "" });
addDefault("ROOM_NAME", { get: (s) => s.puppet?.location?.key ?? "" });
for (const [name, attribute] of [
  ["HEALTH", "hp"],
  ["HEALTH_MAX", "hp_max"],
  ["MANA", "mana"],
  ["MANA_MAX", "mana_max"],
  ["MOVEMENT", "movement"],
  ["MOVEMENT_MAX", "movement_max"],
  ["LEVEL", "level"],
  ["EXPERIENCE", "experience"],
  ["MONEY", "money"],
] as const) {
  addDefault(name, { attribute });
}
