/**
 * One framework per process: the portal and the server register a resolve hook
 * (`framework-resolve-hook.ts`) so that game code's `import ... from "evennia-ts"`
 * lands in the very modules the process already runs (shared registries of
 * typeclasses, cmdsets, inputfuncs), whether the game folder has the framework in
 * its `node_modules`, links it (`npm link`, `file:`), or has no `node_modules` at all.
 *
 * A process running the compiled framework (`dist/<fingerprint>/`, see
 * `framework-build.ts`) was started without the `tsx` loader: it registers `tsx` here,
 * after its own modules are loaded, so only the game's TypeScript goes through it, and
 * the hook maps `evennia-ts` to the build's `index.js` (and `evennia-ts/testing` to its
 * `testing.js`) instead of the package's `.ts` exports.
 */
import { register } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { FrameworkHookData } from "./framework-resolve-hook.ts";
import { frameworkRoot, runningBuildDir } from "./framework-root.ts";
import { tsxLoaderUrl } from "./node-command.ts";

export { frameworkRoot } from "./framework-root.ts";

let registered = false;

/**
 * Register the resolve hook once for this process (and, when it runs the compiled
 * framework, the `tsx` loader for game code); later imports of `evennia-ts` resolve
 * to the framework this process runs. Call it before any game module is imported.
 */
export async function useRunningFramework(): Promise<void> {
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
