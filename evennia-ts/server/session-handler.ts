/**
 * The server's sessions: mirrors of the portal's connections, and the login and
 * logout sequences around them (Evennia's server session handler). What happens
 * to the account and its characters on login and logout is in `DefaultAccount`'s
 * hooks; this module keeps the sessions, runs the hooks in order, and tells the
 * portal (after the unit of work commits) what it must remember across reloads
 * and which connections to close.
 */
import { activeSettings } from "../conf/active-settings.ts";
import type { ServerToPortal } from "../protocol/link-messages.ts";
import { currentUnitOfWork } from "../db/unit-of-work.ts";
import { DefaultAccount } from "../typeclasses/accounts.ts";
import { DefaultObject } from "../typeclasses/objects.ts";
import { onePuppetingAtATime } from "../typeclasses/puppet-lock.ts";
import { setSessionLink, type SessionRegistry } from "../typeclasses/sessions.ts";
import type { Store } from "../typeclasses/store.ts";
import { getLogger } from "../utils/logger.ts";
import type { ServerConfig } from "./server-config.ts";
import type { ServerSession } from "./server-session.ts";
import { signals } from "../typeclasses/signals.ts";
import { notePresenceChange } from "../typeclasses/change-epochs.ts";

const log = getLogger("sessions");

/** Where the session handler sends what the portal must hear. */
export type PortalSend = (msg: ServerToPortal) => void;

/** Message to sessions logged out because the account logged in elsewhere (mode 0). */
export const DUPLICATE_LOGIN_REASON = "Logged in from elsewhere. Disconnecting.";

/** The sessions of one server, and login/logout. */
export class SessionHandler implements SessionRegistry {
  private readonly sessions = new Map<number, ServerSession>();
  /** The sessions each account is logged in on: `sessionsOf` costs O(its sessions), not O(all sessions). */
  private readonly byAccount = new Map<DefaultAccount, Set<ServerSession>>();
  /** The end of each account's logins under way (see {@link login}). */
  private readonly loginTurns = new WeakMap<DefaultAccount, Promise<unknown>>();

  /** Told of each session removed (disconnected or closed), after it is logged out. */
  onSessionGone: ((session: ServerSession) => void) | null = null;

  constructor(
    private readonly store: Store,
    private readonly send: PortalSend,
    private readonly config: Pick<ServerConfig, "get"> | null = null,
  ) {}

  /** Every session, logged in or not. */
  all(): ServerSession[] {
    return [...this.sessions.values()];
  }

  /** The session with `sessid`, if connected. */
  get(sessid: number): ServerSession | undefined {
    return this.sessions.get(sessid);
  }

  /** Start mirroring a portal connection. */
  add(session: ServerSession): void {
    this.sessions.set(session.sessid, session);
    notePresenceChange();
    session.onAccountChange = (s, before) => {
      if (before) this.unindex(s, before);
      if (s.account) this.index(s, s.account);
    };
    if (session.account) this.index(session, session.account);
    session.persist = () => this.sync(session);
    session.pushClientOptions = (options) => this.send({ t: "client-options", sessid: session.sessid, options: { ...options } });
  }

  /** Tell the portal what it keeps for `session` (account, puppet, saved data), after the commit. */
  sync(session: ServerSession): void {
    const send = () => this.send({ t: "session-data", sessid: session.sessid, data: session.data() });
    const uow = currentUnitOfWork();
    if (uow) uow.afterCommit(send);
    else this.store.unitOfWork().afterCommit(send);
  }

  /**
   * Log `session` in as `account` (Evennia's order): `atFirstLogin` on the first
   * login ever, `atPreLogin`, then in multisession mode 0 the account's other
   * sessions are disconnected, then `atPostLogin` (which puppets, by default).
   * Logins of one account run one after the other (the later one wins in mode 0); a
   * session that disconnected while it waited for its turn is not logged in.
   */
  async login(session: ServerSession, account: DefaultAccount): Promise<void> {
    // one login of an account at a time: two at once (mode 0) would each disconnect the
    // other while the other's hooks awaited, leaving nobody, or a puppet on a gone session
    const before = this.loginTurns.get(account) ?? Promise.resolve();
    const run = before.then(
      () => this.loginNow(session, account),
      () => this.loginNow(session, account),
    );
    const tail = run.catch(() => undefined);
    this.loginTurns.set(account, tail);
    try {
      await run;
    } finally {
      if (this.loginTurns.get(account) === tail) this.loginTurns.delete(account);
    }
  }

  private async loginNow(session: ServerSession, account: DefaultAccount): Promise<void> {
    // logged in already, or gone while an earlier login of the account ran
    if (session.loggedIn || this.sessions.get(session.sessid) !== session) return;
    setSessionLink(session, "account", account);
    if (account.db.FIRST_LOGIN) {
      await account.atFirstLogin(session);
      account.attributes.remove("FIRST_LOGIN");
    }
    await account.atPreLogin(session);
    if (activeSettings().multisessionMode === 0) {
      for (const other of this.sessionsOf(account)) {
        if (other !== session) await this.disconnect(other, DUPLICATE_LOGIN_REASON);
      }
    }
    account._touchLogin();
    this.sync(session);
    log.info(`logged in: ${account.key} from ${session.address} (${this.sessionsOf(account).length} session(s))`);
    await account.atPostLogin(session);
    // signal (typeclasses/signals.ts): heard after the unit of work commits
    signals.emit("accountConnected", { account, session });
  }

  /**
   * Log `session` out and close its connection: the logout hooks run now, the
   * portal closes it (after showing `reason`) when the unit of work commits.
   */
  async disconnect(session: ServerSession, reason = ""): Promise<void> {
    if (this.sessions.get(session.sessid) !== session) return;
    await this.logout(session, reason);
    const sessid = session.sessid;
    this.sessions.delete(sessid);
    notePresenceChange();
    this.onSessionGone?.(session);
    currentUnitOfWork()?.recordUndo(() => {
      if (this.sessions.has(sessid)) return;
      this.sessions.set(sessid, session);
      notePresenceChange();
    });
    this.store.unitOfWork().afterCommit(() => this.send({ t: "disconnect", sessid, reason }));
  }

  /** The portal says a connection closed: forget it, logging it out first. */
  async closed(sessid: number, reason = ""): Promise<void> {
    const session = this.sessions.get(sessid);
    if (!session) return;
    try {
      await this.logout(session, reason);
    } finally {
      if (this.sessions.get(sessid) === session) {
        this.sessions.delete(sessid);
        notePresenceChange();
        this.onSessionGone?.(session);
      }
    }
  }

  /**
   * Log every session out without closing it (a reset or shutdown): puppets are
   * put away and the logout hooks run.
   */
  async logoutAll(reason: string): Promise<void> {
    for (const session of this.all()) {
      try {
        await this.logout(session, reason);
      } catch (err) {
        log.error(`logging out session ${session.sessid} failed`, err);
      }
    }
  }

  /**
   * Evennia's session logout: unpuppet (after any puppeting of the account under way), `atDisconnect`, the session counts as
   * logged out, `atPostDisconnect` (a guest account deletes itself there).
   */
  private async logout(session: ServerSession, reason: string): Promise<void> {
    const account = session.account;
    if (!account) return;
    // in the account's puppeting turn: an `ic` of this session still in the character's hooks
    // finishes first and is undone here, not left puppeting for a session that is gone
    await onePuppetingAtATime(account, async () => {
      if (session.puppet) await account.unpuppetObject(session);
    });
    await account.atDisconnect(reason, session);
    setSessionLink(session, "account", null);
    this.sync(session);
    log.info(`logged out: ${account.key} from ${session.address}${reason ? ` (${reason})` : ""}`);
    // signal (typeclasses/signals.ts): heard after the unit of work commits
    signals.emit("accountDisconnected", { account, session, reason });
    if (!account.isDeleted) await account.atPostDisconnect(session);
  }

  /**
   * After a reload: the session is logged in again as the portal remembers it,
   * and re-attached to its puppet, without any hook (nothing happened for the
   * player).
   */
  async restore(session: ServerSession, data: Record<string, unknown>): Promise<void> {
    if (typeof data.uid !== "number") return;
    const account = await this.store.get("account", data.uid);
    if (!(account instanceof DefaultAccount)) return;
    session.account = account;
    if (typeof data.puid === "number") {
      const puppet = await this.store.get("object", data.puid);
      if (puppet instanceof DefaultObject) {
        puppet._attachSession(session);
        session.puppet = puppet;
      }
    }
    this.sync(session);
  }

  /** True when `account` is logged in on a session still connected (no list made: channels ask it for every subscriber). */
  isLoggedIn(account: DefaultAccount): boolean {
    const set = this.byAccount.get(account);
    if (!set) return false;
    for (const s of set) if (this.isLoggedInOn(s, account)) return true;
    return false;
  }

  /** Sessions `account` is logged in on (those still connected). */
  sessionsOf(account: DefaultAccount): ServerSession[] {
    const set = this.byAccount.get(account);
    if (!set) return [];
    // one session (the usual case, asked for each subscriber of a channel line): a list of one,
    // not the 17 slots an empty list grows to on its first push (56 bytes against 185)
    if (set.size === 1) for (const s of set) return this.isLoggedInOn(s, account) ? [s] : [];
    const out: ServerSession[] = [];
    for (const s of set) if (this.isLoggedInOn(s, account)) out.push(s);
    return out;
  }

  /** True when indexed session `s` is still `account`'s and still connected (the index may lag a logout or a replaced sessid). */
  private isLoggedInOn(s: ServerSession, account: DefaultAccount): boolean {
    return s.account === account && this.sessions.get(s.sessid) === s;
  }

  private index(session: ServerSession, account: DefaultAccount): void {
    let set = this.byAccount.get(account);
    if (!set) this.byAccount.set(account, (set = new Set()));
    set.add(session);
  }

  private unindex(session: ServerSession, account: DefaultAccount): void {
    const set = this.byAccount.get(account);
    if (!set) return;
    set.delete(session);
    if (set.size === 0) this.byAccount.delete(account);
  }

  /** The room new characters start in (server config `start_location`). */
  async startLocation(): Promise<DefaultObject | null> {
    return this.configuredObject("start_location");
  }

  /** The home of objects without one (server config `default_home`). */
  async defaultHome(): Promise<DefaultObject | null> {
    return (await this.configuredObject("default_home")) ?? this.startLocation();
  }

  private async configuredObject(key: string): Promise<DefaultObject | null> {
    if (!this.config) return null;
    const id = Number(await this.config.get(key));
    if (!id) return null;
    const obj = await this.store.get("object", id);
    return obj instanceof DefaultObject && !obj.isDeleted ? obj : null;
  }
}
