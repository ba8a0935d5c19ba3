/**
 * The event-loop health figures: a loop held busy shows in the delay's max and p99,
 * a full collection forced with gc() shows as a major pause, pauses are counted by
 * kind, and the line `evennia-ts status` prints says both.
 */
import { constants } from "node:perf_hooks";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { afterEach, describe, expect, it } from "vitest";
import { collectLiveStats, formatLiveStats } from "../../evennia-ts/server/live-stats.ts";
import { describeLoopHealth, LoopHealth } from "../../evennia-ts/utils/loop-health.ts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function busy(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // hold the loop
  }
}

describe("loop health", () => {
  let health: LoopHealth | null = null;
  afterEach(() => {
    health?.stop();
    health = null;
  });

  it("sees a loop held for 120 ms in the delay, and a full collection as a major pause", async () => {
    health = new LoopHealth();
    health.start();
    await sleep(50);
    busy(120);
    await sleep(50);
    setFlagsFromString("--expose-gc");
    (runInNewContext("gc") as () => void)();
    await sleep(20); // the observer hears of the collection on a later turn
    const figures = health.figures();
    expect(figures.delay!.max).toBeGreaterThanOrEqual(100);
    expect(figures.delay!.max).toBeLessThan(5000);
    expect(figures.gc.major.count).toBeGreaterThanOrEqual(1);
    expect(figures.gc.major.maxMs).toBeGreaterThan(0);
    expect(figures.gc.major.totalMs).toBeGreaterThanOrEqual(figures.gc.major.maxMs);
    expect(describeLoopHealth(figures)).toMatch(/^delay p50\/p99\/max [\d.]+\/[\d.]+\/[\d.]+ ms \(last \d+ s\); GC pauses since start: \d+ minor.*, [1-9]\d* major \(mean [\d.]+, max [\d.]+ ms\)$/);
  });

  it("counts pauses by kind, keeping the longest, and says when nothing was measured yet", () => {
    health = new LoopHealth();
    health.notePause(constants.NODE_PERFORMANCE_GC_MINOR, 0.5);
    health.notePause(constants.NODE_PERFORMANCE_GC_MINOR, 1.5);
    health.notePause(constants.NODE_PERFORMANCE_GC_MAJOR, 12);
    health.notePause(constants.NODE_PERFORMANCE_GC_INCREMENTAL, 0.2);
    health.notePause(undefined, 0.1);
    const figures = health.figures();
    expect(figures.gc).toEqual({
      minor: { count: 2, totalMs: 2, maxMs: 1.5 },
      major: { count: 1, totalMs: 12, maxMs: 12 },
      other: { count: 2, totalMs: expect.closeTo(0.3, 5), maxMs: 0.2 },
    });
    expect(describeLoopHealth(figures)).toBe("delay not measured yet; GC pauses since start: 2 minor (mean 1.0, max 1.5 ms), 1 major (mean 12.0, max 12.0 ms)");
  });

  it("is a line of the live figures when the server measures it", () => {
    const base = {
      commandRate: () => ({ total: 0, perSecond: 0, windowSeconds: 60 }),
      commandLatency: () => ({ samples: 0, p50: 0, p90: 0, p99: 0, max: 0 }),
      sessions: () => [],
      identityMapTotals: () => ({ live: 0, pinned: 0, strong: 0 }),
      mergeCache: () => null,
    };
    expect(formatLiveStats(collectLiveStats(base)).join("\n")).not.toContain("Event loop");
    const measured = new LoopHealth();
    measured.notePause(constants.NODE_PERFORMANCE_GC_MAJOR, 3);
    const text = formatLiveStats(collectLiveStats({ ...base, loopHealth: () => measured.figures() })).join("\n");
    expect(text).toContain("Event loop: delay not measured yet; GC pauses since start: 0 minor, 1 major (mean 3.0, max 3.0 ms)");
  });
});
