/**
 * The portal process: `node --import tsx portal/main.ts --game <dir>`. It listens
 * for players, starts and supervises the server, and keeps the runtime files
 * (`server/logs/portal.pid`, `server.pid`, `status.json`) that the launcher reads.
 *
 * Signals: SIGTERM/SIGINT stop everything; SIGHUP reloads the server; SIGUSR2
 * resets it. With an IPC channel it reports `{type: "ready", ...}` or
 * `{type: "fatal", code, message}` to the launcher.
 */
import { loadSettings } from "../conf/settings.ts";
import { isEvenniaError } from "../utils/errors.ts";
import { logGameCodeLoading, useRunningFramework } from "../utils/framework-resolution.ts";
import { EXIT_PORTAL_CRASHED } from "../utils/exit-codes.ts";
import { getLogger } from "../utils/logger.ts";
import { argValue } from "../utils/process-args.ts";
import { childServerLauncher, childStandbyLauncher } from "./child-server-launcher.ts";
import { Portal } from "./portal.ts";
import { RuntimeFiles } from "./runtime-files.ts";

const log = getLogger("portal");

function report(message: Record<string, unknown>): void {
  if (process.send) process.send(message);
}

async function main(): Promise<void> {
  const gameDir = argValue("--game") ?? process.cwd();
  // a settings file's `import "evennia-ts"` lands in this process's framework
  logGameCodeLoading(log, await useRunningFramework(gameDir));
  const settings = await loadSettings(gameDir);
  const files = new RuntimeFiles(settings.gameDir);
  const linkHost = ["0.0.0.0", "::"].includes(settings.linkInterface) ? "127.0.0.1" : settings.linkInterface;
  const serverProcess = { gameDir: settings.gameDir, linkHost, logFile: files.serverLog, echo: Boolean(process.stdout.isTTY), nodeArgs: settings.serverNodeArgs };
  const portal = new Portal(settings, {
    launcher: childServerLauncher(serverProcess),
    standbyLauncher: childStandbyLauncher(serverProcess),
    onStatus: (status) => files.writeStatus(status),
  });
  files.writePortalPid();
  let exiting = false;
  const stop = async (why: string) => {
    if (exiting) return;
    exiting = true;
    log.info(`stopping (${why})`);
    await portal.stop();
    files.removeAll();
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGHUP", () => portal.reload());
  process.on("SIGUSR2", () => portal.reset());
  process.on("disconnect", () => log.info("launcher detached"));
  // After an uncaught exception the portal's state is unknown: tell the players, exit, and let
  // the launcher's supervisor start a fresh portal (which starts a fresh server).
  process.on("uncaughtException", (err) => {
    if (exiting) return;
    exiting = true;
    log.error(`uncaught exception in the portal: telling players and exiting (code ${EXIT_PORTAL_CRASHED}); the launcher restarts it`, err);
    try {
      portal.crash();
    } finally {
      // give the goodbye a moment to leave; the server sees its link go and stops by itself
      setTimeout(() => process.exit(EXIT_PORTAL_CRASHED), 300);
    }
  });
  // a rejected promise nobody awaited is a lost result, not a broken portal: logged, it keeps running
  process.on("unhandledRejection", (err) => log.error("unhandled rejection in the portal (it keeps running)", err));
  portal.onStopRequested(() => void stop("shutdown requested by the server"));

  try {
    const status = await portal.start();
    log.info(`portal ready: telnet ${status.telnetPorts.join(", ") || "-"}, link ${status.linkPort}`);
    report({ type: "ready", telnetPorts: status.telnetPorts, sslPorts: status.sslPorts, webPort: status.webPort, linkPort: status.linkPort });
  } catch (err) {
    const code = isEvenniaError(err) ? err.code : "EV_ERR_INTERNAL";
    const message = (err as Error).message;
    log.error(`portal failed to start: ${message}`);
    report({ type: "fatal", code, message });
    await portal.stop().catch(() => undefined);
    files.removeAll();
    // give the IPC message time to leave
    setTimeout(() => process.exit(1), 100);
  }
}

main().catch((err) => {
  const message = (err as Error).message;
  const code = isEvenniaError(err) ? err.code : "EV_ERR_INTERNAL";
  log.error(`portal failed: ${message}`);
  report({ type: "fatal", code, message });
  setTimeout(() => process.exit(1), 100);
});
