/**
 * A game's `web/urls.ts` is checked with the game's other modules: one that does
 * not load, or whose default export is not a GameWebModule, stops the server from
 * starting with EV_ERR_GAME_CODE naming it (so a reload with it is refused).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadSettings } from "../../evennia-ts/conf/settings.ts";
import { Server } from "../../evennia-ts/server/server.ts";
import { checkGameCode } from "../../evennia-ts/server/game-code-check.ts";
import { createTestGameFolder } from "../../evennia-ts/testing/game-folder.ts";
import { isEvenniaError } from "../../evennia-ts/utils/errors.ts";

async function startWithUrls(source: string): Promise<unknown> {
  const folder = createTestGameFolder();
  try {
    mkdirSync(path.join(folder.dir, "web"), { recursive: true });
    writeFileSync(path.join(folder.dir, "web", "urls.ts"), source);
    const settings = await loadSettings(folder.dir);
    const { report } = await checkGameCode(settings);
    expect(report.problems.map((p) => p.where).join(" ")).toContain(path.join("web", "urls.ts"));
    const server = new Server(settings);
    let caught: unknown;
    await server.init().catch((err: unknown) => (caught = err));
    await server.stop("shutdown").catch(() => undefined);
    return caught;
  } finally {
    folder.remove();
  }
}

describe("the game's web/urls.ts", () => {
  it("that does not load stops the server from starting, named", async () => {
    const err = await startWithUrls(`export default { routes( };\n`);
    expect(isEvenniaError(err, "EV_ERR_GAME_CODE")).toBe(true);
    expect((err as Error).message).toContain(path.join("web", "urls.ts"));
  });

  it("whose default export is not a web module stops the server from starting, saying what it must export", async () => {
    const err = await startWithUrls(`export default { routes: "not a function" };\n`);
    expect(isEvenniaError(err, "EV_ERR_GAME_CODE")).toBe(true);
    expect((err as Error).message).toContain("must default-export an object with routes(router, ctx)");
  });
});
