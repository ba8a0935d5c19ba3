/**
 * The files a running portal keeps under `<game>/server/logs/`: pid files of both
 * processes and `status.json`, which the launcher reads. Written atomically
 * (write a temp file, then rename).
 */
import { mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { PortalStatus } from "./portal.ts";

/** Paths of the runtime files of a game folder. */
export function runtimePaths(gameDir: string) {
  const logs = path.join(gameDir, "server", "logs");
  return {
    logs,
    portalPid: path.join(logs, "portal.pid"),
    serverPid: path.join(logs, "server.pid"),
    status: path.join(logs, "status.json"),
    serverLog: path.join(logs, "server.log"),
  };
}

function writeAtomic(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

/** Keeps the runtime files in step with the portal. */
export class RuntimeFiles {
  private readonly paths: ReturnType<typeof runtimePaths>;

  constructor(gameDir: string) {
    this.paths = runtimePaths(gameDir);
    mkdirSync(this.paths.logs, { recursive: true });
  }

  /** Path of the server's log file. */
  get serverLog(): string {
    return this.paths.serverLog;
  }

  /** Write the portal's pid file. */
  writePortalPid(): void {
    writeAtomic(this.paths.portalPid, `${process.pid}\n`);
  }

  /** Write `status.json` and the server's pid file from a status. */
  writeStatus(status: PortalStatus): void {
    if (status.serverState === "stopped") return;
    if (status.serverPid) writeAtomic(this.paths.serverPid, `${status.serverPid}\n`);
    else rmSync(this.paths.serverPid, { force: true });
    writeAtomic(
      this.paths.status,
      JSON.stringify(
        {
          portalPid: process.pid,
          serverPid: status.serverPid,
          serverState: status.serverState,
          telnetPorts: status.telnetPorts,
          sslPorts: status.sslPorts,
          webPort: status.webPort,
          linkPort: status.linkPort,
          refusedRestart: status.refusedRestart,
          updatedAt: new Date().toISOString(),
        },
        null,
        2,
      ) + "\n",
    );
  }

  /** Remove every runtime file (clean exit). */
  removeAll(): void {
    for (const file of [this.paths.portalPid, this.paths.serverPid, this.paths.status]) rmSync(file, { force: true });
  }
}
