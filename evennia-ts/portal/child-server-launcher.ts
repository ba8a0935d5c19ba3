/**
 * Launches the server as a child process, so every start loads the game's code
 * afresh: the compiled framework's `server-main.js` when the portal runs compiled
 * (`framework-build.ts`; the code check before a reload compiles changed sources
 * first, so a reload also picks up framework changes), else `server/main.ts` with the
 * tsx loader. The server writes its own log,
 * `server/logs/server.log` (so its last lines survive the portal's death); in a
 * terminal its output is echoed through the portal too. A server that cannot start
 * says why over an IPC channel. Before a reload or reset the next server starts as a
 * standby (`--standby`): it loads and checks the game's code while the current server
 * still runs, and is admitted once that one has exited.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { appendFileSync, closeSync, createWriteStream, openSync, type WriteStream } from "node:fs";
import path from "node:path";
import type { Readable } from "node:stream";
import { buildEntryFile, ensureFrameworkBuild } from "../utils/framework-build.ts";
import { frameworkSourceDir, runningBuildDir } from "../utils/framework-root.ts";
import { getLogger } from "../utils/logger.ts";
import { CPU_PROFILE_DIR_ENV, cpuProfileNodeArgs, nodeScriptArgs } from "../utils/node-command.ts";
import { EvenniaError } from "../utils/errors.ts";
import type { GameCodeCheck, ServerExit, ServerHandle, ServerLauncher, StandbyLauncher } from "./server-launcher.ts";

const sourceServerEntry = path.join(frameworkSourceDir, "server", "main.ts");

/** The server's entry point: from the build this portal runs (or the newest one a code check made), else the source. */
let serverEntry = runningBuildDir !== null ? buildEntryFile(runningBuildDir, "server-main") : sourceServerEntry;

/**
 * Before a reload: when the portal runs compiled, compile the framework's sources if
 * they changed, and start the next servers from that build (from source if it fails).
 */
async function refreshServerEntry(): Promise<void> {
  if (runningBuildDir === null) return;
  const result = await ensureFrameworkBuild();
  if (result.ok) {
    if (result.build.built) getLogger("portal").info(`compiled the framework into ${result.build.dir} (${Math.round(result.build.ms)} ms)`);
    serverEntry = buildEntryFile(result.build.dir, "server-main");
  } else {
    getLogger("portal").warn(`running the server from source through tsx: ${result.reason}`);
    serverEntry = sourceServerEntry;
  }
}

/** Options of the child launcher. */
export interface ChildLauncherOptions {
  gameDir: string;
  /** Host the server connects to the link on. */
  linkHost: string;
  logFile: string;
  /** Also copy the server's output to the portal's stdout/stderr. */
  echo: boolean;
  /** Options for node itself (setting `serverNodeArgs`), before the entry point. */
  nodeArgs?: readonly string[];
}

function isFatalMessage(v: unknown): v is { type: "fatal"; code: string; message: string } {
  const m = v as Record<string, unknown> | null;
  return typeof m === "object" && m !== null && m.type === "fatal" && typeof m.code === "string" && typeof m.message === "string";
}

/** A server process and the handle the portal supervises it by. */
interface SpawnedServer {
  readonly child: ChildProcess;
  readonly handle: ServerHandle;
}

/** Start the server entry point as a child process (`extraArgs` after `--game`). */
function spawnServer(options: ChildLauncherOptions, linkPort: number, token: string, linkPath: string | null | undefined, extraArgs: readonly string[] = []): SpawnedServer {
  // the server writes its log lines to the file itself (EVENNIA_SERVER_LOG), so they
  // survive the portal; raw stderr (a fatal V8 error ...) goes to the file directly too
  const logFd = openSync(options.logFile, "a");
  // --expose-gc lets "memory/flush" and the heap watcher collect right after a flush
  const profile = cpuProfileNodeArgs(process.env[CPU_PROFILE_DIR_ENV], "server");
  const child = spawn(process.execPath, ["--expose-gc", ...(options.nodeArgs ?? []), ...profile, ...nodeScriptArgs(serverEntry, ["--game", options.gameDir, ...extraArgs])], {
    cwd: options.gameDir,
    env: {
      ...process.env,
      EVENNIA_LINK_HOST: options.linkHost,
      EVENNIA_LINK_PORT: String(linkPort),
      EVENNIA_LINK_PATH: linkPath ?? "",
      EVENNIA_LINK_TOKEN: token,
      EVENNIA_SERVER_LOG: options.logFile,
      EVENNIA_SERVER_ECHO: options.echo ? "1" : "",
    },
    stdio: ["ignore", options.echo ? "pipe" : "ignore", options.echo ? "pipe" : logFd, "ipc"],
  });
  closeSync(logFd); // the child has its own copy
  let failure: ServerExit["failure"];
  child.on("message", (message: unknown) => {
    if (isFatalMessage(message)) failure = { code: message.code, message: message.message };
  });
  let log: WriteStream | null = null;
  if (options.echo) {
    // with an IPC channel in `stdio` the types lose track of the two pipes
    const stdout = child.stdout as Readable;
    const stderr = child.stderr as Readable;
    log = createWriteStream(options.logFile, { flags: "a" });
    stdout.pipe(process.stdout, { end: false });
    stderr.pipe(process.stderr, { end: false });
    stderr.pipe(log, { end: false });
  }
  const exited = new Promise<ServerExit>((resolve) => {
    child.once("exit", (code, signal) => {
      log?.end();
      resolve(failure ? { code, signal, failure } : { code, signal });
    });
    child.once("error", (err) => {
      appendFileSync(options.logFile, `could not start the server process: ${err.message}\n`);
      log?.end();
      resolve({ code: null, signal: "spawn-error" });
    });
  });
  const handle: ServerHandle = {
    pid: child.pid ?? null,
    exited,
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    },
  };
  return { child, handle };
}

/** A launcher that runs the server as a child process. */
export function childServerLauncher(options: ChildLauncherOptions): ServerLauncher {
  return (linkPort, token, linkPath) => spawnServer(options, linkPort, token, linkPath).handle;
}

function isStandbyReady(v: unknown): v is { type: "standby-ready"; report: CheckReport } {
  const m = v as Record<string, unknown> | null;
  if (typeof m !== "object" || m === null || m.type !== "standby-ready") return false;
  const report = m.report as Partial<CheckReport> | null;
  return typeof report === "object" && report !== null && Array.isArray(report.loaded) && Array.isArray(report.problems);
}

/**
 * A standby launcher (see {@link StandbyServer}): the next server, started with
 * `--standby`, loads and checks the game's code while the current one runs, reports over
 * IPC and waits to be admitted. When the portal runs compiled, changed framework sources
 * are compiled first (as before a checked reload). A standby that reports nothing within
 * `timeoutMs` is killed and the restart refused.
 */
export function childStandbyLauncher(options: ChildLauncherOptions & { timeoutMs?: number }): StandbyLauncher {
  return (linkPort, token, linkPath) => {
    let started: SpawnedServer | null = null;
    let discarded = false;
    const checked = (async (): Promise<GameCodeCheck> => {
      await refreshServerEntry();
      if (discarded) return { ok: false, summary: "the restart was abandoned", details: "the restart was abandoned before the next server started" };
      const server = spawnServer(options, linkPort, token, linkPath, ["--standby"]);
      started = server;
      return awaitStandbyReport(server, options.timeoutMs ?? 60_000);
    })();
    return {
      checked,
      admit: () => {
        if (!started) throw new EvenniaError("EV_ERR_INTERNAL", "a standby server was admitted before it started");
        const { child } = started;
        // it may have died since it reported: then its handle's exit tells the portal
        if (child.connected) child.send({ type: "admit" }, undefined, {}, () => undefined);
        return started.handle;
      },
      discard: () => {
        discarded = true;
        started?.handle.kill();
      },
    };
  };
}

/** What a standby server reported about the game's code, or why it reported nothing. */
function awaitStandbyReport(server: SpawnedServer, timeoutMs: number): Promise<GameCodeCheck> {
  return new Promise<GameCodeCheck>((resolve) => {
    const timer = setTimeout(() => server.handle.kill(), timeoutMs);
    const onMessage = (message: unknown): void => {
      if (!isStandbyReady(message)) return;
      done();
      resolve(checkOutcome(message.report));
    };
    const done = (): void => {
      clearTimeout(timer);
      server.child.off("message", onMessage);
    };
    server.child.on("message", onMessage);
    void server.handle.exited.then((exit) => {
      done();
      const why = exit.failure ? `: ${exit.failure.code}: ${exit.failure.message}` : "";
      resolve({
        ok: false,
        summary: "the game's code could not be checked",
        details: `the next server exited (${exit.signal ?? `code ${exit.code}`}) before its code check was done${why}; see server/logs/server.log`,
      });
    });
  });
}

/** What a standby server reports about the game's code (`GameCodeReport`, as far as the portal reads it). */
interface CheckReport {
  loaded: string[];
  problems: { where: string; error: string; hint: string }[];
}

/** The check's outcome for the portal from a report: ok, or the problems for players and the operator. */
function checkOutcome(report: CheckReport): GameCodeCheck {
  if (report.problems.length === 0) return { ok: true };
  const details = report.problems.map((p) => `${p.where}: ${p.error.split("\n")[0]}\n  hint: ${p.hint}`).join("\n");
  return { ok: false, summary: report.problems.map((p) => p.where).join(", "), details };
}
