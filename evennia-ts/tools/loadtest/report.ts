/**
 * The load-test report: the JSON written with `--json FILE`, the warnings that say
 * when the figures cannot be trusted (throttled, generator saturated, refused
 * commands), the ratios against the echo baseline, and the table printed at the end.
 */
import os from "node:os";
import { performance } from "node:perf_hooks";
import { formatMiB } from "../../utils/bytes.ts";
import { SATURATED_CPU_PERCENT, type GeneratorUsage } from "./generator-monitor.ts";
import { percentile, type LatencySamples, type PercentileSummary } from "./percentiles.ts";
import type { ProcessUsage } from "./process-stats.ts";
import { PROFILE_NAMES, type ProfileMix } from "./profiles.ts";
import type { RoomPlacement } from "./room-spread.ts";
import type { LoadTestResult } from "./runner.ts";

/** One run, as JSON. */
export interface LoadReport {
  /** `game` or `baseline` (the echo server). */
  target: "game" | "baseline";
  config: {
    host: string;
    telnetClients: number;
    websocketClients: number;
    durationSeconds: number;
    rampSeconds: number;
    /** Full load before the measured part (not in the figures). */
    settleSeconds: number;
    loop: "closed" | "open";
    thinkMs: number;
    ratePerSecond: number | null;
    mix: ProfileMix;
    seed: number;
    /** Rooms the clients were spread over (1: all where new characters start). */
    rooms: number;
  };
  clients: { wanted: number; loggedIn: number; connectFailures: number; loginFailures: number };
  commands: {
    sent: number;
    answered: number;
    unanswered: number;
    errors: number;
    throttled: number;
    refused: number;
    disconnects: number;
    /** Answered commands per second of the run. */
    perSecond: number;
  };
  latencyMs: { firstByte: PercentileSummary; complete: PercentileSummary; login: PercentileSummary };
  /**
   * The answers' p99 of each second of the measured part (by when the command was
   * sent), and the median and worst of them: a tail made by a few bad moments (a
   * collection, a burst of writes) has a worst second far above the median one.
   */
  seconds: {
    p99Ms: number[];
    medianP99Ms: number;
    worstP99Ms: number;
    /** The worst second's number, from 0 (-1: no answers). */
    worstAt: number;
    /** When the worst second began (UTC, ISO), to find it in the game's logs; null when not known. */
    worstAtTime: string | null;
  };
  profiles: Record<string, { clients: number; sent: number; answered: number; refused: number; completeMs: PercentileSummary }>;
  processes: ProcessUsage[];
  generator: GeneratorUsage;
  /** The rooms made for the run and how many clients the game put in each (null: no spread). */
  rooms: RoomPlacement | null;
  /** Messages seen (throttle notices, errors, disconnect reasons), with counts. */
  notes: { text: string; count: number }[];
  /** What makes the figures less trustworthy, in words. */
  warnings: string[];
}

/** A game run, its baseline and the ratios, as `--json` writes it. */
export interface LoadTestDocument {
  tool: "evennia-ts loadtest";
  date: string;
  machine: { cpus: number; cpuModel: string; loadAverage1m: number; node: string };
  game: LoadReport | null;
  baseline: LoadReport | null;
  /** Game ÷ baseline for each figure (null without both runs). */
  ratios: Ratios | null;
}

/** Game ÷ baseline. Throughput below 1 and latencies above 1 are what the game costs. */
export interface Ratios {
  perSecond: number;
  firstByte: { p50: number; p90: number; p99: number; max: number };
  complete: { p50: number; p90: number; p99: number; max: number };
  /** CPU of portal + server over the echo server's. */
  cpu: number | null;
}

/** Turn a run's result into its report. */
export function buildReport(result: LoadTestResult, target: "game" | "baseline"): LoadReport {
  const { options: o, stats } = result;
  const seconds = o.durationMs / 1000;
  const profiles: LoadReport["profiles"] = {};
  for (const name of PROFILE_NAMES) {
    const p = stats.profiles.get(name);
    if (p) profiles[name] = { clients: p.clients, sent: p.sent, answered: p.answered, refused: p.refused, completeMs: p.complete.summary() };
  }
  const report: LoadReport = {
    target,
    config: {
      host: o.host,
      telnetClients: o.telnetClients,
      websocketClients: o.websocketClients,
      durationSeconds: seconds,
      rampSeconds: o.rampMs / 1000,
      settleSeconds: (o.settleMs ?? 0) / 1000,
      loop: o.rate === undefined ? "closed" : "open",
      thinkMs: o.thinkMs,
      ratePerSecond: o.rate ?? null,
      mix: o.mix,
      seed: o.seed,
      rooms: result.rooms ? result.rooms.rooms.length : 1,
    },
    clients: {
      wanted: o.telnetClients + o.websocketClients,
      loggedIn: stats.logins,
      connectFailures: stats.connectFailures,
      loginFailures: stats.loginFailures,
    },
    commands: {
      sent: stats.sent,
      answered: stats.answered,
      unanswered: stats.unanswered,
      errors: stats.errors,
      throttled: stats.throttled,
      refused: stats.refused,
      disconnects: stats.disconnects,
      perSecond: stats.answered / seconds,
    },
    latencyMs: { firstByte: stats.firstByte.summary(), complete: stats.complete.summary(), login: stats.login.summary() },
    seconds: secondsSummary(stats.bySecond, stats.measuring ? performance.timeOrigin + stats.measuringSince : null),
    profiles,
    processes: result.processes,
    generator: result.generator,
    rooms: result.rooms,
    notes: [...stats.notes].map(([text, count]) => ({ text, count })),
    warnings: [],
  };
  report.warnings = warningsFor(report);
  return report;
}

/**
 * Each second's p99 (seconds with no answer left out), their median and the worst;
 * `startEpochMs`: when second 0 began (ms since the epoch), to date the worst.
 */
export function secondsSummary(bySecond: readonly LatencySamples[], startEpochMs: number | null = null): LoadReport["seconds"] {
  const p99Ms: number[] = [];
  let worstP99Ms = 0;
  let worstAt = -1;
  bySecond.forEach((samples, second) => {
    if (samples.count === 0) return;
    const p99 = samples.summary().p99;
    p99Ms.push(p99);
    if (p99 > worstP99Ms) [worstP99Ms, worstAt] = [p99, second];
  });
  const worstAtTime = worstAt >= 0 && startEpochMs !== null ? new Date(startEpochMs + worstAt * 1000).toISOString() : null;
  return { p99Ms, medianP99Ms: percentile([...p99Ms].sort((a, b) => a - b), 0.5), worstP99Ms, worstAt, worstAtTime };
}

/** What makes a run's figures less trustworthy. */
export function warningsFor(r: LoadReport): string[] {
  const out: string[] = [];
  const g = r.generator;
  if (g.saturated && g.cpuPercent >= SATURATED_CPU_PERCENT) {
    out.push(
      `The load generator itself was the bottleneck (CPU ${g.cpuPercent.toFixed(0)}% of a core, event-loop delay p99 ` +
        `${g.lagP99Ms.toFixed(0)} ms): the latencies include its own delay. Use fewer clients, a longer think time, ` +
        `or run it on another machine.`,
    );
  } else if (g.saturated) {
    out.push(
      `The load generator's event loop was delayed (p99 ${g.lagP99Ms.toFixed(0)} ms) while it used only ${g.cpuPercent.toFixed(0)}% ` +
        `of a core: the machine is short of CPU for it (other processes), and the latencies include that delay.`,
    );
  }
  const queueFull = r.notes.some((n) => n.text.includes("Too many commands waiting"));
  if (queueFull) {
    out.push(
      `Sessions had more commands waiting than commandQueueLimit allows, and the game dropped some: it did not keep up ` +
        `with the load (open loop: lower --rate).`,
    );
  }
  if (r.commands.throttled > 0 || r.clients.connectFailures > 0) {
    out.push(
      `The game's limits throttled the run (${r.commands.throttled} throttled answers or connections). For a load test set, in ` +
        `server/conf/settings.ts: connectionLimitExemptIps: ["127.0.0.1"] (per-IP connection limits), accountCreationsPerIp: 0 ` +
        `(account-creation throttle), and keep each client under commandRatePerSecond (or set it to 0). See docs/perf.md.`,
    );
  }
  if (r.commands.refused > 0) {
    const byProfile = Object.entries(r.profiles)
      .filter(([, p]) => p.refused > 0)
      .map(([name, p]) => `${name} ${p.refused}`)
      .join(", ");
    out.push(
      `${r.commands.refused} commands were refused as not available or not allowed (${byProfile}; see the messages)` +
        ((r.profiles.builder?.refused ?? 0) > 0 ? `; the builder profile needs the Builder permission: permissionAccountDefault: "Builder" in a test game's settings.` : "."),
    );
  }
  if (r.commands.unanswered > 0) {
    out.push(`${r.commands.unanswered} commands got no end-of-command marker in time (unanswered): a dropped line, a stuck command, or an overloaded game.`);
  }
  if (r.rooms && r.rooms.unplaced > 0) {
    out.push(`${r.rooms.unplaced} clients were not moved to their room and started where new characters start (see the messages): the rooms were not evenly filled.`);
  }
  if (r.clients.loginFailures > 0) out.push(`${r.clients.loginFailures} clients could not create an account or log in (see the notes).`);
  const load = os.loadavg()[0]!;
  if (load > os.cpus().length * 0.7) out.push(`The machine was loaded (1-minute load average ${load.toFixed(1)} on ${os.cpus().length} cores): figures are noisy.`);
  return out;
}

function ratio(a: number, b: number): number {
  return b > 0 ? a / b : 0;
}

/** Game ÷ baseline for each figure. */
export function compare(game: LoadReport, baseline: LoadReport): Ratios {
  const pick = (g: PercentileSummary, b: PercentileSummary) => ({ p50: ratio(g.p50, b.p50), p90: ratio(g.p90, b.p90), p99: ratio(g.p99, b.p99), max: ratio(g.max, b.max) });
  const cpuOf = (r: LoadReport, roles: string[]): number | null => {
    const found = r.processes.filter((p) => roles.includes(p.role));
    return found.length ? found.reduce((sum, p) => sum + p.cpuPercent, 0) : null;
  };
  const gameCpu = cpuOf(game, ["portal", "server"]);
  const echoCpu = cpuOf(baseline, ["echo"]);
  return {
    perSecond: ratio(game.commands.perSecond, baseline.commands.perSecond),
    firstByte: pick(game.latencyMs.firstByte, baseline.latencyMs.firstByte),
    complete: pick(game.latencyMs.complete, baseline.latencyMs.complete),
    cpu: gameCpu !== null && echoCpu !== null ? ratio(gameCpu, echoCpu) : null,
  };
}

/** The whole document for `--json`. */
export function loadTestDocument(game: LoadReport | null, baseline: LoadReport | null): LoadTestDocument {
  const cpus = os.cpus();
  return {
    tool: "evennia-ts loadtest",
    date: new Date().toISOString(),
    machine: { cpus: cpus.length, cpuModel: cpus[0]?.model ?? "unknown", loadAverage1m: os.loadavg()[0]!, node: process.version },
    game,
    baseline,
    ratios: game && baseline ? compare(game, baseline) : null,
  };
}

const ms = (v: number): string => (v < 10 ? v.toFixed(2) : v < 100 ? v.toFixed(1) : v.toFixed(0));
const x = (v: number): string => `x${v < 10 ? v.toFixed(2) : v.toFixed(1)}`;
const mib = (b: number): string => formatMiB(b, 0);

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? "").length)));
  return rows.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join("  ").trimEnd());
}

/** `items` joined with ", " into lines of at most `width` characters. */
function wrapList(items: string[], width = 96): string[] {
  const lines: string[] = [];
  for (const item of items) {
    const last = lines.length - 1;
    if (last >= 0 && lines[last]!.length + 2 + item.length <= width) lines[last] += `, ${item}`;
    else lines.push(item);
  }
  return lines;
}

/** The document as lines for a terminal. */
export function formatDocument(doc: LoadTestDocument): string[] {
  const runs = [doc.game, doc.baseline].filter((r): r is LoadReport => r !== null);
  if (runs.length === 0) return ["(nothing was run)"];
  const first = runs[0]!;
  const c = first.config;
  const lines = [
    `Load test: ${c.telnetClients} telnet + ${c.websocketClients} websocket clients, ${c.durationSeconds} s (ramp ${c.rampSeconds} s` +
      (c.settleSeconds > 0 ? `, settling ${c.settleSeconds} s before` : "") +
      `), ` +
      (c.loop === "closed" ? `closed loop, think ${c.thinkMs} ms` : `open loop, ${c.ratePerSecond} commands/s`) +
      (c.rooms > 1 ? `, ${c.rooms} rooms` : "") +
      `, mix ${Object.entries(c.mix).map(([k, v]) => `${k}=${v}`).join(",")}, seed ${c.seed}`,
    `Machine: ${doc.machine.cpus} cores, load average ${doc.machine.loadAverage1m.toFixed(2)}, node ${doc.machine.node}`,
    "",
  ];
  const head = ["", ...runs.map((r) => r.target), ...(doc.ratios ? ["game/baseline"] : [])];
  const row = (label: string, get: (r: LoadReport) => string, r?: string): string[] => [label, ...runs.map(get), ...(doc.ratios ? [r ?? ""] : [])];
  const lat = (kind: "firstByte" | "complete", q: "p50" | "p90" | "p99" | "max"): string[] =>
    row(`${kind === "firstByte" ? "first byte" : "answered"} ${q} (ms)`, (r) => ms(r.latencyMs[kind][q]), doc.ratios ? x(doc.ratios[kind][q]) : undefined);
  const cpu = (r: LoadReport): string => r.processes.map((p) => `${p.role} ${p.cpuPercent.toFixed(0)}%`).join(", ") || "-";
  const rss = (r: LoadReport): string => r.processes.map((p) => `${p.role} ${mib(p.maxRssBytes)}`).join(", ") || "-";
  lines.push(
    ...table([
      head,
      row("clients logged in", (r) => `${r.clients.loggedIn}/${r.clients.wanted}`),
      row("commands answered", (r) => String(r.commands.answered)),
      row("throughput (commands/s)", (r) => r.commands.perSecond.toFixed(1), doc.ratios ? x(doc.ratios.perSecond) : undefined),
      lat("firstByte", "p50"),
      lat("firstByte", "p90"),
      lat("firstByte", "p99"),
      lat("firstByte", "max"),
      lat("complete", "p50"),
      lat("complete", "p90"),
      lat("complete", "p99"),
      lat("complete", "max"),
      row("answered p99 by second (ms)", (r) => (r.seconds.p99Ms.length ? `median ${ms(r.seconds.medianP99Ms)}, worst ${ms(r.seconds.worstP99Ms)} (s ${r.seconds.worstAt + 1}${r.seconds.worstAtTime ? `, ${r.seconds.worstAtTime.slice(11, 19)} UTC` : ""})` : "-")),
      row("login p50 (ms)", (r) => (r.latencyMs.login.count ? ms(r.latencyMs.login.p50) : "-")),
      row("unanswered", (r) => String(r.commands.unanswered)),
      row("errors", (r) => String(r.commands.errors)),
      row("throttled", (r) => String(r.commands.throttled)),
      row("refused", (r) => String(r.commands.refused)),
      row("disconnects", (r) => String(r.commands.disconnects)),
      row("CPU (% of a core)", cpu, doc.ratios?.cpu != null ? x(doc.ratios.cpu) : undefined),
      row("peak RSS", rss),
      row("generator CPU / lag p99", (r) => `${r.generator.cpuPercent.toFixed(0)}% / ${r.generator.lagP99Ms.toFixed(0)} ms`),
    ]),
  );
  if (doc.game?.rooms) {
    const { rooms, unplaced } = doc.game.rooms;
    const counts = rooms.map((r) => r.clients);
    lines.push(
      "",
      `Rooms (game): ${rooms.length} made for the run, in a ring; clients in each at the start: ${Math.min(...counts)} to ${Math.max(...counts)}` +
        (unplaced > 0 ? `, ${unplaced} not moved` : ""),
      ...wrapList(rooms.map((r) => `${r.name} ${r.clients}`)).map((l) => `  ${l}`),
    );
  }
  if (doc.game && Object.keys(doc.game.profiles).length > 0) {
    lines.push("", "Per profile (game):");
    lines.push(
      ...table([
        ["profile", "clients", "sent", "answered", "refused", "p50 ms", "p99 ms"],
        ...Object.entries(doc.game.profiles).map(([name, p]) => [name, String(p.clients), String(p.sent), String(p.answered), String(p.refused), ms(p.completeMs.p50), ms(p.completeMs.p99)]),
      ]).map((l) => `  ${l}`),
    );
  }
  for (const r of runs) {
    for (const w of r.warnings) lines.push("", `WARNING (${r.target}): ${w}`);
    if (r.notes.length > 0) {
      lines.push("", `Messages seen (${r.target}):`);
      for (const n of r.notes.slice(0, 10)) lines.push(`  ${n.count}x ${n.text}`);
    }
  }
  return lines;
}
