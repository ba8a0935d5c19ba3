/**
 * `evennia-ts start [--foreground] [--cpu-prof DIR]`: run the game's portal (which
 * starts the server), as a daemon by default or attached to the terminal, optionally
 * with node's CPU profiler on both.
 */
import { closeSync, mkdirSync, openSync, renameSync, writeFileSync } from "node:fs";
import type { ChildProcess } from "node:child_process";
import path from "node:path";
import { CPU_PROFILE_DIR_ENV } from "../../utils/node-command.ts";
import { describeErrorOnOneLine, EvenniaError } from "../../utils/errors.ts";
import { buildEntryFile, compilingEnabled, ensureFrameworkBuild } from "../../utils/framework-build.ts";
import { compileGameCode } from "../../utils/framework-resolution.ts";
import { formatAddresses } from "../addresses.ts";
import type { CliCommand } from "../command.ts";
import { requireGameDir, resolveGameDir } from "../game-dir.ts";
import type { CliIo } from "../io.ts";
import { fileSize, tailLines } from "../log-tail.ts";
import { gamePaths, type GamePaths } from "../paths.ts";
import { isPortalMessage, type PortalReadyMessage } from "../portal-messages.ts";
import { STOP_WITH_LAUNCHER_ARG } from "../supervisor-args.ts";
import { exitCodeOf, spawnSupervisedPortal, waitForPortal, type SpawnPortalOptions } from "../portal-process.ts";
import { acquireLauncherLock, type LauncherLock } from "../launcher-lock.ts";
import { findRunningPortal, removeLeftovers } from "../portal-state.ts";
import { isProcessAlive, readPidFile } from "../pid-files.ts";
import { waitUntil } from "../wait.ts";

/** How long `start` waits for the portal's ready message by default, in ms. */
export const DEFAULT_READY_TIMEOUT_MS = 60_000;

/** Options of {@link startGame}. */
export interface StartOptions {
  /** The game folder (absolute). */
  gameDir: string;
  /** Run attached to the terminal instead of as a daemon. */
  foreground: boolean;
  io: CliIo;
  /** How long to wait for the portal to be ready (daemon mode). */
  readyTimeoutMs?: number;
  /** The portal entry point to run (default: the real portal; tests pass stand-ins). */
  portalEntry?: string;
  /**
   * Write CPU profiles of the portal and of each server it starts into this folder
   * (node's `--cpu-prof`); each is written when its process exits normally (stop, reload).
   */
  cpuProfileDir?: string;
  /**
   * Aborting it while a daemon start waits for the portal stops what was started
   * (default: this process's SIGINT, SIGTERM and SIGHUP do).
   */
  interrupt?: AbortSignal;
}

/** How long an interrupted or failed start waits for the portal it started to exit before killing it, in ms. */
const STOP_STARTED_PORTAL_MS = 10_000;

/**
 * Start the game in `gameDir`; resolves to the exit code. The launcher lock is held
 * from the check that nothing runs until the portal is ready or has failed.
 */
export async function startGame(options: StartOptions): Promise<number> {
  const { gameDir, io } = options;
  requireGameDir(gameDir);
  const paths = gamePaths(gameDir);
  prepareLogs(paths);
  const lock = await acquireLauncherLock(paths, "start");
  try {
    const running = findRunningPortal(paths, io, { cleanStale: true });
    if (running !== null) {
      throw new EvenniaError("EV_ERR_ALREADY_RUNNING", `the game in ${gameDir} is already running (portal pid ${running}).`);
    }
    if (options.cpuProfileDir !== undefined) {
      const dir = path.resolve(options.cpuProfileDir);
      try {
        mkdirSync(dir, { recursive: true });
      } catch (err) {
        throw new EvenniaError("EV_ERR_BAD_INPUT", `cannot create the --cpu-prof folder ${dir}: ${(err as Error).message}`);
      }
      // the supervisor passes it to the portal's node options, the portal to each server's
      process.env[CPU_PROFILE_DIR_ENV] = dir;
      io.out(`CPU profiles of the portal and the server go to ${dir} (written when each process stops or reloads).`);
    }
    const entries = options.portalEntry !== undefined ? { entry: options.portalEntry } : await compiledEntries(paths.gameDir, io);
    return options.foreground
      ? await startForeground(paths, io, entries, lock)
      : await startDaemon(paths, io, options.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS, entries, options.interrupt);
  } finally {
    lock.release();
  }
}

/**
 * Make the logs folder and check that both logs can be appended to, so that an
 * unwritable log is a clear error before anything is started.
 */
function prepareLogs(paths: GamePaths): void {
  try {
    mkdirSync(paths.logsDir, { recursive: true });
  } catch (err) {
    throw new EvenniaError("EV_ERR_CONFIG", `cannot create the logs folder ${paths.logsDir}: ${(err as Error).message}`);
  }
  for (const file of [paths.portalLog, paths.serverLog]) closeSync(openLog(file));
}

/** Open a log for appending; EV_ERR_CONFIG when it cannot be written. */
function openLog(file: string): number {
  try {
    return openSync(file, "a");
  } catch (err) {
    throw new EvenniaError("EV_ERR_CONFIG", `cannot write the log file ${file}: ${(err as Error).message}; fix its permissions or remove it.`);
  }
}

/** An abort signal fired by this process's SIGINT, SIGTERM or SIGHUP until disposed (while those would otherwise kill it). */
function interruptOnSignals(): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const signals = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
  const handlers = signals.map((name) => [name, () => controller.abort(name)] as const);
  for (const [name, handler] of handlers) process.on(name, handler);
  return { signal: controller.signal, dispose: () => handlers.forEach(([name, handler]) => process.off(name, handler)) };
}

/** Which portal and supervisor files to run: the compiled framework's, or the sources' (undefined) when it cannot be compiled. */
type PortalEntries = Pick<SpawnPortalOptions, "entry" | "supervisorEntry">;

/**
 * The compiled framework's portal and supervisor (compiled now if the sources
 * changed), or the sources'. The game's code is compiled here too when it changed,
 * so that the portal and the server find it compiled and never load the compiler;
 * when that fails it says so, and they compile again, fail the same way and load
 * the game through tsx, which reports the error.
 */
async function compiledEntries(gameDir: string, io: CliIo): Promise<PortalEntries> {
  const result = await ensureFrameworkBuild();
  if (!result.ok) {
    if (compilingEnabled()) io.err(`Note: running the framework from source through tsx (${result.reason}).`);
    return {};
  }
  if (result.build.built) io.out(`Compiled the framework into ${result.build.dir} (${Math.round(result.build.ms)} ms).`);
  const game = await compileGameCode(gameDir, result.build.dir).catch(describeErrorOnOneLine);
  if (typeof game === "string") {
    io.err(`Note: the game's code does not compile (${game}). The portal and the server load it through tsx instead, which reports the error where the file is imported; fix it to run compiled again.`);
  } else if (game.compiled) io.out(`Compiled the game's code: ${game.files.size} file(s) (${Math.round(game.ms)} ms).`);
  return { entry: buildEntryFile(result.build.dir, "portal-main"), supervisorEntry: buildEntryFile(result.build.dir, "portal-supervisor") };
}

function printReady(io: CliIo, pid: number | undefined, ready: PortalReadyMessage): void {
  io.out(`Game started (portal pid ${ready.pid ?? pid ?? "?"}). Connect with:`);
  for (const line of formatAddresses(ready)) io.out(line);
}

async function startDaemon(
  paths: GamePaths,
  io: CliIo,
  readyTimeoutMs: number,
  entries: PortalEntries,
  interrupt: AbortSignal | undefined,
): Promise<number> {
  const logOffset = fileSize(paths.portalLog);
  const logFd = openLog(paths.portalLog);
  const signals = interrupt === undefined ? interruptOnSignals() : { signal: interrupt, dispose: () => undefined };
  let child: ChildProcess;
  try {
    child = spawnSupervisedPortal({ gameDir: paths.gameDir, stdio: ["ignore", logFd, logFd, "ipc"], detached: true, ...entries });
  } finally {
    closeSync(logFd);
  }
  writeSupervisorPid(paths, child.pid);
  io.out(`Starting the game in ${paths.gameDir} ...`);
  let outcome;
  try {
    outcome = await waitForPortal(child, readyTimeoutMs, signals.signal);
    if (outcome.kind === "interrupted") {
      io.err(`Interrupted (${outcome.reason}): stopping the game that was starting ...`);
      await stopStartedPortal(child, paths);
      io.err("Stopped; nothing of it runs.");
      return exitCodeOf(null, outcome.reason as NodeJS.Signals);
    }
  } finally {
    signals.dispose();
  }
  const letGo = (): void => {
    if (child.connected) child.disconnect();
    child.unref();
  };
  switch (outcome.kind) {
    case "ready":
      letGo();
      printReady(io, child.pid, outcome.message);
      io.out(`Logs: ${paths.portalLog} and ${paths.serverLog}`);
      return 0;
    case "fatal":
      io.err(`Error: ${outcome.message.message}`);
      io.err(`The game did not start (${outcome.message.code}); see ${paths.portalLog}`);
      await reapFailedPortal(child);
      letGo();
      return 1;
    case "exit":
      io.err(
        `Error: the portal exited (${outcome.signal ?? `code ${outcome.code}`}) before it was ready. ` +
          `Last lines of ${paths.portalLog}:`,
      );
      for (const line of tailLines(paths.portalLog, 20, logOffset)) io.err(`  ${line}`);
      return 1;
    case "spawn-error":
      io.err(`Error: could not start the portal: ${outcome.error.message}`);
      return 1;
    case "timeout":
      letGo();
      io.err(
        `Error: the portal (pid ${child.pid ?? "?"}) did not report ready within ${Math.round(readyTimeoutMs / 1000)} s. ` +
          `It may still be starting: see ${paths.portalLog}, check "npx evennia-ts status", ` +
          `and stop it with "npx evennia-ts stop".`,
      );
      return 1;
  }
}

/**
 * Record the supervisor just spawned in `supervisor.pid` (it writes the same itself once
 * loaded), so that from now on the game is seen as running even before any pid file
 * of the portal exists.
 */
function writeSupervisorPid(paths: GamePaths, pid: number | undefined): void {
  if (pid === undefined) return;
  const tmp = `${paths.supervisorPid}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, `${pid}\n`);
    renameSync(tmp, paths.supervisorPid);
  } catch {
    // the supervisor writes it too
  }
}

/** Stop the portal supervisor `child` started (SIGTERM, then SIGKILL of its process group), and remove its runtime files. */
async function stopStartedPortal(child: ChildProcess, paths: GamePaths): Promise<void> {
  const pid = child.pid;
  if (pid === undefined) return;
  const exited = (): boolean => child.exitCode !== null || child.signalCode !== null || !isProcessAlive(pid);
  const portalPid = readPidFile(paths.portalPid);
  if (!exited()) child.kill("SIGTERM");
  if (!(await waitUntil(exited, { timeoutMs: STOP_STARTED_PORTAL_MS, intervalMs: 50 }))) {
    try {
      process.kill(-pid, "SIGKILL"); // the detached supervisor leads a process group holding the portal
    } catch {
      // gone meanwhile
    }
    await waitUntil(exited, { timeoutMs: 2_000, intervalMs: 50 });
  }
  if (child.connected) child.disconnect();
  const leftover = readPidFile(paths.portalPid) ?? portalPid;
  if (leftover !== null && !isProcessAlive(leftover)) removeLeftovers(paths, leftover);
}

/** A portal that reported fatal exits by itself; make sure it does (bounded). */
async function reapFailedPortal(child: ChildProcess): Promise<void> {
  const pid = child.pid;
  if (pid === undefined) return;
  const gone = await waitUntil(() => child.exitCode !== null || child.signalCode !== null || !isProcessAlive(pid), {
    timeoutMs: 5_000,
  });
  if (!gone) child.kill("SIGTERM");
}

/**
 * Run the portal attached to the terminal; `lock` is released once it is ready (or
 * gone). The supervisor runs in its own process group, so that the terminal's signals
 * reach the launcher alone: Ctrl-C (SIGINT) and SIGTERM are passed on to the
 * supervisor, and a hangup (the terminal closed) stops the game; the portal then stops
 * the server cleanly (it would otherwise get the terminal's signal too and die at once,
 * and a hangup would reload the game and leave it running). Should the launcher die
 * anyway, the supervisor stops the game when its IPC channel closes.
 */
function startForeground(paths: GamePaths, io: CliIo, entries: PortalEntries, lock: LauncherLock): Promise<number> {
  const child = spawnSupervisedPortal({
    gameDir: paths.gameDir,
    stdio: ["inherit", "inherit", "inherit", "ipc"],
    detached: true,
    args: [STOP_WITH_LAUNCHER_ARG],
    ...entries,
  });
  writeSupervisorPid(paths, child.pid);
  io.out(`Starting the game in ${paths.gameDir} in the foreground (Ctrl-C stops it) ...`);
  const forward = (signal: NodeJS.Signals): void => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  };
  const onSigint = (): void => forward("SIGINT");
  const onSigterm = (): void => forward("SIGTERM");
  process.on("SIGINT", onSigint);
  process.on("SIGTERM", onSigterm);
  process.on("SIGHUP", onSigterm);
  child.on("message", (value: unknown) => {
    if (!isPortalMessage(value)) return;
    if (value.type === "ready") {
      lock.release();
      printReady(io, child.pid, value);
    } else io.err(`Error: ${value.message}`);
  });
  return new Promise((resolve) => {
    const done = (code: number): void => {
      process.off("SIGINT", onSigint);
      process.off("SIGTERM", onSigterm);
      process.off("SIGHUP", onSigterm);
      resolve(code);
    };
    child.on("error", (err) => {
      io.err(`Error: could not start the portal: ${err.message}`);
      done(1);
    });
    child.on("exit", (code, signal) => done(exitCodeOf(code, signal)));
  });
}

/** The `start` command. */
export const startCommand: CliCommand = {
  name: "start",
  synopsis: "[--foreground] [--cpu-prof DIR]",
  summary: "start the game as a daemon (--foreground: attached to the terminal, Ctrl-C stops it; --cpu-prof DIR: CPU profiles of portal and server)",
  options: ["game", "foreground", "cpuProf"],
  minArgs: 0,
  maxArgs: 0,
  run: ({ io, options, cwd }) =>
    startGame({ gameDir: resolveGameDir(options.game, cwd), foreground: options.foreground, io, cpuProfileDir: options.cpuProf }),
};
