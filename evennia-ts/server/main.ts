/**
 * The server process, started by the portal:
 * `node --import tsx server/main.ts --game <dir>` with the link's port and token in
 * `EVENNIA_LINK_PORT` / `EVENNIA_LINK_TOKEN`. It exits 0 after a requested stop
 * (reload, reset, shutdown) and 1 when it fails or loses the portal.
 */
import { loadSettings } from "../conf/settings.ts";
import { getLogger } from "../utils/logger.ts";
import { argValue } from "../utils/process-args.ts";
import { startServer } from "./server.ts";
import { EvenniaError } from "../utils/errors.ts";

const log = getLogger("server");

async function main(): Promise<void> {
  const gameDir = argValue("--game") ?? process.cwd();
  const port = Number(process.env.EVENNIA_LINK_PORT);
  const token = process.env.EVENNIA_LINK_TOKEN ?? "";
  if (!Number.isInteger(port) || port <= 0) throw new EvenniaError("EV_ERR_CONFIG", "EVENNIA_LINK_PORT is not set: the server is started by the portal");
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
