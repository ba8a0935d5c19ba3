/**
 * The server process, started by the portal:
 * `node --import tsx server/main.ts --game <dir>` with the link's port and token in
 * `EVENNIA_LINK_PORT` / `EVENNIA_LINK_TOKEN`. It exits 0 after a requested stop
 * (reload, reset, shutdown) and 1 when it fails or loses the portal. A server that
 * cannot start tells its parent why over the IPC channel, when there is one
 * (`{type: "fatal", code, message}`).
 *
 * With `EVENNIA_SERVER_LOG` set (the portal sets it to `server/logs/server.log`) the
 * server writes its own log lines to that file, synchronously, so its last lines are
 * kept even when the portal is gone; `EVENNIA_SERVER_ECHO=1` also copies them to stdout.
 *
 * `--check-code` only loads the game's code and checks it: it prints
 * {@link CHECK_REPORT_PREFIX} and the JSON report on one line, and exits 0 when the code
 * is fit to run, 3 when it is not.
 *
 * `--standby` is how a reload starts the next server while the current one still runs:
 * it loads and checks the game's code, tells the portal over IPC
 * (`{type: "standby-ready", report}`), and exits 3 when the code is not fit to run. Else it
 * waits for `{type: "admit"}` (sent once the old server has exited) and starts as any
 * server, with its code already loaded: the players wait only for the database and the
 * link, not for node and the game's modules to load.
 */
import { loadSettings } from "../conf/settings.ts";
import { isEvenniaError } from "../utils/errors.ts";
import { logGameCodeLoading, useRunningFramework } from "../utils/framework-resolution.ts";
import { getLogger, setLogSink } from "../utils/logger.ts";
import { fileLogSink } from "../utils/file-log-sink.ts";
import { argValue } from "../utils/process-args.ts";
import { checkGameCode } from "./game-code-check.ts";
import { writeGameCodeFile } from "./game-code-file.ts";
import { startServer } from "./server.ts";
import { migrationChildRunner, MIGRATE_SWITCH } from "./migration-child.ts";
import { Database } from "../db/database.ts";
import { EvenniaError } from "../utils/errors.ts";

const log = getLogger("server");

if (process.env.EVENNIA_SERVER_LOG) {
  setLogSink(fileLogSink(process.env.EVENNIA_SERVER_LOG, process.env.EVENNIA_SERVER_ECHO === "1").sink);
}

/** Starts the line of `--check-code` output that carries the report. */
export const CHECK_REPORT_PREFIX = "EVENNIA_GAME_CODE_REPORT ";

/** Exit code of `--check-code` when the game's code is not fit to run. */
export const CHECK_FAILED_EXIT_CODE = 3;

/** Send `message` to the parent process (if any) and wait until it has left. */
function tellParent(message: Record<string, unknown>): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send || !process.connected) return resolve();
    process.send(message, undefined, {}, () => resolve());
  });
}

/** `--migrate`: apply the framework's pending migrations (for a server that does not load TypeORM) and exit. */
async function migrateOnly(gameDir: string): Promise<number> {
  const settings = await loadSettings(gameDir);
  const db = await Database.open({ url: settings.databaseUrl, baseDir: settings.gameDir, walCheckpoints: false });
  await db.close();
  return 0;
}

async function checkOnly(gameDir: string): Promise<number> {
  const settings = await loadSettings(gameDir);
  const { report } = await checkGameCode(settings);
  process.stdout.write(`${CHECK_REPORT_PREFIX}${JSON.stringify(report)}\n`);
  return report.problems.length === 0 ? 0 : CHECK_FAILED_EXIT_CODE;
}

/**
 * A standby server's wait for `{type: "admit"}` from the portal, listened for from the
 * start: a standby whose portal goes away (while it loads or after) exits at once
 * instead of lingering. Admitted, it is an ordinary server (losing the portal is then
 * the link's business).
 */
function awaitAdmission(): Promise<void> {
  return new Promise((resolve) => {
    const gone = (): void => {
      log.info("the portal went away before admitting this standby server; exiting");
      process.exit(1);
    };
    if (!process.connected) gone();
    // the IPC channel keeps the process alive while it waits
    process.channel?.ref();
    const onMessage = (message: unknown): void => {
      if ((message as { type?: unknown } | null)?.type !== "admit") return;
      process.off("message", onMessage);
      process.off("disconnect", gone);
      process.channel?.unref();
      resolve();
    };
    process.on("message", onMessage);
    process.on("disconnect", gone);
  });
}

async function main(): Promise<void> {
  // the IPC channel (when the portal opened one) must not keep the process alive
  process.channel?.unref();
  const gameDir = argValue("--game") ?? process.cwd();
  // game code's `import "evennia-ts"` must land in this process's framework
  logGameCodeLoading(log, await useRunningFramework(gameDir));
  if (process.argv.includes("--check-code")) {
    const code = await checkOnly(gameDir);
    process.exit(code);
  }
  if (process.argv.includes(MIGRATE_SWITCH)) process.exit(await migrateOnly(gameDir));
  const port = Number(process.env.EVENNIA_LINK_PORT);
  const token = process.env.EVENNIA_LINK_TOKEN ?? "";
  if (!Number.isInteger(port) || port <= 0) throw new EvenniaError("EV_ERR_CONFIG", "EVENNIA_LINK_PORT is not set: the server is started by the portal");
  const standby = process.argv.includes("--standby");
  if (standby && !process.send) throw new EvenniaError("EV_ERR_CONFIG", "--standby needs an IPC channel to the portal");
  const admission = standby ? awaitAdmission() : null;
  const settings = await loadSettings(gameDir);
  const path = process.env.EVENNIA_LINK_PATH || null;
  const server = await startServer(
    settings,
    { host: process.env.EVENNIA_LINK_HOST ?? "127.0.0.1", port, path, token },
    (report) => writeGameCodeFile(settings.gameDir, report),
    standby
      ? async (report) => {
          await tellParent({ type: "standby-ready", report });
          if (report.problems.length > 0) process.exit(CHECK_FAILED_EXIT_CODE);
          await admission;
        }
      : undefined,
    migrationChildRunner(gameDir),
  );
  log.info(`server running (pid ${process.pid})`);
  const how = await server.stopped;
  log.info(`server stopped (${how})`);
  process.exit(how === "link-lost" ? 1 : 0);
}

process.on("unhandledRejection", (err) => log.error("unhandled rejection", err));
process.on("uncaughtException", (err) => {
  log.error("uncaught exception; the server exits and the portal restarts it", err);
  process.exit(1);
});

main().catch(async (err) => {
  const message = (err as Error).message;
  // a --migrate child: the server that started it reports its error output
  if (process.argv.includes(MIGRATE_SWITCH)) process.stderr.write(`${message}\n`);
  log.error(`server failed to start: ${message}`, err);
  await tellParent({ type: "fatal", code: isEvenniaError(err) ? err.code : "EV_ERR_INTERNAL", message });
  process.exit(1);
});
