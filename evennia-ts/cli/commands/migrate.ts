/**
 * `evennia-ts migrate`: apply pending database migrations — the framework's and
 * the game's own (registered with `registerGameSchema` in its code) — and list
 * what was applied. The server also migrates at start; this command lets you do it
 * (and see it) on its own, e.g. before deploying new code.
 */
import { loadSettings } from "../../conf/settings.ts";
import { Database } from "../../db/database.ts";
import { registeredGameSchema } from "../../db/game-schema.ts";
import { checkGameCode, describeGameCodeProblems } from "../../server/game-code-check.ts";
import type { CliCommand } from "../command.ts";
import { requireGameDir, resolveGameDir } from "../game-dir.ts";
import type { CliIo } from "../io.ts";

/** Apply pending migrations of the game in `gameDir`; resolves to the exit code. */
export async function migrateGame(gameDir: string, io: CliIo): Promise<number> {
  requireGameDir(gameDir);
  const settings = await loadSettings(gameDir);
  const { report } = await checkGameCode(settings);
  if (report.problems.length > 0) {
    // a module that does not load may declare tables: migrating without it would miss them
    io.err(`Error: ${describeGameCodeProblems(report)}`);
    io.err("Nothing was migrated: fix the game's code first.");
    return 1;
  }
  const db = await Database.open({ url: settings.databaseUrl, baseDir: settings.gameDir, autoMigrate: false, ...registeredGameSchema() });
  try {
    const applied = await db.migrate();
    if (applied.length === 0) io.out("The database is up to date: no migrations to apply.");
    else for (const name of applied) io.out(`Applied ${name}`);
    return 0;
  } finally {
    await db.close();
  }
}

/** The `migrate` command. */
export const migrateCommand: CliCommand = {
  name: "migrate",
  synopsis: "",
  summary: "apply pending database migrations (the framework's and the game's)",
  options: ["game"],
  minArgs: 0,
  maxArgs: 0,
  run: ({ io, options, cwd }) => migrateGame(resolveGameDir(options.game, cwd), io),
};
