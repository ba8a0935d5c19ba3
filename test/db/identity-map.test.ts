import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { HeapWatcher, IdentityMap } from "../../evennia-ts/db/identity-map.ts";
import { EvenniaError } from "../../evennia-ts/utils/errors.ts";
import { setLogLevel, setLogSink, type LogSink } from "../../evennia-ts/utils/logger.ts";

class Row {
  /** Some weight, so that collecting it is worth the collector's while. */
  readonly payload = new Array(64).fill(0);
  constructor(readonly id: number) {}
}
class Room extends Row {}

/** A gc() function: the global one when node runs with --expose-gc, else one obtained at runtime. */
function getGc(): () => void {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (typeof existing === "function") return existing;
  setFlagsFromString("--expose-gc");
  return runInNewContext("gc") as () => void;
}
const gc = getGc();

const nextTask = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

/** Collect garbage thoroughly: finalization callbacks run on later tasks. */
async function collect(): Promise<void> {
  for (let i = 0; i < 6; i++) {
    await nextTask();
    gc();
  }
  await nextTask();
}

/** Add rows `ids` to `map` without keeping any reference on this stack. */
function addRows(map: IdentityMap<Row>, ids: number[]): void {
  for (const id of ids) map.add(id, new Row(id));
}

/** The ids of the entries still in the map, read without touching the LRU. */
function entryIds(map: IdentityMap<Row>): number[] {
  return [...map].map((r) => r.id).sort((a, b) => a - b);
}

describe("IdentityMap: one instance per row", () => {
  it("returns the instance first added, never a second one", () => {
    const map = new IdentityMap<Row>({ lruSize: 10 });
    const first = new Row(1);
    expect(map.add(1, first)).toBe(first);
    expect(map.add(1, new Row(1))).toBe(first);
    expect(map.get(1)).toBe(first);
    expect(map.get(2)).toBeUndefined();
    expect(map.size).toBe(1);
    expect([...map]).toEqual([first]);
  });

  it("refuses one instance under two ids", () => {
    const map = new IdentityMap<Row>({ lruSize: 0 });
    const row = new Row(1);
    map.add(1, row);
    expect(() => map.add(2, row)).toThrow(EvenniaError);
  });

  it("forgets removed rows, including their pins and LRU slot", () => {
    const map = new IdentityMap<Row>({ lruSize: 10 });
    const row = map.add(1, new Row(1));
    map.pin(row, "puppet");
    map.remove(1);
    expect(map.get(1)).toBeUndefined();
    expect(map.isPinned(row)).toBe(false);
    expect(map.stats()).toMatchObject({ live: 0, pinned: 0, strong: 0 });
    const again = new Row(1);
    expect(map.add(1, again)).toBe(again);
    map.remove(99); // unknown: no-op
  });

  it("validates its options", () => {
    expect(() => new IdentityMap({ lruSize: -1 })).toThrow(EvenniaError);
    expect(() => new IdentityMap({ lruSize: 1.5 })).toThrow(EvenniaError);
  });
});

describe("IdentityMap: pins and LRU bookkeeping", () => {
  it("keeps an instance pinned while any reason remains", () => {
    const map = new IdentityMap<Row>({ lruSize: 0 });
    const row = map.add(1, new Row(1));
    expect(map.isPinned(row)).toBe(false);
    map.pin(row, "ndb");
    map.pin(row, "puppet");
    map.pin(row, "puppet");
    expect(map.pinReasons(row).sort()).toEqual(["ndb", "puppet"]);
    map.unpin(row, "puppet");
    expect(map.isPinned(row)).toBe(true);
    map.unpin(row, "never-pinned-for-this");
    expect(map.isPinned(row)).toBe(true);
    map.unpin(row, "ndb");
    expect(map.isPinned(row)).toBe(false);
    expect(map.pinReasons(row)).toEqual([]);
  });

  it("holds at most lruSize unpinned instances, evicting the least recently used", async () => {
    const map = new IdentityMap<Row>({ lruSize: 3 });
    const weak = new Map<number, WeakRef<Row>>();
    // only the map holds the rows: which ones survive a GC shows which ones the LRU kept
    const add = (id: number): void => {
      const row = new Row(id);
      weak.set(id, new WeakRef(row));
      map.add(id, row);
    };
    for (const id of [1, 2, 3]) add(id);
    expect(map.stats().strong).toBe(3);
    map.get(1); // 1 becomes the most recent; 2 is now the oldest
    add(4);
    expect(map.stats().strong).toBe(3);
    await collect();
    expect(weak.get(2)!.deref(), "#2, the least recently used, was evicted").toBeUndefined();
    for (const id of [1, 3, 4]) expect(weak.get(id)!.deref(), `#${id} is still held`).toBeDefined();
    expect(map.get(2)).toBeUndefined();
    expect(map.flush()).toBe(3);
    expect(map.flush()).toBe(0);
  });

  it("does not spend LRU slots on pinned instances, and unpinning puts them back", () => {
    const map = new IdentityMap<Row>({ lruSize: 2 });
    const a = map.add(1, new Row(1));
    map.add(2, new Row(2));
    map.pin(a, "script");
    expect(map.stats()).toMatchObject({ pinned: 1, strong: 1 });
    map.get(1); // touching a pinned instance does not use the LRU
    expect(map.stats().strong).toBe(1);
    map.unpin(a, "script");
    expect(map.stats()).toMatchObject({ pinned: 0, strong: 2 });
    expect(map.flush()).toBe(2);
  });

  it("counts by type", () => {
    const map = new IdentityMap<Row>({ lruSize: 1, describe: (o) => `typeclasses.${o.constructor.name.toLowerCase()}` });
    const room = map.add(1, new Room(1));
    map.add(2, new Row(2));
    map.pin(room, "location");
    expect(map.stats()).toEqual({
      live: 2,
      pinned: 1,
      strong: 1,
      byType: {
        "typeclasses.room": { live: 1, pinned: 1, strong: 0 },
        "typeclasses.row": { live: 1, pinned: 0, strong: 1 },
      },
    });
    const plain = new IdentityMap<Row>({ lruSize: 0 });
    plain.add(1, new Room(1));
    expect(Object.keys(plain.stats().byType)).toEqual(["Room"]);
  });
});

describe("IdentityMap: garbage collection", () => {
  it("loses unreferenced instances after flush, keeping pinned and LRU-held ones", async () => {
    const map = new IdentityMap<Row>({ lruSize: 2 });
    const pinned = map.add(10, new Row(10));
    map.pin(pinned, "puppet");
    addRows(map, [1, 2, 3, 4, 5, 6]); // the LRU keeps 5 and 6
    expect(map.size).toBe(7);
    await collect();
    // `size` reads no weak reference: entries went away through the finalization registry.
    expect(map.size).toBe(3);
    expect(entryIds(map)).toEqual([5, 6, 10]);

    expect(map.flush()).toBe(2);
    await collect();
    expect(map.size).toBe(1);
    expect(map.get(5)).toBeUndefined();
    expect(map.get(6)).toBeUndefined();
    expect(map.get(10)).toBe(pinned);
    expect(map.stats()).toMatchObject({ live: 1, pinned: 1, strong: 0 });

    map.unpin(pinned, "puppet"); // now only the LRU holds it
    expect(map.stats().strong).toBe(1);
  });

  it("removes the entries of collected instances through the finalization registry", async () => {
    const map = new IdentityMap<Row>({ lruSize: 0 });
    addRows(map, [1, 2, 3]);
    expect(map.size).toBe(3);
    const collected = watchCollection(map);
    await collect();
    expect(collected.sort()).toEqual([1, 2, 3]);
    expect(map.size).toBe(0); // no read of the map in between: the registry removed them
    expect(map.get(1)).toBeUndefined();
    expect([...map]).toEqual([]);
  });

  it("does not let an old registration remove a re-added id", async () => {
    const map = new IdentityMap<Row>({ lruSize: 0 });
    addRows(map, [1]);
    const collected = watchCollection(map);
    await nextTask();
    gc();
    // Collected now, but finalization callbacks run on a later task: re-add the id first.
    const fresh = new Row(1);
    expect(map.add(1, fresh)).toBe(fresh);
    await collect();
    expect(collected).toEqual([1]); // the old instance really was collected and finalized
    expect(map.size).toBe(1);
    expect(map.get(1)).toBe(fresh);
  });

  it("keeps an instance alive while anything else references it, even after flush", async () => {
    const map = new IdentityMap<Row>({ lruSize: 5 });
    const held = map.add(1, new Row(1));
    addRows(map, [2]);
    expect(map.flush()).toBe(2);
    await collect();
    expect(map.size).toBe(1);
    expect(map.get(1)).toBe(held);
    expect(map.get(2)).toBeUndefined();
  });

  it("lets a removed instance be collected without disturbing a new one", async () => {
    const map = new IdentityMap<Row>({ lruSize: 5 });
    addRows(map, [1]);
    map.remove(1);
    const fresh = map.add(1, new Row(1));
    await collect();
    expect(map.get(1)).toBe(fresh);
    expect(map.size).toBe(1);
  });
});

/** Watch the map's current instances through a registry of our own; returns the ids collected. */
function watchCollection(map: IdentityMap<Row>): number[] {
  const collected: number[] = [];
  const watcher = new FinalizationRegistry<number>((id) => collected.push(id));
  for (const row of map) watcher.register(row, row.id);
  watchers.push(watcher); // keep the registry itself alive
  return collected;
}
const watchers: FinalizationRegistry<number>[] = [];

describe("HeapWatcher", () => {
  let watcher: HeapWatcher | undefined;
  let lines: string[] = [];
  let previousSink: LogSink | undefined;
  beforeEach(() => {
    lines = [];
    previousSink = setLogSink((_level, line) => lines.push(line));
    setLogLevel("info");
  });
  afterEach(() => {
    watcher?.stop();
    if (previousSink) setLogSink(previousSink);
    setLogLevel("warn");
  });

  it("calls back when the heap is above the threshold, and not when below", () => {
    let calls = 0;
    watcher = new HeapWatcher({ thresholdMb: 1e-6, intervalMs: 1000, onThreshold: () => calls++ });
    expect(watcher.check()).toBe(true);
    expect(calls).toBe(1);
    const high = new HeapWatcher({ thresholdMb: 1e9, intervalMs: 1000, onThreshold: () => calls++ });
    expect(high.check()).toBe(false);
    expect(calls).toBe(1);
  });

  it("checks on a timer until stopped, and survives a failing callback", async () => {
    let calls = 0;
    watcher = new HeapWatcher({
      thresholdMb: 1e-6,
      intervalMs: 5,
      onThreshold: () => {
        calls++;
        throw new Error("flush failed");
      },
    });
    watcher.start();
    watcher.start(); // idempotent
    expect(watcher.running).toBe(true);
    await new Promise((r) => setTimeout(r, 60));
    watcher.stop();
    expect(watcher.running).toBe(false);
    const seen = calls;
    expect(seen).toBeGreaterThanOrEqual(1);
    expect(lines.filter((l) => l.includes("callback failed") && l.includes("flush failed"))).toHaveLength(seen);
    expect(lines.filter((l) => l.includes("above"))).toHaveLength(1); // the crossing is logged once
    await new Promise((r) => setTimeout(r, 30));
    expect(calls).toBe(seen);
  });

  it("validates its options", () => {
    expect(() => new HeapWatcher({ thresholdMb: 0, intervalMs: 10, onThreshold: () => {} })).toThrow(EvenniaError);
    expect(() => new HeapWatcher({ thresholdMb: 10, intervalMs: 0, onThreshold: () => {} })).toThrow(EvenniaError);
  });
});
