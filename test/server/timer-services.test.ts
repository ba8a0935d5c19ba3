/**
 * The timer services start and stop with the server: a reload brings back the
 * persistent tickers, tasks and schedules exactly once (one timer per interval,
 * nothing scheduled twice) and the game clock's runtime goes on. Real sockets,
 * an in-process server, the system clock (long intervals: nothing fires).
 */
import { afterEach, expect, it } from "vitest";
import { runInUnitOfWork } from "../../evennia-ts/db/unit-of-work.ts";
import { startInProcessGame, type InProcessGame } from "../../evennia-ts/testing/in-process-game.ts";
import type { Server } from "../../evennia-ts/server/server.ts";
import { gametime } from "../../evennia-ts/timers/gametime.ts";
import { taskHandler } from "../../evennia-ts/timers/task-handler.ts";
import { tickerHandler } from "../../evennia-ts/timers/ticker-handler.ts";
import { createObject } from "../../evennia-ts/typeclasses/index.ts";

let game: InProcessGame | null = null;
afterEach(async () => {
  await game?.stop();
  game = null;
});

async function waitFor(what: string, check: () => boolean): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

it("a reload restores persistent tickers, tasks and schedules once, and keeps the runtime", async () => {
  game = await startInProcessGame({ timeFactor: 3 });
  await waitFor("the server", () => game!.server() !== null && gametime.started);
  const first = game.server() as Server;
  expect(gametime.timeFactor).toBe(3);
  const room = await runInUnitOfWork(first.db, async () => {
    const r = await createObject("evennia.objects.DefaultRoom", { key: "Clock room" });
    tickerHandler.add(500, [r, "msgContents"], { args: ["tick"] });
    tickerHandler.add(500, [r, "msgContents"], { idstring: "second", args: ["tock"] });
    tickerHandler.add(500, () => undefined); // not persistent
    taskHandler.add(900, [r, "msgContents"], { args: ["later"] });
    gametime.schedule([r, "msgContents"], { hour: 6 }, { repeat: true, args: ["dawn"] });
    return r;
  });
  expect(tickerHandler.timerCount).toBe(1);
  await new Promise((r) => setTimeout(r, 50));
  const runtimeBefore = gametime.runtime();

  game.portal.reload();
  await waitFor("the reloaded server", () => game!.server() !== null && game!.server() !== first && gametime.started && tickerHandler.started && taskHandler.started);
  const subs = tickerHandler.all();
  expect(subs.map((s) => s.idstring).sort()).toEqual(["", "second"]);
  expect(subs.every((s) => s.objRef === room.dbref && s.persistent)).toBe(true);
  expect(tickerHandler.timerCount).toBe(1);
  expect(taskHandler.all()).toHaveLength(1);
  expect(gametime.scheduled()).toHaveLength(1);
  expect(gametime.runtime()).toBeGreaterThanOrEqual(runtimeBefore);
  expect(gametime.uptime()).toBeLessThan(gametime.runtime());
});

it("the public API exports the timer tools, and the testing API the manual clock", async () => {
  const api = await import("../../evennia-ts/index.ts");
  for (const name of ["delay", "tickerHandler", "taskHandler", "onDemandHandler", "gametime", "GregorianCalendar", "CustomCalendar", "startTimerServices", "stopTimerServices", "systemClock"]) {
    expect(api, name).toHaveProperty(name);
  }
  const testing = await import("../../evennia-ts/testing/index.ts");
  expect(testing).toHaveProperty("ManualClock");
});
