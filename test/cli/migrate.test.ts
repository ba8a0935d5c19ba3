import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runCli } from "../../evennia-ts/cli/run.ts";
import { CapturingIo } from "../../evennia-ts/cli/io.ts";
import { createTestGameFolder, type TestGameFolder } from "../../evennia-ts/testing/game-folder.ts";

let folder: TestGameFolder | undefined;
afterEach(() => folder?.remove());

describe("evennia-ts migrate", () => {
  it("applies the framework's and the game's migrations once, then reports the database up to date", async () => {
    folder = createTestGameFolder();
    writeFileSync(
      path.join(folder.dir, "typeclasses", "auction-schema.ts"),
      `import { registerGameSchema } from "evennia-ts";
import type { MigrationInterface, QueryRunner } from "typeorm";
class CreateAuctions1800000000000 implements MigrationInterface {
  name = "CreateAuctions1800000000000";
  async up(q: QueryRunner): Promise<void> { await q.query("CREATE TABLE auctions (id integer PRIMARY KEY, item text)"); }
  async down(q: QueryRunner): Promise<void> { await q.query("DROP TABLE auctions"); }
}
registerGameSchema({ migrations: [CreateAuctions1800000000000] });
`,
    );
    const io = new CapturingIo();
    expect(await runCli(["migrate", "--game", folder.dir], io)).toBe(0);
    const first = io.stdout.join("\n");
    expect(first).toContain("Applied InitialSchema1700000000001");
    expect(first).toContain("Applied CreateAuctions1800000000000");
    const again = new CapturingIo();
    expect(await runCli(["migrate", "--game", folder.dir], again)).toBe(0);
    expect(again.stdout.join("\n")).toContain("up to date");
  });

  it("refuses a folder that is not a game", async () => {
    const io = new CapturingIo();
    expect(await runCli(["migrate", "--game", "/tmp"], io)).toBe(1);
    expect(io.stderr.join("\n")).toMatch(/not a game folder/);
  });
});
