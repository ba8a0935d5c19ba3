/**
 * SQLite's WAL checkpoints run on a thread of their own (`db/wal-checkpointer.ts`),
 * not in the commit that fills the WAL on the game loop. What is checked: the
 * database file itself holds the committed rows after the thread's checkpoints (a
 * copy of the file without its WAL sees them); the game connection does not
 * checkpoint by itself below the safety net (it did at 1,000 pages before); the
 * thread stops when idle and starts again; a thread that cannot open the file gives
 * the checkpoints back to SQLite; closing waits for a checkpoint under way.
 */
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { Database, type DatabaseOptions } from "../../evennia-ts/db/database.ts";
import { WalCheckpointer } from "../../evennia-ts/db/wal-checkpointer.ts";
import { startInProcessGame } from "../../evennia-ts/testing/in-process-game.ts";

const dirs: string[] = [];
const open: Database[] = [];

afterEach(async () => {
  for (const db of open.splice(0)) await db.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function scratchFile(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "evts-wal-"));
  dirs.push(dir);
  return path.join(dir, "game.db3");
}

async function openDb(file: string, walCheckpoints: DatabaseOptions["walCheckpoints"]): Promise<Database> {
  const db = await Database.open({ url: `sqlite:${file}`, walCheckpoints });
  open.push(db);
  await db.write([{ sql: "CREATE TABLE filler (id INTEGER PRIMARY KEY, body TEXT NOT NULL)", params: [] }]);
  return db;
}

/** `count` commits of one row each, `size` characters a row. */
async function commitRows(db: Database, count: number, size: number, from = 0): Promise<void> {
  for (let i = from; i < from + count; i++) await db.write([{ sql: "INSERT INTO filler (id, body) VALUES (?, ?)", params: [i, `${i}:`.padEnd(size, "x")] }]);
}

/** Rows of `filler` in a copy of the database file made without its WAL (what was checkpointed). */
function rowsInTheFileAlone(file: string): number {
  const copy = `${file}.copy`;
  copyFileSync(file, copy);
  const reader = new BetterSqlite3(copy, { readonly: true });
  try {
    const table = reader.prepare("SELECT name FROM sqlite_master WHERE name = 'filler'").get();
    return table ? (reader.prepare("SELECT count(*) AS n FROM filler").get() as { n: number }).n : 0;
  } finally {
    reader.close();
    rmSync(copy, { force: true });
  }
}

async function until(check: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe("WAL checkpoints off the game loop (SQLite)", () => {
  it("copies committed rows into the database file on its thread", async () => {
    const file = scratchFile();
    const db = await openDb(file, { commitsPerCheckpoint: 10 });
    expect(rowsInTheFileAlone(file)).toBe(0);
    // the table's commit was the first of ten: the checkpoint comes with the ninth row
    await commitRows(db, 9, 100);
    await until(() => db.checkpointStats!.checkpoints === 1);
    expect(rowsInTheFileAlone(file)).toBe(9);
    await commitRows(db, 10, 100, 9);
    await until(() => db.checkpointStats!.checkpoints === 2);
    expect(rowsInTheFileAlone(file)).toBe(19);
    expect(db.checkpointStats).toMatchObject({ failures: 0, partial: 0, workersStarted: 1 });
  });

  it("the game connection no longer checkpoints at 1,000 pages; with walCheckpoints false it does", async () => {
    // 60 rows of 80 KB: about 1,200 pages of WAL
    const threaded = scratchFile();
    const db = await openDb(threaded, { commitsPerCheckpoint: 1_000_000 });
    await commitRows(db, 60, 80_000);
    expect(db.checkpointStats?.checkpoints).toBe(0);
    expect(rowsInTheFileAlone(threaded)).toBe(0);

    const inline = scratchFile();
    const plain = await openDb(inline, false);
    await commitRows(plain, 60, 80_000);
    expect(plain.checkpointStats).toBeNull();
    expect(rowsInTheFileAlone(inline)).toBeGreaterThan(0);
  });

  it("stops its thread when idle and starts one again for the next checkpoint; everything stays readable", async () => {
    const file = scratchFile();
    const db = await openDb(file, { commitsPerCheckpoint: 5, idleMs: 30 });
    await commitRows(db, 10, 100);
    await until(() => (db.checkpointStats?.checkpoints ?? 0) >= 1);
    await until(() => db.checkpointStats!.workersStarted === 1 && (db as unknown as { connection: { checkpointer: WalCheckpointer } }).connection.checkpointer.threadRunning === false);
    await commitRows(db, 10, 100, 10);
    await until(() => db.checkpointStats!.workersStarted === 2);
    expect(await db.query<{ n: number }>("SELECT count(*) AS n FROM filler")).toEqual([{ n: 20 }]);
  });

  it("a thread that cannot open the file gives the checkpoints back to SQLite, once", async () => {
    const file = path.join(scratchFile(), "..", "missing", "nothing.db3");
    let gaveUp = 0;
    const checkpointer = new WalCheckpointer(file, () => gaveUp++, { commitsPerCheckpoint: 1 });
    for (let i = 0; i < 5; i++) await checkpointer.checkpoint();
    expect(gaveUp).toBe(1);
    expect(checkpointer.stats.failures).toBe(3);
    expect(checkpointer.threadRunning).toBe(false);
    checkpointer.noteCommit(); // after giving up it asks for nothing
    expect(checkpointer.stats.failures).toBe(3);
    await checkpointer.close();
  });

  it("close waits for the checkpoint under way and stops the thread; the data survives a reopen", async () => {
    const file = scratchFile();
    const db = await openDb(file, { commitsPerCheckpoint: 1_000_000 });
    await commitRows(db, 30, 10_000);
    const checkpointer = (db as unknown as { connection: { checkpointer: WalCheckpointer } }).connection.checkpointer;
    const running = checkpointer.checkpoint();
    await db.close();
    open.splice(open.indexOf(db), 1);
    await running;
    expect(checkpointer.stats.checkpoints).toBe(1);
    expect(checkpointer.threadRunning).toBe(false);
    const again = await Database.open({ url: `sqlite:${file}` });
    open.push(again);
    expect(await again.query<{ n: number }>("SELECT count(*) AS n FROM filler")).toEqual([{ n: 30 }]);
  });

  it("the game's setting walCheckpointCommits reaches the server's database (0: SQLite checkpoints by itself)", async () => {
    for (const [commits, threaded] of [
      [3, true],
      [0, false],
    ] as const) {
      const game = await startInProcessGame({ walCheckpointCommits: commits });
      try {
        const stats = game.server()!.db.checkpointStats;
        expect(stats !== null).toBe(threaded);
      } finally {
        await game.stop();
      }
    }
  }, 60_000);
});
