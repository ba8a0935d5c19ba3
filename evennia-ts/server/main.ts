/**
 * The server process, started by the portal:
 * `node --import tsx server/main.ts --game <dir>` with the link's port and token in
 * `EVENNIA_LINK_PORT` / `EVENNIA_LINK_TOKEN`. It exits 0 after a requested stop
 * (reload, reset, shutdown) and 1 when it fails or loses the portal.
 *
 * With `EVENNIA_SERVER_LOG` set (the portal sets it to `server/logs/server.log`) the
 * server writes its own log lines to that file, synchronously, so its last lines are
 * kept even when the portal is gone; `EVENNIA_SERVER_ECHO=1` also copies them to stdout.
 */
import { loadSettings } from "../conf/settings.ts";
import { getLogger, setLogSink } from "../utils/logger.ts";
import { fileLogSink } from "../utils/file-log-sink.ts";
import { argValue } from "../utils/process-args.ts";
import { startServer } from "./server.ts";

const log = getLogger("server");

if (process.env.EVENNIA_SERVER_LOG) {
  setLogSink(fileLogSink(process.env.EVENNIA_SERVER_LOG, process.env.EVENNIA_SERVER_ECHO === "1").sink);
}

async function main(): Promise<void> {
  const gameDir = argValue("--game") ?? process.cwd();
  const port = Number(process.env.EVENNIA_LINK_PORT);
  const token = process.env.EVENNIA_LINK_TOKEN ?? "";
  if (!Number.isInteger(port) || port <= 0) throw new Error("EVENNIA_LINK_PORT is not set: the server is started by the portal");
  const settings = await loadSettings(gameDir);
  const server = await startServer(settings, { host: process.env.EVENNIA_LINK_HOST ?? "127.0.0.1", port, token });
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

main().catch((err) => {
  log.error(`server failed to start: ${(err as Error).message}`, err);
  process.exit(1);
});
