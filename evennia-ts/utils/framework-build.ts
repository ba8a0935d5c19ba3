/**
 * The framework compiled ahead of time. Running the portal and the server through
 * `tsx` transforms every framework module at every start (and a `reload` starts the
 * server again): about 1.4 s of CPU and 50 MB of memory per process (`npm run
 * bench:tsx-cost`, docs/perf.md). So `evennia-ts start` and the portal compile the
 * framework once with esbuild into `dist/<fingerprint>/` and run that; only the game's
 * own TypeScript goes through `tsx` (see `framework-resolution.ts`).
 *
 * The fingerprint hashes every `.ts` source file of the framework (path and content)
 * with the esbuild version: a changed source gives a new build on the next start or
 * reload, as running from source would. Builds are written to a temporary folder and
 * renamed into place, so processes starting together never see a half-written one;
 * the three most recently used are kept. `EVENNIA_TS_COMPILE=0` turns all of this
 * off (everything runs from source through `tsx`, as in development with source
 * maps); when the package folder cannot be written or esbuild fails, the framework
 * runs from source too, and the reason is given to the caller.
 */
import { createHash, randomBytes } from "node:crypto";
import { readdir, readFile, rename, rm, stat, utimes, mkdir, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { frameworkRoot, frameworkSourceDir } from "./framework-root.ts";
import { withEsbuild } from "./esbuild-service.ts";

/** The compiled framework's entry points: output name → source file under `evennia-ts/`. */
export const BUILD_ENTRIES = {
  /** What `import ... from "evennia-ts"` gives game code. */
  index: "index.ts",
  /** What `import ... from "evennia-ts/testing"` gives. */
  testing: "testing/index.ts",
  "server-main": "server/main.ts",
  "portal-main": "portal/main.ts",
  "portal-supervisor": "cli/portal-supervisor.ts",
  /** Runs in Node's loader thread: a file of its own. */
  "framework-resolve-hook": "utils/framework-resolve-hook.ts",
  /** Compiles the game's code in a child process of the portal or the server. */
  "game-compiler": "utils/game-compiler-main.ts",
} as const;

/** One of {@link BUILD_ENTRIES}. */
export type BuildEntry = keyof typeof BUILD_ENTRIES;

/** The environment variable that turns compiling off (`0`). */
export const COMPILE_ENV = "EVENNIA_TS_COMPILE";

/** Bump when the build's layout or options change, so old builds are not reused. */
const BUILD_FORMAT = 2;

/** How many builds `dist/` keeps (the most recently used). */
const BUILDS_KEPT = 3;

/** Where builds go by default. */
export const defaultBuildsDir: string = path.join(frameworkRoot, "dist");

/** Options of {@link ensureFrameworkBuild}. */
export interface BuildOptions {
  /** The environment to read {@link COMPILE_ENV} from (default: this process's). */
  env?: NodeJS.ProcessEnv;
  /** Where builds go (default {@link defaultBuildsDir}; the build must stay inside the package for its imports to resolve). */
  buildsDir?: string;
}

/** A compiled framework ready to run. */
export interface FrameworkBuild {
  /** Its folder, `dist/<fingerprint>`. */
  dir: string;
  /** True when this call compiled it (false: it was there already). */
  built: boolean;
  /** How long this call took, ms. */
  ms: number;
}

/** What {@link ensureFrameworkBuild} gives: a build, or why the framework runs from source. */
export type FrameworkBuildResult = { ok: true; build: FrameworkBuild } | { ok: false; reason: string };

/** The file of `entry` in the build at `dir`. */
export function buildEntryFile(dir: string, entry: BuildEntry): string {
  return path.join(dir, `${entry}.js`);
}

/** True unless `EVENNIA_TS_COMPILE=0` (or `false`, `no`, `off`). */
export function compilingEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = (env[COMPILE_ENV] ?? "").trim().toLowerCase();
  return !["0", "false", "no", "off"].includes(value);
}

/** Every `.ts` file under `dir`, as paths relative to it, sorted. */
async function sourceFiles(dir: string, prefix = ""): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(path.join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...(await sourceFiles(dir, rel)));
    else if (entry.name.endsWith(".ts")) out.push(rel);
  }
  return out.sort();
}

/** The esbuild version this package resolves (part of the fingerprint). */
function esbuildVersion(): string {
  try {
    const require = createRequire(path.join(frameworkRoot, "package.json"));
    return (require("esbuild/package.json") as { version: string }).version;
  } catch {
    return "none";
  }
}

/** A hash of the framework's sources (paths and contents of the `.ts` files under `sourceDir`), the esbuild version and the build format. */
export async function sourceFingerprint(sourceDir: string = frameworkSourceDir): Promise<string> {
  const hash = createHash("sha256");
  hash.update(`format ${BUILD_FORMAT} esbuild ${esbuildVersion()} node ${process.versions.node.split(".")[0]}\0`);
  for (const file of await sourceFiles(sourceDir)) {
    hash.update(file);
    hash.update("\0");
    hash.update(await readFile(path.join(sourceDir, file)));
    hash.update("\0");
  }
  return hash.digest("hex").slice(0, 16);
}

/** True when `dir` exists. */
async function exists(dir: string): Promise<boolean> {
  try {
    await stat(dir);
    return true;
  } catch {
    return false;
  }
}

/** Compile the framework into `outDir` with esbuild. */
async function compile(outDir: string): Promise<void> {
  const entryPoints = Object.fromEntries(Object.entries(BUILD_ENTRIES).map(([name, file]) => [name, path.join(frameworkSourceDir, file)]));
  await withEsbuild((esbuild) =>
    esbuild.build({
      entryPoints,
      outdir: outDir,
      bundle: true,
      splitting: true,
      format: "esm",
      platform: "node",
      target: "node20",
      // dependencies stay imports, resolved from the package's node_modules as before
      packages: "external",
      entryNames: "[name]",
      chunkNames: "chunk-[hash]",
      // class and function names are part of the API (typeclass paths, error stacks)
      keepNames: true,
      // maps beside the files, for `node --enable-source-maps` when chasing a stack trace
      sourcemap: "linked",
      legalComments: "none",
      logLevel: "silent",
    }),
  );
  await keepAscii(outDir);
}

/**
 * Make the compiled files pure ASCII. V8 keeps each module's source in memory (for
 * lazy compilation and `Function.prototype.toString`) and stores a source with one
 * character beyond Latin-1 in two bytes a character: esbuild escapes such characters in
 * code, but keeps the comments it preserves (field docs) as written, so one `→` in a
 * comment doubled the 0.9 MB framework chunk to 1.8 MiB in every process. In comment
 * lines they become `?` — one per UTF-16 unit, so the source maps' columns still hold.
 */
async function keepAscii(outDir: string): Promise<void> {
  for (const name of await readdir(outDir)) {
    if (!name.endsWith(".js")) continue;
    const file = path.join(outDir, name);
    const text = await readFile(file, "utf8");
    // eslint-disable-next-line no-control-regex
    if (!/[^\x00-\x7f]/.test(text)) continue;
    // only in comment lines: code keeps what it says (esbuild escaped it already)
    // eslint-disable-next-line no-control-regex
    await writeFile(file, text.replace(/^[ \t]*(?:\*|\/\*|\/\/).*$/gm, (line) => line.replace(/[^\x00-\x7f]/g, "?")));
  }
}

/** Keep the {@link BUILDS_KEPT} most recently used builds; remove older ones and stale temporary folders. */
async function pruneBuilds(buildsDir: string, current: string): Promise<void> {
  let names: string[];
  try {
    names = await readdir(buildsDir);
  } catch {
    return;
  }
  const dated: { dir: string; mtime: number }[] = [];
  for (const name of names) {
    const dir = path.join(buildsDir, name);
    const mtime = (await stat(dir).catch(() => null))?.mtimeMs;
    if (mtime === undefined) continue;
    // a temporary folder older than an hour was left by a build that died
    if (name.startsWith(".tmp-")) {
      if (Date.now() - mtime > 3_600_000) await rm(dir, { recursive: true, force: true });
      continue;
    }
    if (dir !== current) dated.push({ dir, mtime });
  }
  dated.sort((a, b) => b.mtime - a.mtime);
  for (const old of dated.slice(BUILDS_KEPT - 1)) await rm(old.dir, { recursive: true, force: true });
}

/**
 * The compiled framework for the current sources: reused when `dist/` has it,
 * compiled (a second or two) when not. Never throws: when compiling is off or
 * impossible the result says why, and the caller runs the sources through `tsx`.
 */
export async function ensureFrameworkBuild(options: BuildOptions = {}): Promise<FrameworkBuildResult> {
  const env = options.env ?? process.env;
  const buildsDir = options.buildsDir ?? defaultBuildsDir;
  if (!compilingEnabled(env)) return { ok: false, reason: `${COMPILE_ENV}=${env[COMPILE_ENV]}` };
  const started = performance.now();
  try {
    const dir = path.join(buildsDir, await sourceFingerprint());
    if (await exists(dir)) {
      const now = new Date();
      await utimes(dir, now, now).catch(() => undefined); // most recently used: kept by the pruning
      return { ok: true, build: { dir, built: false, ms: performance.now() - started } };
    }
    await mkdir(buildsDir, { recursive: true });
    const tmp = path.join(buildsDir, `.tmp-${process.pid}-${randomBytes(4).toString("hex")}`);
    try {
      await compile(tmp);
      await rename(tmp, dir);
    } catch (err) {
      await rm(tmp, { recursive: true, force: true });
      // another process finished the same build first: use theirs
      if (!(await exists(dir))) throw err;
    }
    await pruneBuilds(buildsDir, dir);
    return { ok: true, build: { dir, built: true, ms: performance.now() - started } };
  } catch (err) {
    const message = err instanceof Error ? err.message.split("\n")[0] : String(err);
    return { ok: false, reason: `could not compile the framework into ${buildsDir}: ${message}` };
  }
}
