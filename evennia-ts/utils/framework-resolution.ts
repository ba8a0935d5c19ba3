/**
 * One framework per process: the portal and the server register a resolve hook
 * (`framework-resolve-hook.ts`) so that game code's `import ... from "evennia-ts"`
 * lands in the very modules the process already runs (shared registries of
 * typeclasses, cmdsets, inputfuncs), whether the game folder has the framework in
 * its `node_modules`, links it (`npm link`, `file:`), or has no `node_modules` at all.
 *
 * A process running the compiled framework (`dist/<fingerprint>/`, see
 * `framework-build.ts`) was started without the `tsx` loader: it compiles the game's
 * code too (`game-code-build.ts`, its `evennia-ts` imports pointing at the build) and
 * needs no loader; when that fails it registers `tsx` here, after its own modules are
 * loaded, so only the game's TypeScript goes through it, and the hook maps
 * `evennia-ts` to the build's `index.js` (and `evennia-ts/testing` to its
 * `testing.js`) instead of the package's `.ts` exports.
 */
import { register } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { FrameworkHookData } from "./framework-resolve-hook.ts";
import { frameworkRoot, runningBuildDir } from "./framework-root.ts";
import { tsxLoaderUrl } from "./node-command.ts";
import type { Logger } from "./logger.ts";
import { buildEntryFile } from "./framework-build.ts";
import { buildGameCode, type FrameworkUrls, type GameCodeBuild } from "./game-code-build.ts";
import { childGameCompiler } from "./game-compiler-child.ts";
import { setGameLoaderFallback, useCompiledGameCode } from "./game-modules.ts";

let registered = false;

/** How a process loads the game's code (what {@link useRunningFramework} set up). */
export type GameCodeLoading =
  | { kind: "source" }
  | { kind: "compiled"; build: GameCodeBuild }
  | { kind: "tsx"; reason: string };

/** Register the `tsx` loader (for game TypeScript) and the resolve hook for `evennia-ts`. */
async function registerLoaders(): Promise<void> {
  if (registered) return;
  registered = true;
  if (runningBuildDir !== null) await import(tsxLoaderUrl());
  const data: FrameworkHookData = {
    packageJsonUrl: pathToFileURL(path.join(frameworkRoot, "package.json")).href,
    buildUrl: runningBuildDir === null ? undefined : pathToFileURL(runningBuildDir + path.sep).href,
  };
  const hook = runningBuildDir === null ? new URL("./framework-resolve-hook.ts", import.meta.url) : pathToFileURL(path.join(runningBuildDir, "framework-resolve-hook.js"));
  register(hook.href, { data });
}

/** Where game code's `evennia-ts` imports point for the framework compiled into `buildDir`. */
function frameworkUrls(buildDir: string): FrameworkUrls {
  return { index: pathToFileURL(buildEntryFile(buildDir, "index")).href, testing: pathToFileURL(buildEntryFile(buildDir, "testing")).href };
}

/**
 * Compile the game's code for the framework compiled into `buildDir` (nothing is
 * compiled when its mirror is up to date). `evennia-ts start` calls it before it
 * starts the portal, so that the long-lived processes find the mirror ready.
 */
export function compileGameCode(gameDir: string, buildDir: string): Promise<GameCodeBuild> {
  return buildGameCode(gameDir, frameworkUrls(buildDir));
}

/**
 * Make the game's code loadable in this process, with its `import "evennia-ts"`
 * landing in the framework this process runs. Call it before any game module is
 * imported.
 *
 * Running from source (under tsx): registers the resolve hook. Running the compiled
 * framework with `gameDir`: compiles the game's code into its mirror
 * (`game-code-build.ts`; in a child process, and only when it changed) and imports
 * game files from there, with no loader at all;
 * if that fails (the reason is returned), registers tsx and the hook as from source,
 * so the game's code loads — or fails to, with the usual report — through tsx.
 */
export async function useRunningFramework(gameDir?: string): Promise<GameCodeLoading> {
  if (runningBuildDir === null) {
    await registerLoaders();
    return { kind: "source" };
  }
  if (gameDir !== undefined) {
    try {
      const build = await buildGameCode(gameDir, frameworkUrls(runningBuildDir), { compiler: childGameCompiler(runningBuildDir) });
      useCompiledGameCode(build);
      setGameLoaderFallback(registerLoaders);
      return { kind: "compiled", build };
    } catch (err) {
      await registerLoaders();
      return { kind: "tsx", reason: (err instanceof Error ? err.message : String(err)).split("\n")[0]! };
    }
  }
  await registerLoaders();
  return { kind: "tsx", reason: "no game folder given" };
}

/** Log how the game's code loads: compiled (debug), or through tsx because compiling it failed (a warning). */
export function logGameCodeLoading(log: Pick<Logger, "debug" | "warn">, loading: GameCodeLoading): void {
  if (loading.kind === "compiled") {
    const { files, compiled, ms } = loading.build;
    log.debug(compiled ? `game code compiled: ${files.size} file(s) in ${Math.round(ms)} ms` : `game code up to date: ${files.size} file(s), checked in ${Math.round(ms)} ms`);
  } else if (loading.kind === "tsx") log.warn(`loading the game's code through tsx: ${loading.reason}`);
}
