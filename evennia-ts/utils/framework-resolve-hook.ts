/**
 * A module resolve hook (run by Node in its loader thread, see
 * `framework-resolution.ts`): every `import ... from "evennia-ts"` or
 * `"evennia-ts/<subpath>"`, from game code or from a package the game uses,
 * resolves to the framework that runs the process, through that package's own
 * `exports`. A game folder therefore never loads a second copy of the framework
 * with registries of its own, whatever its `node_modules` holds.
 */

/** What {@link initialize} is given: the URL of the running framework's `package.json`. */
export interface FrameworkHookData {
  packageJsonUrl: string;
}

/** The minimal shapes of Node's resolve hook arguments used here. */
interface ResolveContext {
  parentURL?: string;
  conditions?: string[];
  importAttributes?: Record<string, string>;
}
type NextResolve = (specifier: string, context?: ResolveContext) => Promise<unknown>;

let frameworkPackageJsonUrl: string | undefined;

/** Called by Node once, with the data given to `module.register`. */
export function initialize(data: FrameworkHookData): void {
  frameworkPackageJsonUrl = data.packageJsonUrl;
}

/** True for the package's own name and its subpaths. */
export function isFrameworkSpecifier(specifier: string): boolean {
  return specifier === "evennia-ts" || specifier.startsWith("evennia-ts/");
}

/** Resolve the framework's name as a self-reference from the running framework's root. */
export async function resolve(specifier: string, context: ResolveContext, nextResolve: NextResolve): Promise<unknown> {
  if (frameworkPackageJsonUrl !== undefined && isFrameworkSpecifier(specifier)) {
    return nextResolve(specifier, { ...context, parentURL: frameworkPackageJsonUrl });
  }
  return nextResolve(specifier, context);
}
