/**
 * The on-demand handler: stages computed from elapsed time when asked, no timers;
 * saved, and measured on the game's runtime (downtime does not count).
 */
import { afterEach, expect, it } from "vitest";
import { describeWithWorld } from "../../evennia-ts/testing/world-fixture.ts";
import { GameTime } from "../../evennia-ts/timers/gametime.ts";
import { OnDemandHandler, ON_DEMAND_STORAGE_KEY } from "../../evennia-ts/timers/on-demand-handler.ts";
import { makeTicking, manualContext, savedConfig } from "./timer-helpers.ts";

const SETTINGS = { timeFactor: 2, timeGameEpoch: null, timeIgnoreDowntimes: false, timeCalendar: null };
const STAGES = { 0: "seedling", 60: "sprout", 300: "flowering", 3600: "wilted" };

let handler: OnDemandHandler | null = null;
let clockOwner: GameTime | null = null;

describeWithWorld("on-demand handler", (suite) => {
  // registered after the world's own hook: runs before the world closes
  afterEach(async () => {
    handler?.stop();
    handler = null;
    await clockOwner?.stop();
    clockOwner = null;
  });
  it("computes the stage from elapsed time without any timer", async () => {
    const world = suite.world;
    const { clock, ctx } = manualContext(world);
    handler = new OnDemandHandler();
    await handler.start(ctx);
    const task = handler.add("plant-1", { category: "growth", stages: STAGES });
    expect(clock.pendingTimers).toBe(0);
    expect(handler.getStage("plant-1", "growth")).toBe("seedling");
    await clock.advance(59_000);
    expect(handler.getStage("plant-1", "growth")).toBe("seedling");
    await clock.advance(1_000);
    expect(handler.getStage("plant-1", "growth")).toBe("sprout");
    expect(handler.getDt("plant-1", "growth")).toBe(60);
    await clock.advance(10_000_000);
    expect(task.getStage()).toBe("wilted");
    expect(clock.pendingTimers).toBe(0);
  });

  it("setDt and setStage move a task; categories keep tasks apart; clear and remove", async () => {
    const world = suite.world;
    const { clock, ctx } = manualContext(world);
    handler = new OnDemandHandler();
    await handler.start(ctx);
    const obj = await makeTicking(world);
    handler.add(obj, { category: "growth", stages: STAGES });
    handler.add(obj, { category: "hunger", stages: { 0: "full", 100: "peckish", 200: "starving" } });
    handler.add("weather", { stages: { 0: "calm", 30: "storm" } });
    await clock.advance(150_000);
    expect(handler.getStage(obj, "growth")).toBe("sprout");
    expect(handler.getStage(obj, "hunger")).toBe("peckish");
    expect(handler.setDt(obj, "growth", 400)).toBe(true);
    expect(handler.getStage(obj, "growth")).toBe("flowering");
    expect(handler.setStage(obj, "hunger", "starving")).toBe(true);
    expect(handler.getDt(obj, "hunger")).toBe(200);
    expect(handler.setStage(obj, "hunger", "nope")).toBe(false);
    expect(handler.setDt("missing", null, 1)).toBe(false);
    expect(() => handler!.setDt(obj, "growth", -5)).toThrow(/>= 0/);
    expect(handler.getStage("missing")).toBeNull();
    expect(handler.all("growth")).toHaveLength(1);
    expect(handler.clear("hunger")).toBe(1);
    expect(handler.all()).toHaveLength(2);
    expect(handler.remove("weather")).toBe(true);
    expect(handler.remove("weather")).toBe(false);
    expect(handler.clear()).toBe(1);
    expect(handler.all()).toEqual([]);
    expect(() => handler!.add("", {})).toThrow(/key/);
    expect(() => handler!.add("x", { stages: { [-1]: "before" } })).toThrow(/seconds/);
  });

  it("is saved and comes back after a reload", async () => {
    const world = suite.world;
    const { clock, ctx } = manualContext(world);
    handler = new OnDemandHandler();
    await handler.start(ctx);
    const obj = await makeTicking(world);
    handler.add(obj, { category: "growth", stages: STAGES });
    await clock.advance(90_000);
    handler.stop();
    expect(await savedConfig(world, ON_DEMAND_STORAGE_KEY)).toMatchObject([{ key: `object#${obj.id}`, category: "growth" }]);
    handler = new OnDemandHandler();
    await handler.start(ctx);
    expect(handler.getStage(obj, "growth")).toBe("sprout");
    expect(handler.getDt(obj, "growth")).toBe(90);
  });

  it("on the game's runtime, downtime does not count", async () => {
    const world = suite.world;
    const { clock, ctx } = manualContext(world);
    clockOwner = new GameTime();
    await clockOwner.start(ctx, SETTINGS);
    handler = new OnDemandHandler();
    await handler.start(ctx, () => clockOwner!.runtime());
    handler.add("crop", { stages: STAGES });
    await clock.advance(30_000);
    handler.stop();
    await clockOwner.stop();
    await world.fixture.flushWrites();
    await clock.advance(7 * 86_400_000); // a week down

    clockOwner = new GameTime();
    await clockOwner.start(ctx, SETTINGS);
    handler = new OnDemandHandler();
    await handler.start(ctx, () => clockOwner!.runtime());
    expect(handler.getDt("crop")).toBe(30);
    expect(handler.getStage("crop")).toBe("seedling");
    await clock.advance(30_000);
    expect(handler.getStage("crop")).toBe("sprout");
  });
});
