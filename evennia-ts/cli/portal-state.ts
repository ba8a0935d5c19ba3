/**
 * Whether a game's portal is running, from its pid file; stale runtime files left by
 * a portal that died are reported and, when asked, removed.
 */
import { describeStale, inspectPidFile, isProcessAlive, readPidFile, removeFile } from "./pid-files.ts";
import type { CliIo } from "./io.ts";
import type { GamePaths } from "./paths.ts";

/** Options of {@link findRunningPortal}. */
export interface FindPortalOptions {
  /** Remove stale runtime files (with a notice) when the portal is not running. */
  cleanStale: boolean;
}

/** The pid of the game's live portal, or null; a stale pid file is reported on `io`. */
export function findRunningPortal(paths: GamePaths, io: CliIo, options: FindPortalOptions): number | null {
  const state = inspectPidFile(paths.portalPid);
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
  if (options.cleanStale) cleanServerPid(paths, io);
  return null;
}

/** With no portal running: remove a stale server.pid, warn about a server left alive. */
function cleanServerPid(paths: GamePaths, io: CliIo): void {
  const state = inspectPidFile(paths.serverPid);
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

/** After the portal `pid` exited: remove runtime files it left behind (unclean exit). */
export function removeLeftovers(paths: GamePaths, pid: number): void {
  if (readPidFile(paths.portalPid) === pid) removeFile(paths.portalPid);
  removeFile(paths.status);
  const serverPid = readPidFile(paths.serverPid);
  if (serverPid === null || !isProcessAlive(serverPid)) removeFile(paths.serverPid);
}
