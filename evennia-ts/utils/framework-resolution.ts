/**
 * One framework per process: the portal and the server register a resolve hook
 * (`framework-resolve-hook.ts`) so that game code's `import ... from "evennia-ts"`
 * lands in the very modules the process already runs (shared registries of
 * typeclasses, cmdsets, inputfuncs), whether the game folder has the framework in
 * its `node_modules`, links it (`npm link`, `file:`), or has no `node_modules` at all.
 */
import { register } from "node:module";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { FrameworkHookData } from "./framework-resolve-hook.ts";

/** The root of the running framework package (the folder holding its `package.json`). */
export const frameworkRoot: string = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

let registered = false;

/**
 * Register the resolve hook once for this process; later imports of `evennia-ts`
 * resolve to {@link frameworkRoot}. Call it before any game module is imported.
 */
export function useRunningFramework(): void {
  if (registered) return;
  registered = true;
  const data: FrameworkHookData = { packageJsonUrl: pathToFileURL(path.join(frameworkRoot, "package.json")).href };
  register(new URL("./framework-resolve-hook.ts", import.meta.url).href, { data });
}
