/**
 * Finding the game folder a command works on (`--game DIR` or the current directory)
 * and refusing folders that are not games.
 */
import path from "node:path";
import { isGameDir } from "../conf/settings.ts";
import { EvenniaError } from "../utils/errors.ts";

/** The game folder named by `--game`, or the current directory (absolute). */
export function resolveGameDir(gameOption: string | undefined, cwd: string = process.cwd()): string {
  return path.resolve(cwd, gameOption ?? ".");
}

/** Throw EV_ERR_NOT_GAME_DIR, saying how to make one, unless `dir` is a game folder. */
export function requireGameDir(dir: string): void {
  if (isGameDir(dir)) return;
  throw new EvenniaError(
    "EV_ERR_NOT_GAME_DIR",
    `${dir} is not a game folder (it has no server/conf/settings.ts).\n` +
      `Run this command inside a game folder or pass --game DIR; create a new game with "npx evennia-ts init <dir>".`,
  );
}
