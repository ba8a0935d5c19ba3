/**
 * Pid files: reading them, telling a live process from a stale file, cleaning up.
 */
import { readFileSync, rmSync } from "node:fs";
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
  if (pid !== null && isProcessAlive(pid)) return { kind: "alive", pid };
  return { kind: "stale", pid };
}

/** Delete a file if it is there. */
export function removeFile(file: string): void {
  rmSync(file, { force: true });
}

/** How a stale pid file is described to the user. */
export function describeStale(file: string, pid: number | null): string {
  return pid === null ? `${file} holds no valid pid` : `${file} names pid ${pid}, which is not running`;
}
