/**
 * Loading a game's code into the server: every module in the game folder's
 * `typeclasses/`, `commands/` and `server/conf/` folders (but the settings), plus
 * `settings.gameModules` and the game's web routes (`web/urls.ts`). Modules register their typeclasses, cmdsets and
 * inputfuncs as they load. A module that fails to load is logged with its trace
 * and reported with a hint; the caller decides what a failure means (the server
 * refuses to start, see `game-code-check.ts`).
 */
import { EvenniaError } from "../utils/errors.ts";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import type { Settings } from "../conf/settings.ts";
import { registerLockFunc, type LockFunc } from "../locks/lock-func-registry.ts";
import { getLogger } from "../utils/logger.ts";
import { hooksFromModule, type LifecycleHooks } from "./lifecycle-hooks.ts";
import { gameWebModuleFile, gameWebModuleOf } from "../web/game-web-module.ts";
import { importGameModule } from "../utils/game-modules.ts";

const log = getLogger("game-loader");
const FOLDERS = ["typeclasses", "commands", "server/conf"];
const SKIP = new Set(["settings.ts"]);

/** What a game module may export for the server. */
export interface GameModuleExports {
  /** `server/conf/connection-screen.ts`: the connection screen. */
  default?: unknown;
}

/** A game module that could not be loaded. */
export interface GameModuleFailure {
  /** Absolute path of the module. */
  file: string;
  error: Error;
  /** What to do about it, in one sentence. */
  hint: string;
}

/** Result of loading a game's code. */
export interface LoadedGame {
  modules: string[];
  failures: GameModuleFailure[];
  connectionScreen?: string | (() => string);
  /** Hooks of `server/conf/at-server-startstop.ts` and `server/conf/at-initial-setup.ts`. */
  lifecycle?: LifecycleHooks;
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

/** The game modules the server loads, in load order (absolute paths); lock-function modules included. */
export function gameModuleFiles(settings: Settings): string[] {
  return [
    ...new Set([
      ...FOLDERS.flatMap((f) => moduleFiles(path.join(settings.gameDir, f))),
      ...settings.gameModules.map((m) => path.resolve(settings.gameDir, m)),
      ...lockFuncModuleFiles(settings).filter((f) => existsSync(f)),
      // prototype modules load at start too, so a broken one is reported then
      ...(settings.prototypeModules ?? []).map((m) => path.resolve(settings.gameDir, m)).filter((f) => existsSync(f)),
      // the game's web routes (web/urls.ts): a broken one is reported before a reload, like any module
      ...(gameWebModuleFile(settings.gameDir) ? [gameWebModuleFile(settings.gameDir)!] : []),
    ]),
  ];
}

function lockFuncModuleFiles(settings: Settings): string[] {
  return settings.lockFuncModules.map((m) => path.resolve(settings.gameDir, m));
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

/** A one-sentence hint for a module that failed to load with `error`. */
export function loadFailureHint(error: unknown): string {
  const err = error as { code?: unknown; name?: unknown; message?: unknown };
  const message = typeof err?.message === "string" ? err.message : String(error);
  const missing = /Cannot find (?:package|module) '([^']+)'/.exec(message)?.[1];
  if (err?.code === "ERR_MODULE_NOT_FOUND" || missing !== undefined) {
    if (missing && !missing.startsWith(".") && !path.isAbsolute(missing) && !missing.startsWith("file:")) {
      return `install the package "${missing}" in the game folder (npm install ${missing}), or fix the import.`;
    }
    return "fix the import path: relative imports name the file with its extension (\"./rooms.ts\").";
  }
  if (err?.name === "SyntaxError" || /Transform failed|Expected|Unexpected/.test(message)) {
    return "fix the syntax error at the place the message gives.";
  }
  if (err?.code === "EV_ERR_GAME_CODE") return "fix the module's exports as the message says.";
  if (/require is not defined|exports is not defined|Cannot use import statement/.test(message)) {
    return 'the game folder must be an ES module package: its package.json needs "type": "module".';
  }
  return "the module threw while it was loading; fix the error (its stack trace is in server/logs/server.log).";
}

/** Import the game's modules; failures are collected, not thrown. */
export async function loadGameCode(settings: Settings): Promise<LoadedGame> {
  const result: LoadedGame = { modules: [], failures: [], lifecycle: {} };
  const lockFuncModules = new Set(lockFuncModuleFiles(settings));
  const webModule = gameWebModuleFile(settings.gameDir);
  for (const file of gameModuleFiles(settings)) {
    try {
      const mod = (await importGameModule(file)) as GameModuleExports;
      if (file === webModule) gameWebModuleOf(mod); // its routes are added when the web app starts
      if (lockFuncModules.has(file)) registerModuleLockFuncs(mod as Record<string, unknown>, path.relative(settings.gameDir, file));
      result.modules.push(file);
      if (path.basename(file).startsWith("connection-screen") && (typeof mod.default === "string" || typeof mod.default === "function")) {
        result.connectionScreen = mod.default as string | (() => string);
      }
      const base = path.basename(file).replace(/\.(ts|js|mjs)$/, "");
      if (base === "at-server-startstop" || base === "at-initial-setup") {
        result.lifecycle = Object.assign(result.lifecycle ?? {}, hooksFromModule(mod as Record<string, unknown>, base === "at-initial-setup" ? "atInitialSetup" : undefined));
      }
    } catch (err) {
      log.error(`could not load game module ${path.relative(settings.gameDir, file)}`, err);
      const error = err instanceof Error ? err : new EvenniaError("EV_ERR_GAME_CODE", String(err));
      result.failures.push({ file, error, hint: loadFailureHint(err) });
    }
  }
  log.info(`loaded ${result.modules.length} game module(s)${result.failures.length ? `, ${result.failures.length} failed` : ""}`);
  return result;
}
