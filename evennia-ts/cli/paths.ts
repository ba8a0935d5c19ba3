/**
 * Where things are: the package's own folders (template, portal entry) and the files
 * a running game keeps under `<game>/server/logs/`.
 */
import path from "node:path";
import { frameworkRoot } from "../utils/framework-root.ts";

/** The root of the evennia-ts package (the folder holding `package.json`). */
export const repoRoot: string = frameworkRoot;

/** The folder `init` copies into a new game. */
export const gameTemplateDir: string = path.join(repoRoot, "game_template");

/** The portal process's entry point. */
export const portalEntry: string = path.join(repoRoot, "evennia-ts", "portal", "main.ts");

/** The entry point of the process that runs (and restarts) the portal. */
export const portalSupervisorEntry: string = path.join(repoRoot, "evennia-ts", "cli", "portal-supervisor.ts");

/** The game folder `npm start` / `evennia-ts demo` uses. */
export const demoGameDir: string = path.join(repoRoot, "mygame");

/** The runtime files of one game folder. */
export interface GamePaths {
  /** The game folder (absolute). */
  gameDir: string;
  /** `<game>/server/logs`. */
  logsDir: string;
  /** Pid of the portal while it runs. */
  portalPid: string;
  /** Pid of the server while it runs. */
  serverPid: string;
  /** Pid of the portal's supervisor while it runs (written by the supervisor itself). */
  supervisorPid: string;
  /** The portal's status file (see `status-file.ts`). */
  status: string;
  /** The daemonized portal's stdout/stderr. */
  portalLog: string;
  /** The server's output, appended by the portal. */
  serverLog: string;
}

/** The runtime file paths of the game folder `gameDir`. */
export function gamePaths(gameDir: string): GamePaths {
  const dir = path.resolve(gameDir);
  const logsDir = path.join(dir, "server", "logs");
  return {
    gameDir: dir,
    logsDir,
    portalPid: path.join(logsDir, "portal.pid"),
    serverPid: path.join(logsDir, "server.pid"),
    supervisorPid: path.join(logsDir, "supervisor.pid"),
    status: path.join(logsDir, "status.json"),
    portalLog: path.join(logsDir, "portal.log"),
    serverLog: path.join(logsDir, "server.log"),
  };
}
