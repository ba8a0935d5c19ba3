/**
 * The launcher's start/status/reload/reset/stop against a stand-in portal that follows
 * the process contract; covers the outcomes the real portal rarely shows (crash, silence,
 * refusing to stop). The real portal is exercised in test/cli/e2e.test.ts.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { startGame } from "../../../evennia-ts/cli/commands/start.ts";
import { restartServer } from "../../../evennia-ts/cli/commands/server-restart.ts";
import { showStatus } from "../../../evennia-ts/cli/commands/status.ts";
import { stopGame } from "../../../evennia-ts/cli/commands/stop.ts";
import { CapturingIo } from "../../../evennia-ts/cli/io.ts";
import { gamePaths } from "../../../evennia-ts/cli/paths.ts";
import { isProcessAlive, readPidFile } from "../../../evennia-ts/cli/pid-files.ts";
import { waitUntil } from "../../../evennia-ts/cli/wait.ts";
import { makeFakeGameDir, removeTempDirs } from "../temp-dirs.ts";

const fakePortal = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "fixtures", "fake-portal.ts");
const leftovers: number[] = [];

/** The portal supervisor that started portal `pid` (Linux: from /proc), so it is stopped too and cannot start another. */
function supervisorOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    return readFileSync(`/proc/${ppid}/cmdline`, "utf8").includes("portal-supervisor") ? ppid : null;
  } catch {
    return null;
  }
}

afterEach(() => {
  for (const pid of leftovers.splice(0)) {
    const supervisor = supervisorOf(pid);
    if (supervisor !== null && isProcessAlive(supervisor)) process.kill(supervisor, "SIGKILL");
    if (isProcessAlive(pid)) process.kill(pid, "SIGKILL");
  }
});
afterAll(removeTempDirs);

function gameWithMode(mode: string): string {
  const game = makeFakeGameDir();
  writeFileSync(path.join(game, "fake-portal-mode"), mode);
  return game;
}

describe("launcher against a stand-in portal", () => {
  it("daemon start returns once ready and leaves the portal running; status, reload, reset and stop work", async () => {
    const game = gameWithMode("ready");
    const paths = gamePaths(game);
    const io = new CapturingIo();
    expect(await startGame({ gameDir: game, foreground: false, io, portalEntry: fakePortal })).toBe(0);
    const pid = readPidFile(paths.portalPid)!;
    leftovers.push(pid);
    expect(isProcessAlive(pid)).toBe(true);
    expect(io.stdout).toContain("  telnet 127.0.0.1 4321");
    expect(io.stdout).toContain("  http://127.0.0.1:4322/webclient/   (browser webclient)");
    expect(io.stdout).toContain("  http://127.0.0.1:4322/   (website)");
    expect(io.stdout.join("\n")).toContain(`portal pid ${pid}`);

    const status = new CapturingIo();
    showStatus(game, status);
    expect(status.stdout).toContain(`Portal: running (pid ${pid})`);
    expect(status.stdout).toContain("Server state: running (server pid 1000001)");
    expect(status.stdout).toContain("Telnet ports: 4321");

    const reload = new CapturingIo();
    expect(await restartServer({ gameDir: game, kind: "reload", io: reload, timeoutMs: 10_000 })).toBe(0);
    expect(reload.stdout.join("\n")).toContain("Server reloaded. (server pid 1000002)");
    const reset = new CapturingIo();
    expect(await restartServer({ gameDir: game, kind: "reset", io: reset, timeoutMs: 10_000 })).toBe(0);
    expect(reset.stdout.join("\n")).toContain("Server reset. (server pid 1000003)");

    await expect(
      startGame({ gameDir: game, foreground: false, io: new CapturingIo(), portalEntry: fakePortal }),
    ).rejects.toThrow(`already running (portal pid ${pid})`);

    const stop = new CapturingIo();
    expect(await stopGame({ gameDir: game, io: stop, timeoutMs: 10_000 })).toBe(0);
    expect(stop.stdout).toContain("Stopped.");
    expect(isProcessAlive(pid)).toBe(false);
    expect(existsSync(paths.portalPid)).toBe(false);
  });

  it("reports a fatal message and exits 1", async () => {
    const io = new CapturingIo();
    const code = await startGame({ gameDir: gameWithMode("fatal"), foreground: false, io, portalEntry: fakePortal });
    expect(code).toBe(1);
    expect(io.stderr.join("\n")).toContain("telnet port 4321 is already in use (setting telnetPorts)");
  });

  it("shows the log lines of a portal that exits before it is ready", async () => {
    const game = gameWithMode("crash");
    writeFileSync(gamePaths(game).portalLog, "an older run's line\n");
    const io = new CapturingIo();
    expect(await startGame({ gameDir: game, foreground: false, io, portalEntry: fakePortal })).toBe(1);
    const err = io.stderr.join("\n");
    expect(err).toContain("exited (code 3) before it was ready");
    expect(err).toContain("fake portal: boom, cannot go on");
    expect(err).not.toContain("an older run's line");
  });

  it("gives up waiting for ready after the timeout, pointing to the log", async () => {
    const game = gameWithMode("silent");
    const io = new CapturingIo();
    expect(await startGame({ gameDir: game, foreground: false, io, readyTimeoutMs: 1_500, portalEntry: fakePortal })).toBe(1);
    // the portal goes on starting (on a busy machine it may not have written its pid yet): stop it after the test
    const pid = await waitUntil(() => readPidFile(gamePaths(game).portalPid) ?? undefined, { timeoutMs: 15_000, intervalMs: 50 });
    if (pid !== undefined) leftovers.push(pid);
    expect(io.stderr.join("\n")).toMatch(/did not report ready within 2 s.*portal\.log/s);
  });

  it("says when the portal does not stop in time", async () => {
    const game = gameWithMode("stubborn");
    expect(await startGame({ gameDir: game, foreground: false, io: new CapturingIo(), portalEntry: fakePortal })).toBe(0);
    const pid = readPidFile(gamePaths(game).portalPid)!;
    leftovers.push(pid);
    const io = new CapturingIo();
    expect(await stopGame({ gameDir: game, io, timeoutMs: 800 })).toBe(1);
    expect(io.stderr.join("\n")).toContain(`kill -9 ${pid}`);
    expect(isProcessAlive(pid)).toBe(true);
  });

  it("foreground start prints the addresses and returns the portal's exit code", async () => {
    const io = new CapturingIo();
    const code = await startGame({ gameDir: gameWithMode("exit-after-ready"), foreground: true, io, portalEntry: fakePortal });
    expect(code).toBe(7);
    expect(io.stdout).toContain("  telnet 127.0.0.1 4321");
    expect(io.stdout.join("\n")).not.toContain("http://");
  });

  it("starts the portal again when it exits after an uncaught exception, then stops cleanly", { timeout: 30_000 }, async () => {
    const game = gameWithMode("crash-once");
    const paths = gamePaths(game);
    const io = new CapturingIo();
    expect(await startGame({ gameDir: game, foreground: false, io, portalEntry: fakePortal })).toBe(0);
    const runsFile = path.join(game, "fake-portal-runs");
    const runs = (): { pid: number; supervisor: number }[] =>
      (existsSync(runsFile) ? readFileSync(runsFile, "utf8") : "")
        .split("\n")
        .filter(Boolean)
        .map((line) => {
          const [pid, supervisor] = line.split(" ").map(Number);
          return { pid: pid!, supervisor: supervisor! };
        });
    const first = runs()[0]!;
    leftovers.push(first.supervisor);
    expect(io.stdout.join("\n")).toContain(`portal pid ${first.pid}`);
    // the first portal exits with code 70; the supervisor starts a second one after 1 s
    const second = await waitUntil(() => runs()[1], { timeoutMs: 15_000, intervalMs: 50 });
    expect(second, "the portal was started again").toBeDefined();
    leftovers.push(second!.pid);
    expect(isProcessAlive(first.pid)).toBe(false);
    expect(second!.supervisor).toBe(first.supervisor);
    await waitUntil(() => readPidFile(paths.portalPid) === second!.pid || undefined, { timeoutMs: 5_000, intervalMs: 50 });

    const stop = new CapturingIo();
    expect(await stopGame({ gameDir: game, io: stop, timeoutMs: 10_000 })).toBe(0);
    expect(isProcessAlive(second!.pid)).toBe(false);
    // the supervisor ends with the portal it runs, and starts no other
    expect(await waitUntil(() => !isProcessAlive(first.supervisor) || undefined, { timeoutMs: 5_000, intervalMs: 50 })).toBe(true);
    expect(runs()).toHaveLength(2);
  });

  it("a stop during the back-off after a crash ends the supervisor, and no portal is started again", { timeout: 30_000 }, async () => {
    const game = gameWithMode("crash-always");
    const paths = gamePaths(game);
    expect(await startGame({ gameDir: game, foreground: false, io: new CapturingIo(), portalEntry: fakePortal })).toBe(0);
    const runsFile = path.join(game, "fake-portal-runs");
    const [firstPid, supervisor] = readFileSync(runsFile, "utf8").split("\n")[0]!.split(" ").map(Number);
    leftovers.push(supervisor!, firstPid!);
    // while the supervisor waits to start the portal again, the pid file names it
    expect(await waitUntil(() => readPidFile(paths.portalPid) === supervisor || undefined, { timeoutMs: 10_000, intervalMs: 20 })).toBe(true);
    expect(await stopGame({ gameDir: game, io: new CapturingIo(), timeoutMs: 10_000 })).toBe(0);
    expect(isProcessAlive(supervisor!)).toBe(false);
    expect(existsSync(paths.portalPid)).toBe(false);
    const runs = readFileSync(runsFile, "utf8").split("\n").filter(Boolean);
    for (const line of runs) expect(isProcessAlive(Number(line.split(" ")[0]))).toBe(false);
  });
});
