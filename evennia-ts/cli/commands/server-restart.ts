/**
 * What `reload` and `reset` share: signal the portal to replace its server process
 * and wait until the status file shows a new server running.
 */
import { EvenniaError } from "../../utils/errors.ts";
import { requireGameDir } from "../game-dir.ts";
import type { CliIo } from "../io.ts";
import { gamePaths } from "../paths.ts";
import { launcherLockHolder, waitForLauncherLock } from "../launcher-lock.ts";
import { inspectPidFile, isProcessAlive } from "../pid-files.ts";
import { findRunningPortal } from "../portal-state.ts";
import { readPortalStatus, type PortalStatus } from "../status-file.ts";
import { DEFAULT_STOP_LOCK_WAIT_MS } from "./stop.ts";
import { waitUntil } from "../wait.ts";

/** How long `reload`/`reset` wait for the new server by default, in ms. */
export const DEFAULT_RESTART_TIMEOUT_MS = 60_000;

/** `reload` keeps everyone logged in; `reset` logs everyone out (they stay connected). */
export type RestartKind = "reload" | "reset";

const SIGNALS: Record<RestartKind, NodeJS.Signals> = { reload: "SIGHUP", reset: "SIGUSR2" };
const DONE: Record<RestartKind, string> = { reload: "Server reloaded.", reset: "Server reset." };

/** Options of {@link restartServer}. */
export interface RestartOptions {
  /** The game folder (absolute). */
  gameDir: string;
  kind: RestartKind;
  io: CliIo;
  /** How long to wait for the new server. */
  timeoutMs?: number;
}

/**
 * Reload or reset the server of the running game in `gameDir`; resolves to the exit
 * code. A `start` in progress is waited for, and so is a server that is not up yet
 * (starting, restarting): the signal is sent once it runs, so that the new server
 * reported is the one the request made.
 */
export async function restartServer(options: RestartOptions): Promise<number> {
  const { gameDir, kind, io } = options;
  requireGameDir(gameDir);
  const paths = gamePaths(gameDir);
  const timeoutMs = options.timeoutMs ?? DEFAULT_RESTART_TIMEOUT_MS;
  const holder = launcherLockHolder(paths);
  if (holder !== null) {
    io.out(`Waiting for the ${holder.action} in progress (launcher pid ${holder.pid}) to finish ...`);
    if (!(await waitForLauncherLock(paths, DEFAULT_STOP_LOCK_WAIT_MS))) {
      throw new EvenniaError("EV_ERR_ALREADY_RUNNING", `the ${holder.action} in progress did not finish; try the ${kind} again later.`);
    }
  }
  if (findRunningPortal(paths, io, { cleanStale: false }) === null) {
    throw new EvenniaError("EV_ERR_NOT_RUNNING", `the game in ${gameDir} is not running; start it with "npx evennia-ts start".`);
  }
  const up = await waitUntil<{ pid: number; status: PortalStatus } | "portal-gone">(
    () => {
      const state = inspectPidFile(paths.portalPid, paths.gameDir);
      if (state.kind !== "alive") return "portal-gone";
      const status = readPortalStatus(paths.status, state.pid);
      return status?.serverState === "running" ? { pid: state.pid, status } : undefined;
    },
    { timeoutMs },
  );
  if (up === "portal-gone") {
    io.err(`Error: the portal exited before the ${kind} could be sent; see ${paths.portalLog}`);
    return 1;
  }
  if (up === undefined) {
    io.err(
      `Error: the server was not running within ${Math.round(timeoutMs / 1000)} s, so the ${kind} was not sent; ` +
        `see ${paths.serverLog} and ${paths.portalLog}, and "npx evennia-ts status".`,
    );
    return 1;
  }
  const { pid } = up;
  const before = up.status.serverPid;
  io.out(`${kind === "reload" ? "Reloading" : "Resetting"} the server ...`);
  const requestedAt = Date.now();
  try {
    process.kill(pid, SIGNALS[kind]);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ESRCH") {
      io.err(`Error: the portal (pid ${pid}) exited before the ${kind} could be sent; see ${paths.portalLog}`);
      return 1;
    }
    throw new EvenniaError("EV_ERR_NOT_RUNNING", `could not signal the portal (pid ${pid}): ${(err as Error).message}`);
  }
  const result = await waitUntil<PortalStatus | "portal-gone" | { refused: string }>(
    () => {
      if (!isProcessAlive(pid)) return "portal-gone";
      const status = readPortalStatus(paths.status, pid);
      const refused = status?.refusedRestart;
      if (refused && Date.parse(refused.at) >= requestedAt) return { refused: refused.details };
      if (status?.serverState === "running" && status.serverPid !== null && status.serverPid !== before) return status;
      return undefined;
    },
    { timeoutMs },
  );
  if (result === "portal-gone") {
    io.err(`Error: the portal (pid ${pid}) exited during the ${kind}; see ${paths.portalLog}`);
    return 1;
  }
  if (result === undefined) {
    io.err(
      `Error: no new server was running within ${Math.round(timeoutMs / 1000)} s after the ${kind}; ` +
        `see ${paths.serverLog} and ${paths.portalLog}, and "npx evennia-ts status".`,
    );
    return 1;
  }
  if ("refused" in result) {
    io.err(`Error: the ${kind} was refused: the game's new code does not load. The server goes on with the code it runs.`);
    for (const line of result.refused.split("\n")) io.err(`  ${line}`);
    return 1;
  }
  io.out(`${DONE[kind]} (server pid ${result.serverPid})`);
  return 0;
}
