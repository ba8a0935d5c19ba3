import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { afterEach, describe, expect, it } from "vitest";
import { collectLiveStats, formatLiveStats, type LiveStatsSources } from "../../evennia-ts/server/live-stats.ts";

const sources: LiveStatsSources = {
  commandRate: () => ({ total: 10, perSecond: 2, windowSeconds: 60 }),
  commandLatency: () => ({ samples: 0, p50: 0, p90: 0, p99: 0, max: 0 }),
  sessions: () => [
    { protocolKey: "telnet", loggedIn: true },
    { protocolKey: "websocket", loggedIn: false },
  ],
  identityMapTotals: () => ({ live: 3, pinned: 1, strong: 2 }),
  mergeCache: () => ({ hits: 90, misses: 10, size: 7 }),
};

const exposed = globalThis as { gc?: () => void };
const hadGc = exposed.gc;
afterEach(() => {
  exposed.gc = hadGc;
});

describe("live stats", () => {
  it("counts sessions by protocol and shows the merge cache's hit rate", () => {
    const stats = collectLiveStats(sources);
    expect(stats.sessions).toEqual({ connected: 2, loggedIn: 1, byProtocol: { telnet: 1, websocket: 1 } });
    expect(stats.heap.collected).toBe(false);
    const text = formatLiveStats(stats).join("\n");
    expect(text).toContain("Cmdset merge cache: 90.0% hits of 100, 7 merged sets held");
    expect(formatLiveStats({ ...stats, mergeCache: null }).join("\n")).toContain("Cmdset merge cache: off");
    expect(formatLiveStats({ ...stats, mergeCache: { hits: 0, misses: 0, size: 0 } }).join("\n")).toContain("no lookups yet");
  });

  it("shows the WAL checkpoint thread's counters when there is one, and nothing of it otherwise", () => {
    const counters = { checkpoints: 12, partial: 1, failures: 0, maxMs: 9.34, workersStarted: 1 };
    const stats = collectLiveStats({ ...sources, checkpoints: () => counters });
    expect(stats.checkpoints).toEqual(counters);
    expect(stats.checkpoints).not.toBe(counters); // a copy: the JSON answer does not change under the reader
    expect(formatLiveStats(stats)).toContain("Database: 12 WAL checkpoints on their own thread (longest 9.3 ms, not waited for by the game loop)");
    expect(formatLiveStats({ ...stats, checkpoints: { ...counters, failures: 2 } }).at(-1)).toMatch(/, 2 failed\)$/);
    const none = collectLiveStats(sources);
    expect(none.checkpoints).toBeNull();
    expect(formatLiveStats(none).join("\n")).not.toContain("WAL");
  });

  it("with gc, collects garbage before reading the heap: the figure is the live heap", async () => {
    setFlagsFromString("--expose-gc");
    exposed.gc = runInNewContext("gc") as () => void;
    // 2 MiB nobody keeps, in the large-object space (only a full collection frees it)
    const garbage = new WeakRef(new Array(256 * 1024).fill(1));
    expect(garbage.deref()).toBeDefined();
    await new Promise((resolve) => setTimeout(resolve, 0)); // deref() holds the target until the job ends
    const collected = collectLiveStats(sources, { gc: true });
    expect(collected.heap.collected).toBe(true);
    expect(garbage.deref()).toBeUndefined();
  });

  it("without node's gc() it says it did not collect", () => {
    exposed.gc = undefined;
    expect(collectLiveStats(sources, { gc: true }).heap.collected).toBe(false);
  });
});
