/**
 * Launches the server as a child process, so every start loads the game's code
 * afresh: the compiled framework's `server-main.js` when the portal runs compiled
 * (`framework-build.ts`; the code check before a reload compiles changed sources
 * first, so a reload also picks up framework changes), else `server/main.ts` with the
 * tsx loader. The server writes its own log,
 * `server/logs/server.log` (so its last lines survive the portal's death); in a
 * terminal its output is echoed through the portal too. A server that cannot start
 * says why over an IPC channel. The same entry point with `--check-code` checks the
 * game's code in a separate process before a reload.
 */
import { spawn } from "node:child_process";
import { appendFileSync, closeSync, createWriteStream, openSync, type WriteStream } from "node:fs";
import path from "node:path";
import type { Readable } from "node:stream";
import { buildEntryFile, ensureFrameworkBuild } from "../utils/framework-build.ts";
import { frameworkSourceDir, runningBuildDir } from "../utils/framework-root.ts";
import { getLogger } from "../utils/logger.ts";
import { CPU_PROFILE_DIR_ENV, cpuProfileNodeArgs, nodeScriptArgs } from "../utils/node-command.ts";
import type { GameCodeCheck, GameCodeChecker, ServerExit, ServerHandle, ServerLauncher } from "./server-launcher.ts";

const sourceServerEntry = path.join(frameworkSourceDir, "server", "main.ts");

/** The server's entry point: from the build this portal runs (or the newest one a code check made), else the source. */
let serverEntry = runningBuildDir !== null ? buildEntryFile(runningBuildDir, "server-main") : sourceServerEntry;

/**
 * Before a reload: when the portal runs compiled, compile the framework's sources if
 * they changed, and start the next servers from that build (from source if it fails).
 */
async function refreshServerEntry(): Promise<void> {
  if (runningBuildDir === null) return;
  const result = await ensureFrameworkBuild();
  if (result.ok) {
    if (result.build.built) getLogger("portal").info(`compiled the framework into ${result.build.dir} (${Math.round(result.build.ms)} ms)`);
    serverEntry = buildEntryFile(result.build.dir, "server-main");
  } else {
    getLogger("portal").warn(`running the server from source through tsx: ${result.reason}`);
    serverEntry = sourceServerEntry;
  }
}

/** Options of the child launcher. */
export interface ChildLauncherOptions {
  gameDir: string;
  /** Host the server connects to the link on. */
  linkHost: string;
  logFile: string;
  /** Also copy the server's output to the portal's stdout/stderr. */
  echo: boolean;
  /** Options for node itself (setting `serverNodeArgs`), before the entry point. */
  nodeArgs?: readonly string[];
}

function isFatalMessage(v: unknown): v is { type: "fatal"; code: string; message: string } {
  const m = v as Record<string, unknown> | null;
  return typeof m === "object" && m !== null && m.type === "fatal" && typeof m.code === "string" && typeof m.message === "string";
}

/** A launcher that runs the server as a child process. */
export function childServerLauncher(options: ChildLauncherOptions): ServerLauncher {
  return (linkPort, token, linkPath) => {
    // the server writes its log lines to the file itself (EVENNIA_SERVER_LOG), so they
    // survive the portal; raw stderr (a fatal V8 error ...) goes to the file directly too
    const logFd = openSync(options.logFile, "a");
    // --expose-gc lets "memory/flush" and the heap watcher collect right after a flush
    const profile = cpuProfileNodeArgs(process.env[CPU_PROFILE_DIR_ENV], "server");
    const child = spawn(process.execPath, ["--expose-gc", ...(options.nodeArgs ?? []), ...profile, ...nodeScriptArgs(serverEntry, ["--game", options.gameDir])], {
      cwd: options.gameDir,
      env: {
        ...process.env,
        EVENNIA_LINK_HOST: options.linkHost,
        EVENNIA_LINK_PORT: String(linkPort),
        EVENNIA_LINK_PATH: linkPath ?? "",
        EVENNIA_LINK_TOKEN: token,
        EVENNIA_SERVER_LOG: options.logFile,
        EVENNIA_SERVER_ECHO: options.echo ? "1" : "",
      },
      stdio: ["ignore", options.echo ? "pipe" : "ignore", options.echo ? "pipe" : logFd, "ipc"],
    });
    closeSync(logFd); // the child has its own copy
    let failure: ServerExit["failure"];
    child.on("message", (message: unknown) => {
      if (isFatalMessage(message)) failure = { code: message.code, message: message.message };
    });
    let log: WriteStream | null = null;
    if (options.echo) {
      // with an IPC channel in `stdio` the types lose track of the two pipes
      const stdout = child.stdout as Readable;
      const stderr = child.stderr as Readable;
      log = createWriteStream(options.logFile, { flags: "a" });
      stdout.pipe(process.stdout, { end: false });
      stderr.pipe(process.stderr, { end: false });
      stderr.pipe(log, { end: false });
    }
    const exited = new Promise<ServerExit>((resolve) => {
      child.once("exit", (code, signal) => {
        log?.end();
        resolve(failure ? { code, signal, failure } : { code, signal });
      });
      child.once("error", (err) => {
        appendFileSync(options.logFile, `could not start the server process: ${err.message}\n`);
        log?.end();
        resolve({ code: null, signal: "spawn-error" });
      });
    });
    const handle: ServerHandle = {
      pid: child.pid ?? null,
      exited,
      kill: () => {
        if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      },
    };
    return handle;
  };
}

/** The line of `server/main.ts --check-code` output that carries the report. */
const REPORT_PREFIX = "EVENNIA_GAME_CODE_REPORT ";

interface CheckReport {
  loaded: string[];
  problems: { where: string; error: string; hint: string }[];
}

function parseCheckReport(stdout: string): CheckReport | null {
  const line = stdout.split("\n").find((l) => l.startsWith(REPORT_PREFIX));
  if (!line) return null;
  try {
    const report = JSON.parse(line.slice(REPORT_PREFIX.length)) as CheckReport;
    return Array.isArray(report.loaded) && Array.isArray(report.problems) ? report : null;
  } catch {
    return null;
  }
}

/** Options of {@link childGameCodeChecker}. */
export interface ChildCheckerOptions {
  gameDir: string;
  /** Where the check's own output goes (the server log). */
  logFile: string;
  /** Give up (and report a failure) after this many ms. */
  timeoutMs?: number;
}

/** A checker that loads the game's code in a fresh `server/main.ts --check-code` process. */
export function childGameCodeChecker(options: ChildCheckerOptions): GameCodeChecker {
  return async () => {
    await refreshServerEntry();
    return new Promise<GameCodeCheck>((resolve) => {
      const child = spawn(process.execPath, nodeScriptArgs(serverEntry, ["--game", options.gameDir, "--check-code"]), {
        cwd: options.gameDir,
        env: process.env,
        stdio: ["ignore", "pipe", "pipe"],
      });
      const log = createWriteStream(options.logFile, { flags: "a" });
      let stdout = "";
      let stderr = "";
      child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
      child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
        stderr += chunk;
        log.write(chunk);
      });
      const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 60_000);
      const finish = (result: GameCodeCheck): void => {
        clearTimeout(timer);
        log.end();
        resolve(result);
      };
      child.once("error", (err) => finish({ ok: false, summary: "the code check could not run", details: err.message }));
      child.once("exit", (code, signal) => {
        const report = parseCheckReport(stdout);
        if (code === 0 && report && report.problems.length === 0) return finish({ ok: true });
        if (report && report.problems.length > 0) {
          const details = report.problems.map((p) => `${p.where}: ${p.error.split("\n")[0]}\n  hint: ${p.hint}`).join("\n");
          return finish({ ok: false, summary: report.problems.map((p) => p.where).join(", "), details });
        }
        const tail = stderr.trim().split("\n").slice(-5).join("\n");
        finish({
          ok: false,
          summary: "the game's code could not be checked",
          details: `the check exited (${signal ?? `code ${code}`}) without a report${tail ? `:\n${tail}` : ""}`,
        });
      });
    });
  };
}
