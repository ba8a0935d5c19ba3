/**
 * What SQLite's WAL checkpoints cost the game loop: the same writes through
 * `Database.write` (one row of 300 bytes a unit of work, one after another) on a
 * scratch SQLite file: with SQLite checkpointing in its commits (`walCheckpoints:
 * false`, what the server did before), with the checkpoints on their own thread every
 * 100 commits (the default) and every 1,000; two rounds. Prints the time of each write as the
 * caller waits for it — median, p99, p99.9 and max — and the thread's counters.
 *
 *   node --import tsx bench/wal-checkpoint-bench.ts [--writes 20000]
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { Database, type DatabaseOptions } from "../evennia-ts/db/database.ts";

const { values } = parseArgs({ options: { writes: { type: "string", default: "20000" } } });
const WRITES = Number(values.writes);
const PAYLOAD = "x".repeat(300);

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

async function run(label: string, walCheckpoints: DatabaseOptions["walCheckpoints"]): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "evts-walbench-"));
  try {
    const db = await Database.open({ url: `sqlite:${path.join(dir, "bench.db3")}`, walCheckpoints });
    await db.write([{ sql: "CREATE TABLE filler (id INTEGER PRIMARY KEY, body TEXT NOT NULL)", params: [] }]);
    const times: number[] = [];
    for (let i = 0; i < WRITES; i++) {
      const started = performance.now();
      await db.write([{ sql: "INSERT OR REPLACE INTO filler (id, body) VALUES (?, ?)", params: [i % 50_000, `${i}${PAYLOAD}`] }]);
      times.push(performance.now() - started);
    }
    const stats = db.checkpointStats;
    await db.close();
    times.sort((a, b) => a - b);
    const ms = (v: number) => `${v.toFixed(3)} ms`;
    console.log(
      `${label.padEnd(42)} median ${ms(quantile(times, 0.5))}, p99 ${ms(quantile(times, 0.99))}, p99.9 ${ms(quantile(times, 0.999))}, max ${ms(times.at(-1)!)}` +
        (stats ? `; ${stats.checkpoints} checkpoints on the thread, longest ${ms(stats.maxMs)}` : ""),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

console.log(`${WRITES} writes of one row each, one after another (load average ${os.loadavg()[0]!.toFixed(2)})`);
for (let round = 0; round < 2; round++) {
  await run("checkpoints in commits (before)", false);
  await run("on their thread, every 100 commits (now)", {});
  await run("on their thread, every 1,000 commits", { commitsPerCheckpoint: 1000 });
}
