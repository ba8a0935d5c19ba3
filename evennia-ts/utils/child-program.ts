/**
 * Running a short job in a child Node process (the server's pending migrations, a
 * compile of the game's code), so that what the job loads (TypeORM, esbuild) never
 * stays in a long-lived process's memory. The child runs with this process's node
 * options, less a debugger's port and profiling; a process that exits takes its
 * child with it; a failure is reported with the end of the child's error output.
 */
import { spawn } from "node:child_process";
import { EvenniaError, type EvenniaErrorCode } from "./errors.ts";

/** Keep this much of the child's error output for the message, at most. */
const ERROR_TAIL = 4000;

/** Node options of this process a child must not repeat: a debugger's port, CPU and heap profiles. */
export function childExecArgv(execArgv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const arg = execArgv[i]!;
    const valued = /^--(inspect-port|(cpu|heap)-prof-(dir|name|interval))(=.*)?$/.exec(arg);
    if (valued) {
      if (valued[4] === undefined) i++; // its value is the next argument
      continue;
    }
    if (/^--(inspect|inspect-brk|inspect-wait)(=.*)?$|^--(cpu|heap)-prof$/.test(arg)) continue;
    out.push(arg);
  }
  return out;
}

/** What a child job is, for its errors. */
export interface ChildJob {
  /** Names the job in messages: "the migration process". */
  what: string;
  /** The code of the error a failure rejects with. */
  code: EvenniaErrorCode;
  /** Kill the child and reject when it has not exited after this many ms (default: wait as long as it takes). */
  timeoutMs?: number;
}

/**
 * Run `node <execArgv> <args>` and wait for it to exit: resolves on exit code 0,
 * rejects with `job.code` and the end of the child's error output otherwise (or when
 * it cannot start, or outlives `job.timeoutMs`).
 */
export function runChildProgram(execPath: string, execArgv: readonly string[], args: readonly string[], job: ChildJob): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const child = spawn(execPath, [...childExecArgv(execArgv), ...args], { stdio: ["ignore", "ignore", "pipe"], env: process.env });
    // a process that exits while it waits takes the child with it (no orphan left working)
    const killChild = (): void => void child.kill("SIGKILL");
    process.once("exit", killChild);
    child.once("exit", () => process.off("exit", killChild));
    let errors = "";
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (chunk: string) => {
      errors = (errors + chunk).slice(-ERROR_TAIL);
    });
    const timer =
      job.timeoutMs === undefined
        ? null
        : setTimeout(() => {
            child.kill("SIGKILL");
            reject(new EvenniaError(job.code, `${job.what} did not finish within ${job.timeoutMs} ms and was stopped${errors.trim() ? `: ${errors.trim()}` : ""}`));
          }, job.timeoutMs);
    child.on("error", (err) => reject(new EvenniaError(job.code, `cannot start ${job.what}: ${err.message}`, { cause: err })));
    child.on("exit", (code, signal) => {
      if (timer) clearTimeout(timer);
      if (code === 0) return resolve();
      const how = signal ? `signal ${signal}` : `exit code ${code}`;
      reject(new EvenniaError(job.code, `${job.what} failed (${how})${errors.trim() ? `: ${errors.trim()}` : ""}`));
    });
  });
}
