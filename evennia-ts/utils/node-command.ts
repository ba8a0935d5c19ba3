/**
 * Building the command line that runs a TypeScript entry point in a new Node process
 * with the `tsx` loader. The loader is resolved from this package (not from the
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
