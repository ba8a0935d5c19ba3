/**
 * The launcher lock, `<game>/server/logs/launcher.lock`: held by `start` from the
 * "is it running?" check until the portal is ready (or has failed), and by `stop`, so
 * that two launchers never both decide nothing runs and both start a game, and a `stop`
 * or `reload` during a `start` waits for it instead of finding nothing yet.
 *
 * The file is created whole (written under a temporary name, then hard-linked into
 * place, which fails when it exists) and holds the holder's pid, what it is doing and a
 * token. A lock whose holder is gone (a launcher killed with `kill -9`) or that holds
 * garbage is stale and taken over.
 */
import { randomBytes } from "node:crypto";
import { linkSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { EvenniaError } from "../utils/errors.ts";
import type { GamePaths } from "./paths.ts";
import { isOwnedProcess } from "./pid-files.ts";
import { waitUntil } from "./wait.ts";

/** What a launcher holding the lock does. */
export type LauncherAction = "start" | "stop";

/** Who holds a launcher lock. */
export interface LockHolder {
  pid: number;
  action: LauncherAction;
}

/** A lock this process holds. */
export interface LauncherLock {
  /** Give the lock up (only while the file is still this lock's). */
  release(): void;
}

interface LockContent extends LockHolder {
  token: string;
}

/** The lock file of a game. */
export function launcherLockFile(paths: GamePaths): string {
  return path.join(paths.logsDir, "launcher.lock");
}

function readLock(file: string): { content: LockContent | null; ino: number } | null {
  let text: string;
  let ino: number;
  try {
    ino = statSync(file).ino;
    text = readFileSync(file, "utf8");
  } catch {
    return null;
  }
  try {
    const value = JSON.parse(text) as Partial<LockContent>;
    const valid =
      Number.isSafeInteger(value.pid) && (value.action === "start" || value.action === "stop") && typeof value.token === "string";
    return { content: valid ? (value as LockContent) : null, ino };
  } catch {
    return { content: null, ino };
  }
}

/** The live holder of the game's launcher lock, or null when it is free or stale. */
export function launcherLockHolder(paths: GamePaths): LockHolder | null {
  const file = launcherLockFile(paths);
  const lock = readLock(file);
  if (lock?.content == null || !isOwnedProcess(lock.content.pid, file)) return null;
  return { pid: lock.content.pid, action: lock.content.action };
}

/** Take the lock now: the lock, or who holds it. */
export function tryLauncherLock(paths: GamePaths, action: LauncherAction): LauncherLock | LockHolder {
  const file = launcherLockFile(paths);
  const content: LockContent = { pid: process.pid, action, token: randomBytes(8).toString("hex") };
  const tmp = `${file}.${process.pid}.${content.token}.tmp`;
  try {
    writeFileSync(tmp, JSON.stringify(content) + "\n");
  } catch (err) {
    throw new EvenniaError("EV_ERR_CONFIG", `cannot write the launcher lock in ${paths.logsDir}: ${(err as Error).message}`);
  }
  try {
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        linkSync(tmp, file);
        return lockHandle(file, content.token);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      }
      const lock = readLock(file);
      if (lock === null) continue; // released meanwhile
      if (lock.content !== null && isOwnedProcess(lock.content.pid, file)) return { pid: lock.content.pid, action: lock.content.action };
      // stale: remove it unless another launcher replaced it meanwhile
      if (readLock(file)?.ino === lock.ino) rmSync(file, { force: true });
    }
    throw new EvenniaError("EV_ERR_ALREADY_RUNNING", `could not take the launcher lock ${file}: other launchers keep changing it; try again.`);
  } finally {
    rmSync(tmp, { force: true });
  }
}

/**
 * Take the lock, waiting up to `waitMs` for a launcher that holds it; throws
 * EV_ERR_ALREADY_RUNNING naming the holder when it is still held.
 */
export async function acquireLauncherLock(paths: GamePaths, action: LauncherAction, waitMs = 0): Promise<LauncherLock> {
  let result = tryLauncherLock(paths, action);
  if (!isLock(result) && waitMs > 0) {
    result = (await waitUntil(() => {
      const attempt = tryLauncherLock(paths, action);
      return isLock(attempt) ? attempt : undefined;
    }, { timeoutMs: waitMs, intervalMs: 100 })) ?? tryLauncherLock(paths, action);
  }
  if (isLock(result)) return result;
  throw new EvenniaError(
    "EV_ERR_ALREADY_RUNNING",
    `another launcher (pid ${result.pid}) is ${result.action === "start" ? "starting" : "stopping"} the game in ${paths.gameDir}; ` +
      `wait for it to finish, then try again (if no launcher runs, remove ${launcherLockFile(paths)}).`,
  );
}

/** Wait up to `timeoutMs` until no launcher holds the lock; true when it is free. */
export async function waitForLauncherLock(paths: GamePaths, timeoutMs: number): Promise<boolean> {
  return (await waitUntil(() => launcherLockHolder(paths) === null, { timeoutMs, intervalMs: 100 })) === true;
}

function isLock(value: LauncherLock | LockHolder): value is LauncherLock {
  return "release" in value;
}

function lockHandle(file: string, token: string): LauncherLock {
  let held = true;
  return {
    release(): void {
      if (!held) return;
      held = false;
      if (readLock(file)?.content?.token === token) rmSync(file, { force: true });
    },
  };
}
