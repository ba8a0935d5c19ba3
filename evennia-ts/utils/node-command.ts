/**
 * Building the command line that runs an entry point in a new Node process: a
 * TypeScript file with the `tsx` loader, a compiled one as it is. The loader is resolved from this package (not from the
 * current directory), so a game folder may live anywhere.
 */
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

let cachedLoaderUrl: string | undefined;

/** The file URL of the `tsx` loader (for `node --import <url>`), resolved from this package. */
export function tsxLoaderUrl(): string {
  if (cachedLoaderUrl === undefined) {
    const require = createRequire(import.meta.url);
    cachedLoaderUrl = pathToFileURL(require.resolve("tsx")).href;
  }
  return cachedLoaderUrl;
}

/**
 * Arguments for `spawn(process.execPath, tsxNodeArgs(entry, args))`: run the TypeScript
 * file `entry` (an absolute path) with the tsx loader, passing it `args`.
 */
export function tsxNodeArgs(entry: string, args: string[]): string[] {
  return ["--import", tsxLoaderUrl(), entry, ...args];
}

/**
 * Arguments to run `entry` in a new Node process: a `.ts` file through the tsx
 * loader ({@link tsxNodeArgs}), a compiled `.js` file (see `framework-build.ts`) as it is.
 */
export function nodeScriptArgs(entry: string, args: string[]): string[] {
  return entry.endsWith(".ts") ? tsxNodeArgs(entry, args) : [entry, ...args];
}

/**
 * The environment variable `evennia-ts start --cpu-prof DIR` sets: the portal and
 * each server it starts then run with node's CPU profiler, writing into DIR.
 */
export const CPU_PROFILE_DIR_ENV = "EVENNIA_CPU_PROF_DIR";

/**
 * Node options that profile a process's CPU until it exits, writing
 * `<role>-<time>-<n>.cpuprofile` into `dir` (open it in Chrome DevTools or
 * speedscope); none when `dir` is empty or undefined. The profile is written when
 * the process exits normally (a stop or reload), not when it is killed.
 */
export function cpuProfileNodeArgs(dir: string | undefined, role: string): string[] {
  if (!dir) return [];
  const stamp = new Date().toISOString().replace(/[-:]/g, "").replace(/\..*/, "");
  return ["--cpu-prof", "--cpu-prof-dir", dir, "--cpu-prof-name", `${role}-${stamp}-${++profileCount}.cpuprofile`];
}

let profileCount = 0;
