/**
 * Messages carried over the portal ⇄ server link. Each frame holds an array of
 * them (the link batches everything sent within one event-loop turn).
 */
import type { MessageKwargs, OobMessage } from "./message.ts";
import { parseOobMessage } from "./message.ts";
import { isPortalHealth, type PortalHealth } from "../utils/loop-health.ts";

/** A portal session as the server sees it; `data` is whatever the server stored for it. */
export interface SessionSnapshot {
  sessid: number;
  protocolKey: string;
  address: string;
  clientOptions: MessageKwargs;
  connectedAt: number;
  /** Server-owned state (logged-in account, puppet ...) kept by the portal across reloads. */
  data: Record<string, unknown>;
  /**
   * The website's session cookie the browser sent when it opened this webclient
   * connection (websocket or comet), as it arrived: the server logs the session in
   * as that website user (issue 15). Absent for telnet and for browsers not logged in.
   */
  webSession?: string;
}

/** Why the server is being brought down. */
export type ShutdownMode = "reload" | "reset" | "shutdown";

/** How the server (re)joined the portal. */
export type StartMode = "start" | "reload" | "reset" | "restart";

/** Portal → server. */
export type PortalToServer =
  | { t: "welcome"; mode: StartMode; sessions: SessionSnapshot[] }
  | { t: "connect"; session: SessionSnapshot }
  | { t: "disconnect"; sessid: number; reason: string }
  | { t: "msg"; sessid: number; msgs: OobMessage[] }
  | { t: "client-options"; sessid: number; options: MessageKwargs }
  | { t: "shutdown"; mode: ShutdownMode }
  /** The portal's memory and event loop, every few seconds (the server shows them in its live figures). */
  | { t: "portal-health"; health: PortalHealth };

/** Server → portal. */
export type ServerToPortal =
  | { t: "hello"; token: string; pid: number }
  | { t: "synced" }
  | { t: "msg"; sessid: number; msgs: OobMessage[] }
  /**
   * The same messages for several sessions (a room's `say`): they cross the link once,
   * and the portal renders them once per kind of client. The server sends it when two
   * or more sessions get identical output within one event-loop turn. `broadcast`: what
   * others did (`msgContents`, a channel message), not a reply to the sessions' own
   * commands; the portal may hold it a few milliseconds to write it with more
   * (setting `broadcastBatchMs`).
   */
  | { t: "multicast"; sessids: number[]; msgs: OobMessage[]; broadcast?: boolean }
  | { t: "session-data"; sessid: number; data: Record<string, unknown> }
  /** Client options the game changed (`option`, `encoding` ...): the portal merges them and renders by them. */
  | { t: "client-options"; sessid: number; options: MessageKwargs }
  | { t: "disconnect"; sessid: number; reason: string }
  | { t: "request"; action: ShutdownMode }
  /** Where the server's web app (website, admin, API) listens on loopback; null while it is not serving. */
  | { t: "web"; port: number | null };

/** Either direction. */
export type LinkMessage = PortalToServer | ServerToPortal;

const START_MODES: ReadonlySet<string> = new Set<StartMode>(["start", "reload", "reset", "restart"]);

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function isSessid(v: unknown): v is number {
  return typeof v === "number" && Number.isInteger(v) && v > 0;
}

/** Most sessions one multicast message may name. */
export const MAX_MULTICAST_SESSIONS = 100_000;

/** Two or more distinct session ids, at most {@link MAX_MULTICAST_SESSIONS}. */
function validSessids(v: unknown): v is number[] {
  if (!Array.isArray(v) || v.length < 2 || v.length > MAX_MULTICAST_SESSIONS) return false;
  const seen = new Set<number>();
  for (const id of v) {
    if (!isSessid(id) || seen.has(id)) return false;
    seen.add(id);
  }
  return true;
}

function validMessages(v: unknown): v is OobMessage[] {
  return Array.isArray(v) && v.every((m) => parseOobMessage(m).ok);
}

function validSnapshot(v: unknown): v is SessionSnapshot {
  return (
    isRecord(v) &&
    isSessid(v.sessid) &&
    typeof v.protocolKey === "string" &&
    typeof v.address === "string" &&
    isRecord(v.clientOptions) &&
    typeof v.connectedAt === "number" &&
    isRecord(v.data) &&
    (v.webSession === undefined || typeof v.webSession === "string")
  );
}

/** Validate one decoded link message from the server; `undefined` when malformed. */
export function parseServerMessage(v: unknown): ServerToPortal | undefined {
  if (!isRecord(v) || typeof v.t !== "string") return undefined;
  switch (v.t) {
    case "hello":
      return typeof v.token === "string" && typeof v.pid === "number" ? (v as ServerToPortal) : undefined;
    case "synced":
      return v as ServerToPortal;
    case "msg":
      return isSessid(v.sessid) && validMessages(v.msgs) ? (v as ServerToPortal) : undefined;
    case "multicast":
      return validSessids(v.sessids) && validMessages(v.msgs) && (v.broadcast === undefined || typeof v.broadcast === "boolean")
        ? (v as ServerToPortal)
        : undefined;
    case "session-data":
      return isSessid(v.sessid) && isRecord(v.data) ? (v as ServerToPortal) : undefined;
    case "client-options":
      return isSessid(v.sessid) && isRecord(v.options) ? (v as ServerToPortal) : undefined;
    case "disconnect":
      return isSessid(v.sessid) && typeof v.reason === "string" ? (v as ServerToPortal) : undefined;
    case "request":
      return v.action === "reload" || v.action === "reset" || v.action === "shutdown" ? (v as ServerToPortal) : undefined;
    case "web":
      return v.port === null || (typeof v.port === "number" && Number.isInteger(v.port) && v.port > 0 && v.port < 65536)
        ? (v as ServerToPortal)
        : undefined;
    default:
      return undefined;
  }
}

/** Validate one decoded link message from the portal; `undefined` when malformed. */
export function parsePortalMessage(v: unknown): PortalToServer | undefined {
  if (!isRecord(v) || typeof v.t !== "string") return undefined;
  switch (v.t) {
    case "welcome":
      return START_MODES.has(v.mode as string) && Array.isArray(v.sessions) && v.sessions.every(validSnapshot)
        ? (v as PortalToServer)
        : undefined;
    case "connect":
      return validSnapshot(v.session) ? (v as PortalToServer) : undefined;
    case "disconnect":
      return isSessid(v.sessid) && typeof v.reason === "string" ? (v as PortalToServer) : undefined;
    case "msg":
      return isSessid(v.sessid) && validMessages(v.msgs) ? (v as PortalToServer) : undefined;
    case "client-options":
      return isSessid(v.sessid) && isRecord(v.options) ? (v as PortalToServer) : undefined;
    case "shutdown":
      return v.mode === "reload" || v.mode === "reset" || v.mode === "shutdown" ? (v as PortalToServer) : undefined;
    case "portal-health":
      return isPortalHealth(v.health) ? (v as PortalToServer) : undefined;
    default:
      return undefined;
  }
}
