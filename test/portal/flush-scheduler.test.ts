import { setImmediate as nextTurn } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { FlushScheduler } from "../../evennia-ts/portal/flush-scheduler.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A scheduler that records when it wrote, in ms since it was made. */
function recorder(batchMs: number) {
  const start = performance.now();
  const writes: number[] = [];
  const flushes: FlushScheduler = new FlushScheduler(() => {
    writes.push(performance.now() - start);
    flushes.flushed();
  }, batchMs);
  return { flushes, writes };
}

describe("FlushScheduler", () => {
  it("writes what is asked soon at the end of the turn, once for many asks", async () => {
    const { flushes, writes } = recorder(50);
    flushes.soon();
    flushes.soon();
    expect(writes).toHaveLength(0);
    await nextTurn();
    expect(writes).toHaveLength(1);
  });

  it("writes broadcast output at the end of the turn when the connection was quiet", async () => {
    const { flushes, writes } = recorder(50);
    flushes.background();
    await nextTurn();
    expect(writes).toHaveLength(1);
  });

  it("holds broadcast output after a write until the batching time is up, and writes it once", async () => {
    const { flushes, writes } = recorder(200);
    flushes.soon();
    await nextTurn();
    flushes.background();
    flushes.background();
    await sleep(20);
    expect(writes).toHaveLength(1);
    await sleep(300);
    expect(writes).toHaveLength(2);
    expect(writes[1]! - writes[0]!).toBeGreaterThanOrEqual(195);
  });

  it("lets a reply take held broadcast output with it at once", async () => {
    const { flushes, writes } = recorder(200);
    flushes.soon();
    await nextTurn();
    flushes.background();
    flushes.soon();
    await nextTurn();
    expect(writes).toHaveLength(2);
    await sleep(250);
    expect(writes).toHaveLength(2); // the held write was taken along, not repeated
  });

  it("never holds with a batching time of 0, and writes nothing after cancel", async () => {
    const { flushes, writes } = recorder(0);
    flushes.soon();
    await nextTurn();
    flushes.background();
    await nextTurn();
    expect(writes).toHaveLength(2);
    flushes.background();
    flushes.cancel();
    await sleep(20);
    expect(writes).toHaveLength(2);
  });
});
