/**
 * `evennia-ts stop`: ask the portal to shut everything down and wait until it is gone.
 */
import { existsSync } from "node:fs";
import { EvenniaError } from "../../utils/errors.ts";
import type { CliCommand } from "../command.ts";
import { requireGameDir, resolveGameDir } from "../game-dir.ts";
import type { CliIo } from "../io.ts";
import { gamePaths, type GamePaths } from "../paths.ts";
import { inspectPidFile, isProcessAlive } from "../pid-files.ts";
import { acquireLauncherLock, launcherLockHolder } from "../launcher-lock.ts";
import { findRunningPortal, removeLeftovers } from "../portal-state.ts";
import { waitUntil } from "../wait.ts";

/** How long `stop` waits for the portal to exit by default, in ms. */
export const DEFAULT_STOP_TIMEOUT_MS = 30_000;

/** Options of {@link stopGame}. */
export interface StopOptions {
  /** The game folder (absolute). */
  gameDir: string;
  io: CliIo;
  /** How long to wait for the portal to exit. */
  timeoutMs?: number;
  /** How long to wait for a `start` (or `stop`) in progress to finish first (default: a start's ready timeout and more). */
  lockWaitMs?: number;
}

/** How long `stop` waits for the supervisor to follow its portal, in ms. */
const SUPERVISOR_EXIT_MS = 5_000;

/** How long `stop` waits by default for a start in progress, in ms (above `start`'s ready timeout). */
export const DEFAULT_STOP_LOCK_WAIT_MS = 75_000;

/**
 * Stop the game in `gameDir`; resolves to the exit code (0 also when it was not
 * running). A `start` in progress is waited for (it holds the launcher lock), then
 * what it started is stopped.
 */
export async function stopGame(options: StopOptions): Promise<number> {
  const { gameDir, io } = options;
  requireGameDir(gameDir);
  const paths = gamePaths(gameDir);
  if (!existsSync(paths.logsDir)) {
    io.out("The game is not running."); // nothing runs without its pid file there
    return 0;
  }
  const holder = launcherLockHolder(paths);
  if (holder !== null) io.out(`Waiting for the ${holder.action} in progress (launcher pid ${holder.pid}) to finish ...`);
  const lock = await acquireLauncherLock(paths, "stop", options.lockWaitMs ?? DEFAULT_STOP_LOCK_WAIT_MS);
  try {
    return await stopLocked(paths, io, options.timeoutMs ?? DEFAULT_STOP_TIMEOUT_MS);
  } finally {
    lock.release();
  }
}

async function stopLocked(paths: GamePaths, io: CliIo, timeoutMs: number): Promise<number> {
  const pid = findRunningPortal(paths, io, { cleanStale: true });
  if (pid === null) {
    io.out("The game is not running.");
    return 0;
  }
  io.out(`Stopping the game (portal pid ${pid}) ...`);
  try {
    process.kill(pid, "SIGTERM");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "EPERM") {
      throw new EvenniaError(
        "EV_ERR_NOT_RUNNING",
        `not allowed to signal pid ${pid} named by ${paths.portalPid} (it belongs to another user): ` +
          `stop it as that user, or remove the pid file if it is not this game's portal.`,
      );
    }
    if (code !== "ESRCH") throw new EvenniaError("EV_ERR_INTERNAL", `could not signal the portal (pid ${pid}): ${(err as Error).message}`);
  }
  const gone = await waitUntil(() => !isProcessAlive(pid), { timeoutMs });
  if (!gone) {
    io.err(
      `Error: the portal (pid ${pid}) did not stop within ${Math.round(timeoutMs / 1000)} s; see ${paths.portalLog}. ` +
        `To force it: kill -9 ${pid}`,
    );
    return 1;
  }
  // the supervisor ends with its portal: a `start` right after this must not find it still exiting
  const supervisor = inspectPidFile(paths.supervisorPid, paths.gameDir);
  if (supervisor.kind === "alive" && supervisor.pid !== pid) {
    await waitUntil(() => !isProcessAlive(supervisor.pid), { timeoutMs: SUPERVISOR_EXIT_MS });
  }
  removeLeftovers(paths, pid);
  const server = inspectPidFile(paths.serverPid, paths.gameDir);
  if (server.kind === "alive") {
    const serverPid = server.pid;
    io.err(`Warning: the server process (pid ${serverPid}) is still alive after the portal stopped; stop it with "kill ${serverPid}".`);
  }
  io.out("Stopped.");
  return 0;
}

/** The `stop` command. */
export const stopCommand: CliCommand = {
  name: "stop",
  synopsis: "",
  summary: "stop the game (portal and server)",
  options: ["game"],
  minArgs: 0,
  maxArgs: 0,
  run: ({ io, options, cwd }) => stopGame({ gameDir: resolveGameDir(options.game, cwd), io }),
};
