/**
 * The server's pending migrations run in a child process of its own program
 * (`server/migration-child.ts`, `server/main.ts --migrate`): the real program
 * migrates a new game's database (which the server then opens without TypeORM,
 * `test/db/typeorm-on-demand.test.ts`); a child that fails is reported with its exit and the end of its error output; the
 * child does not repeat a debugger's port or CPU profiling.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { isProcessAlive } from "../../evennia-ts/cli/pid-files.ts";
import { Database } from "../../evennia-ts/db/database.ts";
import { migrationChildRunner } from "../../evennia-ts/server/migration-child.ts";
import { childExecArgv } from "../../evennia-ts/utils/child-program.ts";
import { createTestGameFolder, packageRoot, type TestGameFolder } from "../../evennia-ts/testing/game-folder.ts";

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

describe("migrations in a child process", () => {
  it("the server's program with --migrate applies a new game's migrations", async () => {
    const folder: TestGameFolder = createTestGameFolder();
    cleanups.push(() => folder.remove());
    const run = migrationChildRunner(folder.dir, { execPath: process.execPath, execArgv: ["--import", "tsx"], entry: path.join(packageRoot, "evennia-ts", "server", "main.ts") });
    await run();
    const db = await Database.open({ url: "sqlite:server/evennia.db3", baseDir: folder.dir, typeorm: "on-demand", autoMigrate: false });
    try {
      expect(await db.pendingFrameworkMigrations()).toEqual([]);
      expect(db.hasDataSource).toBe(false);
    } finally {
      await db.close();
    }
  }, 60_000);

  it("a child that fails rejects with EV_ERR_DB, its exit code and the end of what it wrote to stderr", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "evts-migrate-"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const entry = path.join(dir, "fails.mjs");
    writeFileSync(entry, `process.stderr.write("x".repeat(10000) + "the schema is broken\\n"); process.exit(3);`);
    const run = migrationChildRunner(dir, { execPath: process.execPath, execArgv: [], entry });
    const err = (await run().catch((e: unknown) => e)) as Error & { code: string };
    expect(err.code).toBe("EV_ERR_DB");
    expect(err.message).toMatch(/^the migration process failed \(exit code 3\): x+the schema is broken$/);
    expect(err.message.length).toBeLessThan(4100);
  });

  it("the real program's failure comes back with its message (a database that cannot be opened)", async () => {
    // the database's folder would be inside a file
    const folder: TestGameFolder = createTestGameFolder({ databaseUrl: "sqlite:server/conf/settings.ts/game.db3" });
    cleanups.push(() => folder.remove());
    const run = migrationChildRunner(folder.dir, { execPath: process.execPath, execArgv: ["--import", "tsx"], entry: path.join(packageRoot, "evennia-ts", "server", "main.ts") });
    await expect(run()).rejects.toMatchObject({ code: "EV_ERR_DB", message: expect.stringMatching(/^the migration process failed \(exit code 1\): cannot open database sqlite:server\/conf\/settings\.ts\/game\.db3: E(EXIST|NOTDIR)/) });
  }, 60_000);

  it("a server that exits while its migration child runs takes the child with it", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "evts-migrate-"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const entry = path.join(dir, "hangs.mjs");
    const pidFile = path.join(dir, "child.pid");
    writeFileSync(entry, `import { writeFileSync } from "node:fs"; writeFileSync(${JSON.stringify(pidFile)}, String(process.pid)); setInterval(() => {}, 1000);`);
    const runnerModule = pathToFileURL(path.join(packageRoot, "evennia-ts", "server", "migration-child.ts")).href;
    const script = `
      const { migrationChildRunner } = await import(${JSON.stringify(runnerModule)});
      void migrationChildRunner(${JSON.stringify(dir)}, { execPath: process.execPath, execArgv: [], entry: ${JSON.stringify(entry)} })();
      const { existsSync } = await import("node:fs");
      while (!existsSync(${JSON.stringify(pidFile)})) await new Promise((r) => setTimeout(r, 20));
      process.exit(0);`;
    execFileSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { cwd: packageRoot, timeout: 30_000 });
    const childPid = Number(readFileSync(pidFile, "utf8"));
    const deadline = Date.now() + 5000;
    while (isProcessAlive(childPid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(isProcessAlive(childPid)).toBe(false);
  }, 60_000);

  it("leaves out a debugger's port and CPU or heap profiling of the server's node options", () => {
    expect(
      childExecArgv(["--import", "tsx", "--inspect=9229", "--cpu-prof", "--cpu-prof-dir", "/tmp/p", "--heap-prof-dir=/tmp/h", "--max-semi-space-size=8", "--inspect-port", "9230", "--enable-source-maps"]),
    ).toEqual(["--import", "tsx", "--max-semi-space-size=8", "--enable-source-maps"]);
  });
});
