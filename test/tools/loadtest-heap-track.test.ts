import { describe, expect, it } from "vitest";
import { parseLoadTestArgs } from "../../evennia-ts/cli/commands/loadtest.ts";
import { formatHeapTrack, HeapTracker, summarizeHeapTrack, type HeapSample } from "../../evennia-ts/tools/loadtest/heap-track.ts";

function series(used: number[], everySeconds = 10, collected = false): HeapSample[] {
  return used.map((heapUsed, i) => ({ atSeconds: i * everySeconds, heapUsed, heapTotal: heapUsed * 2, rss: heapUsed * 3, collected }));
}

describe("heap tracking of a load test", () => {
  it("compares the first sample after the warm-up with the last, and the floors of the first and last quarter", () => {
    // warm-up samples (0 s, 10 s) are ignored; after it 100 → 96 (−4%), floors of two samples 90 → 96 (+6.7%)
    const s = summarizeHeapTrack(series([10, 50, 100, 90, 120, 95, 110, 94, 104, 96]), { intervalSeconds: 10, warmupSeconds: 20, failures: 1 });
    expect(s.samples).toBe(10);
    expect(s.samplesAfterWarmup).toBe(8);
    expect(s.first!.heapUsed).toBe(100);
    expect(s.last!.heapUsed).toBe(96);
    expect(s.changePercent).toBeCloseTo(-4, 5);
    expect(s.floorChangePercent).toBeCloseTo(((96 - 90) / 90) * 100, 5);
    const text = formatHeapTrack(s).join("\n");
    expect(text).toMatch(/8 of 10 samples; 1 unanswered/);
    expect(text).toMatch(/change -4\.0%; lowest of first vs last quarter \+6\.7% \(NOT flat within 5%\)/);
  });

  it("says a growing heap is not flat", () => {
    const s = summarizeHeapTrack(series([100, 110, 120, 130, 140, 150, 160, 170]), { intervalSeconds: 10, warmupSeconds: 0, failures: 0 });
    expect(s.changePercent).toBeCloseTo(70, 5);
    expect(s.floorChangePercent).toBeCloseTo(60, 5); // 100 (lowest of the first two) vs 160 (of the last two)
    expect(formatHeapTrack(s).join("\n")).toMatch(/NOT flat within 5%/);
  });

  it("says whether it read the live heap: every sample after the warm-up followed a full collection", () => {
    const live = summarizeHeapTrack(series([100, 101, 100], 10, true), { intervalSeconds: 10, warmupSeconds: 0, failures: 0 });
    expect(live.live).toBe(true);
    expect(formatHeapTrack(live)[0]).toMatch(/live heap \(each sample after a full collection\)/);
    const mixed = summarizeHeapTrack([...series([100], 10, true), { atSeconds: 20, heapUsed: 100, heapTotal: 200, rss: 300, collected: false }], { intervalSeconds: 10, warmupSeconds: 0, failures: 0 });
    expect(mixed.live).toBe(false);
    expect(formatHeapTrack(mixed)[0]).toMatch(/garbage included/);
  });

  it("needs two samples after the warm-up", () => {
    const s = summarizeHeapTrack(series([100, 100, 100]), { intervalSeconds: 10, warmupSeconds: 25, failures: 0 });
    expect(s.changePercent).toBeNull();
    expect(formatHeapTrack(s).join("\n")).toMatch(/too few samples/);
  });

  it("samples a real heap on an interval and counts failed samples", async () => {
    let calls = 0;
    const tracker = new HeapTracker(
      async () => {
        calls++;
        if (calls === 2) throw new Error("the server did not answer");
        return process.memoryUsage();
      },
      { intervalSeconds: 0.02, warmupSeconds: 0 },
    );
    tracker.start();
    await new Promise((resolve) => setTimeout(resolve, 150));
    const s = await tracker.stop();
    expect(s.failures).toBe(1);
    expect(s.samples).toBeGreaterThanOrEqual(3);
    expect(s.series.every((x) => x.heapUsed > 0 && x.rss >= x.heapUsed)).toBe(true);
    expect(s.series.map((x) => x.atSeconds)).toEqual([...s.series.map((x) => x.atSeconds)].sort((a, b) => a - b));
  });

  it("refuses a bad interval or warm-up, on the command line too", () => {
    expect(() => new HeapTracker(async () => process.memoryUsage(), { intervalSeconds: 0, warmupSeconds: 0 })).toThrow(/./);
    expect(() => new HeapTracker(async () => process.memoryUsage(), { intervalSeconds: 1, warmupSeconds: -1 })).toThrow(/./);
    expect(parseLoadTestArgs(["--heap-track", "5", "--warmup", "20"], "/")).toMatchObject({ heapTrackSeconds: 5, warmupSeconds: 20 });
    expect(parseLoadTestArgs([], "/")).toMatchObject({ heapTrackSeconds: undefined, warmupSeconds: 30 });
    expect(() => parseLoadTestArgs(["--heap-track", "0"], "/")).toThrow(/--heap-track must be > 0/);
    expect(() => parseLoadTestArgs(["--heap-track", "often"], "/")).toThrow(/--heap-track must be a number/);
    expect(() => parseLoadTestArgs(["--warmup=-3"], "/")).toThrow(/--warmup must be >= 0/);
  });
});
