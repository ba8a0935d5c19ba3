/**
 * The launcher against user errors, races and a hostile environment: two starts at
 * once, stop or reload racing a start, SIGINT during a start, a ready timeout, pid
 * files that are garbage or name someone else's process, status files that lie,
 * unwritable logs, and init into places it cannot use. Every process a test starts is
 * found by its game folder (in its command line) and killed after the test.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { initGame } from "../../evennia-ts/cli/commands/init.ts";
import { restartServer } from "../../evennia-ts/cli/commands/server-restart.ts";
import { startGame } from "../../evennia-ts/cli/commands/start.ts";
import { showStatus } from "../../evennia-ts/cli/commands/status.ts";
import { stopGame } from "../../evennia-ts/cli/commands/stop.ts";
import { CapturingIo } from "../../evennia-ts/cli/io.ts";
import { gamePaths } from "../../evennia-ts/cli/paths.ts";
import { inspectPidFile, isProcessAlive, readPidFile } from "../../evennia-ts/cli/pid-files.ts";
import { removeLeftovers } from "../../evennia-ts/cli/portal-state.ts";
import { runCli } from "../../evennia-ts/cli/run.ts";
import { waitUntil } from "../../evennia-ts/cli/wait.ts";
import { isEvenniaError } from "../../evennia-ts/utils/errors.ts";
import { tsxLoaderUrl } from "../../evennia-ts/utils/node-command.ts";
import { makeFakeGameDir, makeTempDir, removeTempDirs } from "./temp-dirs.ts";

const here = path.dirname(fileURLToPath(import.meta.url));
const fakePortal = path.join(here, "fixtures", "fake-portal.ts");
const cliDir = path.join(here, "..", "..", "evennia-ts", "cli");

/**
 * A stand-in portal whose timing is read from `<game>/hostile-portal.json`:
 * `pidDelayMs` before it writes its pid file and a "starting" status (absent: never),
 * `runDelayMs` after that before the server "runs" and it reports ready (absent:
 * never; with `server`, it also waits for its "server" child to be up). Like the real
 * portal, a reload asked for before the server runs waits for it,
 * and the server keeps "running" while its successor checks the game's code.
 */
const HOSTILE_PORTAL = `
import { spawn } from "node:child_process";
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
const gameDir = process.argv[process.argv.indexOf("--game") + 1];
const cfg = JSON.parse(readFileSync(path.join(gameDir, "hostile-portal.json"), "utf8"));
const logs = path.join(gameDir, "server", "logs");
const pidFile = path.join(logs, "portal.pid");
const statusFile = path.join(logs, "status.json");
let serverPid = 5000001;
let state = "starting";
let pending = false;
const write = (file, text) => { writeFileSync(file + ".tmp", text); renameSync(file + ".tmp", file); };
const status = () => write(statusFile, JSON.stringify({ portalPid: process.pid, serverPid: state === "running" ? serverPid : null,
  serverState: state, telnetPorts: [4321], webPort: null, linkPort: 4323, updatedAt: new Date().toISOString() }));
// with cfg.server, a "server" child that stops cleanly on SIGTERM (and says so in <game>/server-exit), as the portal asks it to
const SERVER = 'const g = process.argv[process.argv.indexOf("--game") + 1];' +
  'process.on("SIGTERM", () => { require("fs").writeFileSync(require("path").join(g, "server-exit"), "clean"); process.exit(0); });' +
  'require("fs").writeFileSync(require("path").join(g, "server-up"), "");' +
  'setInterval(() => undefined, 1000);';
const whenServerUp = (then) => (server === null || existsSync(path.join(gameDir, "server-up")) ? then() : setTimeout(() => whenServerUp(then), 20));
const server = cfg.server ? spawn(process.execPath, ["-e", SERVER, "--", "--game", gameDir], { stdio: "ignore" }) : null;
const done = () => { rmSync(pidFile, { force: true }); rmSync(statusFile, { force: true }); process.exit(0); };
const exit = () => {
  if (server === null || server.exitCode !== null || server.signalCode !== null) return done();
  server.once("exit", done);
  server.kill("SIGTERM");
};
// the next server checks the game's code first (the server keeps "running" meanwhile), then replaces it
const reload = () => {
  if (state !== "running") { pending = true; return; }
  setTimeout(() => {
    state = "reloading"; status();
    setTimeout(() => { serverPid += 1; state = "running"; status(); }, 200);
  }, 400);
};
setInterval(() => undefined, 1000);
if (cfg.pidDelayMs !== undefined) setTimeout(() => {
  process.on("SIGTERM", exit); process.on("SIGINT", exit); process.on("SIGHUP", reload);
  write(pidFile, process.pid + "\\n"); status();
  if (cfg.runDelayMs !== undefined) setTimeout(() => whenServerUp(() => {
    state = "running"; status();
    process.send?.({ type: "ready", telnetPorts: [4321], webPort: null, linkPort: 4323 });
    if (pending) { pending = false; reload(); }
  }), cfg.runDelayMs);
}, cfg.pidDelayMs);
`;

let hostilePortal = "";
const gameDirs: string[] = [];
const children: ChildProcess[] = [];

beforeAll(() => {
  hostilePortal = path.join(makeTempDir("evennia-hostile-portal-"), "hostile-portal.mjs");
  writeFileSync(hostilePortal, HOSTILE_PORTAL);
});

/** Pids of live processes run with `--game <dir>` (portals, supervisors, servers of that game). */
function processesOf(dir: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const argv = readFileSync(`/proc/${name}/cmdline`, "utf8").split("\0");
      const at = argv.indexOf("--game");
      if (at >= 0 && argv[at + 1] === dir) pids.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

/** True once no process of `dir` is left (bounded). */
async function nothingLeft(dir: string): Promise<boolean> {
  return (await waitUntil(() => processesOf(dir).length === 0, { timeoutMs: 8_000, intervalMs: 50 })) === true;
}

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  for (const dir of gameDirs.splice(0)) for (const pid of processesOf(dir)) process.kill(pid, "SIGKILL");
});
afterAll(removeTempDirs);

/** A game folder whose processes are killed after the test. */
function game(): string {
  const dir = makeFakeGameDir();
  gameDirs.push(dir);
  return dir;
}

/** A game folder for the stand-in `fake-portal.ts` in `mode`. */
function fakeGame(mode: string): string {
  const dir = game();
  writeFileSync(path.join(dir, "fake-portal-mode"), mode);
  return dir;
}

/** A game folder for the hostile portal with this timing. */
function hostileGame(timing: { pidDelayMs?: number; runDelayMs?: number; server?: boolean }): string {
  const dir = game();
  writeFileSync(path.join(dir, "hostile-portal.json"), JSON.stringify(timing));
  return dir;
}

/** A process that sleeps, run with `args` (killed after the test). */
function sleeper(args: string[] = []): ChildProcess {
  const child = spawn(process.execPath, ["-e", "setInterval(() => undefined, 1000)", "--", ...args], { stdio: "ignore" });
  children.push(child);
  return child;
}

const deadPid = (): number => spawnSync(process.execPath, ["-e", ""]).pid!;

describe("races between launchers", () => {
  it("two starts at once: one starts the game, the other is refused; one portal runs", { timeout: 30_000 }, async () => {
    const dir = fakeGame("ready");
    const results = await Promise.allSettled([
      startGame({ gameDir: dir, foreground: false, io: new CapturingIo(), portalEntry: fakePortal }),
      startGame({ gameDir: dir, foreground: false, io: new CapturingIo(), portalEntry: fakePortal }),
    ]);
    const started = results.filter((r) => r.status === "fulfilled" && r.value === 0);
    const refused = results.filter((r) => r.status === "rejected" && isEvenniaError(r.reason, "EV_ERR_ALREADY_RUNNING"));
    expect(started).toHaveLength(1);
    expect(refused).toHaveLength(1);
    // one supervisor and its portal
    expect(processesOf(dir)).toHaveLength(2);
    expect(await stopGame({ gameDir: dir, io: new CapturingIo(), timeoutMs: 10_000 })).toBe(0);
    expect(await nothingLeft(dir)).toBe(true);
  });

  it("a start is refused while another launcher holds the lock; a dead holder's or a garbage lock is taken over", { timeout: 30_000 }, async () => {
    const dir = fakeGame("ready");
    const lock = path.join(gamePaths(dir).logsDir, "launcher.lock");
    const holder = sleeper();
    await waitUntil(() => holder.pid !== undefined && isProcessAlive(holder.pid), { timeoutMs: 5_000 });
    writeFileSync(lock, JSON.stringify({ pid: holder.pid, action: "start", token: "t" }));
    await expect(startGame({ gameDir: dir, foreground: false, io: new CapturingIo(), portalEntry: fakePortal })).rejects.toThrow(
      `another launcher (pid ${holder.pid}) is starting the game`,
    );
    expect(processesOf(dir)).toEqual([]);
    const status = new CapturingIo();
    showStatus(dir, status);
    expect(status.stdout).toContain(`  A launcher (pid ${holder.pid}) is starting the game.`);
    for (const stale of [JSON.stringify({ pid: deadPid(), action: "start", token: "t" }), "garbage"]) {
      writeFileSync(lock, stale);
      expect(await startGame({ gameDir: dir, foreground: false, io: new CapturingIo(), portalEntry: fakePortal })).toBe(0);
      expect(existsSync(lock), "released once ready").toBe(false);
      expect(await stopGame({ gameDir: dir, io: new CapturingIo(), timeoutMs: 10_000 })).toBe(0);
    }
  });

  it("stop during a start (before the portal wrote its pid file) waits for it and stops the game", { timeout: 30_000 }, async () => {
    const dir = hostileGame({ pidDelayMs: 1_000, runDelayMs: 300 });
    const starting = startGame({ gameDir: dir, foreground: false, io: new CapturingIo(), portalEntry: hostilePortal });
    await waitUntil(() => processesOf(dir).length > 0, { timeoutMs: 5_000, intervalMs: 20 });
    const stop = new CapturingIo();
    expect(await stopGame({ gameDir: dir, io: stop, timeoutMs: 10_000 })).toBe(0);
    expect(await starting).toBe(0);
    expect(stop.stdout).toContain("Stopped.");
    expect(await nothingLeft(dir)).toBe(true);
  });

  it("reload during a start (before the portal wrote its pid file) waits for the start, then reloads", { timeout: 30_000 }, async () => {
    const dir = hostileGame({ pidDelayMs: 1_000, runDelayMs: 300 });
    const starting = startGame({ gameDir: dir, foreground: false, io: new CapturingIo(), portalEntry: hostilePortal });
    await waitUntil(() => processesOf(dir).length > 0, { timeoutMs: 5_000, intervalMs: 20 });
    const reload = new CapturingIo();
    expect(await restartServer({ gameDir: dir, kind: "reload", io: reload, timeoutMs: 10_000 })).toBe(0);
    expect(await starting).toBe(0);
    expect(reload.stdout.join("\n")).toContain("Server reloaded. (server pid 5000002)");
  });

  it("reload while the server is still starting reports the server the reload made, not the first one", { timeout: 30_000 }, async () => {
    const dir = hostileGame({ pidDelayMs: 0, runDelayMs: 1_500 });
    const portal = spawn(process.execPath, [hostilePortal, "--game", dir], { stdio: "ignore" });
    children.push(portal);
    await waitUntil(() => readPidFile(gamePaths(dir).portalPid) ?? undefined, { timeoutMs: 5_000, intervalMs: 20 });
    const reload = new CapturingIo();
    expect(await restartServer({ gameDir: dir, kind: "reload", io: reload, timeoutMs: 10_000 })).toBe(0);
    expect(reload.stdout.join("\n")).toContain("Server reloaded. (server pid 5000002)");
  });

  it("removing a dead portal's leftovers keeps the status file a newer portal wrote", () => {
    const paths = gamePaths(game());
    const status = { portalPid: process.pid, serverPid: null, serverState: "starting", telnetPorts: [], webPort: null, linkPort: 1, updatedAt: "x" };
    writeFileSync(paths.status, JSON.stringify(status));
    removeLeftovers(paths, deadPid());
    expect(existsSync(paths.status)).toBe(true);
  });
});

/** A launcher process running `start` (in the foreground or not) on the hostile portal, as a shell job: leading its own process group. */
function launcher(dir: string, foreground: boolean): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const script = path.join(makeTempDir("evennia-launch-"), "launch.mts");
  writeFileSync(
    script,
    `import { startGame } from ${JSON.stringify(pathToFileURL(path.join(cliDir, "commands", "start.ts")).href)};\n` +
      `import { processIo } from ${JSON.stringify(pathToFileURL(path.join(cliDir, "io.ts")).href)};\n` +
      `process.exitCode = await startGame({ gameDir: process.argv[2], foreground: ${foreground}, io: processIo, ` +
      `portalEntry: process.argv[3], readyTimeoutMs: 25_000 });\n`,
  );
  const child = spawn(process.execPath, ["--import", tsxLoaderUrl(), script, dir, hostilePortal], {
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  children.push(child);
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, output: () => output, exited };
}

describe("interrupting and timing out a start", () => {
  it("SIGINT to the launcher while it waits for the portal stops what it started and exits 130", { timeout: 40_000 }, async () => {
    const dir = hostileGame({ pidDelayMs: 0 });
    const { child, output, exited } = launcher(dir, false);
    expect(await waitUntil(() => readPidFile(gamePaths(dir).portalPid) ?? undefined, { timeoutMs: 20_000, intervalMs: 50 })).toBeDefined();
    child.kill("SIGINT");
    expect(await exited, output()).toBe(130);
    expect(output()).toContain("Interrupted (SIGINT)");
    expect(await nothingLeft(dir)).toBe(true);
    expect(existsSync(gamePaths(dir).portalPid)).toBe(false);
  });

  for (const [signal, what] of [
    ["SIGINT", "Ctrl-C (SIGINT to the job's process group)"],
    ["SIGHUP", "closing the terminal (SIGHUP to the job's process group)"],
    ["SIGKILL", "the launcher killed with SIGKILL"],
  ] as const) {
    it(`${what} in the foreground stops the game through the portal; the server stops cleanly`, { timeout: 40_000 }, async () => {
      const dir = hostileGame({ pidDelayMs: 0, runDelayMs: 0, server: true });
      const { child, output, exited } = launcher(dir, true);
      expect(await waitUntil(() => output().includes("Game started") || undefined, { timeoutMs: 20_000, intervalMs: 50 }), output()).toBe(true);
      process.kill(signal === "SIGKILL" ? child.pid! : -child.pid!, signal);
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
      expect(await nothingLeft(dir), output()).toBe(true);
      expect(existsSync(path.join(dir, "server-exit")), "the server got SIGTERM from its portal, not the terminal's signal").toBe(true);
    });
  }

  it("after a ready timeout, a portal stuck before its pid file can be stopped, and a second start is refused", { timeout: 30_000 }, async () => {
    const dir = hostileGame({});
    const io = new CapturingIo();
    expect(await startGame({ gameDir: dir, foreground: false, io, readyTimeoutMs: 1_000, portalEntry: hostilePortal })).toBe(1);
    expect(io.stderr.join("\n")).toContain("did not report ready");
    expect(processesOf(dir).length).toBeGreaterThan(0);
    const status = new CapturingIo();
    showStatus(dir, status);
    expect(status.stdout.join("\n")).toMatch(/Its supervisor \(pid \d+\) runs: the portal is starting/);
    await expect(
      startGame({ gameDir: dir, foreground: false, io: new CapturingIo(), readyTimeoutMs: 1_000, portalEntry: hostilePortal }),
    ).rejects.toThrow("already running");
    const stop = new CapturingIo();
    expect(await stopGame({ gameDir: dir, io: stop, timeoutMs: 10_000 })).toBe(0);
    expect(stop.stdout).toContain("Stopped.");
    expect(await nothingLeft(dir)).toBe(true);
  });
});

describe("pid files that lie", () => {
  it("garbage, empty, negative, huge and init's pid are not a running portal: start starts", { timeout: 30_000 }, async () => {
    const dir = fakeGame("ready");
    const paths = gamePaths(dir);
    for (const text of ["", "   \n", "abc", "-5", "12abc", "99999999999999999999", "1e3", "0x10", "1", "1\n"]) {
      writeFileSync(paths.portalPid, text);
      expect(inspectPidFile(paths.portalPid, dir).kind, JSON.stringify(text)).toBe("stale");
    }
    // pid 1 (init) looks alive to everyone; as root, `stop` would have sent it SIGTERM
    expect(await startGame({ gameDir: dir, foreground: false, io: new CapturingIo(), portalEntry: fakePortal })).toBe(0);
    expect(readPidFile(paths.portalPid)).not.toBe(1);
    expect(await stopGame({ gameDir: dir, io: new CapturingIo(), timeoutMs: 10_000 })).toBe(0);
  });

  it("a pid reused by another game's process is not this game's: stop leaves it alone, start starts", { timeout: 30_000 }, async () => {
    const dir = fakeGame("ready");
    const other = makeTempDir("evennia-other-game-");
    const stranger = sleeper(["--game", other]);
    await waitUntil(() => isProcessAlive(stranger.pid!), { timeoutMs: 5_000 });
    writeFileSync(gamePaths(dir).portalPid, `${stranger.pid}\n`);
    const stop = new CapturingIo();
    expect(await stopGame({ gameDir: dir, io: stop, timeoutMs: 5_000 })).toBe(0);
    expect(stop.stdout).toContain("The game is not running.");
    expect(stranger.exitCode).toBeNull();
    expect(stranger.signalCode).toBeNull();
    expect(await startGame({ gameDir: dir, foreground: false, io: new CapturingIo(), portalEntry: fakePortal })).toBe(0);
    expect(await stopGame({ gameDir: dir, io: new CapturingIo(), timeoutMs: 10_000 })).toBe(0);
    expect(isProcessAlive(stranger.pid!)).toBe(true);
  });

  it("a process run for this game through a symlink is this game's", { timeout: 15_000 }, async () => {
    const dir = game();
    const link = path.join(makeTempDir(), "linked game");
    symlinkSync(dir, link);
    const portal = sleeper(["--game", link]);
    await waitUntil(() => isProcessAlive(portal.pid!), { timeoutMs: 5_000 });
    const file = gamePaths(dir).portalPid;
    writeFileSync(file, `${portal.pid}\n`);
    expect(inspectPidFile(file, dir)).toEqual({ kind: "alive", pid: portal.pid });
    expect(inspectPidFile(file, link)).toEqual({ kind: "alive", pid: portal.pid });
  });

  it("a pid file that cannot be read (a folder) is a clear error, not a missing file: nothing is started", async () => {
    const dir = fakeGame("ready");
    mkdirSync(gamePaths(dir).portalPid);
    const attempt = startGame({ gameDir: dir, foreground: false, io: new CapturingIo(), portalEntry: fakePortal });
    await expect(attempt).rejects.toThrow(/cannot read the pid file .*portal\.pid/);
    await attempt.catch((err: unknown) => expect(isEvenniaError(err, "EV_ERR_CONFIG")).toBe(true));
    expect(processesOf(dir)).toEqual([]);
  });
});

describe("status files that lie", () => {
  const core = { serverPid: 42, serverState: "running", telnetPorts: [4000], webPort: 4001, linkPort: 4006, updatedAt: "now" };

  it("malformed optional fields or truncated JSON do not crash status", () => {
    const dir = game();
    const paths = gamePaths(dir);
    writeFileSync(paths.portalPid, String(process.pid));
    const bad = [
      { ...core, portalPid: process.pid, sslPorts: "4003" },
      { ...core, portalPid: process.pid, refusedRestart: { mode: "reload" } },
      { ...core, portalPid: process.pid, refusedRestart: "yes" },
    ];
    for (const status of bad) {
      writeFileSync(paths.status, JSON.stringify(status));
      const io = new CapturingIo();
      expect(() => showStatus(dir, io), JSON.stringify(status)).not.toThrow();
      expect(io.stdout).toContain("Server state: unknown (no status file of this portal yet)");
    }
    writeFileSync(paths.status, JSON.stringify({ ...core, portalPid: process.pid }).slice(0, 40));
    const io = new CapturingIo();
    expect(showStatus(dir, io)).toBe(0);
    expect(io.stdout.join("\n")).toContain("Server state: unknown");
  });

  it("a status file left by an earlier portal is not shown as the running portal's", () => {
    const dir = game();
    const paths = gamePaths(dir);
    writeFileSync(paths.portalPid, String(process.pid));
    writeFileSync(paths.status, JSON.stringify({ ...core, portalPid: deadPid() }));
    const io = new CapturingIo();
    showStatus(dir, io);
    expect(io.stdout).toContain("Server state: unknown (no status file of this portal yet)");
    expect(io.stdout.join("\n")).not.toContain("Telnet ports: 4000");
  });
});

describe("hostile folders", () => {
  it("an unwritable log or logs folder is a clear error before anything starts, and leaves no lock", async () => {
    const dir = fakeGame("ready");
    const paths = gamePaths(dir);
    mkdirSync(paths.portalLog);
    for (let attempt = 0; attempt < 2; attempt++) {
      const err = await startGame({ gameDir: dir, foreground: false, io: new CapturingIo(), portalEntry: fakePortal }).catch((e: unknown) => e);
      expect(isEvenniaError(err, "EV_ERR_CONFIG"), String(err)).toBe(true);
      expect((err as Error).message).toContain(`cannot write the log file ${paths.portalLog}`);
    }
    expect(processesOf(dir)).toEqual([]);
    const fileLogs = fakeGame("ready");
    spawnSync("rm", ["-r", gamePaths(fileLogs).logsDir]);
    writeFileSync(gamePaths(fileLogs).logsDir, "not a folder");
    const err = await startGame({ gameDir: fileLogs, foreground: false, io: new CapturingIo(), portalEntry: fakePortal }).catch((e: unknown) => e);
    expect(isEvenniaError(err, "EV_ERR_CONFIG"), String(err)).toBe(true);
    expect((err as Error).message).toContain("cannot create the logs folder");
    const profiled = fakeGame("ready");
    const cpuProfileDir = path.join(gamePaths(profiled).portalLog, "profiles");
    const profErr = await startGame({ gameDir: profiled, foreground: false, io: new CapturingIo(), portalEntry: fakePortal, cpuProfileDir }).catch(
      (e: unknown) => e,
    );
    expect(isEvenniaError(profErr, "EV_ERR_BAD_INPUT"), String(profErr)).toBe(true);
    expect(existsSync(path.join(gamePaths(profiled).logsDir, "launcher.lock"))).toBe(false);
  });

  it("a game folder with spaces and unicode, given relative to another directory, starts, shows and stops", { timeout: 30_000 }, async () => {
    const parent = makeTempDir();
    const dir = path.join(parent, "my gäme ✨ [1]");
    mkdirSync(path.join(dir, "server", "conf"), { recursive: true });
    writeFileSync(path.join(dir, "server", "conf", "settings.ts"), "export default {};\n");
    writeFileSync(path.join(dir, "fake-portal-mode"), "ready");
    gameDirs.push(dir);
    const elsewhere = path.join(parent, "elsewhere");
    mkdirSync(elsewhere);
    const relative = path.relative(elsewhere, dir);
    expect(relative.startsWith("..")).toBe(true);
    expect(await startGame({ gameDir: dir, foreground: false, io: new CapturingIo(), portalEntry: fakePortal })).toBe(0);
    const status = new CapturingIo();
    expect(await runCli(["status", "--game", relative], status, elsewhere)).toBe(0);
    expect(status.stdout.join("\n")).toMatch(/Portal: running \(pid \d+\)/);
    const stop = new CapturingIo();
    expect(await runCli(["stop", "--game", relative], stop, elsewhere)).toBe(0);
    expect(stop.stdout).toContain("Stopped.");
    expect(await nothingLeft(dir)).toBe(true);
  });

  it("stop in a game folder without server/logs says it is not running", async () => {
    const dir = game();
    spawnSync("rm", ["-r", gamePaths(dir).logsDir]);
    const io = new CapturingIo();
    expect(await stopGame({ gameDir: dir, io })).toBe(0);
    expect(io.stdout).toContain("The game is not running.");
  });
});

describe("init into places it cannot use", () => {
  it("under a file, or onto a dangling symlink: a clear error, and the symlink is kept", () => {
    const parent = makeTempDir();
    const file = path.join(parent, "a-file");
    writeFileSync(file, "x");
    expect(() => initGame(path.join(file, "game"), new CapturingIo())).toThrow(/cannot create the game/);
    try {
      initGame(path.join(file, "game"), new CapturingIo());
    } catch (err) {
      expect(isEvenniaError(err, "EV_ERR_BAD_INPUT")).toBe(true);
    }
    const link = path.join(parent, "link");
    symlinkSync(path.join(parent, "missing"), link);
    expect(() => initGame(link, new CapturingIo())).toThrow(/symbolic link to a missing folder/);
    expect(readdirSync(parent)).toContain("link");
  });

  it("a copy that fails half way leaves no half-made game behind", () => {
    const template = makeTempDir("evennia-template-");
    mkdirSync(path.join(template, "server", "conf"), { recursive: true });
    writeFileSync(path.join(template, "server", "conf", "settings.ts"), "export default {};\n");
    mkdirSync(path.join(template, "world"));
    writeFileSync(path.join(template, "world", "a.ts"), "export {};\n");
    expect(spawnSync("mkfifo", [path.join(template, "world", "zz-pipe")]).status).toBe(0);
    const target = path.join(makeTempDir(), "game");
    let error: unknown;
    try {
      initGame(target, new CapturingIo(), template);
    } catch (err) {
      error = err;
    }
    expect(isEvenniaError(error, "EV_ERR_BAD_INPUT"), String(error)).toBe(true);
    expect(existsSync(target)).toBe(false);
    // and an npm project it was adding to gets its own package.json back
    const project = makeTempDir();
    writeFileSync(path.join(project, "package.json"), '{"name":"mine"}\n');
    const old = new Date(Date.now() - 60_000);
    utimesSync(path.join(project, "package.json"), old, old);
    expect(() => initGame(project, new CapturingIo(), template)).toThrow();
    expect(readdirSync(project)).toEqual(["package.json"]);
    expect(readFileSync(path.join(project, "package.json"), "utf8")).toBe('{"name":"mine"}\n');
  });
});
