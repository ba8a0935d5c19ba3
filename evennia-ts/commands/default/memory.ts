/**
 * Memory figures for admins: heap, and what the identity map holds per typeclass.
 * The in-game `memory` command, the server's control channel (`evennia-ts memory`)
 * and the launcher all use the report and the text built here, so the figures read
 * the same everywhere. (They live in the commands layer because commands cannot
 * import the server; the server imports them from here.)
 *
 * Counts: **live** instances in memory, **pinned** ones (ndb data, puppets, running
 * scripts: never dropped), **strong** ones held by the LRU of recently used objects
 * (what a flush lets go of). An instance that is neither pinned nor strong stays
 * live only while something else references it — or until the next GC.
 */
import { getHeapStatistics } from "node:v8";
import type { Settings } from "../../conf/settings.ts";
import type { IdentityMapCounts, IdentityMapStats } from "../../db/identity-map.ts";
import type { TypedKind } from "../../db/row-codecs.ts";
import type { Store } from "../../typeclasses/store.ts";
import { getStore } from "../../typeclasses/store-context.ts";
import { Command } from "../command.ts";

/** Process memory, in bytes. */
export interface HeapFigures {
  heapUsed: number;
  heapTotal: number;
  /** The most the V8 heap may grow to (`--max-old-space-size`). */
  heapLimit: number;
  rss: number;
  /** Memory of C++ objects bound to JS (buffers, the SQLite driver's ...). */
  external: number;
  arrayBuffers: number;
}

/** What `memory` reports. */
export interface MemoryReport {
  pid: number;
  uptimeSeconds: number;
  heap: HeapFigures;
  /** Identity-map counts per kind (object, account, script, channel), each also by typeclass path. */
  identityMap: Record<TypedKind, IdentityMapStats>;
  /** The counts of every kind added up. */
  totals: IdentityMapCounts;
  /** Heap (MiB) above which the store flushes by itself; null when off. */
  autoFlushHeapMb: number | null;
}

/** What a flush did. */
export interface FlushReport {
  /** Strong (LRU) references dropped. */
  dropped: number;
  /** True when a garbage collection was run (only possible when node runs with `--expose-gc`). */
  gcRan: boolean;
  before: MemoryReport;
  after: MemoryReport;
}

/** Options of {@link collectMemoryReport}. */
export interface MemoryReportOptions {
  /** The `identityMapFlushHeapMb` setting (0 or absent: off). */
  autoFlushHeapMb?: number;
}

/** Read the figures now. */
export function collectMemoryReport(store: Store, options: MemoryReportOptions = {}): MemoryReport {
  const usage = process.memoryUsage();
  const identityMap = store.stats();
  const totals: IdentityMapCounts = { live: 0, pinned: 0, strong: 0 };
  for (const stats of Object.values(identityMap)) {
    totals.live += stats.live;
    totals.pinned += stats.pinned;
    totals.strong += stats.strong;
  }
  return {
    pid: process.pid,
    uptimeSeconds: Math.round(process.uptime()),
    heap: {
      heapUsed: usage.heapUsed,
      heapTotal: usage.heapTotal,
      heapLimit: getHeapStatistics().heap_size_limit,
      rss: usage.rss,
      external: usage.external,
      arrayBuffers: usage.arrayBuffers,
    },
    identityMap,
    totals,
    autoFlushHeapMb: options.autoFlushHeapMb && options.autoFlushHeapMb > 0 ? options.autoFlushHeapMb : null,
  };
}

const nextTask = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Flush the store (drop every unpinned strong reference) and, when node exposes
 * `gc()`, collect garbage so the figures after show what was freed. Without it the
 * heap shrinks at V8's next collection.
 */
export async function flushMemory(store: Store, options: MemoryReportOptions & { gc?: boolean } = {}): Promise<FlushReport> {
  const before = collectMemoryReport(store, options);
  // reading the identity map derefs its WeakRefs, which keeps their targets alive until
  // the current job ends: flush and collect in a later one
  await nextTask();
  const dropped = store.flush();
  const gc = (globalThis as { gc?: () => void }).gc;
  const gcRan = options.gc !== false && typeof gc === "function";
  if (gcRan) {
    for (let i = 0; i < 3; i++) {
      gc();
      await nextTask(); // finalization callbacks run in tasks of their own
    }
  }
  return { dropped, gcRan, before, after: collectMemoryReport(store, options) };
}

/** `12.3 MiB`. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(1)} KiB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GiB`;
}

function formatUptime(seconds: number): string {
  const d = Math.floor(seconds / 86400);
  const h = Math.floor((seconds % 86400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  if (d > 0) return `${d}d ${h}h ${m}m`;
  if (h > 0) return `${h}h ${m}m`;
  return m > 0 ? `${m}m ${s}s` : `${s}s`;
}

const KINDS: TypedKind[] = ["object", "account", "script", "channel"];

function countsRow(label: string, c: IdentityMapCounts, width: number): string {
  return `  ${label.padEnd(width)}${String(c.live).padStart(8)}${String(c.pinned).padStart(8)}${String(c.strong).padStart(8)}`;
}

/** The report as lines of text: heap figures, then a live/pinned/strong table by kind and typeclass. */
export function formatMemoryReport(r: MemoryReport): string[] {
  const h = r.heap;
  const lines = [
    `Server memory (pid ${r.pid}, up ${formatUptime(r.uptimeSeconds)})`,
    `  Heap used   ${formatBytes(h.heapUsed)} of ${formatBytes(h.heapTotal)} allocated (limit ${formatBytes(h.heapLimit)})`,
    `  RSS         ${formatBytes(h.rss)}`,
    `  External    ${formatBytes(h.external)} (array buffers ${formatBytes(h.arrayBuffers)})`,
    `  Auto-flush  ${r.autoFlushHeapMb === null ? "off (setting identityMapFlushHeapMb)" : `when the heap passes ${r.autoFlushHeapMb} MiB`}`,
    "",
  ];
  const rows: [string, IdentityMapCounts][] = [];
  for (const kind of KINDS) {
    const stats = r.identityMap[kind];
    if (!stats) continue;
    rows.push([kind, stats]);
    const types = Object.entries(stats.byType).sort((a, b) => b[1].live - a[1].live || a[0].localeCompare(b[0]));
    for (const [type, counts] of types) rows.push([`  ${type}`, counts]);
  }
  rows.push(["total", r.totals]);
  const width = Math.max(24, ...rows.map(([label]) => label.length + 2));
  lines.push(`  ${"Identity map".padEnd(width)}${"live".padStart(8)}${"pinned".padStart(8)}${"strong".padStart(8)}`);
  for (const [label, counts] of rows) lines.push(countsRow(label, counts, width));
  lines.push("  (live: in memory; pinned: kept for ndb data, puppets, scripts; strong: kept warm by the LRU, dropped by a flush)");
  return lines;
}

/** A flush's outcome as lines of text: what was dropped, and the figures before and after. */
export function formatFlushReport(f: FlushReport): string[] {
  const row = (label: string, before: string, after: string) => `  ${label.padEnd(14)}${before.padStart(12)}${after.padStart(12)}`;
  return [
    `Flushed: dropped ${f.dropped} cached reference(s); ` +
      (f.gcRan ? "garbage collected." : "no garbage collection (node runs without --expose-gc), memory is freed at V8's next one."),
    row("", "before", "after"),
    row("Heap used", formatBytes(f.before.heap.heapUsed), formatBytes(f.after.heap.heapUsed)),
    row("Live objects", String(f.before.totals.live), String(f.after.totals.live)),
    row("Pinned", String(f.before.totals.pinned), String(f.after.totals.pinned)),
    row("Strong (LRU)", String(f.before.totals.strong), String(f.after.totals.strong)),
  ];
}

/**
 * `memory`: heap and identity-map figures. `memory/flush` (or `memory flush`) drops
 * every unpinned cached object and shows the figures before and after.
 *
 * Usage:
 *   memory
 *   memory/flush
 */
export class CmdMemory extends Command {
  override key = "memory";
  override aliases = ["mem"];
  override locks = "cmd:perm(Admin)";
  override helpCategory = "system";
  override help = `Show memory figures: heap, and what the identity map holds.

Usage:
  memory
  memory/flush

With /flush, every unpinned cached object is dropped and the figures before
and after are shown.

Examples:
  memory
  mem/flush`;

  override async func(): Promise<void> {
    const args = this.args.trim().toLowerCase();
    const flush = args === "flush" || args === "/flush";
    if (args && !flush) {
      this.msg("Usage: memory, or memory/flush to drop cached objects");
      return;
    }
    const settings = this.services.settings as Partial<Settings>;
    const options = { autoFlushHeapMb: settings.identityMapFlushHeapMb };
    const store = getStore();
    const lines = flush ? formatFlushReport(await flushMemory(store, options)) : formatMemoryReport(collectMemoryReport(store, options));
    this.msg(lines.join("\n"));
  }
}
