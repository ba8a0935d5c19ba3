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
import { runChildProgram } from "../utils/child-program.ts";

/** The command-line switch that makes `server/main.ts` migrate and exit. */
export const MIGRATE_SWITCH = "--migrate";

/**
 * A runner of the game's pending migrations in a child process of this server's own
 * program (`node <this program's options> <its entry> --game DIR --migrate`).
 * Rejects with `EV_ERR_DB` and the end of the child's error output when it fails.
 */
export function migrationChildRunner(gameDir: string, program: { execPath: string; execArgv: readonly string[]; entry: string } = { execPath: process.execPath, execArgv: process.execArgv, entry: process.argv[1]! }): () => Promise<void> {
  return () => runChildProgram(program.execPath, program.execArgv, [program.entry, "--game", gameDir, MIGRATE_SWITCH], { what: "the migration process", code: "EV_ERR_DB" });
}
