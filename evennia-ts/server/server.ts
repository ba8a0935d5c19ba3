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
import type { LinkSendStats } from "../protocol/link-connection.ts";
import "../typeclasses/index.ts";
import { setActiveSettings } from "../conf/active-settings.ts";
import { accountTypeclass } from "../typeclasses/accounts.ts";
import { purgeGuests } from "../typeclasses/guests.ts";
import { setSessionRegistry } from "../typeclasses/sessions.ts";
import { signals } from "../typeclasses/signals.ts";
import { Store } from "../typeclasses/store.ts";
import { setStore } from "../typeclasses/store-context.ts";
import "../commands/default/cmdsets.ts";
import type { CommandServices } from "../commands/command.ts";
import { CommandHandler } from "../commands/handler.ts";
import { helpWarnings } from "../commands/help/help-entries.ts";
import { resumeLostHiddenInput } from "../commands/input-prompt.ts";
import { startFeedBot, type FeedBotHandle } from "../comms/feeds/feed-bot.ts";
import { getLogger } from "../utils/logger.ts";
import { activitiesSince } from "../utils/activity.ts";
import { settledWithin } from "../utils/settled-within.ts";
import { describeError, EvenniaError } from "../utils/errors.ts";
import { defaultConnectionScreen } from "./connection-screen.ts";
import { checkGameCode, describeGameCodeProblems, type GameCodeReport } from "./game-code-check.ts";
import type { LoadedGame } from "./game-loader.ts";
import { startMemoryServices, type MemoryServices } from "./memory/memory-services.ts";
import { runInitialSetup } from "./initial-setup.ts";
import { ensureDefaultChannels } from "../typeclasses/default-channels.ts";
import { MudInfoAnnouncer } from "./mud-info.ts";
import { runLifecycleHook, type LifecycleHooks } from "./lifecycle-hooks.ts";
import { findInputFunc } from "./inputfuncs.ts";
import { registerDefaultInputFuncs } from "./oob/register-default-inputfuncs.ts";
import { forgetOobSubscriptions, restoreOobSubscriptions } from "./oob/session-subscriptions.ts";
import { afterLogin, resumeInteractive } from "./resume-interactive.ts";
import { connectToPortal, type PortalLink } from "./link-client.ts";
import { sharedOutputMessages } from "./output-coalescing.ts";
import { LoginThrottle } from "./login-throttle.ts";
import { AccountCreationThrottle } from "./account-creation-throttle.ts";
import { createThrottles, throttleServices } from "./throttle-services.ts";
import { ServerConfig } from "./server-config.ts";
import { BANNED_MESSAGE, BanList } from "./bans.ts";
import { CommandLatencyRecorder, CommandRateCounter } from "./command-stats.ts";
import { collectLiveStats, type LiveStats } from "./live-stats.ts";
import { firstStartTime, recordFirstStart } from "./server-clock.ts";
import { ServiceRegistry } from "./service-registry.ts";
import { startTimerServices, stopTimerServices } from "../timers/timer-services.ts";
import { LoopHealth, type PortalHealth, type PortalReport } from "../utils/loop-health.ts";
import type { CheckpointStats } from "../db/wal-checkpointer.ts";
import { startScriptService } from "./script-service.ts";
import { startDemoLife } from "./demo-life.ts";
import type { ScriptScheduler } from "../typeclasses/script-scheduler.ts";
import { ServerSession } from "./server-session.ts";
import { StallWatchdog } from "./stall-watchdog.ts";
import { configureBackgroundWork, stopBackgroundWork } from "../db/background-work.ts";
import { SessionHandler } from "./session-handler.ts";
import { createWebServices } from "./web-services.ts";
import { startWebServer, webSessionSecret, type RunningWebServer } from "./web-server.ts";
import { serverThrottleAdmin } from "./throttle-admin.ts";

const log = getLogger("server");

/** How long a stopping server waits for the portal to take what its link still holds. */
const LINK_FLUSH_TIMEOUT_MS = 10_000;

/** How the link is reached. */
export interface LinkTarget {
  host: string;
  port: number;
  /** The portal's local socket for the link, tried before the port (null or absent: the port only). */
  path?: string | null;
  token: string;
}

/** The server service. */
export class Server {
  db!: Database;
  store!: Store;
  private config!: ServerConfig;
  private commands!: CommandHandler;
  private link: PortalLink | null = null;
  /** The sessions (mirrors of the portal's connections); set up by {@link init}. */
  sessions!: SessionHandler;
  private readonly throttle: LoginThrottle;
  private readonly creationThrottle: AccountCreationThrottle;
  private connectionScreenSource: string | (() => string) | undefined;
  private lifecycle: LifecycleHooks = {};
  private readonly inFlight = new Set<Promise<unknown>>();
  /**
   * How long {@link stop} waits for the commands (and other work) in flight, in ms. A
   * command that never ends (its `parse` or `func` awaits what never comes) is left
   * behind, named in the log, uncommitted: it does not hold up a reload, nor get the
   * server killed by the portal (after 30 s by default) before its final writes.
   */
  commandStopGraceMs = 20_000;
  private stopping: Promise<void> | null = null;
  /** The process that started this one (the portal, for a server it runs): see {@link parentGone}. */
  private readonly parentPid = process.ppid;
  /** Heap watcher and control channel (`evennia-ts memory` / `heapdump`). */
  private memory: MemoryServices | null = null;
  /** The persistent bans (set up by {@link init}). */
  private bans!: BanList;
  /** Commands run, for the `server` command. */
  readonly commandRate = new CommandRateCounter();
  /** How long the recent commands took (line in to commit), for `server` and `evennia-ts status`. */
  readonly commandLatency = new CommandLatencyRecorder();
  /** The event loop's delay and the collector's pauses, for `server` and `evennia-ts status`. */
  readonly loopHealth = new LoopHealth();
  /** The portal's latest report of its memory and loop (`portal-health`), with when it came; null before the first. */
  private portalHealth: { health: PortalHealth; at: number } | null = null;
  /** The services `service` lists (set up by {@link init}). */
  readonly serviceRegistry = new ServiceRegistry();
  /** When this server process started. */
  readonly startedAt = Date.now();
  /** Logs commands that block the event loop (null when `stallWarningMs` is 0). */
  private stallWatchdog: StallWatchdog | null = null;
  /** The RSS/Atom feed bot (null when `feedsEnabled` is off). */
  private feeds: FeedBotHandle | null = null;
  /** Runs the scripts' timers (see docs/scripts.md). */
  scripts: ScriptScheduler | null = null;
  /** The web app (website, admin, API) on loopback; null until {@link init} started it. */
  web: RunningWebServer | null = null;
  /** Server news on the MudInfo channel (set up by {@link init}). */
  private mudInfo!: MudInfoAnnouncer;
  private resolveStopped!: (how: ShutdownMode | "link-lost") => void;
  /** What loading the game's code found (set by {@link init}, also when it fails). */
  gameCode: GameCodeReport | null = null;
  /** Called by {@link init} once the game's code is loaded, before it fails on problems. */
  onGameCodeLoaded: ((report: GameCodeReport) => void) | null = null;
  /**
   * Runs pending framework migrations outside this process (the real server sets a
   * child-process runner: `migration-child.ts`); null: they run here, loading TypeORM.
   */
  runMigrationsElsewhere: (() => Promise<void>) | null = null;
  /** Resolves when the server has stopped, with why. */
  readonly stopped: Promise<ShutdownMode | "link-lost">;

  constructor(readonly settings: Settings) {
    const throttles = createThrottles(settings);
    this.throttle = throttles.login;
    this.creationThrottle = throttles.creation;
    this.stopped = new Promise((resolve) => (this.resolveStopped = resolve));
  }

  /** The game's code, once {@link loadCode} has loaded it. */
  private loadedCode: { game: LoadedGame; report: GameCodeReport } | null = null;

  /**
   * Load the game's code and check it, touching nothing else: {@link init} does it first
   * when it has not been done. A standby server (`main.ts --standby`) does it while the
   * server it replaces still runs.
   */
  async loadCode(): Promise<{ game: LoadedGame; report: GameCodeReport }> {
    if (this.loadedCode) return this.loadedCode;
    // game code first: it registers typeclasses, cmdsets, inputfuncs and its own tables
    this.registerCoreInputFuncs();
    setActiveSettings(this.settings);
    this.loadedCode = await checkGameCode(this.settings);
    return this.loadedCode;
  }

  /**
   * Load game code (unless {@link loadCode} did), open the database, run first-start setup. Fails with
   * EV_ERR_GAME_CODE (naming each module, its error and a hint) when a game module
   * does not load or a cmdset the settings name is not registered.
   */
  async init(): Promise<void> {
    const { game, report } = await this.loadCode();
    this.gameCode = report;
    this.onGameCodeLoaded?.(report);
    if (report.problems.length > 0) throw new EvenniaError("EV_ERR_GAME_CODE", describeGameCodeProblems(report));
    this.connectionScreenSource = game.connectionScreen;
    this.lifecycle = game.lifecycle ?? {};
    const checkpoints = this.settings.walCheckpointCommits;
    this.db = await Database.open({
      url: this.settings.databaseUrl,
      baseDir: this.settings.gameDir,
      walCheckpoints: checkpoints > 0 ? { commitsPerCheckpoint: checkpoints } : false,
      // TypeORM only when migrations are pending or the game has tables of its own
      typeorm: "on-demand",
      runMigrationsElsewhere: this.runMigrationsElsewhere ?? undefined,
      ...registeredGameSchema(),
    });
    this.store = new Store(this.db, { lruSize: this.settings.identityMapLruSize, closureLimit: this.settings.loadClosureLimit });
    await this.store.init();
    setStore(this.store);
    this.config = new ServerConfig(this.db);
    this.bans = new BanList(this.config);
    await this.bans.list(); // read once now: the check at every connection is then answered from memory
    this.sessions = new SessionHandler(this.store, (msg) => this.link?.send(msg), this.config);
    setSessionRegistry(this.sessions);
    await runLifecycleHook(this.db, this.lifecycle, "atServerInit");
    await runInitialSetup(this.db, this.config, this.settings, this.lifecycle);
    await runInUnitOfWork(this.db, () => ensureDefaultChannels(this.settings));
    this.mudInfo = new MudInfoAnnouncer(this.db, this.settings);
    await recordFirstStart(this.db, this.config);
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
        onCommandError: (report) => this.mudInfo.commandFailed(report),
      },
    );
    // a gone session's merged cmdsets could only be hit by it (they hold its character and account)
    this.sessions.onSessionGone = (session) => {
      this.commands?.forgetMerges(session);
      // a disconnect undone (its unit of work failed) puts the session back: its subscriptions come back with it
      forgetOobSubscriptions(session, () => this.sessions.get(session.sessid) === session);
    };
    const s = this.settings;
    for (const warning of helpWarnings([s.cmdsetUnloggedin, s.cmdsetSession, s.cmdsetAccount, s.cmdsetCharacter])) log.warn(warning);
    this.memory = await startMemoryServices(this.store, this.settings, { stats: (args) => this.liveStats({ gc: args.gc === true }) });
    this.feeds = await startFeedBot(this.db, this.store, this.settings);
    // background work and the stall watchdog (issue 14, docs/background-work.md)
    configureBackgroundWork({
      poolSize: this.settings.workerPoolSize,
      taskTimeoutMs: this.settings.backgroundTaskTimeout * 1000,
      idleTimeoutMs: this.settings.workerIdleTimeout * 1000,
    });
    this.loopHealth.start();
    if (this.settings.stallWarningMs > 0) {
      this.stallWatchdog = new StallWatchdog({ thresholdMs: this.settings.stallWarningMs });
      this.stallWatchdog.start();
    }
    await startTimerServices({ db: this.db, settings: this.settings });
    this.scripts = await startScriptService(this.store, this.config, this.settings);
    await startDemoLife(this.db, this.config, this.settings);
    await this.startWeb();
    this.registerServices();
  }

  /** Start the web app on loopback (`serverWebPort`); the portal hears its port once the link is up. */
  private async startWeb(): Promise<void> {
    const commandServices = this.services();
    const services = createWebServices({
      settings: this.settings,
      db: this.db,
      store: this.store,
      loginThrottle: this.throttle,
      creationThrottle: this.creationThrottle,
      throttleAdmin: serverThrottleAdmin(this.throttle, this.creationThrottle),
      bans: this.bans,
      server: commandServices.server,
      sessions: () => this.allSessions(),
      disconnect: (session, reason) => this.sessions.disconnect(session, reason),
    });
    const secret = await webSessionSecret(this.db, this.config);
    this.web = await startWebServer(services, { secret, port: this.settings.serverWebPort });
  }

  /**
   * A webclient connection that came with the website's session cookie is logged in
   * as that website account (unless it already is, the cookie is not a valid
   * session, or the account or address is banned). True when it was logged in here.
   */
  private async logInFromWebSession(session: ServerSession, cookie: string): Promise<boolean> {
    if (!this.web || session.loggedIn || this.sessions.get(session.sessid) !== session) return false;
    try {
      const account = await this.web.accountForSessionCookie(cookie);
      if (!account || session.loggedIn) return false;
      if (await this.bans.isBanned({ ip: session.address, username: account.key })) {
        log.info(`session ${session.sessid}: website account ${account.key} is banned; not logged in`);
        return false;
      }
      const services = this.services();
      await runInUnitOfWork(this.db, () => services.login(session, account));
      log.info(`session ${session.sessid} logged in as ${account.key} from its website session`);
      return session.loggedIn;
    } catch (err) {
      log.error(`logging session ${session.sessid} in from its website session failed`, err);
      return false;
    }
  }

  /** What `service` lists: the essential services, the throttles, and the memory tools it may stop and start. */
  private registerServices(): void {
    const memory = this.memory;
    const registry = this.serviceRegistry;
    registry
      .register({ name: "PortalLink", description: "the link to the portal (player connections)", essential: true, running: () => this.link !== null })
      .register({ name: "Database", description: `the database (${this.db.dialect})`, essential: true, running: () => !this.stopping })
      .register({ name: "CommandHandler", description: "runs the commands players type", essential: true, running: () => !this.stopping })
      .register({ name: "LoginThrottle", description: "slows and refuses repeated failed logins (see throttles)", running: () => true })
      .register({ name: "AccountCreationThrottle", description: "limits new accounts per address (see throttles)", running: () => true })
      .register({
        name: "WebServer",
        description: this.web ? `the website, admin and REST API (loopback port ${this.web.port}, behind the portal's web port)` : "the website, admin and REST API",
        essential: true,
        running: () => this.web !== null && !this.stopping,
      });
    const watcher = memory?.heapWatcher ?? null;
    registry.register({
      name: "HeapWatcher",
      description: watcher
        ? `flushes the object cache when the heap passes ${this.settings.identityMapFlushHeapMb} MiB`
        : "flushes the object cache on a full heap (off: setting identityMapFlushHeapMb is 0)",
      running: () => watcher?.running ?? false,
      ...(watcher ? { start: () => watcher.start(), stop: () => watcher.stop() } : {}),
    });
    registry.register({
      name: "ControlChannel",
      description: this.settings.controlSocket
        ? "the local socket `evennia-ts memory` and `heapdump` talk to"
        : "the local control socket (off: setting controlSocket is false)",
      running: () => memory?.control != null,
      ...(memory && this.settings.controlSocket
        ? {
            start: async () => void (await memory.startControl()),
            stop: () => memory.stopControl(),
          }
        : {}),
    });
    const watchdog = this.stallWatchdog;
    registry.register({
      name: "StallWatchdog",
      description: watchdog
        ? `logs commands that block the game loop over ${this.settings.stallWarningMs} ms`
        : "logs commands that block the game loop (off: setting stallWarningMs is 0)",
      running: () => watchdog?.running ?? false,
      ...(watchdog ? { start: () => watchdog.start(), stop: () => watchdog.stop() } : {}),
    });
    registry.register({
      name: "FeedBot",
      description: this.feeds ? "polls the RSS/Atom feeds attached with rss2chan" : "the feed bot (off: setting feedsEnabled is false)",
      running: () => this.feeds !== null,
    });
    registry.register({ name: "ScriptScheduler", description: "runs the scripts' timers", essential: true, running: () => this.scripts?.isRunning ?? false });
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
    // where the portal's web port proxies the website, admin and API to
    if (this.web) link.send({ t: "web", port: this.web.port });
    link.onClose((reason) => {
      if (this.link !== link) return;
      this.link = null;
      if (!this.stopping) {
        log.error(`lost the link to the portal (${reason}); stopping`);
        void this.stop("link-lost");
      }
    });
  }

  /** Resolves once the work in flight now (connections being greeted, commands running) is done. */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
  }

  /** What the link to the portal has sent (frames, messages, bytes); null while not connected. */
  get linkStats(): Readonly<LinkSendStats> | null {
    return this.link?.sent ?? null;
  }

  /** The portal's latest report and its age in seconds; null before the first. */
  portalReport(): PortalReport | null {
    const report = this.portalHealth;
    return report ? { ...report.health, ageSeconds: Math.max(0, Math.round((Date.now() - report.at) / 1000)) } : null;
  }

  /** The WAL checkpoint thread's counters (null: PostgreSQL, SQLite checkpointing in its commits, or no database yet). */
  checkpointStats(): Readonly<CheckpointStats> | null {
    return this.db?.checkpointStats ?? null;
  }

  /** Commands per second, command latency, sessions per protocol, heap and identity-map counts (the control channel's `stats`; `gc`: collect garbage first). */
  liveStats(options: { gc?: boolean } = {}): LiveStats {
    return collectLiveStats({
      commandRate: () => ({ total: this.commandRate.total, perSecond: this.commandRate.perSecond(), windowSeconds: this.commandRate.windowSeconds }),
      commandLatency: () => this.commandLatency.summary(),
      sessions: () => this.allSessions(),
      identityMapTotals: () => {
        const totals = { live: 0, pinned: 0, strong: 0 };
        for (const kind of Object.values(this.store.stats())) {
          totals.live += kind.live;
          totals.pinned += kind.pinned;
          totals.strong += kind.strong;
        }
        return totals;
      },
      mergeCache: () => this.commands.cacheStats(),
      loopHealth: () => this.loopHealth.figures(),
      portalHealth: () => this.portalReport(),
      checkpoints: () => this.checkpointStats(),
    }, options);
  }

  /** Logged-in and unlogged sessions. */
  allSessions(): ServerSession[] {
    return this.sessions?.all() ?? [];
  }

  /**
   * Stop: finish running commands, write everything, close the database. In
   * `reset`/`shutdown` mode puppets are put away first (a reload keeps them).
   */
  stop(mode: ShutdownMode | "link-lost"): Promise<void> {
    this.stopping ??= (async () => {
      log.info(`stopping (${mode})`);
      // signals, stall watchdog and worker pool (issue 14): announce the reload, stop watching
      if (mode === "reload") signals.emit("serverReloading", {});
      // no web request starts a change from here on (the portal hears the app is gone)
      if (this.web) {
        this.link?.send({ t: "web", port: null });
        await this.web.close().catch((err: unknown) => log.error("closing the web app failed", err));
      }
      this.stallWatchdog?.stop();
      this.loopHealth.stop();
      await this.feeds?.stop().catch((err) => log.error("stopping the feed bot failed", err));
      // background tasks are stopped, not waited for: a command awaiting one fails with EV_ERR_NOT_RUNNING
      await stopBackgroundWork().catch((err) => log.error("stopping the worker pool failed", err));
      await this.settleInFlight(this.commandStopGraceMs);
      // a reload notes the time, so persistent scripts resume with the time they had left
      await this.scripts?.stop(mode).catch((err) => log.error("stopping the script scheduler failed", err));
      if (this.db && this.sessions) {
        if (mode === "reload" || mode === "reset" || mode === "shutdown") await this.mudInfo?.announce(`|wServer ${mode === "reload" ? "reloading" : mode === "reset" ? "resetting" : "shutting down"}...|n`);
        if (mode === "reload") await runLifecycleHook(this.db, this.lifecycle, "atServerReloadStop");
        else if (mode === "reset" || mode === "shutdown") await runLifecycleHook(this.db, this.lifecycle, "atServerColdStop");
      }
      // link-lost with the portal dead too: every player's connection went with it; left logged in,
      // their characters stayed in their rooms as if still playing, through the next start. (A
      // portal still alive restarts this server and resumes its sessions: they stay logged in.)
      const portalDied = mode === "link-lost" && (await parentGone(this.parentPid));
      if ((mode === "reset" || mode === "shutdown" || portalDied) && this.sessions) {
        try {
          await runInUnitOfWork(this.db, () => this.sessions.logoutAll(mode));
        } catch (err) {
          log.error("could not log players out at shutdown", err);
        }
      }
      if (this.db && this.sessions) await runLifecycleHook(this.db, this.lifecycle, "atServerStop");
      await stopTimerServices().catch((err) => log.error("stopping the timers failed", err));
      await flushImplicitWrites().catch((err) => log.error("final writes failed", err));
      this.commands?.flushLogSummaries();
      this.link?.flush();
      await this.memory?.stop();
      await this.db?.close();
      setStore(null);
      setSessionRegistry(null);
      const link = this.link;
      link?.close("server stopped");
      this.link = null;
      signals.emit("serverStopped", { mode });
      // the process exits once stopped: what the link still holds (the answers to the last
      // commands, a reload's farewell) reaches the portal first, unless it stopped reading
      await link?.flushed(LINK_FLUSH_TIMEOUT_MS);
      this.resolveStopped(mode);
    })();
    return this.stopping;
  }

  /** Wait for the work in flight, at most `graceMs`; what still runs then is logged and left. */
  private async settleInFlight(graceMs: number): Promise<void> {
    if (await settledWithin([...this.inFlight], graceMs)) return;
    const still = activitiesSince(performance.now()).filter((a) => a.endedAt === null).map((a) => a.label);
    log.warn(`stopping without waiting longer than ${graceMs} ms for ${this.inFlight.size} piece(s) of work still running${still.length ? `: ${still.join("; ")}` : ""}`);
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
        void this.track(this.onDisconnect(msg.sessid, msg.reason));
        break;
      case "msg": {
        const session = this.sessions?.get(msg.sessid);
        if (session) for (const m of msg.msgs) void this.track(this.dispatch(session, m));
        break;
      }
      case "client-options": {
        const session = this.sessions?.get(msg.sessid);
        if (session) Object.assign(session.clientOptions, msg.options);
        break;
      }
      case "shutdown":
        void this.stop(msg.mode);
        break;
      case "portal-health":
        this.portalHealth = { health: msg.health, at: Date.now() };
        break;
    }
  }

  private async onWelcome(mode: StartMode, snapshots: SessionSnapshot[]): Promise<void> {
    log.info(`portal welcome (${mode}) with ${snapshots.length} session(s)`);
    const resumable: ServerSession[] = [];
    // every session first: a client that leaves while an earlier one is being restored is then
    // found, and forgotten, by its disconnect, instead of being made afterwards as a session no
    // one ends (logged in for good, its repeats firing for nobody)
    const created = snapshots.map((snap) => this.newSession(snap));
    for (const [i, snap] of snapshots.entries()) {
      const session = created[i]!;
      if (this.sessions.get(session.sessid) !== session) continue;
      try {
        if (mode !== "reset") {
          const { uid: _uid, puid: _puid, ...saved } = snap.data;
          session.saved = saved;
          await runInUnitOfWork(this.db, () => this.sessions.restore(session, snap.data));
          // a client that left while its restore awaited the database is gone already: nothing
          // would forget monitors, repeats or watches started for it now
          if (this.sessions.get(session.sessid) === session) restoreOobSubscriptions(session);
        }
      } catch (err) {
        log.error(`could not restore session ${snap.sessid}`, err);
      }
      if (!session.loggedIn && snap.webSession) await this.logInFromWebSession(session, snap.webSession);
      if (mode !== "reset" && session.loggedIn) resumable.push(session);
      // a password prompt the old server left open: its answer is swallowed, not run as a command;
      // anything else it may have hidden is shown again
      if (mode === "reset" || !resumeLostHiddenInput(session)) session.msg({ echo: [[], { hidden: false }] });
      if (!session.loggedIn) {
        // a session no server has seen yet (it connected while the server was away) has no data
        const neverGreeted = !("uid" in snap.data);
        if (neverGreeted) {
          // checked at its connect, as any other
          await this.greetOrRefuse(session);
          continue;
        }
        if (mode === "reset" || mode === "start") session.msg(this.connectionScreen());
        this.sessions.sync(session);
      }
    }
    if (mode === "start" || mode === "reset") {
      // a cold start: no guest can be logged in
      try {
        const purged = await runInUnitOfWork(this.db, () => purgeGuests());
        if (purged > 0) log.info(`deleted ${purged} guest account(s) left from before`);
      } catch (err) {
        log.error("could not delete left-over guest accounts", err);
      }
    }
    await runLifecycleHook(this.db, this.lifecycle, "atServerStart");
    await runLifecycleHook(this.db, this.lifecycle, mode === "reload" || mode === "restart" ? "atServerReloadStart" : "atServerColdStart");
    await this.mudInfo.announce(mode === "reload" ? "|wServer reloaded.|n" : mode === "reset" ? "|wServer reset.|n" : mode === "restart" ? "|wServer restarted after a crash.|n" : "|wServer started.|n");
    signals.emit("serverStarted", { mode });
    this.link?.send({ t: "synced" });
    // persistent menus and editors come back where the players left them (after "... done.")
    for (const session of resumable) {
      await runInUnitOfWork(this.db, () => resumeInteractive(session)).catch((err: unknown) => log.error(`could not resume the menus of session ${session.sessid}`, err));
    }
  }

  private onConnect(snap: SessionSnapshot): void {
    const session = this.newSession(snap);
    const cookie = snap.webSession;
    // a browser logged in on the website goes straight into the game (as in Evennia, no
    // connection screen first); any other connection is greeted (or refused) as usual
    void this.track(
      (async () => {
        if (cookie && (await this.logInFromWebSession(session, cookie))) return;
        await this.greetOrRefuse(session);
      })(),
    );
  }

  /** A new connection: refused when its address is banned, else shown the connection screen. */
  private async greetOrRefuse(session: ServerSession): Promise<void> {
    try {
      if (await this.bans.isBanned({ ip: session.address })) {
        log.info(`refused connection ${session.sessid} from banned address ${session.address}`);
        await runInUnitOfWork(this.db, () => this.sessions.disconnect(session, BANNED_MESSAGE));
        return;
      }
    } catch (err) {
      log.error(`could not check the bans for session ${session.sessid}`, err);
    }
    session.msg(this.connectionScreen());
    this.sessions.sync(session);
  }

  private newSession(snap: SessionSnapshot): ServerSession {
    const session = new ServerSession(snap, (sessid, msgs) => this.sendOutput(sessid, msgs), this.sendSharedOutput);
    this.sessions.add(session);
    return session;
  }

  private sendOutput(sessid: number, msgs: OobMessage[]): void {
    this.link?.send({ t: "msg", sessid, msgs });
  }

  /** Output several sessions share, as multicasts (one function for every session: see `SharedSessionOutput`). */
  private readonly sendSharedOutput = (msgs: OobMessage[], sessids: number[]): void => {
    const link = this.link;
    if (link) for (const message of sharedOutputMessages(sessids, msgs)) link.send(message);
  };

  private async onDisconnect(sessid: number, reason: string): Promise<void> {
    const session = this.sessions.get(sessid);
    // nobody works for a player who left: what it had queued is dropped (the running command finishes)
    const dropped = session ? (this.commands?.discard(session) ?? 0) : 0;
    if (dropped > 0) log.info(`session ${sessid} disconnected with ${dropped} command(s) waiting; dropped`);
    try {
      await runInUnitOfWork(this.db, () => this.sessions.closed(sessid, reason));
    } catch (err) {
      log.error(`logging out session ${sessid} after it disconnected failed`, err);
    }
  }

  private async dispatch(session: ServerSession, [cmdname, args, kwargs]: OobMessage): Promise<void> {
    session.lastCommandAt = Date.now();
    session.commandCount++;
    if (cmdname === "text") {
      this.commandRate.record();
      const line = typeof args[0] === "string" ? args[0] : String(args[0] ?? "");
      const startedAt = performance.now();
      await this.commands.execute(session, line);
      this.commandLatency.record(performance.now() - startedAt);
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

  private services(): CommandServices {
    const banList = (): BanList => this.bans;
    return {
      login: async (session, account) => {
        await this.sessions.login(session as ServerSession, account);
        await afterLogin(session as ServerSession, this.settings);
      },
      createAccountWithCharacter: async (name, password, typeclassPath, session) => {
        return accountTypeclass(typeclassPath).create({ username: name, password, typeclass: typeclassPath, ip: session?.address });
      },
      disconnect: (session, reason) => this.sessions.disconnect(session as ServerSession, reason),
      requestServer: (action) => {
        this.store.unitOfWork().afterCommit(() => this.link?.send({ t: "request", action }));
      },
      ...throttleServices(this.throttle, this.creationThrottle),
      connectionScreen: () => this.connectionScreen(),
      settings: this.settings,
      sessions: () => this.allSessions().filter((s) => s.loggedIn),
      allSessions: () => this.allSessions(),
      // read when used: the first services are built before init() opens the database
      get bans() {
        return banList();
      },
      server: {
        startedAt: this.startedAt,
        firstStartedAt: () => firstStartTime(this.config),
        commandRate: () => ({ total: this.commandRate.total, perSecond: this.commandRate.perSecond(), windowSeconds: this.commandRate.windowSeconds }),
        commandLatency: () => this.commandLatency.summary(),
        loopHealth: () => this.loopHealth.figures(),
        portalHealth: () => this.portalReport(),
        checkpointStats: () => this.checkpointStats(),
        listServices: () => this.serviceRegistry.list(),
        controlService: (name, action) => this.serviceRegistry.control(name, action),
      },
      executeAs: (session, line) =>
        new Promise<void>((resolve) => {
          this.store.unitOfWork().afterCommit(() => {
            void this.track(this.commands.execute(session as ServerSession, line)).finally(resolve);
          });
        }),
    };
  }
}

/**
 * Start a server: init, then join the portal; `onGameCode` hears what loading the game's
 * code found. With `standby`, the game's code is loaded first and `standby` is awaited
 * with its report before anything else starts (a reload's next server waits there for
 * the old one to exit).
 */
export async function startServer(
  settings: Settings,
  target: LinkTarget,
  onGameCode?: (report: GameCodeReport) => void,
  standby?: (report: GameCodeReport) => Promise<void>,
  runMigrationsElsewhere?: () => Promise<void>,
): Promise<Server> {
  const server = new Server(settings);
  server.onGameCodeLoaded = onGameCode ?? null;
  server.runMigrationsElsewhere = runMigrationsElsewhere ?? null;
  try {
    if (standby) await standby((await server.loadCode()).report);
    await server.init();
    await server.connect(target);
  } catch (err) {
    log.error(`server failed to start: ${describeError(err)}`, err);
    await server.stop("shutdown").catch(() => undefined);
    throw err;
  }
  return server;
}

/**
 * After the link to the portal is lost: true once this process's parent (the portal
 * that started it) has exited, which re-parents this process; false when it is still
 * the parent after `ms` (the kernel closes a dying process's sockets just before it
 * re-parents its children, so the link can close a moment before).
 */
async function parentGone(parentPid: number, ms = 1000): Promise<boolean> {
  for (let waited = 0; ; waited += 50) {
    if (process.ppid !== parentPid) return true;
    if (waited >= ms) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
