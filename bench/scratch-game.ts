/**
 * A scratch game for the memory and reload benchmarks: a game folder made from the
 * template with load-test settings, started as real processes (`evennia-ts start`),
 * with its ports, pids, resident memory (from `/proc`) and the server's live figures
 * (the control socket's `stats`). Linux only (`/proc`).
 */
import { readFileSync } from "node:fs";
import { startGame } from "../evennia-ts/cli/commands/start.ts";
import { stopGame } from "../evennia-ts/cli/commands/stop.ts";
import { CapturingIo } from "../evennia-ts/cli/io.ts";
import { gamePaths } from "../evennia-ts/cli/paths.ts";
import { inspectPidFile } from "../evennia-ts/cli/pid-files.ts";
import { readStatusFile } from "../evennia-ts/cli/status-file.ts";
import type { GameSettings } from "../evennia-ts/conf/default-settings.ts";
import { sendControlRequest } from "../evennia-ts/server/control/control-client.ts";
import { controlSocketPath } from "../evennia-ts/server/control/control-paths.ts";
import type { LiveStats } from "../evennia-ts/server/live-stats.ts";
import { createTestGameFolder } from "../evennia-ts/testing/game-folder.ts";

/** Settings that keep the game's per-IP limits out of a benchmark's way. */
export const BENCH_SETTINGS: GameSettings = {
  connectionLimitExemptIps: ["127.0.0.1"],
  connectionsPerIpPerMinute: 0,
  maxConnectionsPerIp: 0,
  accountCreationsPerIp: 0,
  commandRatePerSecond: 0,
  permissionAccountDefault: "Builder",
};

/** A running scratch game. */
export interface ScratchGame {
  dir: string;
  telnetPort: number;
  webPort: number;
  /** The portal's pid (it stays across a reload). */
  portalPid: number;
  /** The server's pid now (a reload starts a new one). */
  serverPid(): number;
  /** The server's live figures. */
  stats(): Promise<LiveStats>;
  /** Stop the game and delete its folder. */
  close(): Promise<void>;
}

/** Resident set of `pid` in bytes, from `/proc/<pid>/status` (0 when gone). */
export function rssBytes(pid: number): number {
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Start a scratch game with `settings` over {@link BENCH_SETTINGS}. */
export async function startScratchGame(settings: GameSettings = {}): Promise<ScratchGame> {
  const folder = createTestGameFolder({ ...BENCH_SETTINGS, ...settings });
  const io = new CapturingIo();
  if ((await startGame({ gameDir: folder.dir, foreground: false, io })) !== 0) {
    folder.remove();
    throw new Error(`the scratch game did not start:\n${io.stderr.join("\n")}`);
  }
  const paths = gamePaths(folder.dir);
  const status = readStatusFile(paths.status);
  const pid = (file: string): number => {
    const state = inspectPidFile(file);
    if (state.kind !== "alive") throw new Error(`no live process in ${file}`);
    return state.pid;
  };
  const socket = controlSocketPath(folder.dir);
  return {
    dir: folder.dir,
    telnetPort: status!.telnetPorts[0]!,
    webPort: status!.webPort!,
    portalPid: pid(paths.portalPid),
    serverPid: () => pid(paths.serverPid),
    stats: async () => (await sendControlRequest(socket, "stats", {}, { timeoutMs: 30_000 })) as LiveStats,
    close: async () => {
      await stopGame({ gameDir: folder.dir, io: new CapturingIo(), timeoutMs: 30_000 }).catch(() => 1);
      folder.remove();
    },
  };
}

/** `n` bytes as MiB with one decimal. */
export function mib(n: number): string {
  return `${(n / 1048576).toFixed(1)} MiB`;
}

/** Wait `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
