/**
 * A module resolve hook (run by Node in its loader thread, see
 * `framework-resolution.ts`): every `import ... from "evennia-ts"` or
 * `"evennia-ts/<subpath>"`, from game code or from a package the game uses,
 * resolves to the framework that runs the process, through that package's own
 * `exports`. A game folder therefore never loads a second copy of the framework
 * with registries of its own, whatever its `node_modules` holds.
 */

/** What {@link initialize} is given: where the running framework is. */
export interface FrameworkHookData {
  /** URL of the running framework's `package.json`. */
  packageJsonUrl: string;
  /** URL (ending in `/`) of the compiled build the process runs, when it runs one. */
  buildUrl?: string;
}

/** The compiled build's file for each specifier the package exports (see `framework-build.ts`). */
const BUILD_FILES: Record<string, string> = { "evennia-ts": "index.js", "evennia-ts/testing": "testing.js" };

/** The minimal shapes of Node's resolve hook arguments used here. */
interface ResolveContext {
  parentURL?: string;
  conditions?: string[];
  importAttributes?: Record<string, string>;
}
type NextResolve = (specifier: string, context?: ResolveContext) => Promise<unknown>;

let frameworkPackageJsonUrl: string | undefined;
let buildUrl: string | undefined;

/** Called by Node once, with the data given to `module.register`. */
export function initialize(data: FrameworkHookData): void {
  frameworkPackageJsonUrl = data.packageJsonUrl;
  buildUrl = data.buildUrl;
}

/** True for the package's own name and its subpaths. */
export function isFrameworkSpecifier(specifier: string): boolean {
  return specifier === "evennia-ts" || specifier.startsWith("evennia-ts/");
}

/** Resolve the framework's name as a self-reference from the running framework's root. */
export async function resolve(specifier: string, context: ResolveContext, nextResolve: NextResolve): Promise<unknown> {
  const built = buildUrl === undefined ? undefined : BUILD_FILES[specifier];
  if (built !== undefined) return { url: new URL(built, buildUrl).href, format: "module", shortCircuit: true };
  if (frameworkPackageJsonUrl !== undefined && isFrameworkSpecifier(specifier)) {
    return nextResolve(specifier, { ...context, parentURL: frameworkPackageJsonUrl });
  }
  return nextResolve(specifier, context);
}
