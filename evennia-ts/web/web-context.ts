/**
 * What the server gives its web app (website, web admin, REST API): the one
 * contract between `server/` and `web/`. The web layer never imports `server/`;
 * it reaches game data through the typeclass store (`getStore()`, the search
 * functions, the typeclasses' own methods) inside `ctx.runInUnit`, and server-only
 * things (throttles, bans, sessions, status) through the services below.
 */
import type { LoopHealthFigures, PortalReport } from "../utils/loop-health.ts";
import type { Request, Response, RequestHandler, Router } from "express";
import type { Settings } from "../conf/settings.ts";
import type { Database } from "../db/database.ts";
import type { Store } from "../typeclasses/store.ts";
import type { DefaultAccount } from "../typeclasses/accounts.ts";
import type { BanAdmin, ServerAdmin, ThrottleAdmin } from "../commands/command.ts";

/** The login and account-creation throttles, shared with telnet logins. */
export interface WebThrottles {
  /**
   * Null when `ip` may try to log in as `username` now, else the reason it is refused
   * (after any delay). With `attempt` (any object naming this one try), an admitted
   * attempt counts against the address until {@link loginFailed}, {@link loginSucceeded}
   * or {@link loginAbandoned} with the same object: logins raced in at once are counted
   * as they go, not after their passwords are judged.
   */
  loginCheck(ip: string, username: string, attempt?: object): Promise<string | null>;
  loginFailed(ip: string, username: string, attempt?: object): void;
  loginSucceeded(ip: string, username: string, attempt?: object): void;
  /** `attempt` ended without a verdict (a ban, an error): it no longer counts. */
  loginAbandoned(attempt: object): void;
  /** Null when `ip` may create an account now (the creation then counts), else the reason. */
  accountCreationCheck(ip: string): string | null;
  /** A creation counted by {@link accountCreationCheck} did not happen: give it back. */
  accountCreationAborted(ip: string): void;
  /** For the admin's throttle view. */
  readonly admin: ThrottleAdmin;
}

/** One connected session, as the web admin and the front page show it. */
export interface WebSessionRow {
  sessid: number;
  protocolKey: string;
  address: string;
  connectedAt: number;
  /** Logged-in account key, or null. */
  account: string | null;
  /** Puppeted character key, or null. */
  puppet: string | null;
}

/** Server figures for the status page, `server` and `evennia-ts status`. */
export interface ServerStatusFigures {
  serverName: string;
  /** ms since the epoch when this server process started (a reload starts a new one). */
  startedAt: number;
  /** ms since the epoch when the game was first started, or null. */
  firstStartedAt: number | null;
  sessionsByProtocol: Record<string, number>;
  accountsOnline: number;
  commands: { total: number; perSecond: number; windowSeconds: number };
  /** Command latency (ms, from input to output handed on) over the most recent commands. */
  commandLatency: { samples: number; p50: number; p90: number; p99: number; max: number };
  memory: { rssBytes: number; heapUsedBytes: number; heapTotalBytes: number };
  /** The event loop's delay and the collector's pauses (absent where nothing measures them). */
  loop?: LoopHealthFigures;
  /** The portal's memory and loop as it last reported them (absent or null: no report). */
  portal?: PortalReport | null;
  /** Identity-map counts per table (live, pinned, strong). */
  identityMap: Record<string, { live: number; pinned: number; strong: number }>;
}

/** What the server lends its web app. */
export interface WebServices {
  readonly settings: Settings;
  readonly db: Database;
  readonly store: Store;
  /** Run `fn` in a unit of work (every change it stages commits together, or none). */
  runInUnit<T>(fn: () => Promise<T>): Promise<T>;
  readonly throttles: WebThrottles;
  readonly bans: BanAdmin;
  readonly server: ServerAdmin;
  /**
   * Create an account (and its character, as the settings say) the way `create` does
   * in-game: typeclass hooks, the first account is the superuser.
   */
  createAccount(name: string, password: string): Promise<DefaultAccount>;
  /** Connected sessions. */
  sessions(): WebSessionRow[];
  /**
   * Disconnect every session of `account`, as `boot` does: the logout hooks run now,
   * each connection is closed (after showing `reason`) when the unit of work commits,
   * and a unit that rolls back keeps them connected. Call it inside {@link runInUnit};
   * returns how many sessions were disconnected.
   */
  disconnectAccount(account: DefaultAccount, reason: string): Promise<number>;
  /** Figures for the status page. */
  status(): Promise<ServerStatusFigures>;
  /** Flush the identity map (`memory/flush`); returns how many objects were let go. */
  flushMemory(): Promise<number>;
}

/** The request's logged-in account (website session or HTTP Basic), or null. */
export type CurrentAccount = DefaultAccount | null;

/** What each part of the web app (website, admin, API, the game's routes) is built with. */
export interface WebContext {
  readonly services: WebServices;
  /**
   * Render a template by its path under `templates/` (`website/index.liquid`),
   * looked up in the game's `web/templates/` first; `data` is merged over the
   * common variables (`serverName`, `account`, `csrfToken`, `flash`, `path`).
   */
  render(req: Request, res: Response, template: string, data?: Record<string, unknown>, status?: number): Promise<void>;
  /** The logged-in account of this request (set by the auth middleware). */
  account(req: Request): CurrentAccount;
  /** Log this browser in as `account` (a new session id: no fixation) / out. */
  logIn(req: Request, account: DefaultAccount): Promise<void>;
  logOut(req: Request): Promise<void>;
  /**
   * `account` changed its own password on this request: this browser stays logged
   * in (every other login of the account ended with the old password).
   */
  keepLoginAfterPasswordChange(req: Request, account: DefaultAccount): void;
  /** Middleware: 302 to the login page unless logged in (website, admin). */
  requireLogin: RequestHandler;
  /** Middleware: 403 unless the account has `permission` (or higher), e.g. "Admin". */
  requirePermission(permission: string): RequestHandler;
  /** Middleware that checks the CSRF token of a form POST (applied to website and admin routers). */
  csrf: RequestHandler;
  /** Log a change made through the web, with who made it (`web-admin: Anna set #5/strength = 3`). */
  audit(req: Request, what: string): void;
  /** Keep a one-time message for the next page this browser is shown (`flash` in templates). */
  flash(req: Request, message: string): void;
  /** Where {@link requireLogin} sends visitors (`/auth/login`); `?next=` carries the page they wanted. */
  readonly loginPath: string;
}

/**
 * A game's `web/urls.ts` default-exports one of these: it adds pages and API
 * routes to the web app. Its routers are mounted before the framework's pages, so
 * a game can also replace a framework page by serving the same path.
 */
export interface GameWebModule {
  /** Called with the app's context and a router mounted at `/`. */
  routes?(router: Router, ctx: WebContext): void | Promise<void>;
  /** Called with a router mounted at `/api/`. */
  apiRoutes?(router: Router, ctx: WebContext): void | Promise<void>;
}
