/**
 * Game time: the clock (runtime, uptime, realtime, gametime with factor and epoch),
 * reloads and restarts with downtime, calendars (standard and custom, with names),
 * and schedules at game-time moments that survive a reload. Fake time throughout.
 */
import { afterEach, expect, it } from "vitest";
import { describeWithWorld } from "../../evennia-ts/testing/world-fixture.ts";
import { CustomCalendar, GregorianCalendar } from "../../evennia-ts/timers/calendar.ts";
import { GameTime, SCHEDULES_KEY, type GameTimeSettings } from "../../evennia-ts/timers/gametime.ts";
import { makeTicking, manualContext, savedConfig, storedAttribute } from "./timer-helpers.ts";

/** Game epoch: 2026-01-01 00:00 UTC, in seconds. */
const EPOCH = Date.UTC(2026, 0, 1) / 1000;
const settings = (over: Partial<GameTimeSettings> = {}): GameTimeSettings => ({
  timeFactor: 2,
  timeGameEpoch: EPOCH,
  timeIgnoreDowntimes: false,
  timeCalendar: null,
  ...over,
});
/** Evennia's custom_gametime example units: 4-week months, 12-month years. */
const FANTASY = {
  units: { sec: 1, min: 60, hour: 3600, day: 86400, week: 604800, month: 2419200, year: 29030400 },
  names: { month: ["Frostfall", "Thawing", "Seedtime", "Bloom", "Highsun", "Harvest", "Leaffall", "Mist", "Ember", "Deepcold", "Longnight", "Yearsend"] },
};

it("the standard calendar breaks down and finds the next moment like Evennia's", () => {
  const cal = new GregorianCalendar();
  const t = Date.UTC(2026, 2, 15, 10, 30, 0) / 1000;
  expect(cal.breakdown(t)).toMatchObject({ year: 2026, month: 3, day: 15, hour: 10, min: 30, sec: 0 });
  expect(cal.format(t)).toBe("Sunday, March 15, 2026, 10:30:00");
  expect(cal.nextMatch(t, { hour: 12 })).toBe(Date.UTC(2026, 2, 15, 12) / 1000);
  expect(cal.nextMatch(t, { hour: 6 })).toBe(Date.UTC(2026, 2, 16, 6) / 1000); // tomorrow
  expect(cal.nextMatch(t, { min: 15 })).toBe(Date.UTC(2026, 2, 15, 11, 15) / 1000); // next hour
  expect(cal.nextMatch(t, { day: 1 })).toBe(Date.UTC(2026, 3, 1) / 1000); // next month
  expect(cal.nextMatch(t, { month: 1, day: 1 })).toBe(Date.UTC(2027, 0, 1) / 1000); // next year
  expect(cal.nextMatch(t, { year: 2020 })).toBeNull();
  expect(() => cal.nextMatch(t, {})).toThrow(/at least one/);
  expect(() => cal.nextMatch(t, { fortnight: 1 })).toThrow(/not a unit/);
  expect(() => cal.nextMatch(t, { hour: 1.5 })).toThrow(/whole number/);
});

it("a custom calendar counts its own units from 0 and names their values", () => {
  const cal = new CustomCalendar(FANTASY.units, FANTASY.names);
  expect(cal.units).toEqual(["year", "month", "week", "day", "hour", "min", "sec"]);
  const t = 2 * 29030400 + 1 * 2419200 + 3 * 86400 + 5 * 3600 + 7;
  expect(cal.breakdown(t)).toEqual({ year: 2, month: 1, week: 0, day: 3, hour: 5, min: 0, sec: 7 });
  expect(cal.format(t)).toBe("year 2, month 1 (Thawing), week 0, day 3, hour 5, min 0, sec 7");
  expect(cal.nextMatch(t, { hour: 6 })).toBe(t - 7 + 3600); // later today
  expect(cal.nextMatch(t, { hour: 4 })).toBe(t - 7 - 3600 + 86400); // tomorrow
  expect(cal.nextMatch(t, { month: 0 })).toBe(3 * 29030400); // the next year's first month
  expect(cal.nextMatch(t, { year: 1 })).toBeNull();
  expect(() => new CustomCalendar({})).toThrow(/empty/);
  expect(() => new CustomCalendar({ sec: 0 })).toThrow(/more than 0/);
  expect(() => new CustomCalendar({ sec: 1 }, { moon: ["x"] })).toThrow(/not a unit/);
});

describeWithWorld("the game clock", (suite) => {
  let clockUnderTest: GameTime | null = null;
  afterEach(async () => {
    await clockUnderTest?.stop();
    clockUnderTest = null;
  });
  const startClock = async (ctx: Parameters<GameTime["start"]>[0], s: GameTimeSettings): Promise<GameTime> => {
    await clockUnderTest?.stop();
    clockUnderTest = new GameTime();
    await clockUnderTest.start(ctx, s);
    return clockUnderTest;
  };

  it("runs timeFactor times faster than real time from its epoch", async () => {
    const { clock, ctx } = manualContext(suite.world);
    const gt = await startClock(ctx, settings());
    expect(gt.gametime()).toBe(0);
    expect(gt.gametime({ absolute: true })).toBe(EPOCH);
    await clock.advance(3 * 3600_000); // 3 real hours = 6 game hours
    expect(gt.uptime()).toBe(10_800);
    expect(gt.runtime()).toBe(10_800);
    expect(gt.gametime()).toBe(21_600);
    expect(gt.now()).toMatchObject({ year: 2026, month: 1, day: 1, hour: 6, min: 0 });
    expect(gt.format()).toBe("Thursday, January 1, 2026, 06:00:00");
    expect(gt.realSecondsUntil({ hour: 7 })).toBe(1800);
    await expect(new GameTime().start(ctx, settings({ timeFactor: 0 }))).rejects.toThrow(/timeFactor/);
    expect(() => new GameTime().runtime()).toThrow(/not running/);
  });

  it("without an epoch setting counts from the game's first start", async () => {
    const { clock, ctx } = manualContext(suite.world);
    const gt = await startClock(ctx, settings({ timeGameEpoch: null }));
    expect(gt.gameEpoch()).toBe(clock.now() / 1000);
  });

  it("keeps its runtime across a reload, and leaves downtime out of it after a restart", async () => {
    const world = suite.world;
    const { clock, ctx } = manualContext(world);
    let gt = await startClock(ctx, settings());
    await clock.advance(600_000);
    gt = await startClock(ctx, settings()); // reload
    expect(gt.runtime()).toBe(600);
    expect(gt.uptime()).toBe(0);
    await clock.advance(400_000);
    await clockUnderTest!.stop();
    await clock.advance(86_400_000); // a day down
    gt = await startClock(ctx, settings());
    expect(gt.runtime()).toBe(1000);
    expect(gt.gametime()).toBe(2000);
    // with timeIgnoreDowntimes game time ran on while the server was down
    const firstStart = clock.now() - (1000 + 86_400) * 1000;
    await world.unit(() => ctx.storage.save("server_epoch", () => firstStart));
    gt = await startClock(ctx, settings({ timeIgnoreDowntimes: true }));
    expect(gt.realtime()).toBe(87_400);
    expect(gt.gametime()).toBe(2 * 87_400);
  });

  it("saves its runtime every minute, so a crash loses at most a minute", async () => {
    const world = suite.world;
    const { clock, ctx } = manualContext(world);
    await startClock(ctx, settings());
    await clock.advance(150_000);
    expect(await savedConfig(world, "run_time")).toEqual({ runtime: 120 });
  });

  it("reset makes game time start over", async () => {
    const { clock, ctx } = manualContext(suite.world);
    const gt = await startClock(ctx, settings());
    await clock.advance(100_000);
    gt.reset();
    expect(gt.gametime()).toBe(0);
    await clock.advance(10_000);
    expect(gt.gametime()).toBe(20);
    const again = await startClock(ctx, settings());
    expect(again.gametime()).toBe(20);
  });

  it("schedule fires at game-time moments, once or repeating", async () => {
    const { clock, ctx } = manualContext(suite.world);
    const gt = await startClock(ctx, settings());
    const dawns: Record<string, number>[] = [];
    const once: number[] = [];
    const event = gt.schedule(() => dawns.push(gt.now()), { hour: 6, min: 0, sec: 0 }, { repeat: true });
    gt.schedule(() => once.push(1), { hour: 1 });
    expect(event.nextAt).toBe(clock.now() + 3 * 3600_000);
    await clock.advance(3 * 3600_000);
    expect(dawns).toHaveLength(1);
    expect(dawns[0]).toMatchObject({ day: 1, hour: 6, min: 0, sec: 0 });
    await clock.advance(12 * 3600_000); // a game day later
    expect(dawns.map((d) => d.day)).toEqual([1, 2]);
    expect(once).toEqual([1]);
    expect(gt.scheduled()).toEqual([event]);
    expect(event.cancel()).toBe(true);
    expect(event.active).toBe(false);
    await clock.advance(48 * 3600_000);
    expect(dawns).toHaveLength(2);
    expect(() => gt.schedule(() => 0, { year: 2000 })).toThrow(/will not come again/);
    expect(() => gt.schedule(() => 0, { hour: 1 }, { persistent: true })).toThrow(/cannot persist/);
  });

  it("a persistent schedule (an object method) survives a reload and a restart", async () => {
    const world = suite.world;
    const { clock, ctx } = manualContext(world);
    let gt = await startClock(ctx, settings());
    const obj = await makeTicking(world);
    gt.schedule([obj, "atTick"], { hour: 6 }, { repeat: true, args: ["dawn"] });
    await clock.advance(3600_000);
    gt = await startClock(ctx, settings()); // reload 1 real hour in: 2 real hours to dawn
    expect(gt.scheduled()).toHaveLength(1);
    await clock.advance(2 * 3600_000 - 1);
    expect(await storedAttribute(world, obj.id, "ticks")).toBeNull();
    await clock.advance(1);
    expect(await storedAttribute(world, obj.id, "ticks")).toBe(1);
    expect(await storedAttribute(world, obj.id, "lastArgs")).toEqual(["dawn"]);
    await clockUnderTest!.stop();
    await clock.advance(30 * 86_400_000); // a month down: game time stood still
    gt = await startClock(ctx, settings());
    expect(obj.db.ticks).toBe(1);
    await clock.advance(12 * 3600_000);
    expect(obj.db.ticks).toBe(2);
    expect(await savedConfig(world, SCHEDULES_KEY)).toMatchObject({ schedules: [{ moment: { hour: 6 }, repeat: true }] });
  });

  it("on a custom calendar, schedules by its units", async () => {
    const { clock, ctx } = manualContext(suite.world);
    const gt = await startClock(ctx, settings({ timeGameEpoch: 0, timeFactor: 4, timeCalendar: FANTASY }));
    expect(gt.now()).toEqual({ year: 0, month: 0, week: 0, day: 0, hour: 0, min: 0, sec: 0 });
    const fired: Record<string, number>[] = [];
    gt.schedule(() => fired.push(gt.now()), { month: 1 });
    await clock.advance((2419200 / 4) * 1000);
    expect(fired).toEqual([{ year: 0, month: 1, week: 0, day: 0, hour: 0, min: 0, sec: 0 }]);
    expect(gt.format()).toContain("month 1 (Thawing)");
  });
});
