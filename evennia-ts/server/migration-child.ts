/**
 * Pending migrations run in a child process, so the server never loads TypeORM.
 *
 * The server reads its own connection's `migrations` table at start; when the
 * framework's migrations are pending (a new game, or an upgrade) and the game has no
 * tables of its own, it runs this same program again with `--migrate` (server/main.ts),
 * which applies them and exits. The server process then holds no TypeORM: about
 * 20 MiB less resident memory for as long as it runs. A game that declares its own
 * tables (`registerGameSchema`) migrates in the server itself, as its code is needed.
 */
import { spawn } from "node:child_process";
import { EvenniaError } from "../utils/errors.ts";

/** The command-line switch that makes `server/main.ts` migrate and exit. */
export const MIGRATE_SWITCH = "--migrate";

/** Keep this much of the child's error output for the message, at most. */
const ERROR_TAIL = 4000;

/** Node options of this process a migration child must not repeat: a debugger's port, CPU profiles. */
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

/**
 * A runner of the game's pending migrations in a child process of this server's own
 * program (`node <this program's options> <its entry> --game DIR --migrate`).
 * Rejects with `EV_ERR_DB` and the end of the child's error output when it fails.
 */
export function migrationChildRunner(gameDir: string, program: { execPath: string; execArgv: readonly string[]; entry: string } = { execPath: process.execPath, execArgv: process.execArgv, entry: process.argv[1]! }): () => Promise<void> {
  return () =>
    new Promise<void>((resolve, reject) => {
      const child = spawn(program.execPath, [...childExecArgv(program.execArgv), program.entry, "--game", gameDir, MIGRATE_SWITCH], {
        stdio: ["ignore", "ignore", "pipe"],
        env: process.env,
      });
      // a server that exits while it waits takes the child with it (no orphan left migrating)
      const killChild = (): void => void child.kill("SIGKILL");
      process.once("exit", killChild);
      child.once("exit", () => process.off("exit", killChild));
      let errors = "";
      child.stderr.setEncoding("utf8");
      child.stderr.on("data", (chunk: string) => {
        errors = (errors + chunk).slice(-ERROR_TAIL);
      });
      child.on("error", (err) => reject(new EvenniaError("EV_ERR_DB", `cannot start the migration process: ${err.message}`, { cause: err })));
      child.on("exit", (code, signal) => {
        if (code === 0) return resolve();
        const how = signal ? `signal ${signal}` : `exit code ${code}`;
        reject(new EvenniaError("EV_ERR_DB", `the migration process failed (${how})${errors.trim() ? `: ${errors.trim()}` : ""}`));
      });
    });
}
