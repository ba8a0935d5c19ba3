/**
 * `startOwnGame` (from `evennia-ts/testing`): a game developer's tests run the game
 * folder's own code in-process on free ports and a scratch database, leaving the
 * folder's own database and logs alone.
 */
import { existsSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOwnGame, TelnetTestClient, createTestGameFolder, type InProcessGame, type TestGameFolder } from "../../evennia-ts/testing/index.ts";
import { findTypeclass } from "../../evennia-ts/typeclasses/registry.ts";

let folder: TestGameFolder;
let game: InProcessGame;

beforeAll(async () => {
  folder = createTestGameFolder();
  writeFileSync(
    path.join(folder.dir, "typeclasses", "own-marker.ts"),
    `import { DefaultObject, registerTypeclass } from "evennia-ts";\nexport class OwnMarker extends DefaultObject {}\nregisterTypeclass("typeclasses.own_marker.OwnMarker", OwnMarker);\n`,
  );
  game = await startOwnGame(folder.dir);
});

afterAll(async () => {
  await game?.stop();
  folder?.remove();
});

describe("startOwnGame", () => {
  it("loads the game folder's own code", () => {
    expect(findTypeclass("typeclasses.own_marker.OwnMarker")?.name).toBe("OwnMarker");
  });

  it("keeps its database out of the game folder and plays over telnet", async () => {
    expect(game.settings.databaseUrl).not.toContain(folder.dir);
    expect(game.settings.controlSocket).toBe(false);
    const client = await TelnetTestClient.connect(game.telnetPort);
    try {
      await client.waitFor("create <username> <password>");
      client.send("create Owner secret123");
      await client.waitFor("was created");
      client.send("connect Owner secret123");
      await client.waitFor("You become Owner");
    } finally {
      client.close();
    }
    const files = readdirSync(folder.dir, { recursive: true }).map(String);
    expect(files.filter((f) => /\.db3/.test(f))).toEqual([]);
    expect(existsSync(path.join(folder.dir, "server", "logs", "server.sock"))).toBe(false);
  });

  it("deletes the scratch database when stopped", async () => {
    const other = await startOwnGame(folder.dir);
    const file = other.settings.databaseUrl.slice("sqlite:".length);
    expect(existsSync(file)).toBe(true);
    await other.stop();
    expect(existsSync(path.dirname(file))).toBe(false);
  });
});
