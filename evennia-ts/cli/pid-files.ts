/**
 * Pid files: reading them, telling a live process from a stale file, cleaning up.
 */
import { readFileSync, rmSync, statSync } from "node:fs";
import { isProcessAlive } from "../utils/process-alive.ts";

export { isProcessAlive };

/** What a pid file says about its process. */
export type PidFileState =
  | { kind: "missing" }
  | { kind: "alive"; pid: number }
  /** The file exists but its process is gone (`pid` is null when the file holds no valid pid). */
  | { kind: "stale"; pid: number | null };

/** The pid in `file`, or null when the file is missing or holds no positive integer. */
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
  return Number.isSafeInteger(pid) && pid > 0 ? pid : null;
}

/** Inspect a pid file: missing, naming a live process, or stale. */
export function inspectPidFile(file: string): PidFileState {
  let exists = true;
  try {
    readFileSync(file);
  } catch {
    exists = false;
  }
  if (!exists) return { kind: "missing" };
  const pid = readPidFile(file);
  if (pid !== null && isProcessAlive(pid) && !startedAfter(pid, file)) return { kind: "alive", pid };
  return { kind: "stale", pid };
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
