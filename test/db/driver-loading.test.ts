/**
 * The PostgreSQL client is loaded only by a game on PostgreSQL: a game on SQLite (the
 * default) does not pay for it (about 6 MiB of resident memory a server process).
 * Checked in a fresh node process, where nothing else loaded it first.
 */
import { execFileSync } from "node:child_process";
import { pathToFileURL } from "node:url";
import path from "node:path";
import { expect, it } from "vitest";
import { createScratchDatabase, dialectAvailable, TEST_DIALECTS } from "../../evennia-ts/testing/database-fixture.ts";
import { packageRoot } from "../../evennia-ts/testing/game-folder.ts";

const databaseModule = pathToFileURL(path.join(packageRoot, "evennia-ts", "db", "database.ts")).href;

/** Open `url` in a new node process; the number of modules of `pg` it loaded. */
function pgModulesLoadedOpening(url: string): number {
  const script = `
    import { createRequire } from "node:module";
    const { Database } = await import(${JSON.stringify(databaseModule)});
    const db = await Database.open({ url: process.argv[1] });
    const loaded = Object.keys(createRequire(import.meta.url).cache).filter((k) => k.includes("/node_modules/pg/"));
    await db.close();
    process.stdout.write(JSON.stringify({ pg: loaded.length }));`;
  const out = execFileSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script, url], { cwd: packageRoot, encoding: "utf8", timeout: 60_000 });
  return (JSON.parse(out) as { pg: number }).pg;
}

for (const dialect of TEST_DIALECTS) {
  it.runIf(dialectAvailable(dialect))(`opening a ${dialect} database ${dialect === "sqlite" ? "does not load" : "loads"} the PostgreSQL client`, async () => {
    const scratch = await createScratchDatabase(dialect);
    try {
      const loaded = pgModulesLoadedOpening(scratch.url);
      if (dialect === "sqlite") expect(loaded).toBe(0);
      else expect(loaded).toBeGreaterThan(0);
    } finally {
      await scratch.dispose();
    }
  }, 90_000);
}
