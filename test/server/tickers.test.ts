/**
 * The ticker handler: one shared timer per interval, persistent subscriptions that
 * survive a reload (mid-interval: no reset, no double tick) and a restart, each
 * subscriber in its own unit of work, deleted objects dropped. Fake time throughout.
 */
import { afterEach, expect, it } from "vitest";
import { describeWithWorld } from "../../evennia-ts/testing/world-fixture.ts";
import { TickerHandler, TICKER_STORAGE_KEY } from "../../evennia-ts/timers/ticker-handler.ts";
import { isEvenniaError } from "../../evennia-ts/utils/errors.ts";
import { captureErrors, makeTicking, manualContext, savedConfig, storedAttribute, type Ticking } from "./timer-helpers.ts";

let handler: TickerHandler | null = null;

describeWithWorld("ticker handler", (suite) => {
  // registered after the world's own hook: runs before the world closes
  afterEach(async () => {
    await handler?.stop();
    handler = null;
  });

  it("calls a plain function every interval, on its grid", async () => {
    const world = suite.world;
    const { clock, ctx } = manualContext(world);
    handler = new TickerHandler();
    await handler.start(ctx);
    const times: number[] = [];
    handler.add(10, () => times.push(clock.now()));
    const start = clock.now();
    await clock.advance(35_000);
    expect(times.map((t) => (t - start) / 1000)).toEqual([10, 20, 30]);
    expect(handler.all()).toHaveLength(1);
    expect(handler.all()[0]!.persistent).toBe(false);
  });

  it("gives a thousand subscribers on one interval ONE timer", async () => {
    const world = suite.world;
    const { clock, ctx } = manualContext(world);
    handler = new TickerHandler();
    await handler.start(ctx);
    let calls = 0;
    const fns = Array.from({ length: 1000 }, () => () => void calls++);
    for (const fn of fns) handler.add(5, fn);
    expect(clock.pendingTimers).toBe(1);
    expect(handler.timerCount).toBe(1);
    handler.add(7, () => undefined);
    expect(clock.pendingTimers).toBe(2);
    await clock.advance(5_000);
    expect(calls).toBe(1000);
    for (const fn of fns) handler.remove(5, fn);
    expect(handler.all(5)).toEqual([]);
    expect(clock.pendingTimers).toBe(1); // the 7 s timer only
  });

  it("calls an object's method with its arguments, each tick in a unit of work that commits", async () => {
    const world = suite.world;
    const { clock, ctx } = manualContext(world);
    handler = new TickerHandler();
    await handler.start(ctx);
    const obj = await makeTicking(world);
    const key = handler.add(3, [obj, "atTick"], { idstring: "hunger", args: [world.char1, "x"] });
    expect(handler.all()[0]).toMatchObject({ interval: 3, method: "atTick", idstring: "hunger", persistent: true, key, objRef: obj.dbref });
    await clock.advance(6_000);
    expect(obj.db.ticks).toBe(2);
    expect(obj.db.lastArgs).toEqual([world.char1, "x"]);
    expect(await storedAttribute(world, obj.id, "ticks")).toBe(2);
  });

  it("isolates a throwing subscriber: logged with an error id, its writes undone, the others run", async () => {
    const world = suite.world;
    const { clock, ctx } = manualContext(world);
    handler = new TickerHandler();
    await handler.start(ctx);
    const good = await makeTicking(world, "good");
    const bad = await makeTicking(world, "bad");
    handler.add(2, [bad, "boom"]);
    handler.add(2, [good, "atTick"]);
    const log = captureErrors();
    try {
      await clock.advance(2_000);
    } finally {
      log.restore();
    }
    expect(good.db.ticks).toBe(1);
    expect(bad.db.boomWrote).toBeUndefined();
    expect(await storedAttribute(world, bad.id, "boomWrote")).toBeNull();
    expect(await storedAttribute(world, good.id, "ticks")).toBe(1);
    expect(log.lines.join("\n")).toMatch(/ticker 2s subscriber .*boom failed \[error id [0-9a-f]{8}\]/);
    expect(handler.all(2)).toHaveLength(2); // it stays subscribed
  });

  it("refuses bad intervals, missing methods and persistent plain functions", async () => {
    const world = suite.world;
    const { ctx } = manualContext(world);
    handler = new TickerHandler();
    await handler.start(ctx);
    const obj = await makeTicking(world);
    for (const bad of [0, -1, Number.NaN, Infinity]) expect(() => handler!.add(bad, () => 0)).toThrow(/interval/);
    expect(() => handler!.add(1, [obj, "nope"])).toThrow(/no method "nope"/);
    let err: unknown;
    try {
      handler.add(1, () => 0, { persistent: true });
    } catch (e) {
      err = e;
    }
    expect(isEvenniaError(err, "EV_ERR_BAD_INPUT")).toBe(true);
    expect(() => new TickerHandler().add(1, () => 0)).toThrow(/not running/);
  });

  it("drops the subscription of a deleted object at its next tick", async () => {
    const world = suite.world;
    const { clock, ctx } = manualContext(world);
    handler = new TickerHandler();
    await handler.start(ctx);
    const obj = await makeTicking(world);
    handler.add(4, [obj, "atTick"]);
    handler.add(4, [obj, "atTick"], { persistent: false, idstring: "mem" });
    await world.unit(() => obj.delete());
    await clock.advance(4_000);
    expect(handler.all()).toEqual([]);
    expect(clock.pendingTimers).toBe(0);
    expect(await savedConfig(world, TICKER_STORAGE_KEY)).toMatchObject({ subscriptions: [] });
  });

  it("keeps persistent subscriptions across a reload mid-interval: no reset, no double tick", async () => {
    const world = suite.world;
    const { clock, ctx } = manualContext(world);
    handler = new TickerHandler();
    await handler.start(ctx);
    const obj = await makeTicking(world);
    const start = clock.now();
    handler.add(10, [obj, "atTick"], { args: [1] });
    handler.add(10, () => undefined); // not persistent: gone after the reload
    await clock.advance(14_000); // one tick at 10 s, reload 4 s into the next interval
    expect(obj.db.ticks).toBe(1);
    await handler.stop();
    await world.fixture.flushWrites();
    world.store.flush();

    handler = new TickerHandler(); // the reloaded server's handler
    await handler.start(ctx);
    expect(handler.all()).toHaveLength(1);
    expect(handler.nextTickAt(10)).toBe(start + 20_000); // 6 s left, not a fresh 10 s
    await clock.advance(6_000);
    const reloaded = (await world.store.get("object", obj.id)) as Ticking;
    expect(reloaded.db.ticks).toBe(2);
    expect(await storedAttribute(world, obj.id, "ticks")).toBe(2);
    expect(reloaded.db.lastArgs).toEqual([1]);
    await clock.advance(10_000);
    expect(reloaded.db.ticks).toBe(3);
  });

  it("after a restart with downtime resumes on the grid, skipping the ticks missed while down", async () => {
    const world = suite.world;
    const { clock, ctx } = manualContext(world);
    handler = new TickerHandler();
    await handler.start(ctx);
    const obj = await makeTicking(world);
    const start = clock.now();
    handler.add(60, [obj, "atTick"]);
    await clock.advance(60_000);
    expect(obj.db.ticks).toBe(1);
    await handler.stop();
    await clock.advance(3_600_000 + 30_000); // an hour and a half-minute down: nothing runs

    handler = new TickerHandler();
    await handler.start(ctx);
    expect(obj.db.ticks).toBe(1);
    expect(handler.nextTickAt(60)).toBe(start + 62 * 60_000);
    await clock.advance(30_000);
    expect(obj.db.ticks).toBe(2);
    expect(clock.pendingTimers).toBe(1);
  });

  it("a unit of work that fails takes its subscription back (and restores the one it replaced)", async () => {
    const world = suite.world;
    const { clock, ctx } = manualContext(world);
    handler = new TickerHandler();
    await handler.start(ctx);
    const obj = await makeTicking(world);
    handler.add(5, [obj, "atTick"], { args: ["old"] });
    await expect(
      world.unit(() => {
        handler!.add(5, [obj, "atTick"], { args: ["new"] });
        handler!.add(9, [obj, "atTick"]);
        throw new Error("the command failed");
      }),
    ).rejects.toThrow("the command failed");
    expect(handler.all().map((s) => s.interval)).toEqual([5]);
    expect(clock.pendingTimers).toBe(1);
    await clock.advance(5_000);
    expect(obj.db.lastArgs).toEqual(["old"]);
  });

  it("starting twice does not schedule twice", async () => {
    const world = suite.world;
    const { clock, ctx } = manualContext(world);
    handler = new TickerHandler();
    await handler.start(ctx);
    const obj = await makeTicking(world);
    handler.add(5, [obj, "atTick"]);
    await world.fixture.flushWrites();
    await handler.start(ctx);
    await handler.start(ctx);
    expect(clock.pendingTimers).toBe(1);
    await clock.advance(5_000);
    expect(obj.db.ticks).toBe(1);
  });

  it("replaces a subscription added again with the same interval and idstring; remove by key", async () => {
    const world = suite.world;
    const { ctx } = manualContext(world);
    handler = new TickerHandler();
    await handler.start(ctx);
    const obj = await makeTicking(world);
    handler.add(5, [obj, "atTick"], { args: [1] });
    const key = handler.add(5, [obj, "atTick"], { args: [2] });
    handler.add(5, [obj, "atTick"], { idstring: "other" });
    expect(handler.all(5)).toHaveLength(2);
    expect(handler.removeByKey(key)).toBe(true);
    expect(handler.remove(5, [obj, "atTick"], { idstring: "other" })).toBe(true);
    expect(handler.remove(5, [obj, "atTick"], { idstring: "other" })).toBe(false);
  });
});
