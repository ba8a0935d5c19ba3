/**
 * What running through `tsx` costs against code compiled ahead of time (issue 16):
 * the server's modules are bundled with esbuild (which tsx itself uses) into one ESM
 * file, then child processes, alternating, measure
 *
 * - start-up: importing `server/server.ts` (everything the server process loads
 *   before it opens the database), wall and CPU time of the whole child process;
 * - steady state: the same CPU-bound work (rendering markup for telnet and HTML,
 *   100,000 lines) once the modules are loaded.
 *
 *   node --import tsx bench/tsx-cost.ts [--runs=5]
 *
 * The parent runs through tsx (Node 20 needs a loader for .ts); each child is started
 * plainly, with or without `--import tsx`.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { buildSync } from "esbuild";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const outDir = path.join(repoRoot, ".tmp", "tsx-cost");
const { values: args } = parseArgs({ options: { runs: { type: "string", default: "5" } } });

/** The work both variants run: an entry exporting `load()` and `work()`. */
const ENTRY = `
import { renderText } from "../../evennia-ts/portal/text/render.ts";
import { renderHtml } from "../../evennia-ts/portal/text/html.ts";
export async function load() { await import("../../evennia-ts/server/server.ts"); }
export function work() {
  let n = 0;
  for (let i = 0; i < 100000; i++) {
    const line = "|c" + "Anna" + i + "|n says, \\"|rhello|n there |555and|n |[#203040more|n\\"";
    n += renderText(line, { color: "xterm256", screenReader: false }).length + renderHtml(line).length;
  }
  return n;
}
`;

/** One child: import (timed), then the work (timed); prints JSON. */
function childScript(entryUrl: string): string {
  return `
const t0 = performance.now(); const c0 = process.cpuUsage();
const m = await import(${JSON.stringify(entryUrl)});
await m.load();
const loadMs = performance.now() - t0; const loadCpu = process.cpuUsage(c0);
m.work(); // warm-up
const t1 = performance.now(); const c1 = process.cpuUsage();
m.work();
const workMs = performance.now() - t1; const workCpu = process.cpuUsage(c1);
console.log(JSON.stringify({ loadMs, loadCpuMs: (loadCpu.user + loadCpu.system) / 1000, workMs, workCpuMs: (workCpu.user + workCpu.system) / 1000, rssMb: process.memoryUsage().rss / 1048576 }));
process.exit(0);
`;
}

interface Sample {
  processMs: number;
  loadMs: number;
  loadCpuMs: number;
  workMs: number;
  workCpuMs: number;
  rssMb: number;
}

function run(nodeArgs: string[], script: string): Sample {
  const start = performance.now();
  const result = spawnSync(process.execPath, [...nodeArgs, "--input-type=module", "-e", script], { cwd: repoRoot, encoding: "utf8", env: { ...process.env, EVENNIA_LOG_LEVEL: "error" } });
  const processMs = performance.now() - start;
  if (result.status !== 0) throw new Error(`child failed: ${result.stderr}`);
  const line = result.stdout.trim().split("\n").pop()!;
  return { processMs, ...(JSON.parse(line) as Omit<Sample, "processMs">) };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

mkdirSync(outDir, { recursive: true });
const entryTs = path.join(outDir, "entry.ts");
writeFileSync(entryTs, ENTRY);
const bundle = path.join(outDir, "bundle.mjs");
const t = performance.now();
buildSync({
  entryPoints: [entryTs],
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  packages: "external",
  outfile: bundle,
  logLevel: "error",
  // the loaded server imports CommonJS packages by name; keep them external (node_modules)
});
const buildMs = performance.now() - t;
// the real server entry bundles too (checks that the whole server compiles ahead of time)
const serverBundle = path.join(outDir, "server-main.mjs");
buildSync({ entryPoints: [path.join(repoRoot, "evennia-ts/server/main.ts")], bundle: true, platform: "node", format: "esm", target: "node20", packages: "external", outfile: serverBundle, logLevel: "error" });

const tsxSamples: Sample[] = [];
const aotSamples: Sample[] = [];
const runs = Number(args.runs);
for (let i = 0; i < runs; i++) {
  tsxSamples.push(run(["--import", "tsx"], childScript(new URL(`file://${entryTs}`).href)));
  aotSamples.push(run([], childScript(new URL(`file://${bundle}`).href)));
}
const nodeVersion = execFileSync(process.execPath, ["--version"], { encoding: "utf8" }).trim();
const row = (label: string, pick: (s: Sample) => number): string => {
  const a = median(tsxSamples.map(pick));
  const b = median(aotSamples.map(pick));
  return `| ${label} | ${a.toFixed(0)} | ${b.toFixed(0)} | ${(a / b).toFixed(2)}× |`;
};
console.log(`tsx vs an esbuild bundle (${nodeVersion}, median of ${runs} alternating runs; bundle built in ${buildMs.toFixed(0)} ms;`);
console.log(`server/main.ts bundles to ${(statSync(serverBundle).size / 1024).toFixed(0)} KiB)`);
console.log("| figure | tsx | bundle | tsx ÷ bundle |");
console.log("|---|---:|---:|---:|");
console.log(row("whole child process, wall ms (start, import the server, 2× the work, exit)", (s) => s.processMs));
console.log(row("import the server's modules, wall ms", (s) => s.loadMs));
console.log(row("import the server's modules, CPU ms", (s) => s.loadCpuMs));
console.log(row("steady-state work (render 100,000 lines), CPU ms", (s) => s.workCpuMs));
console.log(row("RSS after, MB", (s) => s.rssMb));
