/**
 * The portal's supervisor: `start` runs this process, and it runs the portal. When the
 * portal exits after an uncaught exception (exit code {@link EXIT_PORTAL_CRASHED}) it is
 * started again, after a back-off that doubles per crash (1 s up to 30 s); after
 * {@link MAX_CRASHES_PER_MINUTE} crashes within a minute the supervisor gives up. Any
 * other exit of the portal (stopped, failed to start, killed) ends the supervisor with the
 * same code.
 *
 * It relays the portal's IPC messages (ready, fatal) to the launcher, adding the portal's
 * pid, and passes SIGTERM, SIGINT, SIGHUP and SIGUSR2 on to the portal. The launcher's
 * other commands signal the portal directly through its pid file; during a back-off the
 * supervisor puts its own pid there, so that `stop` then ends it instead. It keeps its
 * own pid in `supervisor.pid` while it runs, so that a portal not yet up (or stuck
 * loading its settings) is never taken for a stopped game.
 *
 * Run as `node --import tsx portal-supervisor.ts --game <dir> [--portal-entry <file>]`.
 */
import type { ChildProcess } from "node:child_process";
import { readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { EXIT_PORTAL_CRASHED } from "../utils/exit-codes.ts";
import { getLogger } from "../utils/logger.ts";
import { CPU_PROFILE_DIR_ENV, cpuProfileNodeArgs } from "../utils/node-command.ts";
import { argValue } from "../utils/process-args.ts";
import { gamePaths, portalEntry } from "./paths.ts";
import { exitCodeOf, spawnPortal } from "./portal-process.ts";
import { STOP_WITH_LAUNCHER_ARG } from "./supervisor-args.ts";

const log = getLogger("supervisor");

/** Crashes within one minute after which the supervisor stops restarting the portal. */
export const MAX_CRASHES_PER_MINUTE = 5;
const FIRST_BACKOFF_MS = 1000;
const MAX_BACKOFF_MS = 30_000;

const gameDir = argValue("--game") ?? process.cwd();
const entry = argValue("--portal-entry") ?? portalEntry;
let child: ChildProcess | null = null;
let stopping = false;
let crashes: number[] = [];

function relay(message: unknown): void {
  if (!process.send || !process.connected || typeof message !== "object" || message === null) return;
  process.send({ ...(message as Record<string, unknown>), pid: child?.pid });
}

function startPortal(): void {
  const nodeArgs = cpuProfileNodeArgs(process.env[CPU_PROFILE_DIR_ENV], "portal");
  const portal = spawnPortal({ gameDir, stdio: ["ignore", "inherit", "inherit", "ipc"], detached: false, entry, nodeArgs });
  child = portal;
  portal.on("message", relay);
  portal.on("error", (err) => {
    log.error(`could not start the portal: ${err.message}`);
    process.exit(1);
  });
  portal.on("exit", (code, signal) => {
    if (child === portal) child = null;
    if (stopping || code !== EXIT_PORTAL_CRASHED) process.exit(exitCodeOf(code, signal));
    const now = Date.now();
    crashes = [...crashes.filter((t) => now - t < 60_000), now];
    if (crashes.length > MAX_CRASHES_PER_MINUTE) {
      log.error(`the portal crashed ${crashes.length} times within a minute; not restarting it again`);
      process.exit(code);
    }
    const delay = Math.min(FIRST_BACKOFF_MS * 2 ** (crashes.length - 1), MAX_BACKOFF_MS);
    log.error(`the portal crashed (uncaught exception); starting it again in ${delay} ms`);
    // until then `stop` finds this process in the portal's pid file (the new portal overwrites it)
    try {
      // whole or not at all: a launcher reading a half-written file would take it for stale and remove it
      const file = gamePaths(gameDir).portalPid;
      writeFileSync(`${file}.${process.pid}.tmp`, `${process.pid}\n`);
      renameSync(`${file}.${process.pid}.tmp`, file);
    } catch (err) {
      log.error(`could not write the portal pid file: ${(err as Error).message}`);
    }
    setTimeout(() => {
      if (stopping) process.exit(code);
      startPortal();
    }, delay);
  });
}

for (const signal of ["SIGTERM", "SIGINT", "SIGHUP", "SIGUSR2"] as const) {
  process.on(signal, () => {
    if (signal === "SIGTERM" || signal === "SIGINT") stopping = true;
    if (child && child.exitCode === null && child.signalCode === null) child.kill(signal);
    else if (stopping) process.exit(0);
  });
}
// a daemon's launcher detaches once the game is up: keep running; a foreground launcher that is gone takes the game with it
process.on("disconnect", () => {
  if (!process.argv.includes(STOP_WITH_LAUNCHER_ARG)) return;
  log.warn("the launcher is gone: stopping the game");
  stopping = true;
  if (child && child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
  else process.exit(0);
});

// from its first moment: a portal still loading its settings has no pid file yet, and `start`
// and `stop` must still see that something runs
const ownPidFile = gamePaths(gameDir).supervisorPid;
try {
  writeFileSync(`${ownPidFile}.${process.pid}.tmp`, `${process.pid}\n`);
  renameSync(`${ownPidFile}.${process.pid}.tmp`, ownPidFile);
} catch (err) {
  log.error(`could not write the supervisor pid file: ${(err as Error).message}`);
}
process.on("exit", () => {
  try {
    if (readFileSync(ownPidFile, "utf8").trim() === String(process.pid)) rmSync(ownPidFile, { force: true });
  } catch {
    // already gone
  }
});

startPortal();
