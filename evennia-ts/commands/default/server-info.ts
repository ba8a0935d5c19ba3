/**
 * What admins and players ask the server about itself: `about` (the engine's
 * version), `time` (uptime and clock) and `server` (load, memory, the object cache;
 * `/flushmem` empties the cache). The memory figures are the `memory` command's
 * (`memory.ts`), read through the same report.
 */
import { describeLoopHealth, describePortalHealth } from "../../utils/loop-health.ts";
import { describeCheckpointStats } from "../../db/wal-checkpointer.ts";
import { loadavg, totalmem } from "node:os";
import { frameworkVersion } from "../../utils/version.ts";
import type { Settings } from "../../conf/settings.ts";
import { getStore } from "../../typeclasses/store-context.ts";
import { gametime } from "../../timers/gametime.ts";
import { EvTable } from "../../utils/text/evtable.ts";
import { Command } from "../command.ts";
import { MuxCommand } from "../mux-command.ts";
import { collectMemoryReport, flushMemory, formatBytes } from "./memory.ts";

/**
 * A duration in words, the `max` largest units (Evennia's `time_format` style 3):
 * `2 days, 3 hours, 4 minutes`.
 */
export function formatDuration(seconds: number, max = 3): string {
  let rest = Math.max(0, Math.floor(seconds));
  const units: [string, number][] = [
    ["year", 365 * 86400],
    ["day", 86400],
    ["hour", 3600],
    ["minute", 60],
    ["second", 1],
  ];
  const parts: string[] = [];
  for (const [name, size] of units) {
    const n = Math.floor(rest / size);
    rest -= n * size;
    if (n > 0 && parts.length < max) parts.push(`${n} ${name}${n === 1 ? "" : "s"}`);
  }
  return parts.length ? parts.join(", ") : "0 seconds";
}

/** `2026-12-01 17:20:05 UTC`. */
export function formatTimestamp(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

/** `about`: the engine and what it runs on. */
export class CmdAbout extends Command {
  override key = "about";
  override aliases = ["version"];
  override locks = "cmd:all()";
  override helpCategory = "system";
  override help = `Show information about the game engine.

Usage:
  about

Shows the evennia-ts version and the Node.js version and platform the server
runs on.

Examples:
  about
  version`;

  override async func(): Promise<void> {
    const name = "evennia-ts";
    const version = frameworkVersion();
    this.msg(
      [
        "",
        ` |c${name}|n MU* development system, modelled on Evennia`,
        "",
        ` |wevennia-ts version|n: ${version}`,
        ` |wNode.js|n: ${process.version}`,
        ` |wOS|n: ${process.platform} (${process.arch})`,
        "",
        " |wModelled on|n https://www.evennia.com",
        " |wLicence|n BSD-3-Clause (as Evennia)",
        "",
      ].join("\n"),
    );
  }
}

/** `time`: server uptime, first start and the time now, and the game clock. */
export class CmdTime extends Command {
  override key = "time";
  override aliases = ["uptime"];
  override locks = "cmd:perm(time) or perm(Player)";
  override helpCategory = "system";
  override help = `Show the server's time figures.

Usage:
  time

Shows how long the server has been up (since the last reload or start), how
long it has run in all, when the game was first started and the server's
current time; then the game clock: its epoch, how much game time has passed
and the game's date and time now. Game time runs timeFactor times faster than
real time (a setting; see docs/timers.md).

Examples:
  time
  uptime`;

  override async func(): Promise<void> {
    const server = this.services.server;
    const now = Date.now();
    const first = await server.firstStartedAt();
    const table = new EvTable(["|wServer time", ""], { width: Math.min(78, this.clientWidth()) });
    table.addRow("Current uptime", formatDuration((now - server.startedAt) / 1000));
    table.addRow("Total runtime", first === null ? "unknown" : formatDuration((now - first) / 1000, 2));
    table.addRow("First start", first === null ? "unknown" : formatTimestamp(first));
    table.addRow("Current time", formatTimestamp(now));
    table.reformatColumn(0, { width: 30 });
    if (!gametime.started) {
      this.msg(`${table.toString()}\n(The game clock is not running.)`);
      return;
    }
    const game = new EvTable(["|wIn-Game time", `|wReal time x ${gametime.timeFactor}`], { width: Math.min(78, this.clientWidth()) });
    game.addRow("Epoch (from settings)", gametime.calendar.format(gametime.gameEpoch()));
    game.addRow("Total time passed", formatDuration(gametime.gametime(), 3));
    game.addRow("Current time", gametime.format());
    game.reformatColumn(0, { width: 30 });
    this.msg(`${table.toString()}\n${game.toString()}`);
  }
}

/** Latency percentiles as one line (ms), for `server` and `evennia-ts status`. */
export function describeLatency(latency: { samples: number; p50: number; p90: number; p99: number; max: number }): string {
  if (latency.samples === 0) return "no commands yet";
  const ms = (v: number): string => (v < 10 ? v.toFixed(2) : v < 1000 ? v.toFixed(1) : v.toFixed(0));
  return `p50/p90/p99/max ${ms(latency.p50)}/${ms(latency.p90)}/${ms(latency.p99)}/${ms(latency.max)} ms (last ${latency.samples})`;
}

/** `telnet 3, websocket 2`, or `none`. */
function sessionsByProtocol(sessions: readonly { protocolKey: string }[]): string {
  const counts = new Map<string, number>();
  for (const s of sessions) counts.set(s.protocolKey, (counts.get(s.protocolKey) ?? 0) + 1);
  return [...counts].sort(([a], [b]) => a.localeCompare(b)).map(([name, n]) => `${name} ${n}`).join(", ") || "none";
}

/** `server[/mem|/flushmem]`: load, memory and the object cache. */
export class CmdServerLoad extends MuxCommand {
  override key = "server";
  override aliases = ["serverload"];
  override switchOptions = ["mem", "flushmem"];
  override locks = "cmd:perm(list) or perm(Developer)";
  override helpCategory = "system";
  override help = `Show the server's load and memory.

Usage:
  server
  server/mem
  server/flushmem

Switches:
  mem      - only the memory use, on one line
  flushmem - empty the object cache and show the figures before and after

Shows the process (id, uptime, system load), its memory (resident set, heap),
the commands it runs per second and how long they take (percentiles over the
last commands, from the line reaching the server to its changes saved), the
connected sessions per protocol, and the object cache
(the identity map): how many objects are in memory, by typeclass. Flushing the
cache lets go of every cached object nothing holds on to (puppets, objects with
non-persistent data and running scripts stay); the heap shrinks at the next
garbage collection. The memory command shows the same figures in more detail.

Examples:
  server
  server/mem
  server/flushmem`;

  override async func(): Promise<void> {
    if (this.args.trim()) {
      this.msg("Usage: server[/mem|/flushmem]");
      return;
    }
    const settings = this.services.settings as Partial<Settings>;
    const options = { autoFlushHeapMb: settings.identityMapFlushHeapMb };
    const store = getStore();
    if (this.switches.includes("flushmem")) {
      const flush = await flushMemory(store, options);
      const freed = flush.before.totals.live - flush.after.totals.live;
      this.msg(
        [
          `The object cache let go of |w${flush.dropped}|n cached reference(s); |w${Math.max(0, freed)}|n object(s) left memory.`,
          `Objects in memory: ${flush.before.totals.live} before, ${flush.after.totals.live} after ` +
            `(heap ${formatBytes(flush.before.heap.heapUsed)} before, ${formatBytes(flush.after.heap.heapUsed)} after).`,
          flush.gcRan ? "Garbage collected." : "No garbage collection now (node runs without --expose-gc): memory is freed at V8's next one.",
        ].join("\n"),
      );
      return;
    }
    const report = collectMemoryReport(store, options);
    const heap = report.heap;
    const rssShare = (heap.rss / totalmem()) * 100;
    if (this.switches.includes("mem")) {
      this.msg(`Memory usage: RSS: |w${formatBytes(heap.rss)}|n (${rssShare.toFixed(1)}%), heap: |w${formatBytes(heap.heapUsed)}|n of ${formatBytes(heap.heapTotal)} (limit ${formatBytes(heap.heapLimit)}).`);
      return;
    }
    const rate = this.services.server.commandRate();
    const sessions = this.services.allSessions();
    const loggedIn = sessions.filter((s) => s.account).length;
    const cpu = process.cpuUsage();
    const load = new EvTable(["property", "statistic"], { maxwidth: this.clientWidth() });
    load.addRow("Server load (1 min)", loadavg()[0]!.toFixed(2));
    load.addRow("Process ID", String(report.pid));
    load.addRow("Uptime", formatDuration((Date.now() - this.services.server.startedAt) / 1000));
    load.addRow("Memory usage (RSS)", `${formatBytes(heap.rss)} (${rssShare.toFixed(1)}% of the machine's memory)`);
    load.addRow("Heap used", `${formatBytes(heap.heapUsed)} of ${formatBytes(heap.heapTotal)} (limit ${formatBytes(heap.heapLimit)})`);
    load.addRow("External memory", formatBytes(heap.external));
    load.addRow("CPU time used", `${(cpu.user / 1e6).toFixed(2)}s user, ${(cpu.system / 1e6).toFixed(2)}s system`);
    load.addRow("Commands", `${rate.perSecond.toFixed(2)} per second (last ${rate.windowSeconds} s), ${rate.total} since start`);
    load.addRow("Command latency", describeLatency(this.services.server.commandLatency()));
    const loop = this.services.server.loopHealth?.();
    if (loop) load.addRow("Event loop", describeLoopHealth(loop));
    const portal = this.services.server.portalHealth?.();
    if (portal) load.addRow("Portal process", describePortalHealth(portal));
    const checkpoints = this.services.server.checkpointStats?.();
    if (checkpoints) load.addRow("Database", describeCheckpointStats(checkpoints));
    load.addRow("Sessions", `${sessions.length} connected (${sessionsByProtocol(sessions)}), ${loggedIn} logged in`);

    const cache = new EvTable(["entity name", "number", "idmapper %"], { maxwidth: this.clientWidth() });
    const rows: [string, number][] = [];
    for (const stats of Object.values(report.identityMap)) {
      for (const [path, counts] of Object.entries(stats.byType)) if (counts.live > 0) rows.push([path, counts.live]);
    }
    rows.sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    const total = report.totals.live;
    for (const [path, n] of rows) cache.addRow(path, String(n), total ? ((n / total) * 100).toFixed(2) : "0.00");
    this.msg(
      [
        "|wServer CPU and Memory load:|n",
        load.toString(),
        `|w Entity idmapper cache:|n ${total} items (${report.totals.pinned} pinned, ${report.totals.strong} kept warm)`,
        cache.toString(),
      ].join("\n"),
    );
  }
}
