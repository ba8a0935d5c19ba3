/**
 * The load test in the benchmarks: a real game (portal and server processes, started
 * as `evennia-ts start` does) in a scratch game folder set up for load tests, driven
 * by `evennia-ts loadtest` with its echo baseline in the same run, every figure also
 * a ratio to the baseline.
 *
 *   node --import tsx bench/loadtest-bench.ts [--quick]
 *
 * `npm run bench` runs it last. Quick: 5 telnet + 5 websocket clients for 5 s; full:
 * 25 + 25 for 20 s after 10 s of settling (the JIT's warm-up is not measured). Closed
 * loop, mixed profiles, think 200 ms.
 */
import { fileURLToPath } from "node:url";
import { parseLoadTestArgs, runLoadTestCommand } from "../evennia-ts/cli/commands/loadtest.ts";
import { startGame } from "../evennia-ts/cli/commands/start.ts";
import { stopGame } from "../evennia-ts/cli/commands/stop.ts";
import { CapturingIo } from "../evennia-ts/cli/io.ts";
import { createTestGameFolder } from "../evennia-ts/testing/game-folder.ts";
import type { LoadTestDocument } from "../evennia-ts/tools/loadtest/report.ts";
import { readFileSync } from "node:fs";
import path from "node:path";

/** What the load-test benchmark found (the `--json` document of `evennia-ts loadtest`), or why it did not run. */
export type LoadTestBenchResult = LoadTestDocument | { failed: string };

/** Run the load test against a fresh real game; prints its table. */
export async function runLoadTestBench(options: { quick: boolean }): Promise<LoadTestBenchResult> {
  const folder = createTestGameFolder({
    connectionLimitExemptIps: ["127.0.0.1"],
    accountCreationsPerIp: 0,
    commandRatePerSecond: 0,
    permissionAccountDefault: "Builder",
  });
  const io = new CapturingIo();
  try {
    if ((await startGame({ gameDir: folder.dir, foreground: false, io })) !== 0) return { failed: io.stderr.join("\n") };
    const clients = options.quick ? "5" : "25";
    const json = path.join(folder.dir, "loadtest.json");
    const args = ["--game", folder.dir, "--telnet", clients, "--websocket", clients, "--duration", options.quick ? "5" : "20"];
    args.push("--ramp", "2", "--think", "200", "--seed", "1", "--baseline", "--json", json);
    if (!options.quick) args.push("--settle", "10");
    const run = new CapturingIo();
    const progress = process.stderr.isTTY ? { write: (t: string) => void process.stderr.write(t) } : null;
    await runLoadTestCommand(parseLoadTestArgs(args, folder.dir)!, { out: (l) => console.log(l), err: (l) => run.err(l) }, progress);
    return JSON.parse(readFileSync(json, "utf8")) as LoadTestDocument;
  } finally {
    await stopGame({ gameDir: folder.dir, io: new CapturingIo(), timeoutMs: 30_000 }).catch(() => 1);
    folder.remove();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await runLoadTestBench({ quick: process.argv.includes("--quick") });
  process.exit(0);
}
