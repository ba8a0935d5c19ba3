/**
 * `evennia-ts init <dir>`: create a new game folder from the package's game template,
 * with the `package.json` (an ES module package that depends on the framework, with
 * scripts `start`, `stop`, `reload`, `status`, `test`), `tsconfig.json` and `.gitignore`
 * a game repository needs. It works from anywhere: the framework dependency is a
 * `file:` path to this package when it runs from a clone, its version otherwise.
 */
import { cpSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { EvenniaError } from "../../utils/errors.ts";
import { settingsFile } from "../../conf/settings.ts";
import type { CliCommand } from "../command.ts";
import type { CliIo } from "../io.ts";
import { gamePaths, gameTemplateDir, repoRoot } from "../paths.ts";

/** What a folder may already hold for `init` to use it: an npm project that has (or will have) the framework. */
const ALLOWED_EXISTING = new Set(["package.json", "package-lock.json", "node_modules", ".git", ".npmrc"]);

/** Development tools a game gets, at the versions the framework itself uses. */
const GAME_DEV_DEPENDENCIES = ["vitest", "typescript", "@types/node", "@types/better-sqlite3", "@types/pg", "@types/ws", "@types/express"];

/** Options of {@link initGame}. */
export interface InitOptions {
  /** The npm spec the game depends on the framework by (`^0.1.0`, `file:../evennia-ts`); default: see {@link defaultFrameworkSpec}. */
  frameworkSpec?: string;
  /** The framework package whose name, version and tool versions the game gets (default: this package). */
  frameworkRoot?: string;
}

interface PackageManifest {
  name?: string;
  version?: string;
  type?: string;
  private?: boolean;
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  engines?: Record<string, string>;
  allowScripts?: Record<string, boolean>;
  [key: string]: unknown;
}

function readManifest(file: string): PackageManifest {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as PackageManifest;
  } catch (err) {
    throw new EvenniaError("EV_ERR_BAD_INPUT", `cannot read ${file}: ${(err as Error).message}`);
  }
}

/**
 * How a new game in `gameDir` depends on the framework at `frameworkRoot`: by
 * version when the framework was installed by npm (it lives in a `node_modules`
 * folder), else by a relative `file:` path to the clone.
 */
export function defaultFrameworkSpec(gameDir: string, frameworkRoot: string = repoRoot): string {
  const root = realpathSync(frameworkRoot);
  if (root.split(path.sep).includes("node_modules")) return `^${readManifest(path.join(root, "package.json")).version ?? "0.0.0"}`;
  const relative = path.relative(gameDir, root).split(path.sep).join("/");
  return `file:${relative.startsWith(".") ? relative : `./${relative}`}`;
}

/** An npm package name made from a folder name. */
function packageNameFor(dir: string): string {
  const name = path
    .basename(dir)
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, "-")
    .replace(/^[._-]+/, "");
  return name || "my-game";
}

/** The game's package.json: `existing` (if any) with what a game needs added; nothing it had is replaced. */
export function gameManifest(gameDir: string, existing: PackageManifest | null, frameworkSpec: string, framework: PackageManifest): PackageManifest {
  const manifest: PackageManifest = existing ? { ...existing } : { name: packageNameFor(gameDir), version: "0.1.0", private: true };
  manifest.type = "module";
  manifest.scripts = {
    start: "evennia-ts start",
    stop: "evennia-ts stop",
    reload: "evennia-ts reload",
    status: "evennia-ts status",
    migrate: "evennia-ts migrate",
    test: "vitest run",
    typecheck: "tsc --noEmit",
    ...manifest.scripts,
  };
  manifest.dependencies = { ...manifest.dependencies };
  manifest.dependencies["evennia-ts"] ??= frameworkSpec;
  const tools: Record<string, string> = {};
  for (const name of GAME_DEV_DEPENDENCIES) {
    const version = framework.devDependencies?.[name] ?? framework.dependencies?.[name];
    if (version) tools[name] = version;
  }
  manifest.devDependencies = { ...tools, ...manifest.devDependencies };
  if (framework.engines) manifest.engines ??= framework.engines;
  if (framework.allowScripts) manifest.allowScripts = { ...framework.allowScripts, ...manifest.allowScripts };
  return manifest;
}

/** True when `file` is a symbolic link (dangling or not). */
function isLink(file: string): boolean {
  try {
    return lstatSync(file).isSymbolicLink();
  } catch {
    return false;
  }
}

/** Check that `target` may become a game folder; returns its existing package.json path, if any. */
function checkTarget(target: string): string | null {
  if (!existsSync(target)) {
    if (isLink(target)) throw new EvenniaError("EV_ERR_BAD_INPUT", `${target} is a symbolic link to a missing folder; create that folder or choose another name.`);
    return null;
  }
  if (!statSync(target).isDirectory()) {
    throw new EvenniaError("EV_ERR_BAD_INPUT", `${target} exists and is not a folder; choose another name.`);
  }
  const unexpected = readdirSync(target).filter((name) => !ALLOWED_EXISTING.has(name));
  if (unexpected.length > 0) {
    throw new EvenniaError(
      "EV_ERR_BAD_INPUT",
      `${target} already exists and is not empty (${unexpected.slice(0, 3).join(", ")}${unexpected.length > 3 ? ", ..." : ""}); ` +
        "choose a new folder name (init never overwrites files; it only adds to a folder holding package.json and node_modules).",
    );
  }
  const manifest = path.join(target, "package.json");
  return existsSync(manifest) ? manifest : null;
}

/**
 * Make a game folder in `targetDir` (absent, empty, or an npm project with nothing
 * but package.json, package-lock.json and node_modules): copy the template, write
 * `package.json` and `.gitignore`, create `server/logs/`.
 */
export function initGame(targetDir: string, io: CliIo, templateDir: string = gameTemplateDir, options: InitOptions = {}): void {
  const target = path.resolve(targetDir);
  const existingManifest = checkTarget(target);
  if (!existsSync(settingsFile(templateDir))) {
    throw new EvenniaError("EV_ERR_INTERNAL", `the game template ${templateDir} is incomplete (no server/conf/settings.ts).`);
  }
  const frameworkRoot = options.frameworkRoot ?? repoRoot;
  const framework = readManifest(path.join(frameworkRoot, "package.json"));
  const existing = existingManifest ? readManifest(existingManifest) : null;
  const created = !existsSync(target);
  const before = created ? new Set<string>() : new Set(readdirSync(target));
  const manifestText = existingManifest ? readFileSync(existingManifest) : null;
  let spec: string;
  try {
    mkdirSync(target, { recursive: true });
    spec = options.frameworkSpec ?? defaultFrameworkSpec(target, frameworkRoot);
    cpSync(templateDir, target, {
      recursive: true,
      filter: (source) => keepTemplateFile(path.relative(templateDir, source)),
    });
    // npm leaves files named .gitignore out of packages: the template has it as "gitignore"
    if (existsSync(path.join(target, "gitignore"))) renameSync(path.join(target, "gitignore"), path.join(target, ".gitignore"));
    writeFileSync(path.join(target, "package.json"), JSON.stringify(gameManifest(target, existing, spec, framework), null, 2) + "\n");
    mkdirSync(gamePaths(target).logsDir, { recursive: true });
  } catch (err) {
    undoInit(target, created, before, existingManifest, manifestText);
    if (err instanceof EvenniaError) throw err;
    throw new EvenniaError("EV_ERR_BAD_INPUT", `cannot create the game in ${target}: ${(err as Error).message}; nothing was left behind.`);
  }
  const installed = existsSync(path.join(target, "node_modules", "evennia-ts"));
  io.out(`Created a new game in ${target} (it depends on evennia-ts ${existing?.dependencies?.["evennia-ts"] ?? spec}).`);
  io.out("");
  io.out("Next steps:");
  io.out(`  cd ${path.relative(process.cwd(), target) || "."}`);
  io.out(`  npm install                     ${installed ? "(adds the test tools)" : "(the framework and the test tools)"}`);
  io.out("  npm start                       (or: npx evennia-ts start --foreground)");
  io.out("Then connect with \"telnet 127.0.0.1 4000\" or browse to http://127.0.0.1:4001/");
  io.out("(the default ports; change them in server/conf/settings.ts). `npm test` runs the game's tests.");
}

/** After a failed init: remove the folder it created, or what it added to one that existed (its package.json put back). */
function undoInit(target: string, created: boolean, before: ReadonlySet<string>, manifest: string | null, manifestText: Buffer | null): void {
  try {
    if (manifest !== null && manifestText !== null) writeFileSync(manifest, manifestText);
    if (created) {
      rmSync(target, { recursive: true, force: true });
      return;
    }
    for (const name of readdirSync(target)) if (!before.has(name)) rmSync(path.join(target, name), { recursive: true, force: true });
  } catch {
    // best effort: the error reported is the one that made init fail
  }
}

/** Template files not copied: dependencies, files `init` writes itself, and runtime files of a template that was run. */
function keepTemplateFile(relative: string): boolean {
  const parts = relative.split(path.sep);
  if (parts.includes("node_modules")) return false;
  if (relative === "package.json" || relative === "package-lock.json") return false;
  if (parts.length > 2 && parts[0] === "server" && parts[1] === "logs") return false;
  return !/\.db3(-journal|-wal|-shm)?$/.test(relative);
}

/** The `init` command. */
export const initCommand: CliCommand = {
  name: "init",
  synopsis: "<dir> [--framework SPEC]",
  summary: "create a new game folder (package.json, tsconfig.json, .gitignore, template code)",
  options: ["framework"],
  minArgs: 1,
  maxArgs: 1,
  run: async ({ io, positionals, cwd, options }) => {
    initGame(path.resolve(cwd, positionals[0]!), io, gameTemplateDir, { frameworkSpec: options.framework });
    return 0;
  },
};
