#!/usr/bin/env node
// The `evennia-ts` command: re-runs Node with the tsx loader (resolved from this
// package) on evennia-ts/cli/main.ts, passing the arguments and the exit code through.
//
// A game folder that has its own copy of the framework (in its node_modules, or
// linked there) is run by that copy: a global `evennia-ts` hands the command over to
// the game's local one, so the launcher, the portal, the server and the game's code
// all use the framework version the game depends on.
import { spawn } from "node:child_process";
import { existsSync, readFileSync, realpathSync } from "node:fs";
import { createRequire } from "node:module";
import { constants } from "node:os";
import path from "node:path";
import process from "node:process";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const ownRoot = realpathSync(path.join(here, ".."));
const args = process.argv.slice(2);

/** The game folder the command works on: `--game DIR` or the current directory. */
function gameDirOf(argv) {
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--game" && argv[i + 1]) return path.resolve(argv[i + 1]);
    if (argv[i].startsWith("--game=")) return path.resolve(argv[i].slice("--game=".length));
  }
  return process.cwd();
}

/** The root of the evennia-ts package that `gameDir` resolves, or null. */
function frameworkRootFor(gameDir) {
  let entry;
  try {
    entry = realpathSync(createRequire(path.join(gameDir, "package.json")).resolve("evennia-ts"));
  } catch {
    return null;
  }
  for (let dir = path.dirname(entry); path.dirname(dir) !== dir; dir = path.dirname(dir)) {
    const manifest = path.join(dir, "package.json");
    if (!existsSync(manifest)) continue;
    try {
      if (JSON.parse(readFileSync(manifest, "utf8")).name === "evennia-ts") return dir;
    } catch {
      return null;
    }
  }
  return null;
}

let root = ownRoot;
if (!process.env.EVENNIA_TS_LOCAL && !["init", "--help", "-h", undefined].includes(args[0])) {
  const local = frameworkRootFor(gameDirOf(args));
  if (local !== null && local !== ownRoot && existsSync(path.join(local, "evennia-ts", "cli", "main.ts"))) root = local;
}

const loader = pathToFileURL(createRequire(path.join(root, "package.json")).resolve("tsx")).href;
const entry = path.join(root, "evennia-ts", "cli", "main.ts");

const child = spawn(process.execPath, ["--import", loader, entry, ...args], {
  stdio: "inherit",
  env: { ...process.env, EVENNIA_TS_LOCAL: "1" },
});

// Signals sent to this shim go on to the launcher (which forwards them to a foreground portal).
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(signal, () => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  });
}

child.on("error", (err) => {
  process.stderr.write(`evennia-ts: could not start node: ${err.message}\n`);
  process.exit(1);
});
child.on("exit", (code, signal) => {
  process.exit(code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 1));
});
