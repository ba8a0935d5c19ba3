/**
 * Launches the server as a child process running `server/main.ts` with the tsx
 * loader, so every start loads the game's code afresh. The server writes its own log,
 * `server/logs/server.log` (so its last lines survive the portal's death); in a
 * terminal its output is echoed through the portal too.
 */
import { spawn } from "node:child_process";
import { appendFileSync, closeSync, createWriteStream, openSync, type WriteStream } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { tsxNodeArgs } from "../utils/node-command.ts";
import type { ServerExit, ServerHandle, ServerLauncher } from "./server-launcher.ts";

const serverEntry = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "server", "main.ts");

/** Options of the child launcher. */
export interface ChildLauncherOptions {
  gameDir: string;
  /** Host the server connects to the link on. */
  linkHost: string;
  logFile: string;
  /** Also copy the server's output to the portal's stdout/stderr. */
  echo: boolean;
}

/** A launcher that runs the server as a child process. */
export function childServerLauncher(options: ChildLauncherOptions): ServerLauncher {
  return (linkPort, token) => {
    // the server writes its log lines to the file itself (EVENNIA_SERVER_LOG), so they
    // survive the portal; raw stderr (a fatal V8 error ...) goes to the file directly too
    const logFd = openSync(options.logFile, "a");
    // --expose-gc lets "memory/flush" and the heap watcher collect right after a flush
    const child = spawn(process.execPath, ["--expose-gc", ...tsxNodeArgs(serverEntry, ["--game", options.gameDir])], {
      cwd: options.gameDir,
      env: {
        ...process.env,
        EVENNIA_LINK_HOST: options.linkHost,
        EVENNIA_LINK_PORT: String(linkPort),
        EVENNIA_LINK_TOKEN: token,
        EVENNIA_SERVER_LOG: options.logFile,
        EVENNIA_SERVER_ECHO: options.echo ? "1" : "",
      },
      stdio: ["ignore", options.echo ? "pipe" : "ignore", options.echo ? "pipe" : logFd],
    });
    closeSync(logFd); // the child has its own copy
    let log: WriteStream | null = null;
    if (options.echo) {
      log = createWriteStream(options.logFile, { flags: "a" });
      child.stdout!.pipe(process.stdout, { end: false });
      child.stderr!.pipe(process.stderr, { end: false });
      child.stderr!.pipe(log, { end: false });
    }
    const exited = new Promise<ServerExit>((resolve) => {
      child.once("exit", (code, signal) => {
        log?.end();
        resolve({ code, signal });
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
