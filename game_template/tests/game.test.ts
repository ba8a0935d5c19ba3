/**
 * An example test of this game (`npm test`): it starts the game's own code in the
 * test process, on free ports and a scratch database, and plays it over telnet.
 * Add your own tests beside it (any `*.test.ts` file).
 */
import { fileURLToPath } from "node:url";
import { findTypeclass } from "evennia-ts";
import { startOwnGame, TelnetTestClient, type InProcessGame } from "evennia-ts/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Character } from "../typeclasses/characters.ts";

const gameDir = fileURLToPath(new URL("..", import.meta.url));
let game: InProcessGame;

beforeAll(async () => {
  game = await startOwnGame(gameDir);
});
afterAll(() => game?.stop());

describe("the game", () => {
  it("uses this game's typeclasses", () => {
    expect(findTypeclass("typeclasses.characters.Character")).toBe(Character);
  });

  it("lets a new player create an account, log in and look around", async () => {
    const client = await TelnetTestClient.connect(game.telnetPort);
    try {
      await client.waitFor("create <username> <password>");
      client.send("create Tester secret123");
      await client.waitFor("A new account 'Tester' was created");
      client.send("connect Tester secret123");
      await client.waitFor("You become Tester");
      client.send("look");
      await client.waitFor(/Limbo/);
    } finally {
      client.close();
    }
  });
});
