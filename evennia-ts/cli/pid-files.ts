/**
 * Pid files: reading them, telling a live process from a stale file, cleaning up.
 */
import { lstatSync, readFileSync, realpathSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import { EvenniaError } from "../utils/errors.ts";
import { isProcessAlive } from "../utils/process-alive.ts";

export { isProcessAlive };

/** What a pid file says about its process. */
export type PidFileState =
  | { kind: "missing" }
  | { kind: "alive"; pid: number }
  /** The file exists but its process is gone (`pid` is null when the file holds no valid pid). */
  | { kind: "stale"; pid: number | null };

/**
 * The pid in `file`, or null when the file is missing or holds no valid pid: not a
 * positive integer, or 1 (init, which is never a game's process: signalling it as root
 * would stop a container).
 */
export function readPidFile(file: string): number | null {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return null;
  }
  const trimmed = text.trim();
  if (!/^\d+$/.test(trimmed)) return null;
  const pid = Number(trimmed);
  return Number.isSafeInteger(pid) && pid > 1 ? pid : null;
}

/**
 * Inspect a pid file: missing, naming a live process, or stale. With `gameDir`, a
 * process run with `--game` for another folder (another game's portal or server that
 * got the pid) is not this game's: the file is stale. A pid file that is there but
 * cannot be read (a folder, no permission) throws EV_ERR_CONFIG: taking it for
 * missing would start a second game beside one that may run.
 */
export function inspectPidFile(file: string, gameDir?: string): PidFileState {
  let problem: string | null = null;
  try {
    if (lstatSync(file).isFile() || statSync(file).isFile()) readFileSync(file);
    else problem = "it is not a file";
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return { kind: "missing" };
    problem = (err as Error).message;
  }
  if (problem !== null) {
    throw new EvenniaError("EV_ERR_CONFIG", `cannot read the pid file ${file} (${problem}); remove it if no game runs, or fix its permissions.`);
  }
  const pid = readPidFile(file);
  if (pid !== null && isOwnedProcess(pid, file, gameDir)) return { kind: "alive", pid };
  return { kind: "stale", pid };
}

/**
 * True when process `pid` is alive and may be the one `file` names: not younger than
 * the file, and (with `gameDir`) not run for another game folder.
 */
export function isOwnedProcess(pid: number, file: string, gameDir?: string): boolean {
  if (!isProcessAlive(pid)) return false;
  if (gameDir !== undefined && runsForOtherGame(pid, gameDir)) return false;
  return !startedAfter(pid, file);
}

/** The real path of `dir` (itself when it cannot be resolved). */
function realDir(dir: string): string {
  try {
    return realpathSync(dir);
  } catch {
    return path.resolve(dir);
  }
}

/** True when process `pid` was run with `--game DIR` for a folder other than `gameDir` (symlinks resolved; Linux). */
function runsForOtherGame(pid: number, gameDir: string): boolean {
  let argv: string[];
  try {
    argv = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
  } catch {
    return false;
  }
  const at = argv.indexOf("--game");
  const dir = at < 0 ? undefined : argv[at + 1];
  if (dir === undefined || !path.isAbsolute(dir)) return false;
  return realDir(dir) !== realDir(gameDir);
}

/** Seconds of slack between a process's start (whole seconds of boot time) and its pid file's time. */
const START_SLACK_SECONDS = 2;

/**
 * True when process `pid` started after `file` was written (Linux; false where it
 * cannot tell): the pid was reused. Pid files are written by the process they name (or,
 * for the server, by its portal once it runs), so their own process is never younger.
 * Without this, after `kill -9` of a game (or a container restart, where pids start
 * over) an unrelated process with the old pid made `start` refuse to start the game and
 * `stop`/`reload` send it SIGTERM/SIGHUP. A process run with `--game` (a portal or a
 * server: every one of ours is) is never taken for another, whatever its start time
 * says (a wall clock set forward since would make it look younger).
 */
function startedAfter(pid: number, file: string): boolean {
  try {
    if (readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").includes("--game")) return false;
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // fields after the command name (in parentheses, which may hold spaces): the 22nd field, start time in ticks
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ticks = Number(fields[19]);
    const bootTime = Number(/^btime (\d+)$/m.exec(readFileSync("/proc/stat", "utf8"))?.[1]);
    if (!Number.isFinite(ticks) || !Number.isFinite(bootTime)) return false;
    // clock ticks per second: 100 on every Linux Node runs on (USER_HZ)
    const startedAt = bootTime + ticks / 100;
    return startedAt > statSync(file).mtimeMs / 1000 + START_SLACK_SECONDS;
  } catch {
    return false;
  }
}

/** Delete a file if it is there. */
export function removeFile(file: string): void {
  rmSync(file, { force: true });
}

/** How a stale pid file is described to the user. */
export function describeStale(file: string, pid: number | null): string {
  return pid === null ? `${file} holds no valid pid` : `${file} names pid ${pid}, which is not running`;
}
