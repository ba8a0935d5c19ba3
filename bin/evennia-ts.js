#!/usr/bin/env node
// The `evennia-ts` command: re-runs Node with the tsx loader (resolved from this
// package) on evennia-ts/cli/main.ts, passing the arguments and the exit code through.
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { constants } from "node:os";
import path from "node:path";
import process from "node:process";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const loader = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
const entry = path.join(here, "..", "evennia-ts", "cli", "main.ts");

const child = spawn(process.execPath, ["--import", loader, entry, ...process.argv.slice(2)], { stdio: "inherit" });

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
