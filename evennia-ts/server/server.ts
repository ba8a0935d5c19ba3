/**
 * The server service: the game. It opens the database, loads the game's code,
 * joins the portal over the link, mirrors the portal's sessions, logs players in
 * and runs their input through inputfuncs and the command handler.
 */
import type { Settings } from "../conf/settings.ts";
import { Database } from "../db/database.ts";
import { registeredGameSchema } from "../db/game-schema.ts";
import { flushImplicitWrites, runInUnitOfWork } from "../db/unit-of-work.ts";
import type { OobMessage } from "../protocol/message.ts";
import type { PortalToServer, SessionSnapshot, ShutdownMode, StartMode } from "../protocol/link-messages.ts";
import "../typeclasses/index.ts";
import { DefaultAccount } from "../typeclasses/accounts.ts";
import { DefaultCharacter } from "../typeclasses/characters.ts";
import { createAccount, createObject } from "../typeclasses/create.ts";
import { DefaultObject } from "../typeclasses/objects.ts";
import { findTypeclass } from "../typeclasses/registry.ts";
import { Store } from "../typeclasses/store.ts";
import { setStore } from "../typeclasses/store-context.ts";
import { setActiveSettings } from "../conf/active-settings.ts";
import "../commands/default/cmdsets.ts";
import type { CommandServices, CommandSession } from "../commands/command.ts";
import { CommandHandler } from "../commands/handler.ts";
import { helpWarnings } from "../commands/help/help-entries.ts";
import { getLogger } from "../utils/logger.ts";
import { describeError, EvenniaError } from "../utils/errors.ts";
import { defaultConnectionScreen } from "./connection-screen.ts";
import { checkGameCode, describeGameCodeProblems, type GameCodeReport } from "./game-code-check.ts";
import { startMemoryServices, type MemoryServices } from "./memory/memory-services.ts";
import { runInitialSetup } from "./initial-setup.ts";
import { findInputFunc } from "./inputfuncs.ts";
import { registerDefaultInputFuncs } from "./oob/register-default-inputfuncs.ts";
import { restoreReports } from "./oob/report-tracker.ts";
import { connectToPortal, type PortalLink } from "./link-client.ts";
import { LoginThrottle } from "./login-throttle.ts";
import { AccountCreationThrottle } from "./account-creation-throttle.ts";
import { serverThrottleAdmin } from "./throttle-admin.ts";
import { ServerConfig } from "./server-config.ts";
import { ServerSession } from "./server-session.ts";

const log = getLogger("server");

/** How the link is reached. */
export interface LinkTarget {
  host: string;
  port: number;
  token: string;
}

/** The server service. */
export class Server {
  db!: Database;
  store!: Store;
  private config!: ServerConfig;
  private commands!: CommandHandler;
  private link: PortalLink | null = null;
  private readonly sessions = new Map<number, ServerSession>();
  private readonly throttle: LoginThrottle;
  private readonly creationThrottle: AccountCreationThrottle;
  private connectionScreenSource: string | (() => string) | undefined;
  private readonly inFlight = new Set<Promise<unknown>>();
  private stopping: Promise<void> | null = null;
  /** Heap watcher and control channel (`evennia-ts memory` / `heapdump`). */
  private memory: MemoryServices | null = null;
  private resolveStopped!: (how: ShutdownMode | "link-lost") => void;
  /** What loading the game's code found (set by {@link init}, also when it fails). */
  gameCode: GameCodeReport | null = null;
  /** Called by {@link init} once the game's code is loaded, before it fails on problems. */
  onGameCodeLoaded: ((report: GameCodeReport) => void) | null = null;
  /** Resolves when the server has stopped, with why. */
  readonly stopped: Promise<ShutdownMode | "link-lost">;

  constructor(readonly settings: Settings) {
    this.throttle = new LoginThrottle({
      perIp: settings.loginAttemptsPerIp,
      perAccountPerIp: settings.loginAttemptsPerAccount,
      accountDelayAfter: settings.loginAccountDelayAfter,
      delayMaxSeconds: settings.loginDelayMax,
      windowSeconds: settings.loginThrottleWindow,
    });
    this.creationThrottle = new AccountCreationThrottle({
      perIp: settings.accountCreationsPerIp,
      windowSeconds: settings.accountCreationWindow,
    });
    this.stopped = new Promise((resolve) => (this.resolveStopped = resolve));
  }

  /**
   * Load game code, open the database, run first-start setup. Fails with
   * EV_ERR_GAME_CODE (naming each module, its error and a hint) when a game module
   * does not load or a cmdset the settings name is not registered.
   */
  async init(): Promise<void> {
    // game code first: it registers typeclasses, cmdsets, inputfuncs and its own tables
    this.registerCoreInputFuncs();
    setActiveSettings(this.settings);
    const { game, report } = await checkGameCode(this.settings);
    this.gameCode = report;
    this.onGameCodeLoaded?.(report);
    if (report.problems.length > 0) throw new EvenniaError("EV_ERR_GAME_CODE", describeGameCodeProblems(report));
    this.connectionScreenSource = game.connectionScreen;
    this.db = await Database.open({ url: this.settings.databaseUrl, baseDir: this.settings.gameDir, ...registeredGameSchema() });
    this.store = new Store(this.db, { lruSize: this.settings.identityMapLruSize, closureLimit: this.settings.loadClosureLimit });
    await this.store.init();
    setStore(this.store);
    this.config = new ServerConfig(this.db);
    await runInitialSetup(this.db, this.config, this.settings);
    this.commands = new CommandHandler(
      this.db,
      this.services(),
      {
        cmdsetUnloggedin: this.settings.cmdsetUnloggedin,
        cmdsetSession: this.settings.cmdsetSession,
        cmdsetAccount: this.settings.cmdsetAccount,
        cmdsetCharacter: this.settings.cmdsetCharacter,
      },
      {
        mergeCacheSize: this.settings.cmdsetMergeCacheSize,
        ignorePrefixes: this.settings.cmdIgnorePrefixes,
        maxCharLimit: this.settings.maxCharLimit,
        queueLimit: this.settings.commandQueueLimit,
      },
    );
    const s = this.settings;
    for (const warning of helpWarnings([s.cmdsetUnloggedin, s.cmdsetSession, s.cmdsetAccount, s.cmdsetCharacter])) log.warn(warning);
    this.memory = await startMemoryServices(this.store, this.settings);
  }

  /** Join the portal; resolves once connected (the portal then sends its welcome). */
  async connect(target: LinkTarget): Promise<void> {
    const link = await connectToPortal({
      ...target,
      maxFrameBytes: this.settings.linkMaxFrameBytes,
      maxBufferedBytes: this.settings.linkMaxBufferedBytes,
    });
    this.link = link;
    link.onMessage((msg) => this.onPortalMessage(msg));
    link.onClose((reason) => {
      if (this.link !== link) return;
      this.link = null;
      if (!this.stopping) {
        log.error(`lost the link to the portal (${reason}); stopping`);
        void this.stop("link-lost");
      }
    });
  }

  /** Logged-in and unlogged sessions. */
  allSessions(): ServerSession[] {
    return [...this.sessions.values()];
  }

  /**
   * Stop: finish running commands, write everything, close the database. In
   * `reset`/`shutdown` mode puppets are put away first (a reload keeps them).
   */
  stop(mode: ShutdownMode | "link-lost"): Promise<void> {
    this.stopping ??= (async () => {
      log.info(`stopping (${mode})`);
      await Promise.allSettled([...this.inFlight]);
      if (mode === "reset" || mode === "shutdown") {
        try {
          await runInUnitOfWork(this.db, async () => {
            for (const s of this.sessions.values()) if (s.puppet) this.putAway(s.puppet);
          });
        } catch (err) {
          log.error("could not put puppets away at shutdown", err);
        }
      }
      await flushImplicitWrites().catch((err) => log.error("final writes failed", err));
      this.commands?.flushLogSummaries();
      this.link?.flush();
      await this.memory?.stop();
      await this.db?.close();
      setStore(null);
      this.link?.close("server stopped");
      this.link = null;
      this.resolveStopped(mode);
    })();
    return this.stopping;
  }

  private track<T>(p: Promise<T>): Promise<T> {
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p)).catch(() => undefined);
    return p;
  }

  private onPortalMessage(msg: PortalToServer): void {
    if (this.stopping) return;
    switch (msg.t) {
      case "welcome":
        void this.track(this.onWelcome(msg.mode, msg.sessions));
        break;
      case "connect":
        this.onConnect(msg.session);
        break;
      case "disconnect":
        void this.track(this.onDisconnect(msg.sessid));
        break;
      case "msg": {
        const session = this.sessions.get(msg.sessid);
        if (session) for (const m of msg.msgs) void this.track(this.dispatch(session, m));
        break;
      }
      case "client-options": {
        const session = this.sessions.get(msg.sessid);
        if (session) Object.assign(session.clientOptions, msg.options);
        break;
      }
      case "shutdown":
        void this.stop(msg.mode);
        break;
    }
  }

  private async onWelcome(mode: StartMode, snapshots: SessionSnapshot[]): Promise<void> {
    log.info(`portal welcome (${mode}) with ${snapshots.length} session(s)`);
    for (const snap of snapshots) {
      const session = this.newSession(snap);
      try {
        if (mode !== "reset") {
          const { uid: _uid, puid: _puid, ...saved } = snap.data;
          session.saved = saved;
          await this.restoreSession(session, snap.data);
          restoreReports(session);
        }
      } catch (err) {
        log.error(`could not restore session ${snap.sessid}`, err);
      }
      if (!session.loggedIn) {
        // a session no server has seen yet (it connected while the server was away) has no data
        const neverGreeted = !("uid" in snap.data);
        if (mode === "reset" || mode === "start" || neverGreeted) session.msg(this.connectionScreen());
        this.saveSessionData(session);
      }
    }
    this.link?.send({ t: "synced" });
  }

  private onConnect(snap: SessionSnapshot): void {
    const session = this.newSession(snap);
    session.msg(this.connectionScreen());
    this.saveSessionData(session);
  }

  private newSession(snap: SessionSnapshot): ServerSession {
    const session = new ServerSession(snap, (sessid, msgs) => this.sendOutput(sessid, msgs));
    session.persist = () => this.saveSessionData(session);
    this.sessions.set(session.sessid, session);
    return session;
  }

  private sendOutput(sessid: number, msgs: OobMessage[]): void {
    this.link?.send({ t: "msg", sessid, msgs });
  }

  private async onDisconnect(sessid: number): Promise<void> {
    const session = this.sessions.get(sessid);
    if (!session) return;
    this.sessions.delete(sessid);
    // nobody works for a player who left: what it had queued is dropped (the running command finishes)
    const dropped = this.commands?.discard(session) ?? 0;
    if (dropped > 0) log.info(`session ${sessid} disconnected with ${dropped} command(s) waiting; dropped`);
    if (!session.puppet) return;
    try {
      await runInUnitOfWork(this.db, () => this.unpuppet(session, true));
    } catch (err) {
      log.error(`unpuppeting after session ${sessid} disconnected failed`, err);
    }
  }

  private async dispatch(session: ServerSession, [cmdname, args, kwargs]: OobMessage): Promise<void> {
    session.lastCommandAt = Date.now();
    session.commandCount++;
    if (cmdname === "text") {
      const line = typeof args[0] === "string" ? args[0] : String(args[0] ?? "");
      await this.commands.execute(session, line);
      return;
    }
    const fn = findInputFunc(cmdname);
    if (!fn) {
      log.debug(`session ${session.sessid} sent unknown input "${cmdname}"; ignored`);
      return;
    }
    try {
      await runInUnitOfWork(this.db, () => fn(session, args, kwargs));
    } catch (err) {
      log.error(`inputfunc ${cmdname} failed for session ${session.sessid}`, err);
    }
  }

  private registerCoreInputFuncs(): void {
    registerDefaultInputFuncs(this.services());
  }

  private connectionScreen(): string {
    const src = this.connectionScreenSource;
    if (typeof src === "function") {
      try {
        return String(src());
      } catch (err) {
        log.error("the game's connection screen function failed", err);
      }
    } else if (typeof src === "string") return src;
    return defaultConnectionScreen(this.settings.serverName);
  }

  // ---- login and puppeting --------------------------------------------------

  private async restoreSession(session: ServerSession, data: Record<string, unknown>): Promise<void> {
    if (typeof data.uid !== "number") return;
    const account = await this.store.get("account", data.uid);
    if (!(account instanceof DefaultAccount)) return;
    session.account = account;
    if (typeof data.puid === "number") {
      const puppet = await this.store.get("object", data.puid);
      if (puppet instanceof DefaultObject) this.attachPuppet(session, puppet);
    }
    this.saveSessionData(session);
  }

  private attachPuppet(session: ServerSession, puppet: DefaultObject): void {
    session.puppet = puppet;
    puppet.sessions.add(session);
    this.store.pin(puppet, "puppet");
  }

  private async login(session: CommandSession, account: DefaultAccount): Promise<void> {
    const s = session as ServerSession;
    // one session per account (Evennia's MULTISESSION_MODE 0): a new login takes over
    for (const other of this.sessions.values()) {
      if (other !== s && other.account === account) {
        await this.unpuppet(other, false);
        other.account = null;
        other.msg("|yYou have been logged in from elsewhere. Disconnecting.|n");
        this.disconnect(other, "");
      }
    }
    s.account = account;
    account._touchLogin();
    s.msg(`|gWelcome to ${this.settings.serverName}, ${account.username}!|n`);
    const character = await this.characterOf(account);
    await this.puppet(s, character);
  }

  private async characterOf(account: DefaultAccount): Promise<DefaultObject> {
    const [own] = await this.store.where("object", "account_id = ?", [account.id], "ORDER BY id LIMIT 1");
    if (own instanceof DefaultObject) return own;
    return this.createCharacter(account, account.username);
  }

  private async createCharacter(account: DefaultAccount, name: string): Promise<DefaultObject> {
    const start = await this.startLocation();
    const typeclass = findTypeclass(this.settings.baseCharacterTypeclass) ? this.settings.baseCharacterTypeclass : "evennia.objects.DefaultCharacter";
    const character = await createObject<DefaultObject>(typeclass, { key: name, location: null, home: start, account });
    character.db.prelogout_location = start;
    return character;
  }

  private async startLocation(): Promise<DefaultObject | null> {
    const id = Number(await this.config.get("start_location"));
    if (!id) return null;
    const room = await this.store.get("object", id);
    return room instanceof DefaultObject ? room : null;
  }

  private async puppet(session: ServerSession, character: DefaultObject): Promise<void> {
    this.attachPuppet(session, character);
    if (!character.location) {
      const back = character.db.prelogout_location;
      const target = back instanceof DefaultObject ? back : (character.home ?? (await this.startLocation()));
      if (target) await character.moveTo(target, { quiet: true, moveHooks: false, moveType: "teleport" });
    }
    session.msg(`|gYou become |c${character.key}|g.|n`);
    if (character instanceof DefaultCharacter) await character.atPostPuppet();
    const location = character.location;
    if (location) session.msg({ text: [location.returnAppearance(character), { type: "look" }] });
    this.saveSessionData(session);
  }

  /** Stop puppeting; when the last session leaves, the character is put away. */
  private async unpuppet(session: ServerSession, announce: boolean): Promise<void> {
    const puppet = session.puppet;
    if (!puppet) return;
    session.puppet = null;
    puppet.sessions.delete(session);
    this.saveSessionData(session);
    if (puppet.sessions.size > 0) return;
    this.store.unpin(puppet, "puppet");
    if (announce && puppet instanceof DefaultCharacter) await puppet.atPostUnpuppet();
    this.putAway(puppet);
  }

  /** Take an unpuppeted character out of the world, remembering where it was. */
  private putAway(puppet: DefaultObject): void {
    if (!puppet.location) return;
    puppet.db.prelogout_location = puppet.location;
    puppet.location = null;
  }

  private saveSessionData(session: ServerSession): void {
    const send = () => this.link?.send({ t: "session-data", sessid: session.sessid, data: session.data() });
    const uow = this.store.unitOfWork();
    uow.afterCommit(send);
  }

  private disconnect(session: CommandSession, reason: string): void {
    const send = () => this.link?.send({ t: "disconnect", sessid: session.sessid, reason });
    this.store.unitOfWork().afterCommit(send);
  }

  private services(): CommandServices {
    return {
      login: (session, account) => this.login(session, account),
      createAccountWithCharacter: async (name, password, accountTypeclass) => {
        const existing = await this.db.query("SELECT id FROM accounts LIMIT 1");
        const first = existing.length === 0 && this.store.pendingChanges("account").length === 0;
        const typeclass = findTypeclass(accountTypeclass) ? accountTypeclass : undefined;
        const account = await createAccount(typeclass, {
          username: name,
          password,
          isSuperuser: first,
          permissions: [first ? "Developer" : "Player"],
        });
        await this.createCharacter(account, name);
        if (first) log.info(`created the superuser account "${name}"`);
        return account;
      },
      disconnect: (session, reason) => this.disconnect(session, reason),
      requestServer: (action) => {
        this.store.unitOfWork().afterCommit(() => this.link?.send({ t: "request", action }));
      },
      loginThrottleCheck: async (session, name) => {
        const { refused, delayMs } = this.throttle.check(session.address, name);
        if (refused || delayMs <= 0) return refused;
        // a much-attacked account: every attempt waits (growing, capped), none is refused for it
        await new Promise((resolve) => setTimeout(resolve, delayMs).unref());
        return this.throttle.check(session.address, name).refused;
      },
      loginFailed: (session, name) => this.throttle.failed(session.address, name),
      loginSucceeded: (session, name) => this.throttle.succeeded(session.address, name),
      accountCreationCheck: (session) => this.creationThrottle.reserve(session.address),
      accountCreationAborted: (session) => this.creationThrottle.abort(session.address),
      throttles: serverThrottleAdmin(this.throttle, this.creationThrottle),
      connectionScreen: () => this.connectionScreen(),
      settings: this.settings,
      sessions: () => this.allSessions().filter((s) => s.loggedIn),
    };
  }
}

/** Start a server: init, then join the portal; `onGameCode` hears what loading the game's code found. */
export async function startServer(
  settings: Settings,
  target: LinkTarget,
  onGameCode?: (report: GameCodeReport) => void,
): Promise<Server> {
  const server = new Server(settings);
  server.onGameCodeLoaded = onGameCode ?? null;
  try {
    await server.init();
    await server.connect(target);
  } catch (err) {
    log.error(`server failed to start: ${describeError(err)}`, err);
    await server.stop("shutdown").catch(() => undefined);
    throw err;
  }
  return server;
}
