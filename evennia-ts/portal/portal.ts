/**
 * The portal service: it owns every player connection, supervises the server
 * process, and relays messages between them over the link. Players stay connected
 * while the server reloads, restarts after a crash, or resets.
 */
import { randomBytes } from "node:crypto";
import { PEER_NOT_READING } from "../protocol/link-connection.ts";
import type { OobMessage } from "../protocol/message.ts";
import type { ShutdownMode, StartMode } from "../protocol/link-messages.ts";
import type { Settings } from "../conf/settings.ts";
import { EvenniaError, type EvenniaErrorCode } from "../utils/errors.ts";
import { getLogger } from "../utils/logger.ts";
import { LinkServer, type ServerLink } from "./link-server.ts";
import { PortalSessions, type PortalSession } from "./portal-sessions.ts";
import type { GameCodeCheck, ServerExit, ServerHandle, ServerLauncher, StandbyLauncher, StandbyServer } from "./server-launcher.ts";
import { createProtocolServers, type ProtocolServer } from "./protocol-servers.ts";
import { deliverMulticast, newMulticastStats, type MulticastStats } from "./multicast.ts";
import { PortalHealthReporter } from "./portal-health-reporter.ts";

const log = getLogger("portal");

/** The server's state as the portal sees it. */
export type ServerState = "starting" | "running" | "reloading" | "resetting" | "restarting" | "stopping" | "stopped";

/** Texts players see around server restarts. */
export const PORTAL_TEXTS = {
  reloading: "Server restarting...",
  reloaded: "... done.",
  resetting: "Server resetting: you will be logged out...",
  crashed: "The server went down unexpectedly. Restarting it...",
  shutdown: "Server shutting down. Goodbye!",
  /** Followed by the modules at fault. */
  restartRefused: "The new game code does not load, so the server was not restarted; it goes on with the current code. At fault:",
  portalCrashed: "The game hit an internal error and restarts. Please reconnect in a moment.",
} as const;

/** A reload or reset the portal refused because the game's new code does not load. */
export interface RefusedRestart {
  mode: "reload" | "reset";
  /** When, as an ISO date. */
  at: string;
  /** Every problem with its error and hint. */
  details: string;
}

/** What the portal reports to its host process (pid/status files, IPC). */
export interface PortalStatus {
  serverState: ServerState;
  serverPid: number | null;
  telnetPorts: number[];
  sslPorts: number[];
  webPort: number | null;
  linkPort: number;
  /** The last reload/reset refused because the new code does not load, if any. */
  refusedRestart: RefusedRestart | null;
}

/** Options beyond settings. */
export interface PortalOptions {
  /** Starts a server; called at start and after every reload/crash. */
  launcher: ServerLauncher;
  /** Called whenever the status changes. */
  onStatus?: (status: PortalStatus) => void;
  /** Milliseconds a server gets to exit after being asked to (then it is killed). */
  shutdownTimeoutMs?: number;
  /**
   * Starts the next server ahead of a reload or reset: it checks the game's code in its
   * own process and, when the code is fit to run, waits while the old server exits; when
   * the code does not load, the running server is kept and the players are told.
   * Without it, restarts are not checked and use {@link launcher}.
   */
  standbyLauncher?: StandbyLauncher;
  /** How often the portal sends the server its own figures, ms (default {@link PORTAL_HEALTH_INTERVAL_MS}). */
  healthIntervalMs?: number;
}

/** The portal service. */
export class Portal {
  readonly sessions: PortalSessions;
  /** How multicast output from the server was delivered (renders per group, sessions reached). */
  readonly multicastStats: MulticastStats = newMulticastStats();
  private readonly linkServer: LinkServer;
  private readonly token: string;
  private protocolServers: ProtocolServer[] = [];
  private link: ServerLink | null = null;
  private synced = false;
  private shuttingDown = false;
  /** The server we asked to exit: its exit is not a crash. */
  private expectedExit: ServerHandle | null = null;
  private server: ServerHandle | null = null;
  private state: ServerState = "starting";
  private startMode: StartMode = "start";
  private linkPort = 0;
  /** The link's local socket, or null (setting `linkLocalSocket` off, or it could not listen). */
  private linkPath: string | null = null;
  private telnetPorts: number[] = [];
  private sslPorts: number[] = [];
  private webPort: number | null = null;
  /** Where the running server's web app listens (from its `web` message), or null: the proxy answers "restarting". */
  private serverWebPort: number | null = null;
  private crashCount = 0;
  private restartTimer: NodeJS.Timeout | null = null;
  private firstSync: { resolve: () => void; reject: (e: Error) => void } | null = null;
  private stopping: Promise<void> | null = null;
  private pendingRequest: ShutdownMode | null = null;
  private stopHandler: (() => void) | null = null;
  /** A restart waiting for its code check. */
  private checkingRestart = false;
  /** The next server, from its start until it is admitted or dropped (a restart with a standby launcher). */
  private standby: StandbyServer | null = null;
  private refusedRestart: RefusedRestart | null = null;
  /** Sends the server the portal's memory and loop figures. */
  private readonly health: PortalHealthReporter;

  constructor(
    readonly settings: Settings,
    private readonly options: PortalOptions,
  ) {
    this.token = settings.linkToken || randomBytes(24).toString("hex");
    this.sessions = new PortalSessions(
      {
        connected: (s) => this.sendToServer({ t: "connect", session: s.snapshot() }),
        input: (s, msgs) => this.forwardInput(s, msgs),
        clientOptions: (s, options) => this.sendToServer({ t: "client-options", sessid: s.sessid, options }),
        disconnected: (s, reason) => this.sendToServer({ t: "disconnect", sessid: s.sessid, reason }),
      },
      settings.heldInputLimit,
      settings,
    );
    this.linkServer = new LinkServer(
      { token: this.token, maxFrameBytes: settings.linkMaxFrameBytes, maxBufferedBytes: settings.linkMaxBufferedBytes },
      (link, pid) => this.onServerLink(link, pid),
    );
    this.health = new PortalHealthReporter((health) => this.sendToServer({ t: "portal-health", health }), options.healthIntervalMs);
  }

  /**
   * The portal is going down after an internal error (an uncaught exception): tell every
   * player and close their connections (what was sent goes out first). The caller exits.
   */
  crash(): void {
    for (const session of this.sessions.all()) {
      try {
        session.close(PORTAL_TEXTS.portalCrashed);
      } catch (err) {
        log.error(`could not tell session ${session.sessid} about the crash`, err);
      }
    }
  }

  /** Current status. */
  status(): PortalStatus {
    return {
      serverState: this.state,
      serverPid: this.server?.pid ?? null,
      telnetPorts: [...this.telnetPorts],
      sslPorts: [...this.sslPorts],
      webPort: this.webPort,
      linkPort: this.linkPort,
      refusedRestart: this.refusedRestart,
    };
  }

  /** Listen on every port, start the server, resolve once it has synced. */
  async start(): Promise<PortalStatus> {
    const s = this.settings;
    this.linkPort = await this.linkServer.listen(s.linkPort, s.linkInterface);
    if (s.linkLocalSocket) this.linkPath = await this.linkServer.listenLocal();
    try {
      const { servers, telnetPorts, sslPorts, webPort } = await createProtocolServers(
        s,
        this.sessions,
        () => this.msspData(),
        () => this.serverWebPort,
      );
      this.protocolServers = servers;
      this.telnetPorts = telnetPorts;
      this.sslPorts = sslPorts;
      this.webPort = webPort;
    } catch (err) {
      await this.linkServer.close();
      throw err;
    }
    const synced = new Promise<void>((resolve, reject) => (this.firstSync = { resolve, reject }));
    this.health.start();
    this.launch("start");
    await synced;
    return this.status();
  }

  /** Reload the server: new process, fresh game code, every player stays connected. */
  reload(): void {
    this.restartServer("reload");
  }

  /** Reset the server: a cold restart that logs every player out (they stay connected). */
  reset(): void {
    this.restartServer("reset");
  }

  /** Set what happens when the server asks for a full shutdown (default: {@link stop}). */
  onStopRequested(handler: () => void): void {
    this.stopHandler = handler;
  }

  private stopRequested(): void {
    if (this.stopHandler) this.stopHandler();
    else void this.stop();
  }

  /** Stop the server, disconnect everyone, close every port. */
  stop(): Promise<void> {
    this.stopping ??= this.doStop();
    return this.stopping;
  }

  private async doStop(): Promise<void> {
    this.setState("stopping");
    this.health.stop();
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.firstSync?.reject(new EvenniaError("EV_ERR_INTERNAL", "portal stopped before the server started"));
    this.firstSync = null;
    this.dropStandby(this.standby);
    await this.bringServerDown("shutdown");
    for (const session of this.sessions.all()) session.close(PORTAL_TEXTS.shutdown);
    this.sessions.limits.stop();
    await Promise.all(this.protocolServers.map((server) => server.close()));
    await this.linkServer.close();
    this.setState("stopped");
  }

  private restartServer(mode: "reload" | "reset"): void {
    if (this.state !== "running" || this.checkingRestart) {
      log.warn(`${mode} requested while the server is ${this.checkingRestart ? "checking new code" : this.state}; it will run when the server is up`);
      this.pendingRequest = mode;
      return;
    }
    const standbyLauncher = this.options.standbyLauncher;
    if (!standbyLauncher) {
      this.bringDownAndRelaunch(mode, null);
      return;
    }
    this.checkingRestart = true;
    log.info(`${mode} requested: starting the next server, which checks the game's code first`);
    let next: StandbyServer | null = null;
    let checking: Promise<GameCodeCheck>;
    try {
      next = this.standby = standbyLauncher(this.linkPort, this.token, this.linkPath);
      checking = next.checked;
    } catch (err) {
      checking = Promise.reject(err as Error);
    }
    void checking
      .catch((err: unknown) => ({ ok: false as const, summary: "the code check failed", details: (err as Error).message }))
      .then((result) => {
        this.checkingRestart = false;
        if (this.state !== "running") {
          this.dropStandby(next);
          return;
        }
        if (result.ok) {
          this.bringDownAndRelaunch(mode, next);
          return;
        }
        this.dropStandby(next);
        log.error(`${mode} refused: the game's new code does not load; the server keeps running the current code\n${result.details}`);
        this.refusedRestart = { mode, at: new Date().toISOString(), details: result.details };
        this.sessions.broadcast(`${PORTAL_TEXTS.restartRefused} ${result.summary}.`);
        this.emitStatus();
        this.runPendingRequest();
      });
  }

  /** Stop the running server and start the next: `next` (a standby server that passed its check, kept in `standby`), else a fresh launch. */
  private bringDownAndRelaunch(mode: "reload" | "reset", next: StandbyServer | null): void {
    this.setState(mode === "reload" ? "reloading" : "resetting");
    this.sessions.broadcast(mode === "reload" ? PORTAL_TEXTS.reloading : PORTAL_TEXTS.resetting);
    if (mode === "reset") for (const session of this.sessions.all()) session.data = {};
    void this.bringServerDown(mode).then(() => {
      if (this.state === "reloading" || this.state === "resetting") {
        if (this.standby === next) this.standby = null;
        this.launch(mode, next);
      } else this.dropStandby(next);
    });
  }

  /** Give up `standby` (a failed check, a stop, a crash meanwhile): it is killed and forgotten. */
  private dropStandby(standby: StandbyServer | null): void {
    standby?.discard();
    if (this.standby === standby) this.standby = null;
  }

  /** Ask the server to exit, wait for it; kill it when it does not. */
  private async bringServerDown(mode: ShutdownMode): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.expectedExit = server;
    this.synced = false;
    // the app goes down with the server: web requests get "restarting" from now on
    this.serverWebPort = null;
    this.shuttingDown = true;
    if (this.link && !this.link.isClosed) this.link.send({ t: "shutdown", mode });
    else server.kill();
    const timeout = this.options.shutdownTimeoutMs ?? 30_000;
    let timer: NodeJS.Timeout | undefined;
    const killed = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        log.error(`server did not exit within ${timeout} ms of being asked to; killing it`);
        server.kill();
        resolve();
      }, timeout);
    });
    await Promise.race([server.exited.then(() => undefined), killed]);
    clearTimeout(timer);
    await server.exited;
  }

  private launch(mode: StartMode, standby: StandbyServer | null = null): void {
    this.startMode = mode;
    this.synced = false;
    if (mode === "start") this.setState("starting");
    let handle: ServerHandle;
    try {
      handle = standby ? standby.admit() : this.options.launcher(this.linkPort, this.token, this.linkPath);
    } catch (err) {
      log.error("could not launch the server", err);
      if (this.failFirstStart(new EvenniaError("EV_ERR_INTERNAL", `the server could not be launched: ${(err as Error).message}`))) return;
      this.crashCount++;
      this.setState("restarting");
      this.scheduleRestart();
      return;
    }
    this.server = handle;
    this.emitStatus();
    void handle.exited.then((exit) => this.onServerExit(handle, exit));
  }

  private onServerExit(handle: ServerHandle, exit: ServerExit): void {
    if (this.server !== handle) return;
    this.server = null;
    this.synced = false;
    if (this.link) this.link.close("server exited");
    this.link = null;
    log.info(`server exited (code ${exit.code}, signal ${exit.signal})`);
    const expected = this.expectedExit === handle;
    if (expected) this.expectedExit = null;
    if (this.state === "stopping" || this.state === "stopped" || expected) {
      this.emitStatus();
      return;
    }
    const why = exit.failure
      ? new EvenniaError(exit.failure.code as EvenniaErrorCode, exit.failure.message)
      : new EvenniaError("EV_ERR_INTERNAL", `the server exited during startup (code ${exit.code}, signal ${exit.signal}); its log is server/logs/server.log`);
    if (this.failFirstStart(why)) return;
    // anything else is a crash (including a server started by a reload that could not start)
    // crashes in a row (none synced in between) double the back-off; onSynced resets the count
    this.crashCount++;
    if (this.state === "running" || this.state === "reloading" || this.state === "resetting") this.sessions.broadcast(PORTAL_TEXTS.crashed);
    this.setState("restarting");
    this.scheduleRestart();
  }

  /**
   * When the very first server fails before it synced, `start()` fails with
   * `error` (nobody is connected yet; the operator should see why at once).
   */
  private failFirstStart(error: EvenniaError): boolean {
    if (this.state !== "starting" || !this.firstSync) return false;
    this.firstSync.reject(error);
    this.firstSync = null;
    return true;
  }

  private scheduleRestart(): void {
    const s = this.settings;
    const delay = Math.min(s.serverRestartBackoff * 2 ** Math.max(0, this.crashCount - 1), s.serverRestartBackoffMax);
    log.warn(`restarting the server in ${delay} s`);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      if (this.state === "restarting" || this.state === "starting") this.launch(this.state === "starting" ? "start" : "restart");
    }, delay * 1000);
  }

  private onServerLink(link: ServerLink, pid: number): void {
    if (this.state === "stopping" || this.state === "stopped") {
      link.close("portal is stopping");
      return;
    }
    if (this.link && !this.link.isClosed) {
      log.warn(`a second server (pid ${pid}) connected; replacing the previous link`);
      this.link.close("replaced by a new server connection");
    }
    this.link = link;
    this.shuttingDown = false;
    log.info(`server (pid ${pid}) connected to the link`);
    link.onClose((reason) => {
      if (this.link !== link) return;
      this.link = null;
      this.synced = false;
      this.serverWebPort = null;
      log.warn(`server link closed: ${reason}`);
      // a server that stopped reading is stuck (or swamped): it cannot be trusted to exit by itself
      if (reason === PEER_NOT_READING && this.server?.pid === pid) {
        log.error(`killing the server (pid ${pid}): it stopped reading the link`);
        this.server.kill();
      }
    });
    link.onMessage((msg) => {
      switch (msg.t) {
        case "synced":
          this.onSynced();
          break;
        case "msg":
          this.sessions.get(msg.sessid)?.send(msg.msgs);
          break;
        case "multicast":
          // the same output for many sessions: rendered once per kind of client
          deliverMulticast(this.sessionsNamed(msg.sessids), msg.msgs, this.multicastStats, msg.broadcast === true);
          break;
        case "session-data": {
          const session = this.sessions.get(msg.sessid);
          if (session) session.data = msg.data;
          break;
        }
        case "client-options":
          this.sessions.get(msg.sessid)?.applyClientOptions(msg.options);
          break;
        case "disconnect":
          this.sessions.get(msg.sessid)?.close(msg.reason || undefined);
          break;
        case "request":
          if (msg.action === "shutdown") this.stopRequested();
          else this.restartServer(msg.action);
          break;
        case "web":
          // a server being brought down keeps its port to itself: its app is going away
          this.serverWebPort = this.shuttingDown ? null : msg.port;
          log.info(msg.port === null ? "the server's web app is not serving" : `the server's web app listens on 127.0.0.1:${msg.port}`);
          break;
        case "hello":
          break;
      }
    });
    link.send({ t: "welcome", mode: this.startMode, sessions: this.sessions.all().map((s) => s.snapshot()) });
  }

  /** The live sessions among `sessids` (ids of sessions gone meanwhile are skipped). */
  private *sessionsNamed(sessids: number[]): Generator<PortalSession> {
    for (const sessid of sessids) {
      const session = this.sessions.get(sessid);
      if (session) yield session;
    }
  }

  private onSynced(): void {
    const mode = this.startMode;
    this.synced = true;
    // a server that started and synced is healthy: the crash back-off starts again from its base
    this.crashCount = 0;
    this.setState("running");
    if (mode === "reload" || mode === "restart") this.sessions.broadcast(PORTAL_TEXTS.reloaded);
    this.sessions.releaseHeld((session, msgs) => this.sendToServer({ t: "msg", sessid: session.sessid, msgs }));
    this.firstSync?.resolve();
    this.firstSync = null;
    this.health.reportNow();
    this.runPendingRequest();
  }

  private runPendingRequest(): void {
    const pending = this.pendingRequest;
    this.pendingRequest = null;
    if (pending === "reload" || pending === "reset") this.restartServer(pending);
  }

  private forwardInput(session: PortalSession, msgs: OobMessage[]): boolean {
    if (!this.synced || !this.link || this.link.isClosed) return false;
    this.link.send({ t: "msg", sessid: session.sessid, msgs });
    return true;
  }

  /** Session events go to a server that is connected and not shutting down; one that
   * connects later learns of every session from its welcome. */
  private sendToServer(msg: Parameters<ServerLink["send"]>[0]): void {
    if (this.link && !this.link.isClosed && !this.shuttingDown) this.link.send(msg);
  }

  private setState(state: ServerState): void {
    this.state = state;
    this.emitStatus();
  }

  private emitStatus(): void {
    this.options.onStatus?.(this.status());
  }

  private msspData(): Record<string, string> {
    return {
      NAME: this.settings.serverName,
      PLAYERS: String(this.sessions.count),
      UPTIME: String(Math.floor(this.startedAt / 1000)),
      CODEBASE: "evennia-ts",
      PORT: String(this.telnetPorts[0] ?? ""),
    };
  }

  private readonly startedAt = Date.now();
}
