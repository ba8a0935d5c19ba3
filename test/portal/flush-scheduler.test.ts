import { setImmediate as nextTurn } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { BROADCAST_SLICE, FlushScheduler } from "../../evennia-ts/portal/flush-scheduler.ts";

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

  it("writes broadcast output due on many connections a slice per turn, reading input between slices", async () => {
    let written = 0;
    const schedulers = Array.from({ length: 1000 }, () => {
      const f: FlushScheduler = new FlushScheduler(() => {
        written++;
        f.flushed();
      }, 50);
      return f;
    });
    for (const f of schedulers) f.background(); // a channel message to 1,000 quiet players
    let writtenWhenInputCame = -1;
    setImmediate(() => (writtenWhenInputCame = written)); // what came in meanwhile runs between slices
    while (written < 1000) await nextTurn();
    expect(writtenWhenInputCame).toBe(BROADCAST_SLICE);
    expect(written).toBe(1000);
  });

  it("keeps writing the others, and later broadcasts, when one connection's write throws", async () => {
    const writes: number[] = [];
    const schedulers = Array.from({ length: 3 * BROADCAST_SLICE }, (_, i) => {
      const f: FlushScheduler = new FlushScheduler(() => {
        if (i === 5) throw new Error("a broken connection");
        writes.push(i);
        f.flushed();
      }, 0);
      return f;
    });
    for (const f of schedulers) f.background();
    for (let turn = 0; turn < 10; turn++) await nextTurn();
    expect(writes).toHaveLength(3 * BROADCAST_SLICE - 1);
    schedulers[7]!.background();
    await nextTurn();
    expect(writes.at(-1)).toBe(7);
  });

  it("does not write a connection whose reply or cancel came before its turn in the queue", async () => {
    const writes: string[] = [];
    const make = (name: string) => {
      const f: FlushScheduler = new FlushScheduler(() => {
        writes.push(name);
        f.flushed();
      }, 50);
      return f;
    };
    const crowd = Array.from({ length: 2 * BROADCAST_SLICE }, (_, i) => make(`p${i}`));
    for (const f of crowd) f.background();
    const last = crowd.at(-1)!;
    last.soon(); // its own reply: written at once, with the broadcast
    crowd.at(-2)!.cancel(); // gone
    for (let turn = 0; turn < 5; turn++) await nextTurn();
    expect(writes.filter((w) => w === `p${crowd.length - 1}`)).toHaveLength(1);
    expect(writes).not.toContain(`p${crowd.length - 2}`);
    expect(writes).toHaveLength(crowd.length - 1);
  });
});
