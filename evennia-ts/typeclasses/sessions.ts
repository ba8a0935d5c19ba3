/**
 * Sessions as game code sees them, and the public sessions API:
 * `sessionsFromAccount`, `sessionsFromCharacter`, `announceAll`, `allSessions`.
 *
 * The server keeps the sessions (mirrors of the portal's connections) and
 * installs itself here as the {@link SessionRegistry}; the test fixtures install
 * one without sockets. Typeclasses reach the sessions through this module only,
 * so they never import the server.
 */
import { currentUnitOfWork } from "../db/unit-of-work.ts";
import { notePresenceChange } from "./change-epochs.ts";
import type { OutputSpec } from "../protocol/message.ts";
import type { DefaultAccount } from "./accounts.ts";
import type { DefaultObject, ObjectSession } from "./objects.ts";

/** One connected player session: a telnet, TLS or websocket connection. */
export interface Session extends ObjectSession {
  /** The portal's id of the connection. */
  readonly sessid: number;
  /** `"telnet"`, `"telnet/ssl"` or `"websocket"`. */
  readonly protocolKey: string;
  /** The client's address (IP). */
  readonly address: string;
  /** When the connection was made (ms since epoch). */
  readonly connectedAt: number;
  /** What the client told us about itself: `screenwidth`, `screenheight`, `ansi`, `client_name`... */
  readonly clientOptions: Record<string, unknown>;
  /** The account logged in on this session, or null. */
  account: DefaultAccount | null;
  /** The object this session puppets, or null (out of character). */
  puppet: DefaultObject | null;
  /** True once an account is logged in. */
  readonly loggedIn: boolean;
  /** Send output (`"text"` or `{text: ..., prompt: ..., oob_name: [[args], {kwargs}]}`). */
  msg(spec: string | OutputSpec): void;
  /** Change client options from the game side; the portal renders by them after the commit. */
  updateClientOptions(options: Record<string, unknown>): void;
}

/** What the server (or a test fixture) provides for sessions. */
export interface SessionRegistry {
  /** Every session, logged in or not, in connection order. */
  all(): Session[];
  /** The sessions `account` is logged in on, without going through every session (optional: else `all()` is filtered). */
  sessionsOf?(account: DefaultAccount): Session[];
  /** Whether `account` is logged in on any session, without making a list (optional: else {@link sessionsOf}). */
  isLoggedIn?(account: DefaultAccount): boolean;
  /** Tell the portal the session's account and puppet (kept across reloads); after the commit. */
  sync(session: Session): void;
  /**
   * Log `session` out and close it: the logout hooks run now, the connection
   * closes (after `reason` is shown) when the current unit of work commits.
   */
  disconnect(session: Session, reason?: string): Promise<void>;
  /** The room new characters start in, if any. */
  startLocation(): Promise<DefaultObject | null>;
  /** The home of objects without one, if any. */
  defaultHome(): Promise<DefaultObject | null>;
}

let registry: SessionRegistry | null = null;

/** @internal the server (or a test fixture) installs its sessions here; null removes them */
export function setSessionRegistry(next: SessionRegistry | null): void {
  registry = next;
  notePresenceChange();
}

/** The installed registry, or null when no server or fixture runs. */
export function sessionRegistry(): SessionRegistry | null {
  return registry;
}

/** Every connected session, logged in or not. */
export function allSessions(): Session[] {
  return registry?.all() ?? [];
}

/** True when `account` is logged in on at least one session. */
export function accountIsLoggedIn(account: DefaultAccount): boolean {
  if (registry?.isLoggedIn) return registry.isLoggedIn(account);
  return sessionsFromAccount(account).length > 0;
}

/** The sessions `account` is logged in on (Evennia's `sessions_from_account`). */
export function sessionsFromAccount(account: DefaultAccount): Session[] {
  if (registry?.sessionsOf) return registry.sessionsOf(account);
  return allSessions().filter((s) => s.account === account);
}

/** The sessions puppeting `character` (Evennia's `sessions_from_character`). */
export function sessionsFromCharacter(character: DefaultObject): Session[] {
  return allSessions().filter((s) => s.puppet === character);
}

/** Send `text` to every connected session, logged in or not (Evennia's `announce_all`). */
export function announceAll(text: string | OutputSpec): void {
  for (const session of allSessions()) session.msg(text);
}

/**
 * @internal set a session's `account` or `puppet` so that a failing unit of work
 * puts the old value back (a login or puppeting that throws leaves no half-done link)
 */
export function setSessionLink<K extends "account" | "puppet">(session: Session, field: K, value: Session[K]): void {
  const old = session[field];
  if (old === value) return;
  session[field] = value;
  currentUnitOfWork()?.recordUndo(() => {
    if (session[field] === value) session[field] = old;
  });
}
