/**
 * Loading a game's code into the server: every module in the game folder's
 * `typeclasses/`, `commands/` and `world/` folders, and `server/conf/` (but the
 * settings), plus `settings.gameModules`. Modules register their typeclasses,
 * cmdsets and inputfuncs as they load. A module that fails to load is logged with
 * its trace; the server carries on (rows of a broken typeclass load as the
 * default class).
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { Settings } from "../conf/settings.ts";
import { registerLockFunc, type LockFunc } from "../locks/lock-func-registry.ts";
import { getLogger } from "../utils/logger.ts";

const log = getLogger("game-loader");
const FOLDERS = ["typeclasses", "commands", "server/conf"];
const SKIP = new Set(["settings.ts"]);

/** What a game module may export for the server. */
export interface GameModuleExports {
  /** `server/conf/connection-screen.ts`: the connection screen. */
  default?: unknown;
}

/** Result of loading a game's code. */
export interface LoadedGame {
  modules: string[];
  failures: { file: string; error: Error }[];
  connectionScreen?: string | (() => string);
}

function moduleFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) out.push(...moduleFiles(full));
    else if (/\.(ts|js|mjs)$/.test(name) && !name.endsWith(".d.ts") && !name.endsWith(".test.ts") && !SKIP.has(name)) out.push(full);
  }
  return out;
}

/** Every exported function of a lock-function module becomes a lock function under its export name. */
function registerModuleLockFuncs(mod: Record<string, unknown>, where: string): void {
  const names: string[] = [];
  for (const [name, value] of Object.entries(mod)) {
    if (name === "default" || typeof value !== "function") continue;
    registerLockFunc(name, value as LockFunc);
    names.push(name);
  }
  log.info(`lock functions from ${where}: ${names.join(", ") || "(none)"}`);
}

/** Import the game's modules. */
export async function loadGameCode(settings: Settings): Promise<LoadedGame> {
  const result: LoadedGame = { modules: [], failures: [] };
  const lockFuncModules = new Set(settings.lockFuncModules.map((m) => path.resolve(settings.gameDir, m)));
  const files = [
    ...new Set([
      ...FOLDERS.flatMap((f) => moduleFiles(path.join(settings.gameDir, f))),
      ...settings.gameModules.map((m) => path.resolve(settings.gameDir, m)),
      ...[...lockFuncModules].filter((f) => existsSync(f)),
    ]),
  ];
  for (const file of files) {
    try {
      const mod = (await import(pathToFileURL(file).href)) as GameModuleExports;
      if (lockFuncModules.has(file)) registerModuleLockFuncs(mod as Record<string, unknown>, path.relative(settings.gameDir, file));
      result.modules.push(file);
      if (path.basename(file).startsWith("connection-screen") && (typeof mod.default === "string" || typeof mod.default === "function")) {
        result.connectionScreen = mod.default as string | (() => string);
      }
    } catch (err) {
      log.error(`could not load game module ${path.relative(settings.gameDir, file)}`, err);
      result.failures.push({ file, error: err as Error });
    }
  }
  log.info(`loaded ${result.modules.length} game module(s)${result.failures.length ? `, ${result.failures.length} failed` : ""}`);
  return result;
}
