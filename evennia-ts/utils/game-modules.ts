/**
 * The one way the framework imports a module of the game (its settings, `gameModules`,
 * lock functions, prototypes, web routes, menus, batch-code files). In a process
 * running the compiled framework with the game compiled too (`game-code-build.ts`),
 * a game file is imported from its compiled twin, and a `.ts` file in the game folder
 * that was not compiled at start (added since, a batch-code block) is compiled alone
 * when imported. Running from source, or for a file outside the game folder, the file
 * itself is imported, through the tsx loader, registered on first need.
 */
import path from "node:path";
import { pathToFileURL } from "node:url";
import { rm } from "node:fs/promises";
import { compiledPathOf, compileGameFile, type GameCodeBuild } from "./game-code-build.ts";

let compiled: GameCodeBuild | null = null;
let loaderFallback: (() => Promise<void>) | null = null;

/** Import game files from `build` from now on. */
export function useCompiledGameCode(build: GameCodeBuild): void {
  compiled = build;
}

/** What to call, once, before importing a `.ts` file that has no compiled twin (registers tsx). */
export function setGameLoaderFallback(register: () => Promise<void>): void {
  loaderFallback = register;
}

/** Import the game module at `file` (an absolute path, or relative to the current folder). */
export async function importGameModule(file: string): Promise<unknown> {
  const abs = path.resolve(file);
  if (compiled !== null && compiled.files.has(abs)) return import(pathToFileURL(compiledPathOf(compiled, abs)).href);
  if (compiled !== null && /\.m?ts$/.test(abs) && !path.relative(compiled.gameDir, abs).startsWith("..")) {
    // not compiled at start: compile it alone now (Node keeps the module; the twin is not needed after)
    const twin = await compileGameFile(compiled, abs);
    try {
      return await import(pathToFileURL(twin).href);
    } finally {
      await Promise.all([rm(twin, { force: true }), rm(`${twin}.map`, { force: true })]);
    }
  }
  if (loaderFallback !== null) {
    const register = loaderFallback;
    loaderFallback = null;
    await register();
  }
  return import(pathToFileURL(abs).href);
}
