/**
 * `evennia-ts stop`: ask the portal to shut everything down and wait until it is gone.
 */
import type { CliCommand } from "../command.ts";
import { requireGameDir, resolveGameDir } from "../game-dir.ts";
import type { CliIo } from "../io.ts";
import { gamePaths } from "../paths.ts";
import { isProcessAlive, readPidFile } from "../pid-files.ts";
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
}

/** Stop the game in `gameDir`; resolves to the exit code (0 also when it was not running). */
export async function stopGame(options: StopOptions): Promise<number> {
  const { gameDir, io } = options;
  requireGameDir(gameDir);
  const paths = gamePaths(gameDir);
  const pid = findRunningPortal(paths, io, { cleanStale: true });
  if (pid === null) {
    io.out("The game is not running.");
    return 0;
  }
  io.out(`Stopping the game (portal pid ${pid}) ...`);
  try {
    process.kill(pid, "SIGTERM");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ESRCH") throw err;
  }
  const timeoutMs = options.timeoutMs ?? DEFAULT_STOP_TIMEOUT_MS;
  const gone = await waitUntil(() => !isProcessAlive(pid), { timeoutMs });
  if (!gone) {
    io.err(
      `Error: the portal (pid ${pid}) did not stop within ${Math.round(timeoutMs / 1000)} s; see ${paths.portalLog}. ` +
        `To force it: kill -9 ${pid}`,
    );
    return 1;
  }
  removeLeftovers(paths, pid);
  const serverPid = readPidFile(paths.serverPid);
  if (serverPid !== null && isProcessAlive(serverPid)) {
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
