/**
 * The game's TypeScript compiled at start, file by file, for a process that runs the
 * compiled framework. Loading the game through the `tsx` loader costs each process a
 * module-loader thread with tsx and esbuild in it: about 30 MB of memory (measured in
 * docs/perf.md), in the portal (for its settings) and in the server. Instead, each
 * `.ts` file of the game folder is compiled by esbuild into a mirror tree under
 * `server/.build/game/` (`world/rooms.ts` → `world/rooms.js`), with its imports
 * rewritten: a game file's import of another game file points at that file's mirror
 * (one module instance per file, as before), `evennia-ts` and `evennia-ts/testing` at
 * the running framework build, packages stay as they are (resolved from the game's
 * `node_modules`), and `import.meta.url`, `dirname` and `filename` keep naming the
 * `.ts` source, so a game module finding files beside itself still does.
 *
 * Files are written only when their output changed, each through a temporary file
 * renamed into place: the portal, the server and a reload's code check may compile
 * at the same time. When compiling fails (a syntax error, an import that does not
 * resolve), the caller loads the game through tsx instead, which reports the
 * problem exactly as before.
 *
 * A compile leaves a manifest beside the mirror (`build-manifest.json`): a hash of
 * every input (the sources, the folder's `package.json` and `tsconfig.json` files)
 * and of every file it wrote, with the framework it pointed at. When the inputs and
 * the mirror still match it, nothing is compiled: `evennia-ts start` compiles the
 * game before the portal starts, so the portal and the server, which live long, do
 * not load esbuild at all (about 4 MiB of memory each, measured in docs/perf.md).
 */
import { createHash } from "node:crypto";
import { mkdir, readdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { Plugin } from "esbuild";
import { withEsbuild } from "./esbuild-service.ts";

/** Where the mirror goes, under the game folder. */
export const GAME_BUILD_DIR = path.join("server", ".build", "game");

/** The manifest of the last compile, in the mirror's root. */
export const BUILD_MANIFEST = "build-manifest.json";

/** The manifest's layout; a different one is a manifest that does not match. */
const MANIFEST_FORMAT = 1;

/** Files beside the sources that change what esbuild makes of them (module type, TypeScript options). */
const CONFIG_FILES = new Set(["package.json", "tsconfig.json"]);

/** Folders of a game that hold no server code. */
const SKIPPED_DIRS = new Set(["node_modules", "tests", "logs", ".build"]);

/** A compiled game: which source files have a compiled twin, and where. */
export interface GameCodeBuild {
  /** The game folder (absolute). */
  gameDir: string;
  /** The mirror's root. */
  outDir: string;
  /** Absolute paths of the compiled `.ts` files. */
  files: ReadonlySet<string>;
  /** Where its `evennia-ts` imports point. */
  framework: FrameworkUrls;
  /** False when the mirror already matched the sources (nothing was compiled). */
  compiled: boolean;
  /** How long checking, compiling and writing took, ms. */
  ms: number;
}

/** Where the running framework's public modules are, for game code's `import "evennia-ts"`. */
export interface FrameworkUrls {
  /** URL of the build's `index.js`. */
  index: string;
  /** URL of the build's `testing.js`. */
  testing: string;
}

/** True for a game file the server may load: a `.ts` or `.mts` file that is not a test, a declaration or a tool's config. */
function isServerSource(name: string): boolean {
  if (!/\.m?ts$/.test(name) || name.endsWith(".d.ts")) return false;
  return !/\.(test|spec)\.m?ts$/.test(name) && !/\.config\.m?ts$/.test(name);
}

/** The files of a game folder a compile reads: its server sources, and the config files among them. */
interface GameInputs {
  /** Absolute paths of the server sources. */
  sources: string[];
  /** Absolute paths of the `package.json` and `tsconfig.json` files. */
  configs: string[];
}

/** Every server source file and config file of the game folder, absolute. */
async function gameInputs(dir: string, into: GameInputs = { sources: [], configs: [] }): Promise<GameInputs> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.name.startsWith(".")) continue;
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.has(entry.name)) await gameInputs(file, into);
    } else if (isServerSource(entry.name)) into.sources.push(file);
    else if (CONFIG_FILES.has(entry.name)) into.configs.push(file);
  }
  return into;
}

/** The mirror file of a source file. */
export function compiledPathOf(build: Pick<GameCodeBuild, "gameDir" | "outDir">, source: string): string {
  return path.join(build.outDir, path.relative(build.gameDir, source)).replace(/\.m?ts$/, ".js");
}

/** The game source an import names: the file itself, with `.ts` added, or its folder's `index.ts`. */
function sourceTarget(abs: string, sources: ReadonlySet<string>): string | undefined {
  for (const candidate of [abs, abs.replace(/\.m?js$/, ".ts"), abs.replace(/\.mjs$/, ".mts"), `${abs}.ts`, path.join(abs, "index.ts")]) {
    if (sources.has(candidate)) return candidate;
  }
  return undefined;
}

/** The esbuild plugin that keeps every game file its own module and points imports where they belong. */
function mirrorImports(gameDir: string, outDir: string, sources: ReadonlySet<string>, framework: FrameworkUrls, read: ReadonlyMap<string, string>): Plugin {
  return {
    name: "evennia-game-mirror",
    setup(build) {
      build.onResolve({ filter: /.*/ }, (args) => {
        if (args.kind === "entry-point") return undefined;
        if (args.path === "evennia-ts") return { path: framework.index, external: true };
        if (args.path === "evennia-ts/testing") return { path: framework.testing, external: true };
        const relative = args.path.startsWith("./") || args.path.startsWith("../") || path.isAbsolute(args.path);
        if (!relative) return { path: args.path, external: true }; // packages, node: builtins
        const abs = path.resolve(args.resolveDir, args.path);
        const target = sourceTarget(abs, sources);
        if (target === undefined) return { path: pathToFileURL(abs).href, external: true }; // JSON, plain JS: from where they are
        const from = path.dirname(compiledPathOf({ gameDir, outDir }, args.importer));
        let spec = path.relative(from, compiledPathOf({ gameDir, outDir }, target)).split(path.sep).join("/");
        if (!spec.startsWith(".")) spec = `./${spec}`;
        return { path: spec, external: true };
      });
      build.onLoad({ filter: /\.m?ts$/ }, async (args) => {
        const url = pathToFileURL(args.path).href;
        const contents = (read.get(args.path) ?? (await readFile(args.path, "utf8")))
          .replace(/\bimport\.meta\.url\b/g, JSON.stringify(url))
          .replace(/\bimport\.meta\.filename\b/g, JSON.stringify(args.path))
          .replace(/\bimport\.meta\.dirname\b/g, JSON.stringify(path.dirname(args.path)));
        return { contents, loader: "ts" };
      });
    },
  };
}

/** Write `data` to `file` unless it holds exactly that already; through a temporary file renamed into place. */
async function writeIfChanged(file: string, data: Uint8Array): Promise<void> {
  const current = await readFile(file).catch(() => null);
  if (current !== null && Buffer.compare(current, data) === 0) return;
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, data);
  await rename(tmp, file);
}

/** A sha256 of `data`, hex. */
function digest(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

/** What a compile was made from and what it wrote (the file {@link BUILD_MANIFEST}). */
interface BuildManifest {
  format: number;
  /** The game folder compiled (absolute: `import.meta.url` is written into the output). */
  root: string;
  framework: FrameworkUrls;
  /** Hash of each input, by its path relative to the game folder. */
  inputs: Record<string, string>;
  /** Hash of each file written, by its path relative to the mirror. */
  outputs: Record<string, string>;
}

/** The manifest in `outDir`, or null when there is none or it cannot be read. */
async function readManifest(outDir: string): Promise<BuildManifest | null> {
  try {
    const manifest = JSON.parse(await readFile(path.join(outDir, BUILD_MANIFEST), "utf8")) as BuildManifest | null;
    const isRecord = (v: unknown): boolean => typeof v === "object" && v !== null && !Array.isArray(v);
    return manifest?.format === MANIFEST_FORMAT && isRecord(manifest.inputs) && isRecord(manifest.outputs) && isRecord(manifest.framework) ? manifest : null;
  } catch {
    return null;
  }
}

/** True when two string records hold the same keys with the same values. */
function sameRecord(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key) && a[key] === b[key]);
}

/** True when `manifest` was made from exactly these inputs for this framework, and every file it wrote is still as written. */
async function mirrorMatches(manifest: BuildManifest, root: string, outDir: string, framework: FrameworkUrls, inputs: Record<string, string>): Promise<boolean> {
  if (manifest.root !== root || manifest.framework?.index !== framework.index || manifest.framework?.testing !== framework.testing) return false;
  if (!sameRecord(manifest.inputs, inputs)) return false;
  for (const [file, hash] of Object.entries(manifest.outputs)) {
    const abs = path.resolve(outDir, file);
    if (!abs.startsWith(outDir + path.sep)) return false; // a manifest naming a file outside the mirror is not ours
    const current = await readFile(abs).catch(() => null);
    if (current === null || digest(current) !== hash) return false;
  }
  return true;
}

/** The game's inputs as they are now: the sources, their contents, and the hash of each input by its path in the folder. */
async function readGameInputs(root: string): Promise<{ files: Set<string>; read: Map<string, string>; inputs: Record<string, string> }> {
  const { sources, configs } = await gameInputs(root);
  const files = new Set(sources);
  const read = new Map<string, string>();
  const inputs: Record<string, string> = {};
  for (const file of [...sources, ...configs]) {
    const text = await readFile(file, "utf8");
    if (files.has(file)) read.set(file, text);
    inputs[path.relative(root, file).split(path.sep).join("/")] = digest(text);
  }
  return { files, read, inputs };
}

/** True when the mirror under `outDir` was compiled from exactly `inputs` for `framework`, as written. */
async function isUpToDate(root: string, outDir: string, framework: FrameworkUrls, inputs: Record<string, string>): Promise<boolean> {
  const manifest = await readManifest(outDir);
  return manifest !== null && (await mirrorMatches(manifest, root, outDir, framework, inputs));
}

/**
 * Compiles the game in another process (`game-compiler-child.ts`): it runs
 * {@link buildGameCode} there, so esbuild is never loaded here.
 */
export type GameCompiler = (gameDir: string, framework: FrameworkUrls) => Promise<void>;

/**
 * Compile the game folder's server sources into its mirror tree, unless the mirror
 * already matches them (see {@link BUILD_MANIFEST}). With `compiler`, the compile runs
 * through it, and here only when the mirror still does not match after it (a file
 * edited meanwhile). Throws (with esbuild's first message, or the compiler's error)
 * when a file does not compile.
 */
export async function buildGameCode(gameDir: string, framework: FrameworkUrls, options: { compiler?: GameCompiler } = {}): Promise<GameCodeBuild> {
  const started = performance.now();
  const root = path.resolve(gameDir);
  const outDir = path.join(root, GAME_BUILD_DIR);
  let { files, read, inputs } = await readGameInputs(root);
  if (await isUpToDate(root, outDir, framework, inputs)) {
    return { gameDir: root, outDir, files, framework, compiled: false, ms: performance.now() - started };
  }
  if (options.compiler) {
    await options.compiler(root, framework);
    ({ files, read, inputs } = await readGameInputs(root));
    if (await isUpToDate(root, outDir, framework, inputs)) {
      return { gameDir: root, outDir, files, framework, compiled: true, ms: performance.now() - started };
    }
  }
  const written = await compileInto(root, outDir, [...files], files, framework, read);
  const outputs: Record<string, string> = {};
  for (const [file, hash] of written) outputs[path.relative(outDir, file).split(path.sep).join("/")] = hash;
  const next: BuildManifest = { format: MANIFEST_FORMAT, root, framework, inputs, outputs };
  await writeIfChanged(path.join(outDir, BUILD_MANIFEST), Buffer.from(`${JSON.stringify(next, null, 1)}\n`));
  return { gameDir: root, outDir, files, framework, compiled: true, ms: performance.now() - started };
}

/**
 * Compile one game file that was not compiled with the rest (added since, or a
 * batch-code block's temporary file) into the mirror, its imports of compiled files
 * pointing at their twins; returns the twin's path.
 */
export async function compileGameFile(build: GameCodeBuild, file: string): Promise<string> {
  await compileInto(build.gameDir, build.outDir, [file], new Set([...build.files, file]), build.framework, new Map());
  return compiledPathOf(build, file);
}

/** Compile `entries` (game sources) into their twins under `outDir`; returns each file written with its hash. */
async function compileInto(
  root: string,
  outDir: string,
  entries: string[],
  sources: ReadonlySet<string>,
  framework: FrameworkUrls,
  read: ReadonlyMap<string, string>,
): Promise<Map<string, string>> {
  const written = new Map<string, string>();
  if (entries.length === 0) return written;
  const result = await withEsbuild((esbuild) =>
    esbuild.build({
      entryPoints: entries,
      outdir: outDir,
      outbase: root,
      bundle: true, // with every import external (above): one output per file, imports rewritten
      format: "esm",
      platform: "node",
      target: "node20",
      keepNames: true,
      sourcemap: "linked",
      write: false,
      logLevel: "silent",
      plugins: [mirrorImports(root, outDir, sources, framework, read)],
    }),
  );
  for (const output of result.outputFiles) {
    await writeIfChanged(output.path, output.contents);
    written.set(output.path, digest(output.contents));
  }
  return written;
}
