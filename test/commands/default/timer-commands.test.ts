/**
 * The timer commands: `tickers`, `tasks` (list, /cancel /do_task /pause /remove...),
 * and game time in `time`. char1/account1 are Developers, char2/account2 plain
 * Players. The timer services run on a manual clock.
 */
import { afterEach, expect, it } from "vitest";
import { CmdTime } from "../../../evennia-ts/commands/default/server-info.ts";
import { CmdTasks, CmdTickers } from "../../../evennia-ts/commands/default/timers.ts";
import { callCommand, describeWithWorld, worldCommandHandler, type TestWorld } from "../../../evennia-ts/testing/index.ts";
import { ManualClock } from "../../../evennia-ts/testing/manual-clock.ts";
import { gametime } from "../../../evennia-ts/timers/gametime.ts";
import { taskHandler } from "../../../evennia-ts/timers/task-handler.ts";
import { tickerHandler } from "../../../evennia-ts/timers/ticker-handler.ts";
import { deferredCallbacksSettled } from "../../../evennia-ts/timers/timer-context.ts";
import { startTimerServices, stopTimerServices } from "../../../evennia-ts/timers/timer-services.ts";
import { makeTicking, storedAttribute } from "../../server/timer-helpers.ts";

/** Type `line` on `session` through the real command handler (locks checked) and return what it got. */
async function typed(world: TestWorld, line: string, session = world.session2): Promise<string> {
  world.clearOutput();
  await worldCommandHandler(world).execute(session, line);
  return world.text(session);
}

/** Start the timer services on a manual clock at 2026-01-01 12:00 UTC. */
async function startTimers(world: TestWorld, settings: Partial<TestWorld["settings"]> = {}): Promise<ManualClock> {
  const clock = new ManualClock(Date.UTC(2026, 0, 1, 12));
  await startTimerServices({ db: world.fixture.db, settings: { ...world.settings, ...settings }, clock });
  return clock;
}

describeWithWorld("timer commands", (w) => {
  afterEach(async () => {
    await stopTimerServices();
  });

  // ---- tickers ---------------------------------------------------------------

  it("tickers says when none are active", async () => {
    await startTimers(w.world);
    await callCommand(w.world, CmdTickers, "", "No tickers are currently active.");
  });

  it("tickers lists interval, object, method, idstring and whether each is saved", async () => {
    const { world } = w;
    await startTimers(world);
    const obj = await makeTicking(world, "clockwork");
    tickerHandler.add(10, [obj, "atTick"], { idstring: "hunger" });
    tickerHandler.add(30, function weatherStep() {}, { persistent: false });
    const out = await callCommand(world, CmdTickers, "");
    const lines = out.text.split("\n");
    expect(lines[0]).toBe("Active tickers:");
    expect(out.text).toMatch(/interval \(s\)\s*\|?\s*object\s*\|?\s*path\/methodname\s*\|?\s*idstring\s*\|?\s*db/);
    expect(lines.find((l) => l.includes("clockwork"))).toMatch(new RegExp(`10\\s.*clockwork \\(#${obj.id}\\)\\s.*atTick\\s.*hunger\\s.*\\*`));
    expect(lines.find((l) => l.includes("weatherStep"))).toMatch(/30\s.*\[None\]\s.*weatherStep\s.*\[Unset\]\s.*-/);
  });

  it("tickers refuses arguments and is locked to Builders", async () => {
    const { world } = w;
    await startTimers(world);
    await callCommand(world, CmdTickers, "foo", "Usage: tickers");
    expect(await typed(world, "tickers")).toContain("Command 'tickers' is not available");
    expect(await typed(world, "tickers", world.session1)).toContain("No tickers are currently active.");
  });

  // ---- tasks -----------------------------------------------------------------

  it("tasks says when there are none, and that a named one likely completed", async () => {
    const { world } = w;
    await startTimers(world);
    await callCommand(world, CmdTasks, "", "There are no active tasks.");
    const out = await callCommand(world, CmdTasks, "/cancel 3");
    expect(out.text).toBe("There are no active tasks.\nLikely the task has completed and been removed.");
  });

  it("tasks lists id, completion date, function, object, arguments and persistence", async () => {
    const { world } = w;
    await startTimers(world);
    const obj = await makeTicking(world);
    const saved = taskHandler.add(30, [obj, "atTick"], { args: ["soon", world.room2] });
    const plain = taskHandler.add(90, function ringBell() {}, { args: [7] });
    const out = await callCommand(world, CmdTasks, "");
    expect(out.text).toMatch(/Task ID\s*\|?\s*Completion Date\s*\|?\s*Function/);
    const lines = out.text.split("\n");
    expect(lines.find((l) => l.includes("atTick"))).toMatch(new RegExp(`${saved.id}\\s.*2026/01/01 12:00:30\\s.*atTick\\s.*#${obj.id}\\s.*\\["soon",.*True`));
    expect(out.text).toContain(`#${world.room2.id}"]`); // the object argument, by dbref (the column may wrap)
    expect(lines.find((l) => l.includes("ringBell"))).toMatch(new RegExp(`${plain.id}\\s.*2026/01/01 12:01:30\\s.*ringBell\\s.*\\[None\\]\\s.*7.*False`));
  });

  it("tasks/cancel <id> asks first, then cancels; no keeps it", async () => {
    const { world } = w;
    const clock = await startTimers(world);
    const obj = await makeTicking(world);
    const task = taskHandler.add(30, [obj, "atTick"]);
    const kept = await callCommand(world, CmdTasks, `/cancel ${task.id}`, "", { inputs: ["n"] });
    expect(JSON.stringify([...kept.messages.values()])).toContain(`Cancel task ${task.id} with completion date 2026/01/01 12:00:30 (atTick) [Y]/N?`);
    expect(kept.text).toContain("No cancel processed.");
    expect(task.active).toBe(true);
    const out = await callCommand(world, CmdTasks, `/cancel ${task.id}`, "", { inputs: ["y"] });
    expect(out.text).toContain("cancel request completed.");
    expect(task.active).toBe(false);
    await clock.advance(60_000);
    expect(await storedAttribute(world, obj.id, "ticks")).toBeNull();
    // the cancellation is saved: a restart does not bring it back
    await stopTimerServices();
    await startTimers(world);
    expect(taskHandler.get(task.id)).toBeNull();
  });

  it("tasks/do_task runs a task now (after the command commits); /pause and /remove by function name", async () => {
    const { world } = w;
    const clock = await startTimers(world);
    const obj = await makeTicking(world);
    const now = taskHandler.add(300, [obj, "atTick"], { args: ["early"] });
    await callCommand(world, CmdTasks, `/do_task ${now.id}`, "", { inputs: [""] });
    expect(now.active).toBe(false);
    await deferredCallbacksSettled();
    expect(await storedAttribute(world, obj.id, "ticks")).toBe(1);
    expect(await storedAttribute(world, obj.id, "lastArgs")).toEqual(["early"]);

    let rung = 0;
    const a = taskHandler.add(10, function ringBell() { rung++; });
    const b = taskHandler.add(20, function ringBell() { rung++; });
    const out = await callCommand(world, CmdTasks, "/pause ringbell");
    expect(out.text).toContain(`Task action pause completed on task ID ${a.id}.`);
    expect(out.text).toContain(`Task action pause completed on task ID ${b.id}.`);
    expect(a.paused && b.paused).toBe(true);
    await clock.advance(60_000);
    expect(rung).toBe(0);
    await callCommand(world, CmdTasks, "/unpause ringBell");
    await clock.advance(10_000);
    expect(rung).toBe(1);
    await callCommand(world, CmdTasks, "/remove ringBell", `Task action remove completed on task ID ${b.id}.`);
    await clock.advance(60_000);
    expect(rung).toBe(1);
    expect(taskHandler.all()).toEqual([]);
  });

  it("tasks: no such id, no such function, misformed, unknown switch, and the lock", async () => {
    const { world } = w;
    await startTimers(world);
    const task = taskHandler.add(30, () => undefined);
    await callCommand(world, CmdTasks, "/cancel 999", "Task 999 does not exist.");
    await callCommand(world, CmdTasks, "/cancel nosuch", "No tasks deferring function name nosuch found.");
    const misformed = await callCommand(world, CmdTasks, `${task.id}`);
    expect(misformed.text).toBe("Task command misformed.\nProper format tasks[/switch] [function name or task id]");
    const unknown = await callCommand(world, CmdTasks, `/explode ${task.id}`);
    expect(unknown.text).toContain('Extra switch "/explode" ignored.');
    expect(unknown.text).toContain("Task command misformed.");
    expect(task.active).toBe(true);
    expect(await typed(world, "tasks")).toContain("Command 'tasks' is not available");
    expect(await typed(world, "delays", world.session1)).toContain("Task ID");
  });

  // ---- time ------------------------------------------------------------------

  it("time shows the game clock: its factor, epoch, time passed and the game's time now", async () => {
    const { world } = w;
    const clock = await startTimers(world, { timeFactor: 4, timeGameEpoch: Date.UTC(1000, 5, 1) / 1000 });
    await clock.advance(3600_000); // one real hour = four game hours
    const out = await callCommand(world, CmdTime, "");
    expect(out.text).toMatch(/Server time/);
    expect(out.text).toMatch(/In-Game time\s*\|?\s*Real time x 4/);
    expect(out.text).toMatch(/Epoch \(from settings\)\s*\|\s*\w+, June 1, 1000, 00:00:00/);
    expect(out.text).toMatch(/Total time passed\s*\|\s*4 hours/);
    expect(out.text).toMatch(/Current time\s*\|\s*\w+, June 1, 1000, 04:00:00/);
    expect(gametime.now()).toMatchObject({ year: 1000, month: 6, day: 1, hour: 4 });
    // players may use it
    expect(await typed(world, "time")).toContain("In-Game time");
  });

  it("time on a custom calendar names its units", async () => {
    const { world } = w;
    await startTimers(world, {
      timeGameEpoch: 0,
      timeCalendar: { units: { sec: 1, min: 60, hour: 3600, day: 86400, month: 2592000, year: 31104000 }, names: { month: ["Snowmoon", "Rainmoon"] } },
    });
    const out = await callCommand(world, CmdTime, "");
    expect(out.text).toMatch(/Current time\s*\|\s*year 0, month 0 \(Snowmoon\), day 0/);
  });
});
