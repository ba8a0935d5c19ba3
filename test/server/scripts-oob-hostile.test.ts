/**
 * Scripts, timers and out-of-band input under attack: hostile client messages
 * (MSDP names and screen sizes that are not text or numbers, `{"toString": 1}`),
 * careless game code (a throwing `atStop`, an interval, repeat count or delay out
 * of range). Each test failed before its fix.
 */
import { afterEach, describe, expect, it } from "vitest";
import { CmdScripts } from "../../evennia-ts/commands/default/scripts.ts";
import { clientOptionsInputFunc } from "../../evennia-ts/server/oob/client-options.ts";
import { callCommand } from "../../evennia-ts/testing/call-command.ts";
import { msdpListInputFunc } from "../../evennia-ts/server/oob/msdp-list.ts";
import { msdpResetInputFunc } from "../../evennia-ts/server/oob/msdp-reset.ts";
import type { ServerSession } from "../../evennia-ts/server/server-session.ts";
import { describeWithWorld } from "../../evennia-ts/testing/world-fixture.ts";
import { TaskHandler } from "../../evennia-ts/timers/task-handler.ts";
import { createObject, createScript, DefaultScript, registerTypeclass } from "../../evennia-ts/typeclasses/index.ts";
import { EvenniaError } from "../../evennia-ts/utils/errors.ts";
import { ServerConfig } from "../../evennia-ts/server/server-config.ts";
import { ScriptScheduler } from "../../evennia-ts/typeclasses/script-scheduler.ts";
import { ManualClock } from "../typeclasses/manual-clock.ts";
import { captureErrors, makeTicking, manualContext, storedAttribute } from "./timer-helpers.ts";

/** A script whose `atStop` always throws (a game developer's bug). */
class BrokenStop extends DefaultScript {
  override async atStop(): Promise<void> {
    throw new EvenniaError("EV_ERR_INTERNAL", "atStop broke on purpose");
  }
}
registerTypeclass("tests.hostile.BrokenStop", BrokenStop);

/** A stand-in session that records what it is sent. */
function fakeSession(): { session: ServerSession; sent: unknown[] } {
  const sent: unknown[] = [];
  const saved: Record<string, unknown> = {};
  const session = {
    sessid: 77,
    clientOptions: { client_name: "Mudlet" } as Record<string, unknown>,
    saved,
    setSaved: (key: string, value: unknown) => {
      if (value === undefined) delete saved[key];
      else saved[key] = value;
    },
    msg: (out: unknown) => sent.push(out),
  };
  return { session: session as unknown as ServerSession, sent };
}

/** What JSON.parse makes of `{"toString": 1}`: an object `String()` cannot convert. */
const unprintable = (): unknown => JSON.parse('{"toString": 1, "valueOf": 2}');

describe("MSDP input with values that do not convert to text", () => {
  it("LIST answers the good names and skips the unprintable one", async () => {
    const { session, sent } = fakeSession();
    await msdpListInputFunc(session, ["COMMANDS", unprintable(), ["LISTS"]], {});
    expect(sent).toHaveLength(1);
    expect(Object.keys((sent[0] as { msdp: [unknown[], Record<string, unknown>] }).msdp[1])).toEqual(["COMMANDS"]);
  });

  it("RESET skips the unprintable group and still resets the good one", async () => {
    const { session } = fakeSession();
    await msdpResetInputFunc(session, [unprintable(), "CONFIGURABLE_VARIABLES"], {});
    expect(session.clientOptions.client_name).toBeUndefined();
  });
});

describeWithWorld("scripts and timers given hostile values", (suite) => {
  let handler: TaskHandler | null = null;
  afterEach(async () => {
    await handler?.stop();
    handler = null;
  });

  it("an object whose script's atStop throws can still be deleted, and so can the script", async () => {
    const world = suite.world;
    const errors = captureErrors();
    try {
      const box = await world.unit(() => createObject(undefined, { key: "box", location: world.room1 }));
      const onBox = await world.unit(() => box.scripts.add(BrokenStop, { key: "broken" }));
      await world.unit(() => box.delete());
      expect(box.isDeleted).toBe(true);
      expect(onBox.isDeleted).toBe(true);

      const alone = await world.unit(() => createScript(BrokenStop, { key: "alone" }));
      await expect(world.unit(() => alone.delete())).resolves.toBe(true);
      expect(alone.isDeleted).toBe(true);
      const [row] = await world.fixture.db.query<{ n: number | string }>("SELECT COUNT(*) AS n FROM scripts WHERE id IN (?, ?)", [onBox.id, alone.id]);
      expect(Number(row!.n)).toBe(0);
      expect(errors.lines.some((l) => l.includes("atStop"))).toBe(true);
    } finally {
      errors.restore();
    }
  });

  it("refuses an interval or repeats the database column cannot hold, with an EvenniaError", async () => {
    const world = suite.world;
    const script = await world.unit(() => createScript(DefaultScript, { key: "huge", autostart: false }));
    for (const value of [2 ** 31, 1e308, Number.MAX_SAFE_INTEGER]) {
      expect(() => (script.interval = value)).toThrow(EvenniaError);
      expect(() => (script.repeats = value)).toThrow(EvenniaError);
    }
    await expect(world.unit(() => script.start({ interval: 2 ** 40 }))).rejects.toThrow(EvenniaError);
    script.interval = 2 ** 31 - 1;
    expect(script.interval).toBe(2 ** 31 - 1);
    await world.unit(() => {
      script.interval = 60;
    });
    await world.fixture.flushWrites();
    const [row] = await world.fixture.db.query<{ interval: number | string }>("SELECT interval FROM scripts WHERE id = ?", [script.id]);
    expect(Number(row!.interval)).toBe(60);
  });

  it("refuses a delay whose deadline is past the last date there is, with an EvenniaError", async () => {
    const world = suite.world;
    const { clock, ctx } = manualContext(world);
    handler = new TaskHandler();
    await handler.start(ctx);
    const obj = await makeTicking(world);
    for (const seconds of [1e13, 1e306, Number.MAX_VALUE]) {
      expect(() => handler!.add(seconds, () => undefined)).toThrow(EvenniaError);
    }
    // a "never, really" persistent task: once saved its deadline (Infinity) became null, due at once after a restart
    try {
      handler.add(1e306, [obj, "atTick"]);
    } catch (err) {
      expect(err).toBeInstanceOf(EvenniaError);
    }
    await handler.stop();
    handler = new TaskHandler();
    await handler.start(ctx);
    await clock.advance(1000);
    expect(await storedAttribute(world, obj.id, "ticks")).toBeNull();
    const yearLong = handler.add(365 * 24 * 3600, () => undefined);
    expect(yearLong.active).toBe(true);
  });
});

/** Counts its repeats; its `atStop` always throws. */
class CountingBrokenStop extends BrokenStop {
  override async atRepeat(): Promise<void> {
    this.db.count = ((this.db.count as number | undefined) ?? 0) + 1;
  }
}
registerTypeclass("tests.hostile.CountingBrokenStop", CountingBrokenStop);

/** Valid until its `db.valid` is false; its `atStop` always throws. */
class InvalidBrokenStop extends CountingBrokenStop {
  override async isValid(): Promise<boolean> {
    return this.db.valid !== false;
  }
}
registerTypeclass("tests.hostile.InvalidBrokenStop", InvalidBrokenStop);

describeWithWorld("the script scheduler and a throwing atStop", (suite) => {
  it("a script whose atStop throws still stops after its repeats, and when it becomes invalid", async () => {
    const world = suite.world;
    const clock = new ManualClock();
    const scheduler = new ScriptScheduler(world.store, { clock, notes: new ServerConfig(world.fixture.db) });
    clock.settle = () => scheduler.settled();
    await scheduler.start();
    const errors = captureErrors();
    try {
      const limited = await world.unit(() => createScript(CountingBrokenStop, { key: "limited", interval: 5, repeats: 2, startDelay: true }));
      const guarded = await world.unit(() => createScript(InvalidBrokenStop, { key: "guarded", interval: 5, startDelay: true }));
      await clock.advance(5_000);
      expect(guarded.db.count).toBe(1);
      await world.unit(() => {
        guarded.db.valid = false;
      });
      await clock.advance(120_000);
      expect(limited.db.count).toBe(2);
      expect(limited.isActive).toBe(false);
      expect(guarded.db.count).toBe(1);
      expect(guarded.isActive).toBe(false);
      expect(scheduler.size).toBe(0);
      expect(clock.pendingTimers).toBe(0);
      // on disk too: a reload does not bring them back
      const rows = await world.fixture.db.query<{ is_active: unknown }>("SELECT is_active FROM scripts WHERE id IN (?, ?)", [limited.id, guarded.id]);
      expect(rows.map((r) => Number(r.is_active))).toEqual([0, 0]);
      expect(errors.lines.filter((l) => l.includes("atStop")).length).toBeGreaterThanOrEqual(2);
    } finally {
      errors.restore();
      await scheduler.stop("shutdown");
    }
  });
});

describeWithWorld("client_options from a hostile client", (suite) => {
  it("a screen size that is not a number is ignored, so commands still lay out their tables", async () => {
    const world = suite.world;
    const session = world.session1;
    await world.unit(() => createScript(DefaultScript, { key: "shown" }));
    for (const bad of [unprintable(), "wide", -5, 0, 2.5, [120], { width: 120 }, 1e308]) {
      await clientOptionsInputFunc(session, [], { screenwidth: bad, screenheight: bad });
      expect(session.clientOptions.screenwidth).toBe(78);
      expect(session.clientOptions.screenheight).toBe(24);
    }
    await clientOptionsInputFunc(session, [], { screenwidth: unprintable() });
    const out = await callCommand(world, CmdScripts, "", undefined, { session });
    expect(out.text).toContain("shown");
    await clientOptionsInputFunc(session, [], { screenwidth: 120, screenheight: 50 });
    expect([session.clientOptions.screenwidth, session.clientOptions.screenheight]).toEqual([120, 50]);
  });
});
