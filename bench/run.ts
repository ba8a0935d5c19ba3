/**
 * `npm run bench`: the data-layer benchmarks (issue 4 point 10) on SQLite and, when
 * `EVENNIA_BENCH_POSTGRES_URL` (or `EVENNIA_TEST_POSTGRES_URL`) is set, PostgreSQL.
 *
 *   node --expose-gc --import tsx bench/run.ts [--quick] [--n=<objects>] [--db=sqlite|postgres|all] [--out=<file>]
 *
 * Each database runs in a child process of its own (heap figures stay clean) against a
 * scratch database: a SQLite file under `.tmp/`, or a PostgreSQL database
 * `evbench_<random>` created through the maintenance URL; both are removed afterwards.
 * Then the command-handler benchmark, and `evennia-ts loadtest --baseline` against a
 * real game (bench/loadtest-bench.ts). Prints a table per database and writes the
 * results to `bench/results/latest.json`.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import pg from "pg";
import type { Dialect } from "../evennia-ts/db/database.ts";
import { formatCommandBench, runCommandBench, type CommandBenchResult } from "./command-bench.ts";
import { runDataLayerBench, type DialectResult } from "./data-layer-bench.ts";
import { runLoadTestBench, type LoadTestBenchResult } from "./loadtest-bench.ts";
import { progress } from "./measure.ts";
import { checkTargets, formatRun, TARGETS, type TargetCheck } from "./report.ts";

const thisFile = fileURLToPath(import.meta.url);
const repoRoot = path.resolve(path.dirname(thisFile), "..");

const { values: args } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    n: { type: "string" },
    db: { type: "string", default: "all" },
    out: { type: "string" },
    help: { type: "boolean", default: false },
    // internal: run one database in this process
    worker: { type: "string" },
    url: { type: "string" },
    result: { type: "string" },
  },
});

const USAGE = `usage: node --expose-gc --import tsx bench/run.ts [--quick] [--n=<objects>] [--db=sqlite|postgres|all] [--out=<file>]
  --quick   10,000 objects and smaller samples (smoke run); default 100,000 objects
  PostgreSQL runs when EVENNIA_BENCH_POSTGRES_URL or EVENNIA_TEST_POSTGRES_URL is set
  (a maintenance URL, e.g. postgres://postgres@127.0.0.1:5432/test; a scratch database is created and dropped)`;

/** What `bench/results/latest.json` holds. */
interface BenchReport {
  date: string;
  mode: "quick" | "full";
  n: number;
  machine: { cpus: number; cpuModel: string; totalMemoryGB: number; node: string; platform: string; release: string };
  targets: typeof TARGETS;
  runs: Partial<Record<Dialect, DialectResult | { skipped: string }>>;
  checks: TargetCheck[];
  /** Commands per second through the full handler (issue 12). */
  commands?: CommandBenchResult;
  /** `evennia-ts loadtest` against a real game, with its echo baseline (issue 16). */
  loadtest?: LoadTestBenchResult;
}

let currentChild: ChildProcess | null = null;
let interrupted = false;

async function main(): Promise<number> {
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  const n = args.n !== undefined ? Number(args.n) : args.quick ? 10_000 : 100_000;
  if (!Number.isInteger(n) || n < 1000) throw new Error(`--n must be an integer >= 1000, got ${args.n}`);

  if (args.worker) {
    const result = await runDataLayerBench({ dialect: args.worker as Dialect, url: args.url!, n, quick: args.quick });
    writeFileSync(args.result!, JSON.stringify(result));
    return 0;
  }

  // on Ctrl-C or kill: stop the child, then let the finally blocks remove the scratch databases
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      interrupted = true;
      currentChild?.kill(signal);
    });
  }

  const wanted = args.db === "all" ? (["sqlite", "postgres"] as Dialect[]) : [args.db as Dialect];
  if (!wanted.every((d) => d === "sqlite" || d === "postgres")) throw new Error(`--db must be sqlite, postgres or all, got ${args.db}`);
  const report: BenchReport = {
    date: new Date().toISOString(),
    mode: args.quick ? "quick" : "full",
    n,
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? "unknown",
      totalMemoryGB: Math.round(os.totalmem() / 1e9),
      node: process.version,
      platform: os.platform(),
      release: os.release(),
    },
    targets: TARGETS,
    runs: {},
    checks: [],
  };
  const tmpRoot = path.join(repoRoot, ".tmp");
  mkdirSync(tmpRoot, { recursive: true });

  for (const dialect of wanted) {
    if (interrupted) break;
    const scratch = mkdtempSync(path.join(tmpRoot, `bench-${dialect}-`));
    const resultFile = path.join(scratch, "result.json");
    try {
      if (dialect === "sqlite") {
        await runWorker(dialect, `sqlite:${path.join(scratch, "bench.sqlite")}`, n, resultFile);
      } else {
        const maintenance = process.env.EVENNIA_BENCH_POSTGRES_URL ?? process.env.EVENNIA_TEST_POSTGRES_URL;
        if (!maintenance) {
          const why = "PostgreSQL run SKIPPED: set EVENNIA_BENCH_POSTGRES_URL (or EVENNIA_TEST_POSTGRES_URL) to a maintenance URL";
          console.log(`\n*** ${why} ***\n`);
          report.runs.postgres = { skipped: why };
          continue;
        }
        const name = `evbench_${randomBytes(4).toString("hex")}`;
        await withMaintenance(maintenance, (c) => c.query(`CREATE DATABASE ${name}`));
        try {
          const url = new URL(maintenance);
          url.pathname = `/${name}`;
          await runWorker(dialect, url.toString(), n, resultFile);
        } finally {
          await withMaintenance(maintenance, async (c) => {
            try {
              await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
            } catch {
              await c.query(`DROP DATABASE IF EXISTS ${name}`); // before PostgreSQL 13
            }
          });
        }
      }
      const result = JSON.parse(readFileSync(resultFile, "utf8")) as DialectResult;
      report.runs[dialect] = result;
      report.checks.push(...checkTargets(result));
      console.log(`\n${formatRun(result)}\n`);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  }
  if (interrupted) throw new Error("interrupted");

  progress("commands: look and say through the command handler");
  report.commands = await runCommandBench({ quick: args.quick });
  console.log(`\n${formatCommandBench(report.commands)}\n`);

  progress("loadtest: a real game and the echo baseline (evennia-ts loadtest --baseline)");
  report.loadtest = await runLoadTestBench({ quick: args.quick });
  if ("failed" in report.loadtest) console.log(`\nloadtest did not run: ${report.loadtest.failed}\n`);

  console.log("Targets (issue 4 point 10):");
  for (const c of report.checks) console.log(`  ${c.pass ? "PASS" : "MISS"}  [${c.dialect}] ${c.target}: ${c.measured}`);
  console.log(
    `\nmachine: ${report.machine.cpus} cores (${report.machine.cpuModel}), ${report.machine.totalMemoryGB} GB, node ${report.machine.node}, ${report.machine.platform} ${report.machine.release}`,
  );
  const out = path.resolve(repoRoot, args.out ?? "bench/results/latest.json");
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(report, null, 2) + "\n");
  console.log(`results written to ${path.relative(repoRoot, out)}`);
  return 0;
}

/** Run one database's benchmarks in a child process with GC exposed. */
function runWorker(dialect: Dialect, url: string, n: number, resultFile: string): Promise<void> {
  progress(`${dialect}: starting (N=${n})`);
  const childArgs = ["--expose-gc", "--import", "tsx", thisFile, `--worker=${dialect}`, `--url=${url}`, `--n=${n}`, `--result=${resultFile}`];
  if (args.quick) childArgs.push("--quick");
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, childArgs, { cwd: repoRoot, stdio: ["ignore", "inherit", "inherit"] });
    currentChild = child;
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      currentChild = null;
      if (code === 0) resolve();
      else reject(new Error(`${dialect} benchmark process failed (${signal ?? `exit code ${code}`})`));
    });
  });
}

async function withMaintenance<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`bench failed: ${(err as Error)?.stack ?? String(err)}`);
    process.exit(1);
  },
);
