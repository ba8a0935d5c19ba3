/**
 * The running server's live figures — commands per second, command latency
 * percentiles, sessions per protocol, heap and identity-map counts — as one JSON
 * value. The control channel answers `stats` with it (so `evennia-ts status`, a
 * separate process, can show them), and it is formatted here for that command.
 */
import { describeLatency } from "../commands/default/server-info.ts";
import type { LatencySummary } from "./command-stats.ts";
import { describeCheckpointStats, type CheckpointStats } from "../db/wal-checkpointer.ts";
import { formatMiB } from "../utils/bytes.ts";
import { describeLoopHealth, describePortalHealth, type LoopHealthFigures, type PortalReport } from "../utils/loop-health.ts";

/** What `stats` answers. */
export interface LiveStats {
  pid: number;
  uptimeSeconds: number;
  commands: { total: number; perSecond: number; windowSeconds: number };
  /** Latency of the most recent commands, ms (line in to commit). */
  latency: LatencySummary;
  sessions: { connected: number; loggedIn: number; byProtocol: Record<string, number> };
  /** `collected`: a full garbage collection ran just before (asked with `gc`), so `heapUsed` is the live heap. */
  heap: { rss: number; heapUsed: number; heapTotal: number; collected: boolean };
  /** Objects in the identity map, all kinds together. */
  identityMap: { live: number; pinned: number; strong: number };
  /** The cmdset merge cache's hits, misses and entries (null when it is off). */
  mergeCache: { hits: number; misses: number; size: number } | null;
  /** The event loop's delay and the collector's pauses (null when not measured). */
  loop: LoopHealthFigures | null;
  /** The portal's memory and loop as it last reported them (null before its first report; absent from older servers). */
  portal?: PortalReport | null;
  /** SQLite's WAL checkpoints on their own thread (null: PostgreSQL, or SQLite checkpoints in its commits). */
  checkpoints?: CheckpointStats | null;
}

/** What {@link collectLiveStats} reads the figures from. */
export interface LiveStatsSources {
  commandRate(): { total: number; perSecond: number; windowSeconds: number };
  commandLatency(): LatencySummary;
  /** Every connected session (logged in or not). */
  sessions(): readonly { protocolKey: string; loggedIn: boolean }[];
  /** Identity-map counts, all kinds added up. */
  identityMapTotals(): { live: number; pinned: number; strong: number };
  /** The cmdset merge cache's counters (null when it is off). */
  mergeCache(): { hits: number; misses: number; size: number } | null;
  /** The event loop's delay and the collector's pauses (absent: not measured). */
  loopHealth?(): LoopHealthFigures;
  /** The portal's latest report (absent or null: none). */
  portalHealth?(): PortalReport | null;
  /** The WAL checkpoint thread's counters (absent or null: none). */
  checkpoints?(): Readonly<CheckpointStats> | null;
}

/**
 * Read the figures now. With `gc` (and node's `gc()` exposed, as the server has it)
 * a full garbage collection runs first, so the heap figure is what is alive, not
 * what the last collection left plus the garbage since: a pause of tens of
 * milliseconds on a big heap, for measurements (`loadtest --heap-track`), not polling.
 */
export function collectLiveStats(sources: LiveStatsSources, options: { gc?: boolean } = {}): LiveStats {
  const gc = (globalThis as { gc?: () => void }).gc;
  const collected = options.gc === true && typeof gc === "function";
  if (collected) gc();
  const byProtocol: Record<string, number> = {};
  let loggedIn = 0;
  const sessions = sources.sessions();
  for (const s of sessions) {
    byProtocol[s.protocolKey] = (byProtocol[s.protocolKey] ?? 0) + 1;
    if (s.loggedIn) loggedIn++;
  }
  const usage = process.memoryUsage();
  return {
    pid: process.pid,
    uptimeSeconds: Math.round(process.uptime()),
    commands: sources.commandRate(),
    latency: sources.commandLatency(),
    sessions: { connected: sessions.length, loggedIn, byProtocol },
    heap: { rss: usage.rss, heapUsed: usage.heapUsed, heapTotal: usage.heapTotal, collected },
    identityMap: sources.identityMapTotals(),
    mergeCache: sources.mergeCache(),
    loop: sources.loopHealth?.() ?? null,
    portal: sources.portalHealth?.() ?? null,
    checkpoints: copyOrNull(sources.checkpoints?.() ?? null),
  };
}

/** The figures as lines for a terminal. */
export function formatLiveStats(stats: LiveStats): string[] {
  const protocols = Object.entries(stats.sessions.byProtocol)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, n]) => `${name} ${n}`)
    .join(", ");
  return [
    `Commands: ${stats.commands.perSecond.toFixed(2)} per second (last ${stats.commands.windowSeconds} s), ${stats.commands.total} since start`,
    `Command latency: ${describeLatency(stats.latency)}`,
    `Sessions: ${stats.sessions.connected} connected (${protocols || "none"}), ${stats.sessions.loggedIn} logged in`,
    `Server memory: RSS ${formatMiB(stats.heap.rss)}, heap ${formatMiB(stats.heap.heapUsed)} of ${formatMiB(stats.heap.heapTotal)}`,
    `Identity map: ${stats.identityMap.live} objects (${stats.identityMap.pinned} pinned, ${stats.identityMap.strong} kept warm)`,
    describeMergeCache(stats.mergeCache ?? null),
    ...(stats.loop ? [`Event loop: ${describeLoopHealth(stats.loop)}`] : []),
    ...(stats.portal ? [`Portal process: ${describePortalHealth(stats.portal)}`] : []),
    ...(stats.checkpoints ? [`Database: ${describeCheckpointStats(stats.checkpoints)}`] : []),
  ];
}

function copyOrNull<T extends object>(value: Readonly<T> | null): T | null {
  return value === null ? null : { ...value };
}

/** The merge cache's line: hit rate since start and entries held. */
function describeMergeCache(cache: LiveStats["mergeCache"]): string {
  if (!cache) return "Cmdset merge cache: off";
  const lookups = cache.hits + cache.misses;
  const rate = lookups === 0 ? "no lookups yet" : `${((100 * cache.hits) / lookups).toFixed(1)}% hits of ${lookups}`;
  return `Cmdset merge cache: ${rate}, ${cache.size} merged sets held`;
}
