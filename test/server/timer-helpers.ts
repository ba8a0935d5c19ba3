/**
 * What the timer tests share: a typeclass with methods to tick, a manual clock
 * and context on the test world's database, "restarting" a service (a fresh
 * instance on the same database, as after a reload), and captured error logs.
 */
import { createObject, DefaultObject, registerTypeclass } from "../../evennia-ts/typeclasses/index.ts";
import { ManualClock } from "../../evennia-ts/testing/manual-clock.ts";
import type { TestWorld } from "../../evennia-ts/testing/world-fixture.ts";
import { timerContext, type TimerContext } from "../../evennia-ts/timers/timer-context.ts";
import { setLogSink, type LogSink } from "../../evennia-ts/utils/logger.ts";
import { EvenniaError } from "../../evennia-ts/utils/errors.ts";

/** An object that counts what its timers did, in attributes (so it is on disk). */
export class Ticking extends DefaultObject {
  /** Count a tick; remembers the last arguments. */
  atTick(...args: unknown[]): void {
    this.db.ticks = ((this.db.ticks as number | undefined) ?? 0) + 1;
    this.db.lastArgs = args;
  }

  /** Always throws (and writes first: the write must be undone). */
  boom(): void {
    this.db.boomWrote = true;
    throw new EvenniaError("EV_ERR_INTERNAL", "boom on purpose");
  }
}
registerTypeclass("test.timers.Ticking", Ticking);

/** A Ticking object in the world's first room. */
export async function makeTicking(world: TestWorld, key = "ticker"): Promise<Ticking> {
  return world.unit(() => createObject<Ticking>("test.timers.Ticking", { key, location: world.room1, home: world.room1 }));
}

/** A manual clock at a round time, and a context on the world's database. */
export function manualContext(world: TestWorld, start = Date.UTC(2026, 0, 1, 12, 0, 0)): { clock: ManualClock; ctx: TimerContext } {
  const clock = new ManualClock(start);
  return { clock, ctx: timerContext(world.fixture.db, clock) };
}

/** Capture error lines logged from now until `restore()` (other levels are dropped). */
export function captureErrors(): { lines: string[]; restore: () => void } {
  const lines: string[] = [];
  const previous: LogSink = setLogSink((level, line) => {
    if (level === "error") lines.push(line);
  });
  return { lines, restore: () => void setLogSink(previous) };
}

/** The value saved under `key` in server_config (parsed), read straight from the database. */
export async function savedConfig(world: TestWorld, key: string): Promise<unknown> {
  await world.fixture.flushWrites();
  const [row] = await world.fixture.db.query<{ value: string }>("SELECT value FROM server_config WHERE key = ?", [key]);
  return row ? JSON.parse(row.value) : null;
}

/** The stored (tagged JSON) value of attribute `key` of object `id`, read straight from the database; null if none. */
export async function storedAttribute(world: TestWorld, id: number, key: string): Promise<unknown> {
  await world.fixture.flushWrites();
  const [row] = await world.fixture.db.query<{ value: string }>(
    "SELECT value FROM attributes WHERE owner_kind = ? AND owner_id = ? AND LOWER(key) = ?",
    ["object", id, key.toLowerCase()],
  );
  return row ? JSON.parse(row.value) : null;
}
