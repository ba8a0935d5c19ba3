/**
 * The event-loop stall watchdog (server/stall-watchdog.ts): a command that blocks
 * the loop is reported with its name, what was typed and who typed it; short
 * work is not; the server starts and stops it.
 */
import { execFileSync, spawn } from "node:child_process";
import os from "node:os";
import { afterEach, describe, expect, it } from "vitest";
import { Command } from "../../evennia-ts/commands/command.ts";
import { CmdSet } from "../../evennia-ts/commands/cmdset.ts";
import { describeCommandRun } from "../../evennia-ts/commands/handler.ts";
import { describeStall, StallWatchdog, type StallReport } from "../../evennia-ts/server/stall-watchdog.ts";
import { describeWithWorld, worldCommandHandler } from "../../evennia-ts/testing/index.ts";
import { beginActivity, endActivity, trackActivity } from "../../evennia-ts/utils/activity.ts";
import { setLogSink } from "../../evennia-ts/utils/logger.ts";
import { startInProcessGame } from "../../evennia-ts/testing/in-process-game.ts";
import { signals } from "../../evennia-ts/typeclasses/signals.ts";

/** Keep the CPU (and so the event loop) busy for `ms`. */
function busy(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

/** True when the `taskset` tool (util-linux) is installed. */
function hasTaskset(): boolean {
  try {
    execFileSync("taskset", ["-p", String(process.pid)], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** Let timers run for `ms`. */
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `hog <ms>`: blocks the loop, as a badly written command would. */
class CmdHog extends Command {
  override key = "hog";
  override async func(): Promise<void> {
    await Promise.resolve();
    busy(Number(this.args.trim()) || 300);
    this.msg("Done hogging.");
  }
}

class HogCmdSet extends CmdSet {
  override key = "HogCmdSet";
  override atCmdsetCreation(): void {
    this.add(CmdHog);
  }
}

let watchdog: StallWatchdog | null = null;
afterEach(() => {
  watchdog?.stop();
  watchdog = null;
});

describe("the watchdog", () => {
  it("reports a block over the threshold, naming the tracked work, and logs it", async () => {
    const reports: StallReport[] = [];
    const lines: string[] = [];
    const previous = setLogSink((level, line) => void (level === "warn" && lines.push(line)));
    try {
      watchdog = new StallWatchdog({ thresholdMs: 100, checkIntervalMs: 20, onStall: (r) => reports.push(r) });
      watchdog.start();
      await sleep(60);
      expect(reports).toEqual([]);
      await trackActivity('timer "weather" on #12', async () => busy(250));
      await sleep(60);
    } finally {
      setLogSink(previous);
    }
    expect(reports).toHaveLength(1);
    expect(reports[0]!.blockedMs).toBeGreaterThanOrEqual(150);
    expect(reports[0]!.activities).toEqual(['timer "weather" on #12']);
    expect(lines.some((l) => /\[stall-watchdog\] the event loop was blocked for \d+ ms \(CPU \d+ of \d+ ms.*\) while running timer "weather" on #12/.test(l))).toBe(true);
  });

  it("tells a busy loop from one blocked in a system call, by its thread's time on a core", async () => {
    const reports: StallReport[] = [];
    watchdog = new StallWatchdog({ thresholdMs: 100, checkIntervalMs: 20, onStall: (r) => reports.push(r) });
    watchdog.start();
    await sleep(40);
    // busy: at least 150 ms of CPU (counted in CPU time, so a loaded machine cannot make it less)
    const start = process.cpuUsage();
    while ((process.cpuUsage(start).user + process.cpuUsage(start).system) / 1000 < 150);
    await sleep(40);
    // blocked without using the CPU, as in a synchronous fsync
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 250);
    await sleep(40);
    expect(reports).toHaveLength(2);
    const [busyOne, blocked] = reports as [StallReport, StallReport];
    expect(busyOne.cpuMs).toBeGreaterThanOrEqual(150);
    expect(busyOne.windowMs).toBeGreaterThanOrEqual(busyOne.blockedMs);
    expect(blocked.blockedMs).toBeGreaterThanOrEqual(200);
    expect(blocked.cpuMs!).toBeLessThan(blocked.windowMs! / 2);
    if (process.platform === "linux") {
      expect(busyOne.ranMs!).toBeGreaterThan(busyOne.windowMs! / 2 - busyOne.waitedForCoreMs!);
      expect(blocked.ranMs! + blocked.waitedForCoreMs!).toBeLessThan(blocked.windowMs! / 2);
      expect(describeStall(blocked)).toMatch(
        /^the event loop was blocked for \d+ ms \(CPU \d+ of \d+ ms; the loop's thread ran \d+, waited \d+ for a core, \d+ in system calls: it was blocked most of that time in a synchronous system call \(a disk write or fsync, a lock\)\) no command/,
      );
    }
    expect(describeStall({ blockedMs: 300, activities: [], at: 0, windowMs: 320, cpuMs: 310 })).toMatch(/^the event loop was blocked for 300 ms \(CPU 310 of 320 ms\) no command/);
    expect(describeStall({ blockedMs: 300, activities: [], at: 0, windowMs: 320, cpuMs: 20 })).toMatch(/\(CPU 20 of 320 ms: it was not running most of that time: another process had the core, or it waited in a system call\)/);
    expect(describeStall({ blockedMs: 300, activities: [], at: 0, windowMs: 320, cpuMs: 110, ranMs: 100, waitedForCoreMs: 210 })).toMatch(
      /\(CPU 110 of 320 ms; the loop's thread ran 100, waited 210 for a core, 10 in system calls: another process had the core most of that time\)/,
    );
  });

  it.runIf(process.platform === "linux" && hasTaskset())("counts the time the loop waited for a core another process had", async () => {
    // this process and a busy one share one core: the loop's thread is ready to run, and waits
    const core = String(os.cpus().length - 1);
    execFileSync("taskset", ["-a", "-p", "-c", core, String(process.pid)], { stdio: "ignore" });
    const hog = spawn(process.execPath, ["-e", "for (;;) {}"], { stdio: "ignore" });
    try {
      execFileSync("taskset", ["-p", "-c", core, String(hog.pid)], { stdio: "ignore" });
      await sleep(50);
      const reports: StallReport[] = [];
      watchdog = new StallWatchdog({ thresholdMs: 100, checkIntervalMs: 20, onStall: (r) => reports.push(r) });
      watchdog.start();
      await sleep(40);
      busy(400);
      await sleep(40);
      const report = reports.find((r) => r.blockedMs >= 300);
      expect(report).toBeDefined();
      expect(report!.waitedForCoreMs!).toBeGreaterThan(report!.windowMs! / 5);
      expect(describeStall(report!)).toMatch(/waited \d+ for a core/);
    } finally {
      hog.kill("SIGKILL");
      execFileSync("taskset", ["-a", "-p", "-c", `0-${os.cpus().length - 1}`, String(process.pid)], { stdio: "ignore" });
    }
  });

  it("does not report work under the threshold, nor after it is stopped", async () => {
    const reports: StallReport[] = [];
    watchdog = new StallWatchdog({ thresholdMs: 500, checkIntervalMs: 20, onStall: (r) => reports.push(r) });
    watchdog.start();
    busy(60);
    await sleep(50);
    expect(reports).toEqual([]);
    watchdog.stop();
    expect(watchdog.running).toBe(false);
    busy(600);
    await sleep(50);
    expect(reports).toEqual([]);
  });

  it("says when nothing tracked was running, and lists several candidates", () => {
    expect(describeStall({ blockedMs: 812.4, activities: [], at: 0 })).toBe(
      "the event loop was blocked for 812 ms no command or tracked timer was running (game code outside them, or the garbage collector)",
    );
    expect(describeStall({ blockedMs: 300, activities: ["a", "b"], at: 0 })).toBe("the event loop was blocked for 300 ms while running one of: a; b");
    const a = beginActivity("x");
    endActivity(a);
    expect(a.endedAt).not.toBeNull();
  });

  it("counts the commands by name when hundreds were in flight, instead of naming each (the log line stays short)", () => {
    const activities = [
      ...Array.from({ length: 150 }, (_, i) => `command "channel" ("channel Public = lt${i} chats (1).") by lt${i} (session ${i})`),
      ...Array.from({ length: 30 }, (_, i) => `command "look" ("look") by lx${i} (session ${1000 + i})`),
      'timer "weather" on #12',
    ];
    const line = describeStall({ blockedMs: 4500, activities, at: 0 });
    expect(line).toBe(
      'the event loop was blocked for 4500 ms while running one of 181 in flight: command "channel" ×150, command "look" ×30, timer "weather" ×1; ' +
        'the first was command "channel" ("channel Public = lt0 chats (1).") by lt0 (session 0)',
    );
    const kinds = Array.from({ length: 12 }, (_, i) => `command "c${i}" ("c${i}") by a (session 1)`);
    expect(describeStall({ blockedMs: 300, activities: kinds, at: 0 })).toContain("command \"c9\" ×1, and 2 other kinds; the first was");
  });
});

describeWithWorld("the watchdog and the command handler", (w) => {
  it("names the blocking command, what was typed and who typed it", async () => {
    const { char1, session1 } = w.world;
    char1.cmdset.add(HogCmdSet);
    const reports: StallReport[] = [];
    const handler = worldCommandHandler(w.world);
    watchdog = new StallWatchdog({ thresholdMs: 150, checkIntervalMs: 20, onStall: (r) => reports.push(r) });
    watchdog.start();
    const previous = setLogSink(() => undefined);
    try {
      await handler.execute(session1, "hog 300");
      await sleep(60);
    } finally {
      setLogSink(previous);
    }
    expect(w.world.text(session1)).toContain("Done hogging.");
    expect(reports).toHaveLength(1);
    expect(reports[0]!.blockedMs).toBeGreaterThanOrEqual(200);
    expect(reports[0]!.activities).toEqual([`command "hog" ("hog 300") by Char (account TestAccount, session ${session1.sessid})`]);
  });

  it("puts a label given as a function into words only when it is read, once", () => {
    let made = 0;
    const activity = beginActivity(() => `timer "weather" #${++made}`);
    endActivity(activity);
    expect(made).toBe(0);
    expect(activity.label).toBe('timer "weather" #1');
    expect(activity.label).toBe('timer "weather" #1');
    expect(made).toBe(1);
  });

  it("describes an unlogged session's command", () => {
    const session = w.world.connectSession();
    expect(describeCommandRun("connect", "connect anna secret", session, session)).toBe(`command "connect" ("connect anna secret") by an unlogged session (session ${session.sessid})`);
  });
});

describe("the server", () => {
  it("starts the watchdog (a service) and the signals of its start and stop", async () => {
    const heard: string[] = [];
    const started = new Promise<void>((resolve) => signals.once("serverStarted", (e) => (heard.push(`started:${e.mode}`), resolve())));
    const stopped = new Promise<void>((resolve) => signals.once("serverStopped", (e) => (heard.push(`stopped:${e.mode}`), resolve())));
    const game = await startInProcessGame({ stallWarningMs: 300 });
    try {
      await started;
      const server = game.server()!;
      const row = server.serviceRegistry.list().find((s) => s.name === "StallWatchdog");
      expect(row).toMatchObject({ running: true, controllable: true });
      expect(row!.description).toContain("300 ms");
    } finally {
      const server = game.server();
      await game.stop();
      await stopped;
      expect(server?.serviceRegistry.list().find((s) => s.name === "StallWatchdog")?.running).toBe(false);
    }
    expect(heard).toEqual(["started:start", "stopped:shutdown"]);
  });
});

describeWithWorld("the watchdog and the timers", (w) => {
  it("names a delayed task and a script whose callback blocks the loop", async () => {
    const { startTimerServices, stopTimerServices } = await import("../../evennia-ts/timers/timer-services.ts");
    const { delay } = await import("../../evennia-ts/timers/task-handler.ts");
    const { ScriptScheduler } = await import("../../evennia-ts/typeclasses/script-scheduler.ts");
    const { createScript, DefaultScript, registerTypeclass } = await import("../../evennia-ts/typeclasses/index.ts");
    class HogScript extends DefaultScript {
      override async atRepeat(): Promise<void> {
        busy(250);
      }
    }
    registerTypeclass("test.stall.HogScript", HogScript);
    const reports: StallReport[] = [];
    watchdog = new StallWatchdog({ thresholdMs: 100, checkIntervalMs: 20, onStall: (r) => reports.push(r) });
    watchdog.start();
    await startTimerServices({ db: w.world.fixture.db, settings: w.world.settings });
    try {
      await w.world.unit(() => void delay(0.01, () => busy(250), { persistent: false }));
      const named = (re: RegExp) => reports.some((r) => r.activities.some((a) => re.test(a)));
      // a loaded machine may run the task late: wait for it (at most 5 s)
      for (let waited = 0; waited < 5000 && !named(/delay|task/i); waited += 50) await sleep(50);
      expect(named(/delay|task/i), JSON.stringify(reports)).toBe(true);
      reports.length = 0;
      const scheduler = new ScriptScheduler(w.world.store);
      await scheduler.start();
      try {
        await w.world.unit(() => createScript(HogScript, { key: "hog", interval: 1, obj: w.world.obj1 }));
        for (let waited = 0; waited < 5000 && !named(/script "hog" \(#\d+\) atRepeat/); waited += 50) await sleep(50);
      } finally {
        await scheduler.stop("shutdown");
      }
      expect(named(/script "hog" \(#\d+\) atRepeat/), JSON.stringify(reports)).toBe(true);
    } finally {
      await stopTimerServices();
    }
  });
});
