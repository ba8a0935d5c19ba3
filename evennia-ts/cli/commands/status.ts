/**
 * `evennia-ts status`: whether the portal and server run, with the state and ports
 * from the portal's status file, and the server's live figures from its control socket.
 */
import type { CliCommand } from "../command.ts";
import { requireGameDir, resolveGameDir } from "../game-dir.ts";
import type { CliIo } from "../io.ts";
import { launcherLockHolder } from "../launcher-lock.ts";
import { gamePaths } from "../paths.ts";
import { describeStale, inspectPidFile, type PidFileState } from "../pid-files.ts";
import { existsSync } from "node:fs";
import { sendControlRequest } from "../../server/control/control-client.ts";
import { controlSocketPath } from "../../server/control/control-paths.ts";
import { readGameCodeFile } from "../../server/game-code-file.ts";
import { formatLiveStats, type LiveStats } from "../../server/live-stats.ts";
import { describeError } from "../../utils/errors.ts";
import { readPortalStatus } from "../status-file.ts";

function describeProcess(name: string, state: PidFileState, file: string): string {
  switch (state.kind) {
    case "alive":
      return `${name}: running (pid ${state.pid})`;
    case "missing":
      return `${name}: not running`;
    case "stale":
      return `${name}: not running (stale pid file: ${describeStale(file, state.pid)})`;
  }
}

/** Print what the last server found when it loaded the game's code (`server/logs/game-code.json`). */
function showGameCode(gameDir: string, serverRuns: boolean, io: CliIo): void {
  const report = readGameCodeFile(gameDir);
  if (report === null) return;
  const whose = serverRuns ? `server pid ${report.serverPid}` : `last server, pid ${report.serverPid}, at ${report.at}`;
  io.out(`Game modules: ${report.loaded.length} loaded, ${report.problems.length} problem(s) (${whose})`);
  for (const problem of report.problems) {
    io.out(`  FAILED ${problem.where}: ${problem.error.split("\n")[0]}`);
    io.out(`    hint: ${problem.hint}`);
  }
}

/** Print the status of the game in `gameDir`; resolves to 0. */
export function showStatus(gameDir: string, io: CliIo): number {
  requireGameDir(gameDir);
  const paths = gamePaths(gameDir);
  const portal = inspectPidFile(paths.portalPid, paths.gameDir);
  const server = inspectPidFile(paths.serverPid, paths.gameDir);
  io.out(`Game: ${paths.gameDir}`);
  io.out(describeProcess("Portal", portal, paths.portalPid));
  io.out(describeProcess("Server", server, paths.serverPid));
  showGameCode(paths.gameDir, server.kind === "alive", io);
  if (portal.kind !== "alive") {
    const supervisor = inspectPidFile(paths.supervisorPid, paths.gameDir);
    if (supervisor.kind === "alive") io.out(`  Its supervisor (pid ${supervisor.pid}) runs: the portal is starting or being restarted.`);
    const launcher = launcherLockHolder(paths);
    if (launcher !== null) io.out(`  A launcher (pid ${launcher.pid}) is ${launcher.action === "start" ? "starting" : "stopping"} the game.`);
    if (server.kind === "alive") io.out(`  Warning: the server (pid ${server.pid}) runs without a portal.`);
    return 0;
  }
  const status = readPortalStatus(paths.status, portal.pid);
  if (status === null) {
    io.out("Server state: unknown (no status file of this portal yet)");
    return 0;
  }
  io.out(`Server state: ${status.serverState}${status.serverPid === null ? "" : ` (server pid ${status.serverPid})`}`);
  io.out(`Telnet ports: ${status.telnetPorts.length > 0 ? status.telnetPorts.join(", ") : "none"}`);
  if (status.sslPorts && status.sslPorts.length > 0) io.out(`TLS telnet ports: ${status.sslPorts.join(", ")}`);
  io.out(`Web port: ${status.webPort ?? "none"}`);
  io.out(`Link port: ${status.linkPort}`);
  io.out(`Updated: ${status.updatedAt}`);
  if (status.refusedRestart) {
    io.out(`Last refused ${status.refusedRestart.mode} (${status.refusedRestart.at}): the new game code did not load`);
    for (const line of status.refusedRestart.details.split("\n")) io.out(`  ${line}`);
  }
  return 0;
}

/**
 * Print the running server's live figures (commands per second, command latency,
 * sessions per protocol, heap, identity map), asked over its control socket; a
 * server that does not answer within `timeoutMs` is said to, and is not an error.
 */
export async function showLiveStats(gameDir: string, io: CliIo, timeoutMs = 3_000): Promise<void> {
  const socket = controlSocketPath(gameDir);
  if (!existsSync(socket)) return; // no control channel (controlSocket: false, or the server is not up)
  let stats: LiveStats;
  try {
    stats = (await sendControlRequest(socket, "stats", {}, { timeoutMs })) as LiveStats;
  } catch (err) {
    io.out(`Live figures: not available (${describeError(err)})`);
    return;
  }
  for (const line of formatLiveStats(stats)) io.out(line);
}

/** The `status` command. */
export const statusCommand: CliCommand = {
  name: "status",
  synopsis: "",
  summary: "show whether the portal and server run, their state, ports, game modules and live figures (commands/s, latency, sessions)",
  options: ["game"],
  minArgs: 0,
  maxArgs: 0,
  run: async ({ io, options, cwd }) => {
    const gameDir = resolveGameDir(options.game, cwd);
    const code = showStatus(gameDir, io);
    if (inspectPidFile(gamePaths(gameDir).serverPid, gameDir).kind === "alive") await showLiveStats(gameDir, io);
    return code;
  },
};
