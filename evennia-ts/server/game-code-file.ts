/**
 * `server/logs/game-code.json`: what the last server started for a game folder
 * found when it loaded the game's code (modules loaded, problems), written by the
 * server process and read by `evennia-ts status`. A missing or malformed file
 * reads as null.
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { GameCodeProblem, GameCodeReport } from "./game-code-check.ts";

/** The file's contents. */
export interface GameCodeFile extends GameCodeReport {
  /** Pid of the server that wrote it. */
  serverPid: number;
  /** When, as an ISO date. */
  at: string;
}

/** The path of the report file of the game in `gameDir`. */
export function gameCodeFilePath(gameDir: string): string {
  return path.join(path.resolve(gameDir), "server", "logs", "game-code.json");
}

/** Write the report of this process's server (best effort: a read-only folder only loses the report). */
export function writeGameCodeFile(gameDir: string, report: GameCodeReport): void {
  const body: GameCodeFile = { ...report, serverPid: process.pid, at: new Date().toISOString() };
  try {
    writeFileSync(gameCodeFilePath(gameDir), JSON.stringify(body, null, 2) + "\n");
  } catch {
    // the server log has the same facts
  }
}

function isProblem(v: unknown): v is GameCodeProblem {
  const p = v as Record<string, unknown> | null;
  return typeof p === "object" && p !== null && typeof p.where === "string" && typeof p.error === "string" && typeof p.hint === "string";
}

/** Read the report file of `gameDir`; null when it is missing or not valid. */
export function readGameCodeFile(gameDir: string): GameCodeFile | null {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(gameCodeFilePath(gameDir), "utf8"));
  } catch {
    return null;
  }
  const v = raw as Record<string, unknown> | null;
  if (typeof v !== "object" || v === null) return null;
  if (typeof v.serverPid !== "number" || typeof v.at !== "string") return null;
  if (!Array.isArray(v.loaded) || !v.loaded.every((m) => typeof m === "string")) return null;
  if (!Array.isArray(v.problems) || !v.problems.every(isProblem)) return null;
  return raw as GameCodeFile;
}
