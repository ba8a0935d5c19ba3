/**
 * GMCP `Core.Supports.Set / Add / Remove` (cmdnames `core_supports_set`, ...): the
 * GMCP packages a client handles, as `["Char 1", "Room 1", "IRE.Rift 1"]`. They are
 * kept in `session.clientOptions.gmcp_supports` as `{package: version}` with
 * lower-cased package names (`{"char": 1, "room": 1}`).
 *
 * Output is NOT filtered by this list: game code that sends `char_vitals` reaches
 * every GMCP client. Filtering would silently swallow a game's own packages for
 * clients that announce only a fixed list (Mudlet announces IRE's packages by
 * default) and for clients that never send Core.Supports; clients ignore packages
 * they do not know. A game that wants to spare a client asks first with
 * {@link clientSupportsGmcp}.
 */
import type { InputFunc } from "../inputfuncs.ts";
import type { ServerSession } from "../server-session.ts";

/** Most packages kept per session. */
const MAX_PACKAGES = 128;
const PACKAGE_RE = /^([A-Za-z0-9_][A-Za-z0-9_.-]{0,63})(?:\s+(\d{1,6}))?$/;

/** What a session's client announced: package (lower-case) → version. */
export type GmcpSupports = Record<string, number>;

/** Parse `"Char.Skills 1"` into a package name (lower-case) and version (default 1); null when malformed. */
export function parseGmcpPackage(entry: unknown): { name: string; version: number } | null {
  if (typeof entry !== "string") return null;
  const match = PACKAGE_RE.exec(entry.trim());
  if (!match) return null;
  return { name: match[1]!.toLowerCase(), version: match[2] === undefined ? 1 : Number(match[2]) };
}

/** The packages `session`'s client announced, or null when it announced none. */
export function gmcpSupports(session: ServerSession): GmcpSupports | null {
  const value = session.clientOptions.gmcp_supports;
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as GmcpSupports) : null;
}

/**
 * True when `session`'s client said it handles GMCP package `gmcpName`
 * (`"Char.Vitals"`): the package or one of its parents (`Char`) is announced, or the
 * package is under `Core`, or the client never sent Core.Supports (then nothing is known
 * and the answer is true).
 */
export function clientSupportsGmcp(session: ServerSession, gmcpName: string): boolean {
  const supports = gmcpSupports(session);
  if (!supports) return true;
  const parts = gmcpName.toLowerCase().split(".");
  if (parts[0] === "core") return true;
  for (let i = parts.length; i > 0; i--) {
    if (Object.hasOwn(supports, parts.slice(0, i).join("."))) return true;
  }
  return false;
}

function update(session: ServerSession, args: unknown[], mode: "set" | "add" | "remove"): void {
  const supports: GmcpSupports = mode === "set" ? {} : { ...(gmcpSupports(session) ?? {}) };
  for (const entry of args) {
    const pkg = parseGmcpPackage(entry);
    if (!pkg) continue;
    if (mode === "remove") {
      delete supports[pkg.name];
    } else if (Object.hasOwn(supports, pkg.name) || Object.keys(supports).length < MAX_PACKAGES) {
      supports[pkg.name] = pkg.version;
    }
  }
  session.clientOptions.gmcp_supports = supports;
}

/** `core_supports_set`: replace the announced packages. */
export const coreSupportsSetInputFunc: InputFunc = (session, args) => update(session, args, "set");

/** `core_supports_add`: announce more packages. */
export const coreSupportsAddInputFunc: InputFunc = (session, args) => update(session, args, "add");

/** `core_supports_remove`: withdraw packages (`"Char"` or `"Char 1"`). */
export const coreSupportsRemoveInputFunc: InputFunc = (session, args) => update(session, args, "remove");
