/**
 * The portal's `server/logs/status.json`: what it says and reading it safely (a
 * missing, half-written or malformed file reads as null).
 */
import { readFileSync } from "node:fs";

/** The server's state as the portal reports it. */
export type ServerState = "starting" | "running" | "reloading" | "resetting" | "restarting" | "stopping";

/** Contents of `status.json`, written by the portal whenever its state changes. */
export interface PortalStatus {
  portalPid: number;
  serverPid: number | null;
  serverState: ServerState;
  telnetPorts: number[];
  /** Telnet-over-TLS ports (absent from older portals). */
  sslPorts?: number[];
  webPort: number | null;
  linkPort: number;
  /** The last reload/reset the portal refused because the new game code does not load (absent from older portals). */
  refusedRestart?: { mode: "reload" | "reset"; at: string; details: string } | null;
  updatedAt: string;
}

const SERVER_STATES: ReadonlySet<string> = new Set(["starting", "running", "reloading", "resetting", "restarting", "stopping"]);

/** Read and check a status file; null when it is missing or not a valid status. */
export function readStatusFile(file: string): PortalStatus | null {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch {
    return null;
  }
  return isPortalStatus(raw) ? raw : null;
}

/**
 * The status written by the portal `portalPid`; null when there is none, or the file
 * was left by an earlier portal (its ports and state are not the running game's).
 */
export function readPortalStatus(file: string, portalPid: number): PortalStatus | null {
  const status = readStatusFile(file);
  return status !== null && status.portalPid === portalPid ? status : null;
}

const isPortList = (value: unknown): value is number[] => Array.isArray(value) && value.every((p) => typeof p === "number");

/** True when `value` is absent or a well-formed refused restart. */
function isRefusedRestart(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (typeof value !== "object") return false;
  const v = value as Record<string, unknown>;
  return (v.mode === "reload" || v.mode === "reset") && typeof v.at === "string" && typeof v.details === "string";
}

/** True when `value` has the shape of a {@link PortalStatus} (optional fields included: the launcher prints them). */
export function isPortalStatus(value: unknown): value is PortalStatus {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.portalPid === "number" &&
    (v.serverPid === null || typeof v.serverPid === "number") &&
    typeof v.serverState === "string" &&
    SERVER_STATES.has(v.serverState) &&
    isPortList(v.telnetPorts) &&
    (v.sslPorts === undefined || isPortList(v.sslPorts)) &&
    isRefusedRestart(v.refusedRestart) &&
    (v.webPort === null || typeof v.webPort === "number") &&
    typeof v.linkPort === "number" &&
    typeof v.updatedAt === "string"
  );
}
