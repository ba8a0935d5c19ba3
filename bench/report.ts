/**
 * Judging results against the targets of issue 4 and printing them as a table.
 */
import type { DialectResult } from "./data-layer-bench.ts";
import { fmt, mb } from "./measure.ts";

/** One target checked on one database. */
export interface TargetCheck {
  dialect: string;
  target: string;
  measured: string;
  pass: boolean;
}

/** Targets from issue 4 point 10. */
export const TARGETS = {
  heap100kBytes: 250e6,
  cachedGetNs: 1000,
  sqliteWritesPerSecond: 20_000,
  flushReturnFraction: 0.1,
  lookQueriesPerCommand: 0,
} as const;

/** Check a run against the targets. */
export function checkTargets(r: DialectResult): TargetCheck[] {
  const checks: TargetCheck[] = [
    {
      dialect: r.dialect,
      target: "100,000 resident objects x 5 attributes < 250 MB heap",
      measured: `${mb(r.heap.resident100k)}${r.heap.extrapolated ? ` (extrapolated from N=${fmt(r.n)})` : ""}`,
      pass: r.heap.resident100k < TARGETS.heap100kBytes,
    },
    {
      dialect: r.dialect,
      target: "cached get (store.peek) < 1 µs",
      measured: `${fmt(r.get.warmPeek.cpuNs, 0)} ns CPU (${fmt(r.get.warmPeek.wallNs, 0)} ns wall)`,
      pass: r.get.warmPeek.cpuNs < TARGETS.cachedGetNs,
    },
    {
      dialect: r.dialect,
      target: "cached get (await getById) < 1 µs",
      measured: `${fmt(r.get.warmGetById.cpuNs, 0)} ns CPU (${fmt(r.get.warmGetById.wallNs, 0)} ns wall)`,
      pass: r.get.warmGetById.cpuNs < TARGETS.cachedGetNs,
    },
    {
      dialect: r.dialect,
      target: "heap after flush + GC within 10% of before (created objects)",
      measured: pct(r.heap.afterFlushVsBefore),
      pass: Math.abs(r.heap.afterFlushVsBefore) <= TARGETS.flushReturnFraction,
    },
    {
      dialect: r.dialect,
      target: "heap after flush + GC within 10% of before (loaded objects)",
      measured: pct(r.heap.loaded.afterFlushVsBefore),
      pass: Math.abs(r.heap.loaded.afterFlushVsBefore) <= TARGETS.flushReturnFraction,
    },
    {
      dialect: r.dialect,
      target: "look with 50 things and 20 exits: 0 queries per command",
      measured: `${r.look.lookQueriesPerCommand} queries/look, ${r.look.sayQueriesPerCommand} queries/say`,
      pass: r.look.lookQueriesPerCommand <= TARGETS.lookQueriesPerCommand && r.look.sayQueriesPerCommand <= TARGETS.lookQueriesPerCommand,
    },
  ];
  if (r.dialect === "sqlite") {
    checks.push({
      dialect: r.dialect,
      target: ">= 20,000 attribute writes/s committed (sequential units)",
      measured: `${fmt(r.writes.sequential.perSecond)}/s`,
      pass: r.writes.sequential.perSecond >= TARGETS.sqliteWritesPerSecond,
    });
    const best = r.writes.concurrent.reduce((a, b) => (b.perSecond > a.perSecond ? b : a), r.writes.concurrent[0]!);
    checks.push({
      dialect: r.dialect,
      target: ">= 20,000 attribute writes/s committed (concurrent units)",
      measured: `${fmt(best.perSecond)}/s at ${best.concurrency} concurrent`,
      pass: best.perSecond >= TARGETS.sqliteWritesPerSecond,
    });
  }
  return checks;
}

function pct(fraction: number): string {
  return `${fraction >= 0 ? "+" : ""}${(fraction * 100).toFixed(1)}%`;
}

function x(ratio: number): string {
  return `${ratio >= 100 ? fmt(ratio) : ratio.toFixed(2)}x`;
}

/** A readable table of one run, with PASS/MISS next to the targets. */
export function formatRun(r: DialectResult): string {
  const name = r.dialect === "sqlite" ? "SQLite" : "PostgreSQL";
  const byTarget = new Map(checkTargets(r).map((c) => [c.target, c]));
  const verdict = (target: string) => {
    const c = byTarget.get(target);
    return c ? `${c.pass ? "PASS" : "MISS"}  ${target.replace(/ \(.*\)$/, "")}` : "";
  };
  const rows: [string, string, string, string, string][] = [];
  const add = (what: string, result: string, baseline = "", ratio = "", target = "") => rows.push([what, result, baseline, ratio, target]);

  add(
    `create ${fmt(r.n)} obj x 5 attrs (${fmt(r.create.unitSize)}/unit)`,
    `${fmt(r.create.perSecond)} obj/s`,
    `raw ${fmt(r.create.baseline.perSecond)} obj/s`,
    x(r.create.ratio),
  );
  add("  rows written", `${fmt(r.create.rowsPerSecond)} rows/s`, "", "", `${(r.create.ms / 1000).toFixed(1)} s total`);
  const g = r.get;
  const cpu = (t: { cpuNs: number }) => `${fmt(t.cpuNs, t.cpuNs < 100 ? 1 : 0)} ns`;
  add("get, cached: store.peek (CPU ns/op)", cpu(g.warmPeek), `Map.get ${cpu(g.mapGet)}`, x(g.peekVsMap), verdict("cached get (store.peek) < 1 µs"));
  add("get, cached: await getById (CPU)", cpu(g.warmGetById), `await async Map.get ${cpu(g.asyncMapGet)}`, x(g.getByIdVsMap), verdict("cached get (await getById) < 1 µs"));
  add("  diag: IdentityMap.get, LRU of N", cpu(g.identityMapGet), `Map.get ${cpu(g.mapGet)}`, x(g.identityMapGet.cpuNs / g.mapGet.cpuNs));
  add("  diag: IdentityMap.get, no LRU", cpu(g.identityMapNoLruGet), `Map.get ${cpu(g.mapGet)}`, x(g.identityMapNoLruGet.cpuNs / g.mapGet.cpuNs));
  add("  wall-clock ns/op: peek / getById / Map.get", `${fmt(g.warmPeek.wallNs)} / ${fmt(g.warmGetById.wallNs)} / ${fmt(g.mapGet.wallNs, 1)}`);
  add(
    `get, cold: await getById (${fmt(r.get.coldSamples)})`,
    `${fmt(r.get.coldGetByIdNs / 1000, 1)} µs/op`,
    `raw 3 SELECTs ${fmt(r.get.rawColdNs / 1000, 1)} µs`,
    x(r.get.coldVsRaw),
    `cold/cached ${x(r.get.coldVsWarm)}`,
  );
  add("load all back (store.load, 1000 ids)", `${fmt(r.get.bulkLoadNsPerObject / 1000, 1)} µs/obj`);
  const seq = r.writes.sequential;
  add(
    "attr writes, 1 per unit, sequential",
    `${fmt(seq.perSecond)}/s`,
    `raw ${fmt(seq.baseline.perSecond)}/s`,
    x(seq.ratio),
    r.dialect === "sqlite" ? verdict(">= 20,000 attribute writes/s committed (sequential units)") : "(target is SQLite)",
  );
  for (const c of r.writes.concurrent) {
    add(
      `attr writes, ${c.concurrency} concurrent units`,
      `${fmt(c.perSecond)}/s`,
      `raw ${fmt(c.baseline.perSecond)}/s`,
      x(c.ratio),
      `${Number.isFinite(c.unitsPerTransaction) ? c.unitsPerTransaction.toFixed(1) : "?"} units/transaction`,
    );
  }
  for (const t of r.roundTrips ?? []) {
    if (t.transactions === 0) continue;
    add(
      `  round trips per transaction: ${t.phase}`,
      (t.roundTrips / t.transactions).toFixed(1),
      `one at a time ${(t.statements / t.transactions).toFixed(1)}`,
      "",
      r.dialect === "postgres" ? `${fmt(t.statements - t.roundTrips)} round trips saved (${fmt(t.transactions)} transactions)` : "(SQLite: in process)",
    );
  }
  add("heap per resident object (created)", `${fmt(r.heap.perObject)} B`, `plain ${fmt(r.heap.plainPerObject)} B`, x(r.heap.perObjectVsPlain));
  add("heap per resident object (loaded)", `${fmt(r.heap.loaded.perObject)} B`, `plain ${fmt(r.heap.plainPerObject)} B`, x(r.heap.loaded.perObject / r.heap.plainPerObject));
  add(
    `heap, 100,000 resident${r.heap.extrapolated ? " (extrapolated)" : ""}`,
    mb(r.heap.resident100k),
    `empty store ${mb(r.heap.before)}`,
    "",
    verdict("100,000 resident objects x 5 attributes < 250 MB heap"),
  );
  add(
    "heap after flush+GC (created)",
    `${mb(r.heap.afterFlush)} (${pct(r.heap.afterFlushVsBefore)})`,
    `before ${mb(r.heap.before)}`,
    "",
    verdict("heap after flush + GC within 10% of before (created objects)"),
  );
  add(
    "heap after flush+GC (loaded)",
    `${mb(r.heap.loaded.afterFlush)} (${pct(r.heap.loaded.afterFlushVsBefore)})`,
    `before ${mb(r.heap.loaded.before)}`,
    "",
    verdict("heap after flush + GC within 10% of before (loaded objects)"),
  );
  add(
    `look, ${r.look.things} things + ${r.look.exits} exits (${fmt(r.look.commands)})`,
    `${fmt(r.look.lookUs, 1)} µs/cmd`,
    `${fmt(r.look.lookBytes)} B of output`,
    "",
    `${r.look.lookQueriesPerCommand} queries/look, ${r.look.sayQueriesPerCommand}/say; ${verdict("look with 50 things and 20 exits: 0 queries per command")}`,
  );
  add("  live objects after flush+GC", `${fmt(r.heap.liveAfterFlush)} / ${fmt(r.heap.loaded.liveAfterFlush)}`, "", "", "created / loaded");

  const header: [string, string, string, string, string] = ["benchmark", "result", "baseline (same run)", "ratio", "target / note"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 1 || i === 3 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join("  ").trimEnd();
  const load = r.loadAverage;
  const busy = Math.max(load.start, load.end) > load.cores;
  return [
    `${name} — N = ${fmt(r.n)} objects x 5 attributes — ${r.seconds.toFixed(0)} s — load average ${load.start.toFixed(1)} → ${load.end.toFixed(1)} on ${load.cores} cores`,
    ...(busy ? ["WARNING: the machine was busy with other processes during this run; timings are pessimistic and noisy."] : []),
    line(header),
    line(widths.map((w) => "-".repeat(w))),
    ...rows.map(line),
  ].join("\n");
}
