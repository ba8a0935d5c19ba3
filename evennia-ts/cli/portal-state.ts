/**
 * Whether a game's portal is running, from its pid file; stale runtime files left by
 * a portal that died are reported and, when asked, removed.
 */
import { describeStale, inspectPidFile, isProcessAlive, readPidFile, removeFile } from "./pid-files.ts";
import type { CliIo } from "./io.ts";
import type { GamePaths } from "./paths.ts";
import { readStatusFile } from "./status-file.ts";

/** Options of {@link findRunningPortal}. */
export interface FindPortalOptions {
  /** Remove stale runtime files (with a notice) when the portal is not running. */
  cleanStale: boolean;
}

/**
 * The pid of the game's live portal (or of its supervisor, while the portal is not up
 * yet: signals to it reach the portal), or null; a stale pid file is reported on `io`.
 */
export function findRunningPortal(paths: GamePaths, io: CliIo, options: FindPortalOptions): number | null {
  const state = inspectPidFile(paths.portalPid, paths.gameDir);
  if (state.kind === "alive") return state.pid;
  if (state.kind === "stale") {
    if (options.cleanStale) {
      removeFile(paths.portalPid);
      removeFile(paths.status);
      io.err(`Notice: removed a stale pid file (${describeStale(paths.portalPid, state.pid)}).`);
    } else {
      io.err(`Notice: stale pid file (${describeStale(paths.portalPid, state.pid)}).`);
    }
  }
  // a portal that has not written its pid file yet (or is being restarted): its supervisor runs
  const supervisor = inspectPidFile(paths.supervisorPid, paths.gameDir);
  if (supervisor.kind === "alive") return supervisor.pid;
  if (supervisor.kind === "stale" && options.cleanStale) removeFile(paths.supervisorPid);
  if (options.cleanStale) cleanServerPid(paths, io);
  return null;
}

/** With no portal running: remove a stale server.pid, warn about a server left alive. */
function cleanServerPid(paths: GamePaths, io: CliIo): void {
  const state = inspectPidFile(paths.serverPid, paths.gameDir);
  if (state.kind === "stale") {
    removeFile(paths.serverPid);
    io.err(`Notice: removed a stale pid file (${describeStale(paths.serverPid, state.pid)}).`);
  } else if (state.kind === "alive") {
    io.err(
      `Warning: a server process from an earlier run (pid ${state.pid}) is still alive without its portal; ` +
        `stop it with "kill ${state.pid}".`,
    );
  }
}

/**
 * After the portal `pid` exited: remove runtime files it left behind (unclean exit).
 * A status file another portal wrote meanwhile (a game started again) is kept.
 */
export function removeLeftovers(paths: GamePaths, pid: number): void {
  if (readPidFile(paths.portalPid) === pid) removeFile(paths.portalPid);
  const status = readStatusFile(paths.status);
  if (status === null || status.portalPid === pid || !isProcessAlive(status.portalPid)) removeFile(paths.status);
  const serverPid = readPidFile(paths.serverPid);
  if (serverPid === null || !isProcessAlive(serverPid)) removeFile(paths.serverPid);
  const supervisorPid = readPidFile(paths.supervisorPid);
  if (supervisorPid === null || !isProcessAlive(supervisorPid)) removeFile(paths.supervisorPid);
}
