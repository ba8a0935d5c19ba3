/**
 * Names of out-of-band messages on the wire ⇄ cmdnames of message triples.
 *
 * GMCP packages are dotted and capitalised, cmdnames are snake_case:
 * - in:  `Char.Vitals` → `char_vitals`, `Core.Hello` → `core_hello` (lower-cased, `.` → `_`);
 * - out: `char_vitals` → `Char.Vitals` (each `_`-separated word capitalised; an all-caps word
 *   such as `IRE` is kept), and a single word with no `_` goes under `Core`: `ping` → `Core.Ping`
 *   (as Evennia does);
 * - registered pairs win in both directions: Evennia's own (`client_options` ⇄
 *   `Core.Supports.Get`, ...) and any a game adds with {@link registerGmcpName}, for
 *   packages whose capitalisation the rule above cannot guess (`Char.StatusVars`).
 *
 * MSDP variables are upper-case: `CHAR_VITALS` ⇄ `char_vitals`.
 */

const gmcpByCmdname = new Map<string, string>();
const cmdnameByGmcp = new Map<string, string>();

/** Evennia's built-in GMCP names (its EVENNIA_TO_GMCP table). */
const EVENNIA_GMCP_NAMES: ReadonlyArray<[gmcp: string, cmdname: string]> = [
  ["Core.Supports.Get", "client_options"],
  ["Core.Commands.Get", "get_inputfuncs"],
  ["Char.Value.Get", "get_value"],
  ["Char.Repeat.Update", "repeat"],
  ["Char.Monitor.Update", "monitor"],
];

/**
 * Map a GMCP package name to a cmdname (both directions). A later registration of the
 * same GMCP name or cmdname replaces the earlier one.
 */
export function registerGmcpName(gmcp: string, cmdname: string): void {
  const oldCmd = cmdnameByGmcp.get(gmcp.toLowerCase());
  if (oldCmd !== undefined) gmcpByCmdname.delete(oldCmd);
  const oldGmcp = gmcpByCmdname.get(cmdname);
  if (oldGmcp !== undefined) cmdnameByGmcp.delete(oldGmcp.toLowerCase());
  gmcpByCmdname.set(cmdname, gmcp);
  cmdnameByGmcp.set(gmcp.toLowerCase(), cmdname);
}

/** Forget every registration made by games, keeping Evennia's built-in names (for tests). */
export function resetGmcpNames(): void {
  gmcpByCmdname.clear();
  cmdnameByGmcp.clear();
  for (const [gmcp, cmdname] of EVENNIA_GMCP_NAMES) registerGmcpName(gmcp, cmdname);
}

resetGmcpNames();

/** `Char.Vitals` → `char_vitals` (registered names first). */
export function gmcpToCmdname(gmcp: string): string {
  const registered = cmdnameByGmcp.get(gmcp.toLowerCase());
  if (registered !== undefined) return registered;
  return gmcp.trim().toLowerCase().replaceAll(".", "_");
}

/** `char_vitals` → `Char.Vitals`, `ping` → `Core.Ping` (registered names first). */
export function cmdnameToGmcp(cmdname: string): string {
  const registered = gmcpByCmdname.get(cmdname);
  if (registered !== undefined) return registered;
  const words = cmdname.split("_").filter((w) => w.length > 0);
  const capitalised = words.map((w) => (w === w.toUpperCase() ? w : w[0]!.toUpperCase() + w.slice(1)));
  if (capitalised.length === 0) return "Core";
  if (capitalised.length === 1) return `Core.${capitalised[0]}`;
  return capitalised.join(".");
}

/** MSDP variable → cmdname: `CHAR_VITALS` → `char_vitals`. */
export function msdpToCmdname(variable: string): string {
  return variable.trim().toLowerCase();
}

/** cmdname → MSDP variable: `char_vitals` → `CHAR_VITALS`. */
export function cmdnameToMsdp(cmdname: string): string {
  return cmdname.toUpperCase();
}
