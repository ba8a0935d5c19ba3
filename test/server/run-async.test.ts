/**
 * runAsync (db/background-work.ts, utils/worker-pool.ts): CPU work on worker
 * threads, results and errors back to the caller, and — through the real command
 * handler — a 200 ms task in one player's command while another player's `look` is
 * answered at once.
 */
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { Command } from "../../evennia-ts/commands/command.ts";
import { CmdSet } from "../../evennia-ts/commands/cmdset.ts";
import { backgroundPool, configureBackgroundWork, runAsync, runAsyncThen, stopBackgroundWork } from "../../evennia-ts/db/background-work.ts";
import { describeWithWorld, worldCommandHandler } from "../../evennia-ts/testing/index.ts";
import { DefaultObject } from "../../evennia-ts/typeclasses/objects.ts";
import { isEvenniaError } from "../../evennia-ts/utils/errors.ts";
import { WorkerPool, type WorkerTask } from "../../evennia-ts/utils/worker-pool.ts";

const TASKS = new URL("./fixtures/cpu-tasks.ts", import.meta.url);
const spin: WorkerTask = { module: TASKS, name: "spin" };
const sumTo: WorkerTask = { module: TASKS, name: "sumTo" };
const fail: WorkerTask = { module: TASKS, name: "fail" };

afterAll(() => stopBackgroundWork());

describe("the worker pool", () => {
  let pool: WorkerPool | null = null;
  afterEach(async () => {
    await pool?.close();
    pool = null;
  });

  it("starts no worker thread until the first task, then only as many as tasks need (an idle game has none)", async () => {
    pool = new WorkerPool({ size: 3 });
    expect(pool.workers).toBe(0);
    await expect(pool.run(sumTo, [10])).resolves.toBe(55);
    expect(pool.workers).toBe(1);
    // the shared pool the server configures is made on first use too
    await stopBackgroundWork();
    configureBackgroundWork({ poolSize: 2 });
    expect(backgroundPool().workers).toBe(0);
  });

  it("stops a worker left idle for idleTimeoutMs, never a busy one, and starts a new one for the next task", async () => {
    pool = new WorkerPool({ size: 1, idleTimeoutMs: 30 });
    // a task longer than the idle timeout is not cut short
    const long = await pool.run<{ loops: number; mainThread: boolean }>(spin, [150]);
    expect(long.mainThread).toBe(false);
    expect(pool.workers).toBe(1);
    await vi.waitFor(() => expect(pool!.workers).toBe(0), { timeout: 10_000, interval: 10 });
    await expect(pool.run(sumTo, [100])).resolves.toBe(5050);
    expect(pool.workers).toBe(1);
  });

  it("runs a task off the main thread and returns its result", async () => {
    pool = new WorkerPool({ size: 1 });
    await expect(pool.run(sumTo, [1000])).resolves.toBe(500500);
    const result = await pool.run<{ loops: number; mainThread: boolean }>(spin, [20]);
    expect(result.mainThread).toBe(false);
    expect(result.loops).toBeGreaterThan(0);
    expect(pool.workers).toBe(1);
  });

  it("rejects with EV_ERR_TASK for a throwing task or a missing export, and keeps working", async () => {
    pool = new WorkerPool({ size: 1 });
    const err = await pool.run(fail, ["no luck"]).catch((e: unknown) => e);
    expect(isEvenniaError(err, "EV_ERR_TASK")).toBe(true);
    expect((err as Error).message).toBe("task fail failed: no luck");
    expect((err as Error).stack).toContain("[in the worker] TypeError: no luck");
    const missing = await pool.run({ module: TASKS, name: "nothing" }).catch((e: unknown) => e);
    expect(isEvenniaError(missing, "EV_ERR_TASK")).toBe(true);
    expect((missing as Error).message).toContain('no function named "nothing"');
    await expect(pool.run(sumTo, [3])).resolves.toBe(6);
  });

  it("refuses a relative module path", async () => {
    pool = new WorkerPool();
    const err = await pool.run({ module: "./tasks.ts", name: "x" }).catch((e: unknown) => e);
    expect(isEvenniaError(err, "EV_ERR_BAD_INPUT")).toBe(true);
  });

  it("stops a task that runs past its time limit (EV_ERR_LIMIT), then runs the next on a new worker", async () => {
    pool = new WorkerPool({ size: 1 });
    await pool.run(sumTo, [1]); // warm: the worker has started and loaded the module
    const err = await pool.run(spin, [5000], { timeoutMs: 100 }).catch((e: unknown) => e);
    expect(isEvenniaError(err, "EV_ERR_LIMIT")).toBe(true);
    await expect(pool.run(sumTo, [4])).resolves.toBe(10);
  });

  it("queues tasks beyond its size and runs them all", async () => {
    pool = new WorkerPool({ size: 2 });
    const results = await Promise.all([1, 2, 3, 4, 5].map((n) => pool!.run(sumTo, [n])));
    expect(results).toEqual([1, 3, 6, 10, 15]);
    expect(pool.workers).toBe(2);
  });

  it("close rejects waiting work with EV_ERR_NOT_RUNNING", async () => {
    pool = new WorkerPool({ size: 1 });
    const running = pool.run(spin, [2000]).catch((e: unknown) => e);
    const waiting = pool.run(sumTo, [1]).catch((e: unknown) => e);
    await pool.close();
    expect(isEvenniaError(await running, "EV_ERR_NOT_RUNNING")).toBe(true);
    expect(isEvenniaError(await waiting, "EV_ERR_NOT_RUNNING")).toBe(true);
    expect(isEvenniaError(await pool.run(sumTo, [1]).catch((e: unknown) => e), "EV_ERR_NOT_RUNNING")).toBe(true);
  });
});

/** `crunch <ms>`: awaits a CPU task on the pool, then reports. */
class CmdCrunch extends Command {
  override key = "crunch";
  override async func(): Promise<void> {
    const ms = Number(this.args.trim()) || 200;
    this.msg("Crunching...");
    const { loops } = await runAsync<{ loops: number }>(spin, [ms]);
    (this.caller as DefaultObject).db.crunched = loops;
    this.msg(`Crunched (${loops > 0 ? "done" : "nothing"}).`);
  }
}

/** `crunchlater <ms>`: starts the task and ends; the result comes in a unit of work of its own. */
class CmdCrunchLater extends Command {
  override key = "crunchlater";
  static done: Promise<void> | null = null;
  override async func(): Promise<void> {
    const caller = this.caller as DefaultObject;
    CmdCrunchLater.done = runAsyncThen<{ loops: number }>(spin, [Number(this.args.trim()) || 200], {
      onResult: ({ loops }) => {
        caller.db.crunchedLater = loops > 0;
        caller.msg("The crunching is done.");
      },
    });
    this.msg("Started crunching in the background.");
  }
}

class CrunchCmdSet extends CmdSet {
  override key = "CrunchCmdSet";
  override atCmdsetCreation(): void {
    this.add(CmdCrunch);
    this.add(CmdCrunchLater);
  }
}

describeWithWorld("runAsync inside commands", (w) => {
  it("a 200 ms task in one player's command does not hold another player's look", async () => {
    configureBackgroundWork({ poolSize: 2 });
    const { char1, session1, session2 } = w.world;
    char1.cmdset.add(CrunchCmdSet);
    const handler = worldCommandHandler(w.world);
    await runAsync(sumTo, [1]); // warm one worker (thread start, tsx, the task module)
    await handler.execute(session2, "look"); // and the look (its cmdset merge is cached from now on)
    const idleStart = performance.now();
    await handler.execute(session2, "look");
    const idleMs = performance.now() - idleStart;
    w.world.clearOutput();
    const crunch = handler.execute(session1, "crunch 200");
    // wait until the task is on a worker
    while (backgroundPool().busy === 0) await new Promise((r) => setTimeout(r, 1));
    const started = performance.now();
    await handler.execute(session2, "look");
    const lookMs = performance.now() - started;
    const stillCrunching = backgroundPool().busy === 1;
    await crunch;
    console.log(`[${w.dialect}] look answered in ${lookMs.toFixed(2)} ms while a 200 ms task ran on the pool (${idleMs.toFixed(2)} ms with nothing running)`);
    expect(stillCrunching).toBe(true);
    expect(lookMs).toBeLessThan(50);
    expect(w.world.text(session2)).toContain("Room");
    // the crunching command's output went out when it ended, after the commit
    expect(w.world.text(session1)).toBe("Crunching...\nCrunched (done).");
    const [row] = await w.world.fixture.db.query<{ key: string }>("SELECT key FROM attributes WHERE owner_kind = 'object' AND owner_id = ? AND key = 'crunched'", [char1.id]);
    expect(row?.key).toBe("crunched");
  });

  it("the same work done on the main thread holds the other player (what runAsync avoids)", async () => {
    const { session2 } = w.world;
    const handler = worldCommandHandler(w.world);
    await handler.execute(session2, "look"); // warm the merge cache
    const blocker = new Promise<void>((resolve) =>
      setImmediate(() => {
        const until = performance.now() + 200;
        while (performance.now() < until);
        resolve();
      }),
    );
    const started = performance.now();
    await handler.execute(session2, "look");
    await blocker;
    expect(performance.now() - started).toBeGreaterThanOrEqual(190);
  });

  it("runAsyncThen: the command ends at once and the result arrives in a unit of work of its own", async () => {
    const { char1, session1 } = w.world;
    char1.cmdset.add(CrunchCmdSet);
    const handler = worldCommandHandler(w.world);
    w.world.clearOutput();
    const started = performance.now();
    await handler.execute(session1, "crunchlater 150");
    expect(performance.now() - started).toBeLessThan(140);
    expect(w.world.text(session1)).toBe("Started crunching in the background.");
    await CmdCrunchLater.done;
    expect(w.world.text(session1)).toBe("Started crunching in the background.\nThe crunching is done.");
    const [row] = await w.world.fixture.db.query<{ key: string }>("SELECT key FROM attributes WHERE owner_kind = 'object' AND owner_id = ? AND lower(key) = 'crunchedlater'", [char1.id]);
    expect(row?.key.toLowerCase()).toBe("crunchedlater");
  });
});
