/**
 * Scripts on both databases, on a manual clock: the timer (interval accuracy,
 * start delay, repeats, pause, forceRepeat, isValid), one unit of work per
 * `atRepeat` and a throwing one keeping its schedule, `obj.scripts`, global
 * scripts, and every row of the persistence table of docs/scripts.md (reload
 * mid-interval, stop/start with downtime in each catch-up mode, paused, stopped,
 * non-persistent, crash).
 */
import { afterEach, beforeEach, expect, it } from "vitest";
import { ServerConfig } from "../../evennia-ts/server/server-config.ts";
import { describeWithWorld, type TestWorld } from "../../evennia-ts/testing/world-fixture.ts";
import {
  DefaultObject,
  DefaultScript,
  Store,
  createScript,
  ensureGlobalScripts,
  findGlobalScripts,
  registerTypeclass,
  scriptClockNow,
  setStore,
  ScriptScheduler,
  type SchedulerStopMode,
} from "../../evennia-ts/typeclasses/index.ts";
import { setLogSink, type LogSink } from "../../evennia-ts/utils/logger.ts";
import { ManualClock } from "./manual-clock.ts";

/** Every atRepeat: [script key, clock time]. */
let fired: [string, number][] = [];
/** Hook calls: "<key>:<hook>". */
let hooks: string[] = [];

/** Counts its repeats in an attribute. */
class Counter extends DefaultScript {
  override async atRepeat(): Promise<void> {
    fired.push([this.key, scriptClockNow()]);
    this.db.count = ((this.db.count as number | undefined) ?? 0) + 1;
  }
  override async atStart(): Promise<void> {
    hooks.push(`${this.key}:start`);
  }
  override async atStop(): Promise<void> {
    hooks.push(`${this.key}:stop`);
  }
  override async atPause(): Promise<void> {
    hooks.push(`${this.key}:pause`);
  }
}
registerTypeclass("tests.scripts.Counter", Counter);

/** Catches up once after downtime. */
class CatchUpCounter extends Counter {
  static override catchUp = "once" as const;
}
registerTypeclass("tests.scripts.CatchUpCounter", CatchUpCounter);

/** Writes, then throws on every other repeat. */
class Flaky extends DefaultScript {
  override async atRepeat(): Promise<void> {
    const n = ((this.ndb.calls as number | undefined) ?? 0) + 1;
    this.ndb.calls = n;
    fired.push([this.key, scriptClockNow()]);
    this.db.lastWrite = n;
    if (n % 2 === 1) throw new Error(`boom ${n}`);
  }
}
registerTypeclass("tests.scripts.Flaky", Flaky);

/** Runs twice each time: forceRepeat from inside atRepeat on its first run. */
class Doubler extends Counter {
  override async atRepeat(): Promise<void> {
    await super.atRepeat();
    if (this.repeatsDone % 2 === 1) await this.forceRepeat();
  }
}
registerTypeclass("tests.scripts.Doubler", Doubler);

/** Valid while its object has `db.alive`. */
class Guarded extends Counter {
  override async isValid(): Promise<boolean> {
    return this.obj?.db.alive === true;
  }
}
registerTypeclass("tests.scripts.Guarded", Guarded);

/** Sets its own timer in atScriptCreation. */
class SelfTimed extends Counter {
  override async atScriptCreation(): Promise<void> {
    this.interval = 7;
    this.startDelay = true;
    this.repeats = 2;
    this.desc = "made by atScriptCreation";
  }
}
registerTypeclass("tests.scripts.SelfTimed", SelfTimed);

let errors: string[] = [];
let previousSink: LogSink | null = null;
beforeEach(() => {
  fired = [];
  hooks = [];
  errors = [];
  previousSink = setLogSink((level, line) => {
    if (level === "error") errors.push(line);
  });
});
afterEach(() => {
  if (previousSink) setLogSink(previousSink);
});

/** A running scheduler on a manual clock, and the store it runs on. */
interface Rig {
  clock: ManualClock;
  scheduler: ScriptScheduler;
  store: Store;
}

const SECOND = 1000;

async function startRig(world: TestWorld, store: Store = world.store, clock = new ManualClock()): Promise<Rig> {
  const scheduler = new ScriptScheduler(store, { clock, notes: new ServerConfig(world.fixture.db) });
  clock.settle = () => scheduler.settled();
  await scheduler.start();
  return { clock, scheduler, store };
}

/**
 * The server goes away and comes back `downtime` ms later, as a new process: a new
 * store (nothing in memory), a new scheduler. "crash" stops nothing.
 */
async function restart(world: TestWorld, rig: Rig, how: SchedulerStopMode | "crash", downtime: number): Promise<Rig> {
  if (how !== "crash") await rig.scheduler.stop(how);
  const store = new Store(world.fixture.db, { lruSize: 0 });
  await store.init();
  setStore(store);
  return startRig(world, store, new ManualClock(rig.clock.now() + downtime));
}

async function loadScript<T extends DefaultScript = DefaultScript>(rig: Rig, id: number): Promise<T | null> {
  return (await rig.store.get("script", id)) as T | null;
}

const times = (key: string, t0: number): number[] => fired.filter(([k]) => k === key).map(([, t]) => (t - t0) / SECOND);

describeWithWorld("scripts: the timer", (ctx) => {
  it("fires atRepeat every interval, on the second, with one timer for many scripts", async () => {
    const world = ctx.world;
    const rig = await startRig(world);
    const t0 = rig.clock.now();
    const script = await world.unit(() => createScript(Counter, { key: "tick", obj: world.obj1, interval: 10, startDelay: true }));
    await world.unit(async () => {
      for (let i = 0; i < 50; i++) await createScript(Counter, { key: `other${i}`, interval: 3 + i, startDelay: true });
    });
    expect(rig.scheduler.size).toBe(51);
    expect(rig.clock.pendingTimers).toBe(1);
    expect(script.timeUntilNextRepeat()).toBe(10);
    await rig.clock.advance(9_999);
    expect(times("tick", t0)).toEqual([]);
    await rig.clock.advance(1);
    expect(times("tick", t0)).toEqual([10]);
    await rig.clock.advance(35 * SECOND);
    expect(times("tick", t0)).toEqual([10, 20, 30, 40]);
    expect(script.timeUntilNextRepeat()).toBe(5);
    expect(script.db.count).toBe(4);
    expect(rig.clock.pendingTimers).toBe(1);
    expect(hooks).toContain("tick:start");
    await rig.scheduler.stop("shutdown");
  });

  it("runs at once without startDelay, stops after its repeats, and counts them", async () => {
    const world = ctx.world;
    const rig = await startRig(world);
    const t0 = rig.clock.now();
    const script = await world.unit(() => createScript(Counter, { key: "thrice", interval: 5, repeats: 3 }));
    expect(script.remainingRepeats()).toBe(3);
    await rig.clock.advance(0);
    expect(times("thrice", t0)).toEqual([0]);
    expect(script.remainingRepeats()).toBe(2);
    await rig.clock.advance(60 * SECOND);
    expect(times("thrice", t0)).toEqual([0, 5, 10]);
    expect(script.isActive).toBe(false);
    expect(script.remainingRepeats()).toBe(0);
    expect(script.timeUntilNextRepeat()).toBeNull();
    expect(hooks.filter((h) => h === "thrice:stop")).toHaveLength(1);
    expect(rig.scheduler.size).toBe(0);
    expect(rig.clock.pendingTimers).toBe(0);
    await rig.scheduler.stop("shutdown");
  });

  it("uses what atScriptCreation sets, and given options replace it", async () => {
    const world = ctx.world;
    const rig = await startRig(world);
    const own = await world.unit(() => createScript(SelfTimed, { key: "own" }));
    expect([own.interval, own.startDelay, own.repeats, own.desc]).toEqual([7, true, 2, "made by atScriptCreation"]);
    const given = await world.unit(() => createScript(SelfTimed, { key: "given", interval: 3, desc: "given" }));
    expect([given.interval, given.desc]).toEqual([3, "given"]);
    const t0 = rig.clock.now();
    await rig.clock.advance(30 * SECOND);
    expect(times("own", t0)).toEqual([7, 14]);
    expect(times("given", t0)).toEqual([3, 6]);
    await rig.scheduler.stop("shutdown");
  });

  it("pauses with the time left and unpauses from there; stop and start begin anew", async () => {
    const world = ctx.world;
    const rig = await startRig(world);
    const t0 = rig.clock.now();
    const script = await world.unit(() => createScript(Counter, { key: "p", interval: 10, startDelay: true }));
    await rig.clock.advance(4 * SECOND);
    await world.unit(() => script.pause());
    expect(script.isPaused).toBe(true);
    expect(script.pausedTimeLeft()).toBe(6);
    expect(script.timeUntilNextRepeat()).toBeNull();
    expect(hooks).toContain("p:pause");
    await rig.clock.advance(100 * SECOND);
    expect(times("p", t0)).toEqual([]);
    await world.unit(() => script.unpause());
    await rig.clock.advance(6 * SECOND);
    expect(times("p", t0)).toEqual([110]);
    await world.unit(() => script.stop());
    expect(script.isActive).toBe(false);
    await rig.clock.advance(50 * SECOND);
    expect(times("p", t0)).toEqual([110]);
    await world.unit(() => script.start());
    await rig.clock.advance(10 * SECOND);
    expect(times("p", t0)).toEqual([110, 170]);
    await rig.scheduler.stop("shutdown");
  });

  it("forceRepeat runs now, counts, and restarts the interval", async () => {
    const world = ctx.world;
    const rig = await startRig(world);
    const t0 = rig.clock.now();
    const script = await world.unit(() => createScript(Counter, { key: "f", interval: 10, startDelay: true, repeats: 5 }));
    await rig.clock.advance(3 * SECOND);
    await world.unit(() => script.forceRepeat());
    expect(times("f", t0)).toEqual([3]);
    expect(script.remainingRepeats()).toBe(4);
    expect(script.timeUntilNextRepeat()).toBe(10);
    await rig.clock.advance(10 * SECOND);
    expect(times("f", t0)).toEqual([3, 13]);
    await rig.scheduler.stop("shutdown");
  });

  it("forceRepeat from inside atRepeat runs at once instead of waiting for itself", async () => {
    const world = ctx.world;
    const rig = await startRig(world);
    const t0 = rig.clock.now();
    const script = await world.unit(() => createScript(Doubler, { key: "dbl", interval: 10, startDelay: true }));
    await rig.clock.advance(10 * SECOND);
    expect(times("dbl", t0)).toEqual([10, 10]);
    expect(script.repeatsDone).toBe(2);
    expect(script.timeUntilNextRepeat()).toBe(10);
    await rig.scheduler.stop("shutdown");
  });

  it("stops instead of repeating when isValid says no", async () => {
    const world = ctx.world;
    const rig = await startRig(world);
    const t0 = rig.clock.now();
    await world.unit(() => (world.obj1.db.alive = true));
    const script = await world.unit(() => world.obj1.scripts.add(Guarded, { key: "guard", interval: 5, startDelay: true }));
    await rig.clock.advance(5 * SECOND);
    await world.unit(() => (world.obj1.db.alive = false));
    await rig.clock.advance(20 * SECOND);
    expect(times("guard", t0)).toEqual([5]);
    expect(script.isActive).toBe(false);
    expect(hooks).toContain("guard:stop");
    await rig.scheduler.stop("shutdown");
  });

  it("runs each atRepeat in its own unit of work: a throw is logged with an error id, undone, and the schedule kept", async () => {
    const world = ctx.world;
    const rig = await startRig(world);
    const t0 = rig.clock.now();
    const script = await world.unit(() => createScript(Flaky, { key: "flaky", interval: 10, startDelay: true }));
    await rig.clock.advance(40 * SECOND);
    expect(times("flaky", t0)).toEqual([10, 20, 30, 40]);
    const failures = errors.filter((e) => e.includes("flaky") && e.includes("atRepeat failed"));
    expect(failures).toHaveLength(2);
    expect(failures[0]).toMatch(/\[error id [0-9a-f]{8}\]/);
    expect(rig.scheduler.failures).toBe(2);
    // the 4th (even) run committed its write; the 3rd's was undone
    expect(script.db.lastWrite).toBe(4);
    expect(script.repeatsDone).toBe(4);
    const rows = await world.fixture.db.query<{ value: string }>(
      "SELECT value FROM attributes WHERE owner_kind = 'script' AND owner_id = ? AND key = 'lastwrite'",
      [script.id],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]!.value).toContain("4");
    await rig.scheduler.stop("shutdown");
  });

  it("does not schedule a script whose creating unit of work failed", async () => {
    const world = ctx.world;
    const rig = await startRig(world);
    await expect(
      world.unit(async () => {
        await createScript(Counter, { key: "doomed", interval: 1 });
        throw new Error("rolled back");
      }),
    ).rejects.toThrow("rolled back");
    expect(rig.scheduler.size).toBe(0);
    await rig.clock.advance(5 * SECOND);
    expect(times("doomed", rig.clock.now())).toEqual([]);
    await rig.scheduler.stop("shutdown");
  });
});

describeWithWorld("scripts: obj.scripts and account.scripts", (ctx) => {
  it("adds, gets, lists and deletes scripts of an object and of an account", async () => {
    const world = ctx.world;
    const rig = await startRig(world);
    const a = await world.unit(() => world.obj1.scripts.add(Counter, { key: "weather", interval: 60 }));
    await world.unit(() => world.obj1.scripts.add("tests.scripts.Counter", { key: "Clock", interval: 30, autostart: false }));
    await world.unit(() => world.account1.scripts.add(Counter, { key: "reminder", interval: 100 }));
    expect(a.obj).toBe(world.obj1);
    expect((await world.obj1.scripts.all()).map((s) => s.key)).toEqual(["weather", "Clock"]);
    expect((await world.obj1.scripts.get("clock")).map((s) => s.isActive)).toEqual([false]);
    expect((await world.obj1.scripts.get("tests.scripts.Counter")).length).toBe(2);
    expect((await world.account1.scripts.all()).map((s) => [s.key, s.account === world.account1])).toEqual([["reminder", true]]);
    expect(await world.obj1.scripts.get("nothing")).toEqual([]);
    expect(await world.unit(() => world.obj1.scripts.delete("weather"))).toBe(1);
    expect(a.isDeleted).toBe(true);
    expect((await world.obj1.scripts.all()).map((s) => s.key)).toEqual(["Clock"]);
    expect(await world.fixture.db.query("SELECT id FROM scripts WHERE id = ?", [a.id])).toEqual([]);
    // within one unit of work, a script just added is found
    await world.unit(async () => {
      await world.room2.scripts.add(Counter, { key: "fresh" });
      expect((await world.room2.scripts.all()).map((s) => s.key)).toEqual(["fresh"]);
    });
    await rig.scheduler.stop("shutdown");
  });

  it("deleting an account deletes its scripts", async () => {
    const world = ctx.world;
    const rig = await startRig(world);
    const script = await world.unit(() => world.account2.scripts.add(Counter, { key: "reminder", interval: 5 }));
    await world.unit(() => world.account2.delete());
    expect(script.isDeleted).toBe(true);
    expect(rig.scheduler.size).toBe(0);
    expect(await world.fixture.db.query("SELECT id FROM scripts WHERE id = ?", [script.id])).toEqual([]);
    await rig.scheduler.stop("shutdown");
  });

  it("deleting an object deletes its scripts", async () => {
    const world = ctx.world;
    const rig = await startRig(world);
    const script = await world.unit(() => world.obj1.scripts.add(Counter, { key: "doomed", interval: 5 }));
    await world.unit(() => world.obj1.delete());
    expect(script.isDeleted).toBe(true);
    expect(rig.scheduler.size).toBe(0);
    expect(await world.fixture.db.query("SELECT id FROM scripts WHERE id = ?", [script.id])).toEqual([]);
    await rig.scheduler.stop("shutdown");
  });

  it("refuses a class that is not a script, with EV_ERR_TYPECLASS", async () => {
    const world = ctx.world;
    const rig = await startRig(world);
    await expect(world.unit(() => world.obj1.scripts.add("no.such.Script"))).rejects.toMatchObject({ code: "EV_ERR_TYPECLASS" });
    await expect(world.unit(() => createScript(DefaultObject as never, { key: "x" }))).rejects.toMatchObject({ code: "EV_ERR_TYPECLASS" });
    await rig.scheduler.stop("shutdown");
  });
});

describeWithWorld("scripts: persistence (docs/scripts.md, every row)", (ctx) => {
  it("row 1: a persistent script keeps its time left and its repeat count across a reload (no reset, no double run)", async () => {
    const world = ctx.world;
    let rig = await startRig(world);
    const t0 = rig.clock.now();
    const { id } = await world.unit(() => createScript(Counter, { key: "r", obj: world.obj1, interval: 10, startDelay: true, repeats: 5 }));
    await rig.clock.advance(14 * SECOND); // ran at 10; 6 s left
    expect(times("r", t0)).toEqual([10]);
    rig = await restart(world, rig, "reload", 60 * SECOND); // the reload itself takes a minute
    const script = await loadScript<Counter>(rig, id);
    expect(script!.timeUntilNextRepeat()).toBe(6);
    expect(script!.remainingRepeats()).toBe(4);
    await rig.clock.advance(5_999);
    expect(times("r", t0)).toEqual([10]);
    await rig.clock.advance(1);
    expect(times("r", t0)).toEqual([10, 80]);
    await rig.clock.advance(10 * SECOND);
    expect(times("r", t0)).toEqual([10, 80, 90]);
    expect(script!.db.count).toBe(3);
    await rig.scheduler.stop("shutdown");
  });

  it("row 1: a reload with the run due right then runs it once after the reload", async () => {
    const world = ctx.world;
    let rig = await startRig(world);
    const t0 = rig.clock.now();
    await world.unit(() => createScript(Counter, { key: "edge", interval: 10, startDelay: true }));
    await rig.clock.advance(9_999);
    rig = await restart(world, rig, "reload", 5 * SECOND);
    await rig.clock.advance(0);
    expect(times("edge", t0)).toEqual([]);
    await rig.clock.advance(1);
    expect(times("edge", t0)).toEqual([15]);
    await rig.scheduler.stop("shutdown");
  });

  it("row 2: after stop/start, a run not yet due keeps its original time", async () => {
    const world = ctx.world;
    let rig = await startRig(world);
    const t0 = rig.clock.now();
    await world.unit(() => createScript(Counter, { key: "s", interval: 10, startDelay: true }));
    await rig.clock.advance(4 * SECOND);
    rig = await restart(world, rig, "shutdown", 3 * SECOND); // back at 7 s
    await rig.clock.advance(2_999);
    expect(times("s", t0)).toEqual([]);
    await rig.clock.advance(1);
    expect(times("s", t0)).toEqual([10]);
    await rig.scheduler.stop("shutdown");
  });

  it('row 3: catchUp "skip" drops the runs missed while down; the next is the next on its schedule', async () => {
    const world = ctx.world;
    let rig = await startRig(world);
    const t0 = rig.clock.now();
    const { id } = await world.unit(() => createScript(Counter, { key: "skip", interval: 10, startDelay: true, repeats: 10 }));
    await rig.clock.advance(14 * SECOND); // ran at 10
    rig = await restart(world, rig, "shutdown", 35 * SECOND); // back at 49 s: 20, 30, 40 missed
    const script = await loadScript<Counter>(rig, id);
    expect(script!.catchUp).toBe("skip");
    await rig.clock.advance(0);
    expect(times("skip", t0)).toEqual([10]);
    expect(script!.timeUntilNextRepeat()).toBe(1);
    expect(script!.remainingRepeats()).toBe(9);
    await rig.clock.advance(11 * SECOND);
    expect(times("skip", t0)).toEqual([10, 50, 60]);
    await rig.scheduler.stop("shutdown");
  });

  it('row 4: catchUp "once" runs once at start for all missed runs, then every interval from there', async () => {
    const world = ctx.world;
    let rig = await startRig(world);
    const t0 = rig.clock.now();
    const { id } = await world.unit(() => createScript(CatchUpCounter, { key: "once", interval: 10, startDelay: true }));
    // and a DefaultScript subclass with catchUp chosen per script
    await world.unit(() => createScript(Counter, { key: "once2", interval: 10, startDelay: true, catchUp: "once" }));
    await rig.clock.advance(14 * SECOND);
    rig = await restart(world, rig, "shutdown", 35 * SECOND); // back at 49 s
    await rig.clock.advance(0);
    expect(times("once", t0)).toEqual([10, 49]);
    expect(times("once2", t0)).toEqual([10, 49]);
    await rig.clock.advance(10 * SECOND);
    expect(times("once", t0)).toEqual([10, 49, 59]);
    expect((await loadScript<Counter>(rig, id))!.db.count).toBe(3);
    await rig.scheduler.stop("shutdown");
  });

  it("row 5: a crash (no orderly stop) counts as downtime", async () => {
    const world = ctx.world;
    let rig = await startRig(world);
    const t0 = rig.clock.now();
    await world.unit(() => createScript(Counter, { key: "crashed", interval: 10, startDelay: true }));
    await world.unit(() => createScript(CatchUpCounter, { key: "crashed-once", interval: 10, startDelay: true }));
    await rig.clock.advance(4 * SECOND);
    rig = await restart(world, rig, "crash", 30 * SECOND); // back at 34 s
    await rig.clock.advance(0);
    expect(times("crashed", t0)).toEqual([]);
    expect(times("crashed-once", t0)).toEqual([34]);
    await rig.clock.advance(6 * SECOND);
    expect(times("crashed", t0)).toEqual([40]);
    await rig.scheduler.stop("shutdown");
  });

  it("row 6: a paused script stays paused with its time left, across reload and stop/start", async () => {
    const world = ctx.world;
    let rig = await startRig(world);
    const t0 = rig.clock.now();
    const { id } = await world.unit(() => createScript(Counter, { key: "paused", interval: 10, startDelay: true }));
    await rig.clock.advance(3 * SECOND);
    await world.unit(async () => (await loadScript(rig, id))!.pause());
    rig = await restart(world, rig, "reload", 50 * SECOND);
    rig = await restart(world, rig, "shutdown", 500 * SECOND);
    const script = await loadScript<Counter>(rig, id);
    expect(script!.isPaused).toBe(true);
    expect(script!.pausedTimeLeft()).toBe(7);
    await rig.clock.advance(100 * SECOND);
    expect(times("paused", t0)).toEqual([]);
    await world.unit(() => script!.unpause());
    await rig.clock.advance(7 * SECOND);
    expect(times("paused", t0)).toEqual([660]);
    await rig.scheduler.stop("shutdown");
  });

  it("row 7: a stopped script stays stopped", async () => {
    const world = ctx.world;
    let rig = await startRig(world);
    const { id } = await world.unit(() => createScript(Counter, { key: "stopped", interval: 10 }));
    await world.unit(async () => (await loadScript(rig, id))!.stop());
    rig = await restart(world, rig, "reload", SECOND);
    rig = await restart(world, rig, "shutdown", SECOND);
    expect((await loadScript(rig, id))!.isActive).toBe(false);
    expect(rig.scheduler.size).toBe(0);
    await rig.scheduler.stop("shutdown");
  });

  it("row 8: a non-persistent script is gone after a reload, a stop/start and a crash", async () => {
    const world = ctx.world;
    for (const how of ["reload", "shutdown", "crash"] as const) {
      let rig = await startRig(world);
      const { id } = await world.unit(() => createScript(Counter, { key: `temp-${how}`, interval: 10, persistent: false }));
      rig = await restart(world, rig, how, SECOND);
      expect(await loadScript(rig, id)).toBeNull();
      expect(await world.fixture.db.query("SELECT id FROM scripts WHERE id = ?", [id])).toEqual([]);
      await rig.clock.advance(30 * SECOND);
      expect(fired.filter(([k]) => k === `temp-${how}`).length).toBeLessThanOrEqual(1); // only the start-time run
      await rig.scheduler.stop("shutdown");
    }
  });

  it("row 9: global scripts of settings exist exactly once, across reloads and restarts, started", async () => {
    const world = ctx.world;
    const specs = { weather: { typeclass: "tests.scripts.Counter", interval: 30, desc: "the weather" } };
    let rig = await startRig(world);
    await world.unit(() => ensureGlobalScripts(specs));
    await world.unit(() => ensureGlobalScripts(specs));
    let found = await findGlobalScripts("weather");
    expect(found).toHaveLength(1);
    expect([found[0]!.interval, found[0]!.desc, found[0]!.isActive, found[0]!.startDelay]).toEqual([30, "the weather", true, true]);
    const { id } = found[0]!;
    for (const how of ["reload", "shutdown", "crash"] as const) {
      rig = await restart(world, rig, how, 5 * SECOND);
      await world.unit(() => ensureGlobalScripts(specs));
      found = await findGlobalScripts("weather");
      expect(found.map((s) => s.id)).toEqual([id]);
      expect(found[0]!.isActive).toBe(true);
    }
    // a stopped one is started, a duplicate is removed, a changed typeclass remakes it
    await world.unit(() => found[0]!.stop());
    const dup = await world.unit(() => createScript(Counter, { key: "weather" }));
    await world.unit(() => ensureGlobalScripts(specs));
    found = await findGlobalScripts("weather");
    expect(found.map((s) => [s.id, s.isActive])).toEqual([[id, true]]);
    expect(dup.isDeleted).toBe(true);
    await world.unit(() => ensureGlobalScripts({ weather: { ...specs.weather, typeclass: "tests.scripts.CatchUpCounter" } }));
    found = await findGlobalScripts("weather");
    expect(found).toHaveLength(1);
    expect(found[0]!.typeclassPath).toBe("tests.scripts.CatchUpCounter");
    await expect(world.unit(() => ensureGlobalScripts({ broken: { typeclass: "no.such.Script" } }))).rejects.toMatchObject({
      code: "EV_ERR_CONFIG",
      message: expect.stringContaining("globalScripts.broken"),
    });
    await rig.scheduler.stop("shutdown");
  });

  it("row 1: active scripts run after a restart even when their object is not in memory", async () => {
    const world = ctx.world;
    let rig = await startRig(world);
    const t0 = rig.clock.now();
    const { id } = await world.unit(() => world.obj1.scripts.add(Counter, { key: "onobj", interval: 10, startDelay: true }));
    rig = await restart(world, rig, "reload", 0);
    expect(rig.store.peek({ kind: "object", id: world.obj1.id })).not.toBeNull();
    await rig.clock.advance(10 * SECOND);
    expect(times("onobj", t0)).toEqual([10]);
    const script = await loadScript(rig, id);
    expect(script!.obj?.id).toBe(world.obj1.id);
    await rig.scheduler.stop("shutdown");
  });
});
