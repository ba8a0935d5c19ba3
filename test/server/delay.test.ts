/**
 * `delay` and the task handler: cancellable one-shot calls; persistent ones (object
 * methods) survive a reload and a restart, and one due during downtime runs once at
 * start. Fake time throughout.
 */
import { afterEach, expect, it } from "vitest";
import { describeWithWorld } from "../../evennia-ts/testing/world-fixture.ts";
import { TaskHandler, TASK_STORAGE_KEY } from "../../evennia-ts/timers/task-handler.ts";
import { captureErrors, makeTicking, manualContext, savedConfig, storedAttribute } from "./timer-helpers.ts";

let handler: TaskHandler | null = null;

describeWithWorld("delay and the task handler", (suite) => {
  // registered after the world's own hook: runs before the world closes
  afterEach(async () => {
    await handler?.stop();
    handler = null;
  });

  it("calls a function once at its deadline; cancel stops it", async () => {
    const world = suite.world;
    const { clock, ctx } = manualContext(world);
    handler = new TaskHandler();
    await handler.start(ctx);
    const calls: unknown[][] = [];
    const task = handler.add(5, (...args: unknown[]) => calls.push(args), { args: ["a", 1] });
    expect(task.active).toBe(true);
    expect(task.persistent).toBe(false);
    expect(task.deadline).toBe(clock.now() + 5000);
    await clock.advance(4_999);
    expect(calls).toEqual([]);
    await clock.advance(1);
    expect(calls).toEqual([["a", 1]]);
    expect(task.active).toBe(false);
    await clock.advance(60_000);
    expect(calls).toHaveLength(1);

    const cancelled = handler.add(5, () => calls.push(["never"]));
    expect(cancelled.cancel()).toBe(true);
    expect(cancelled.cancel()).toBe(false);
    expect(cancelled.active).toBe(false);
    await clock.advance(10_000);
    expect(calls).toHaveLength(1);
    expect(clock.pendingTimers).toBe(0);
  });

  it("callNow runs it at once; call runs it and keeps it waiting; pause and unpause keep the time left", async () => {
    const world = suite.world;
    const { clock, ctx } = manualContext(world);
    handler = new TaskHandler();
    await handler.start(ctx);
    let n = 0;
    const a = handler.add(100, () => n++);
    await a.callNow();
    expect(n).toBe(1);
    expect(a.active).toBe(false);
    await expect(a.callNow()).rejects.toThrow(/no longer waiting/);

    const b = handler.add(10, () => n++);
    await b.call();
    expect(n).toBe(2);
    expect(b.active).toBe(true);
    await clock.advance(4_000);
    expect(b.pause()).toBe(true);
    expect(b.paused).toBe(true);
    await clock.advance(60_000);
    expect(n).toBe(2);
    expect(b.unpause()).toBe(true);
    await clock.advance(5_999);
    expect(n).toBe(2);
    await clock.advance(1);
    expect(n).toBe(3);
  });

  it("runs an object's method in a unit of work; a throwing one is logged and undone", async () => {
    const world = suite.world;
    const { clock, ctx } = manualContext(world);
    handler = new TaskHandler();
    await handler.start(ctx);
    const obj = await makeTicking(world);
    handler.add(1, [obj, "atTick"], { args: [world.room2, { n: 2 }] });
    handler.add(1, [obj, "boom"]);
    const log = captureErrors();
    try {
      await clock.advance(1_000);
    } finally {
      log.restore();
    }
    expect(obj.db.ticks).toBe(1);
    expect(obj.db.lastArgs).toEqual([world.room2, { n: 2 }]);
    expect(await storedAttribute(world, obj.id, "ticks")).toBe(1);
    expect(await storedAttribute(world, obj.id, "boomWrote")).toBeNull();
    expect(log.lines.join("\n")).toMatch(/delayed task \d+ \(boom\) failed \[error id [0-9a-f]{8}\]/);
  });

  it("refuses negative delays, a persistent plain function and unknown methods", async () => {
    const world = suite.world;
    const { ctx } = manualContext(world);
    handler = new TaskHandler();
    await handler.start(ctx);
    const obj = await makeTicking(world);
    expect(() => handler!.add(-1, () => 0)).toThrow(/>= 0/);
    expect(() => handler!.add(1, () => 0, { persistent: true })).toThrow(/cannot persist/);
    expect(() => handler!.add(1, [obj, "missing"])).toThrow(/no method/);
    expect(() => handler!.add(1, [obj, "atTick"], { args: [() => 1] })).toThrow();
  });

  it("a persistent task survives a reload with its deadline, and runs once", async () => {
    const world = suite.world;
    const { clock, ctx } = manualContext(world);
    handler = new TaskHandler();
    await handler.start(ctx);
    const obj = await makeTicking(world);
    const task = handler.add(30, [obj, "atTick"], { args: ["later"] });
    handler.add(30, () => undefined); // in memory only: gone after the reload
    expect(task.persistent).toBe(true);
    await clock.advance(10_000);
    await handler.stop();
    expect(await savedConfig(world, TASK_STORAGE_KEY)).toMatchObject({ tasks: [{ id: task.id, deadline: task.deadline }] });
    world.store.flush();

    handler = new TaskHandler();
    await handler.start(ctx);
    expect(handler.all().map((t) => t.id)).toEqual([task.id]);
    expect(handler.get(task.id)!.deadline).toBe(task.deadline);
    await clock.advance(19_999);
    expect(await storedAttribute(world, obj.id, "ticks")).toBeNull();
    await clock.advance(1);
    expect(await storedAttribute(world, obj.id, "ticks")).toBe(1);
    expect(await storedAttribute(world, obj.id, "lastArgs")).toEqual(["later"]);
    expect(handler.all()).toEqual([]);
    expect(await savedConfig(world, TASK_STORAGE_KEY)).toMatchObject({ tasks: [] });
    // a new task does not reuse the old id
    expect(handler.add(1, () => 0).id).toBeGreaterThan(task.id);
  });

  it("a persistent task due during downtime runs once at start", async () => {
    const world = suite.world;
    const { clock, ctx } = manualContext(world);
    handler = new TaskHandler();
    await handler.start(ctx);
    const obj = await makeTicking(world);
    handler.add(60, [obj, "atTick"]);
    await handler.stop();
    await clock.advance(3_600_000); // down for an hour

    handler = new TaskHandler();
    await handler.start(ctx);
    await clock.advance(0);
    expect(obj.db.ticks).toBe(1);
    await clock.advance(3_600_000);
    expect(obj.db.ticks).toBe(1);
  });

  it("a paused persistent task stays paused across a restart", async () => {
    const world = suite.world;
    const { clock, ctx } = manualContext(world);
    handler = new TaskHandler();
    await handler.start(ctx);
    const obj = await makeTicking(world);
    const task = handler.add(20, [obj, "atTick"]);
    await clock.advance(5_000);
    task.pause();
    await handler.stop();
    await clock.advance(100_000);
    handler = new TaskHandler();
    await handler.start(ctx);
    const back = handler.get(task.id)!;
    expect(back.paused).toBe(true);
    back.unpause();
    await clock.advance(14_999);
    expect(obj.db.ticks).toBeUndefined();
    await clock.advance(1);
    expect(obj.db.ticks).toBe(1);
  });

  it("a unit of work that fails takes its task back", async () => {
    const world = suite.world;
    const { clock, ctx } = manualContext(world);
    handler = new TaskHandler();
    await handler.start(ctx);
    const obj = await makeTicking(world);
    let task = null as ReturnType<TaskHandler["add"]> | null;
    await expect(
      world.unit(() => {
        task = handler!.add(5, [obj, "atTick"]);
        throw new Error("the command failed");
      }),
    ).rejects.toThrow("the command failed");
    expect(task!.active).toBe(false);
    expect(handler.all()).toEqual([]);
    await clock.advance(10_000);
    expect(obj.db.ticks).toBeUndefined();
    expect(await savedConfig(world, TASK_STORAGE_KEY)).toMatchObject({ tasks: [] });
  });

  it("does not call the method of a deleted object", async () => {
    const world = suite.world;
    const { clock, ctx } = manualContext(world);
    handler = new TaskHandler();
    await handler.start(ctx);
    const obj = await makeTicking(world);
    handler.add(5, [obj, "atTick"]);
    await world.unit(() => obj.delete());
    await clock.advance(5_000);
    expect(handler.all()).toEqual([]);
    expect(await storedAttribute(world, obj.id, "ticks")).toBeNull();
  });
});
