/**
 * The system clock the timer services use in production: one-shot timers that
 * fire no earlier than asked, can be cleared, and log a failing callback instead
 * of crashing. (Everything else runs on the manual clock.)
 */
import { expect, it } from "vitest";
import { ManualClock } from "../../evennia-ts/testing/manual-clock.ts";
import { systemClock } from "../../evennia-ts/timers/timer-clock.ts";
import { captureErrors } from "./timer-helpers.ts";

it("fires once, no earlier than asked", async () => {
  const start = Date.now();
  const fired = await new Promise<number>((resolve) => systemClock.setTimer(() => resolve(Date.now()), 40));
  expect(fired - start).toBeGreaterThanOrEqual(39);
});

it("a cleared timer never fires; a rejected callback is logged", async () => {
  let fired = false;
  const handle = systemClock.setTimer(() => (fired = true), 10);
  systemClock.clearTimer(handle);
  const log = captureErrors();
  try {
    systemClock.setTimer(() => Promise.reject(new Error("broken on purpose")), 5);
    await new Promise((r) => setTimeout(r, 60));
  } finally {
    log.restore();
  }
  expect(fired).toBe(false);
  expect(log.lines.join("\n")).toContain("a timer callback failed");
});

it("the manual clock fires due timers in order, awaiting each", async () => {
  const clock = new ManualClock(1000);
  const order: string[] = [];
  clock.setTimer(() => order.push("b"), 20);
  clock.setTimer(async () => {
    await new Promise((r) => setTimeout(r, 5));
    order.push("a");
  }, 10);
  const c = clock.setTimer(() => order.push("c"), 30);
  expect(clock.nextDue()).toBe(1010);
  clock.clearTimer(c);
  await clock.advance(25);
  expect(order).toEqual(["a", "b"]);
  expect(clock.now()).toBe(1025);
  expect(clock.pendingTimers).toBe(0);
  await clock.set(500); // never backwards
  expect(clock.now()).toBe(1025);
});
