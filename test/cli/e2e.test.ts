/**
 * End to end: the real `evennia-ts` shim, the real portal and server, in a game folder
 * made by `init` inside the package (under `.tmp/`, so the game's imports of
 * "evennia-ts" resolve), with every port set to 0.
 */
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { initGame } from "../../evennia-ts/cli/commands/init.ts";
import { CapturingIo } from "../../evennia-ts/cli/io.ts";
import { gamePaths, repoRoot } from "../../evennia-ts/cli/paths.ts";
import { isProcessAlive, readPidFile } from "../../evennia-ts/cli/pid-files.ts";
import { readStatusFile } from "../../evennia-ts/cli/status-file.ts";
import { sendControlRequest } from "../../evennia-ts/server/control/control-client.ts";
import { controlSocketPath } from "../../evennia-ts/server/control/control-paths.ts";
import type { LiveStats } from "../../evennia-ts/server/live-stats.ts";

const shim = path.join(repoRoot, "bin", "evennia-ts.js");
const gameDirs: string[] = [];

/** A new game folder from the real template, with the given settings file body. */
function makeGame(settings: Record<string, unknown>): string {
  const parent = path.join(repoRoot, ".tmp");
  mkdirSync(parent, { recursive: true });
  const dir = path.join(mkdtempSync(path.join(parent, "cli-e2e-")), "game");
  gameDirs.push(dir);
  initGame(dir, new CapturingIo());
  writeFileSync(
    path.join(dir, "server", "conf", "settings.ts"),
    `export default ${JSON.stringify({ serverName: "CLI e2e", ...settings }, null, 2)};\n`,
  );
  return dir;
}

const allPortsZero = {
  telnetPorts: [0],
  telnetInterface: "127.0.0.1",
  webPort: 0,
  webInterface: "127.0.0.1",
  serverWebPort: 0,
  linkPort: 0,
};

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run `evennia-ts <args> --game <game>` through the shim (bounded). */
function cli(game: string, args: string[], timeoutMs = 80_000): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [shim, ...args, "--game", game], { cwd: repoRoot, timeout: timeoutMs }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === "number" ? err.code : null;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Resolve once a TCP connection to 127.0.0.1:port is accepted (bounded). */
function connects(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: "127.0.0.1", port });
    const timer = setTimeout(() => finish(false), 5_000);
    function finish(ok: boolean): void {
      clearTimeout(timer);
      socket.destroy();
      resolve(ok);
    }
    socket.once("connect", () => finish(true));
    socket.once("error", () => finish(false));
  });
}

function killLeftovers(game: string): void {
  const paths = gamePaths(game);
  for (const file of [paths.portalPid, paths.serverPid]) {
    const pid = readPidFile(file);
    if (pid !== null && isProcessAlive(pid)) process.kill(pid, "SIGKILL");
  }
}

afterAll(() => {
  for (const game of gameDirs) {
    killLeftovers(game);
    rmSync(path.dirname(game), { recursive: true, force: true });
  }
});

describe("evennia-ts launcher end to end", () => {
  it("start (daemon) → telnet accepts a connection → status → reload → stop", { timeout: 240_000 }, async () => {
    const game = makeGame(allPortsZero);
    const paths = gamePaths(game);

    const start = await cli(game, ["start"]);
    expect(start.code, start.stderr + start.stdout).toBe(0);
    const telnet = /telnet 127\.0\.0\.1 (\d+)/.exec(start.stdout);
    expect(telnet, start.stdout).not.toBeNull();
    const running = readStatusFile(paths.status);
    expect(running?.telnetPorts).toEqual([Number(telnet![1])]);
    if (running?.webPort != null) expect(start.stdout).toContain(`http://127.0.0.1:${running.webPort}/`);
    else expect(start.stdout).not.toContain("http://");
    const portalPid = readPidFile(paths.portalPid);
    expect(portalPid).not.toBeNull();
    expect(isProcessAlive(portalPid!)).toBe(true);

    expect(await connects(Number(telnet![1]))).toBe(true);

    const status = await cli(game, ["status"]);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toContain(`Portal: running (pid ${portalPid})`);
    expect(status.stdout).toMatch(/Server: running \(pid \d+\)/);
    expect(status.stdout).toContain("Server state: running");
    expect(status.stdout).toContain(`Telnet ports: ${telnet![1]}`);
    // what `loadtest --heap-track` asks: the real server collects garbage first, so the figure is the live heap
    const live = (await sendControlRequest(controlSocketPath(game), "stats", { gc: true })) as LiveStats;
    expect(live.heap.collected).toBe(true);
    expect(status.stdout).toMatch(/Event loop: (delay p50\/p99\/max [\d./]+ ms \(last \d+ s\)|delay not measured yet); GC pauses since start: /);
    // the portal's own figures, reported to the server over the link
    expect(status.stdout).toMatch(/Portal process: RSS [\d.]+ MiB, heap [\d.]+ MiB of [\d.]+ MiB; (delay p50|delay not measured yet).*\(reported \d+ s ago\)/);
    const next = (await sendControlRequest(controlSocketPath(game), "stats", {})) as LiveStats;
    expect(next.heap.collected).toBe(false);
    // the real server measures its loop: the full collection asked for just before is a major pause
    expect(next.loop?.gc.major.count).toBeGreaterThanOrEqual(1);
    const serverBefore = readPidFile(paths.serverPid);

    const reload = await cli(game, ["reload"]);
    expect(reload.code, reload.stderr + reload.stdout).toBe(0);
    expect(reload.stdout).toContain("Server reloaded.");
    const serverAfter = readPidFile(paths.serverPid);
    expect(serverAfter).not.toBeNull();
    expect(serverAfter).not.toBe(serverBefore);
    expect(readPidFile(paths.portalPid)).toBe(portalPid);
    expect(await connects(Number(telnet![1]))).toBe(true);

    const stop = await cli(game, ["stop"]);
    expect(stop.code, stop.stderr + stop.stdout).toBe(0);
    expect(stop.stdout).toContain("Stopped.");
    expect(isProcessAlive(portalPid!)).toBe(false);
    expect(readPidFile(paths.portalPid)).toBeNull();

    const after = await cli(game, ["status"]);
    expect(after.stdout).toContain("Portal: not running");
  });

  it("start fails with a message naming a telnet port already in use and the setting", { timeout: 120_000 }, async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const game = makeGame({ ...allPortsZero, telnetPorts: [port] });
      const start = await cli(game, ["start"]);
      expect(start.code, start.stdout + start.stderr).toBe(1);
      expect(start.stderr).toContain(String(port));
      expect(start.stderr).toContain("telnetPorts");
      const leftover = readPidFile(gamePaths(game).portalPid);
      expect(leftover === null || !isProcessAlive(leftover), "the failed portal is gone").toBe(true);
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });
});
