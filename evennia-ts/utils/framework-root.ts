/**
 * Where the running framework lives. The same code runs from its TypeScript sources
 * (`evennia-ts/**.ts`, through `tsx`) or compiled ahead of time into
 * `dist/<fingerprint>/` (see `framework-build.ts`), so paths are never computed
 * relative to the current module: they start from the package root, found by walking
 * up to the `package.json` named `evennia-ts`.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The folder holding the framework's `package.json`. */
function findPackageRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, "package.json");
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, "utf8")) as { name?: unknown }).name === "evennia-ts") return dir;
      } catch {
        // not ours (or unreadable): keep walking up
      }
    }
    if (path.dirname(dir) === dir) return path.resolve(start, "..", ".."); // the source layout, as a last resort
  }
}

/** The root of the evennia-ts package (the folder holding its `package.json`). */
export const frameworkRoot: string = findPackageRoot(path.dirname(fileURLToPath(import.meta.url)));

/** The framework's TypeScript sources (`<root>/evennia-ts`), also home of its web assets. */
export const frameworkSourceDir: string = path.join(frameworkRoot, "evennia-ts");

/** True when this process runs the compiled framework (`dist/`), false when it runs the `.ts` sources. */
export const runningCompiled: boolean = !import.meta.url.endsWith(".ts");

/** The folder of the compiled build this process runs, or null when it runs the sources. */
export const runningBuildDir: string | null = runningCompiled ? path.dirname(fileURLToPath(import.meta.url)) : null;
