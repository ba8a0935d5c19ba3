/**
 * Persistent menus and editors across a real reload: portal and server in this
 * process, a player on telnet. A first login without a character opens the
 * character-creation menu (setting `charcreateMenu`); a reload in the middle
 * shows the same question again and the answers go on from there. A `desc/edit`
 * editor comes back after a reload with its unsaved buffer.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startInProcessGame, type InProcessGame } from "../../evennia-ts/testing/in-process-game.ts";
import { TelnetTestClient } from "../../evennia-ts/testing/telnet-test-client.ts";

let game: InProcessGame;
let client: TelnetTestClient | null = null;

beforeEach(async () => {
  game = await startInProcessGame({ charcreateMenu: true, autoCreateCharacterWithAccount: false });
});

afterEach(async () => {
  client?.close();
  client = null;
  await game.stop();
});

describe("menus and editors across a reload", () => {
  it("the character-creation menu opens at first login and resumes after a reload; desc/edit survives one too", async () => {
    const c = (client = await TelnetTestClient.connect(game.telnetPort));
    await c.waitFor("create <username> <password>");
    c.send("create Anna secret123");
    await c.waitFor("A new account 'Anna' was created");
    c.send("connect Anna secret123");
    await c.waitFor("What is your new character's name?");
    c.send("Annabel");
    await c.waitFor("Describe Annabel in a line");

    game.portal.reload();
    await c.waitFor("Server restarting...");
    await c.waitFor("... done.");
    // the node is shown again, with the same name
    await c.waitFor("Describe Annabel in a line");
    c.send("A calm person.");
    await c.waitFor("Create Annabel?");
    c.send("yes");
    await c.waitFor("You become Annabel");
    await c.waitFor("Created new character Annabel, and you are playing it now.");

    c.send("desc/edit");
    await c.waitFor("Line Editor [desc]");
    c.send(":DD");
    await c.waitFor("Cleared");
    c.send("A room remembered across reloads.");
    await c.waitFor("01| A room remembered across reloads.");

    game.portal.reload();
    await c.waitFor("Server restarting...");
    await c.waitFor("The editor was restored after a server reload.");
    const shown = await c.waitFor("(:h for help)");
    expect(shown).toContain("01| A room remembered across reloads.");
    c.send(":wq");
    await c.waitFor("Saved.");
    await c.waitFor("Exited editor.");
    c.send("look");
    const look = await c.waitFor("A room remembered across reloads.");
    expect(look).toContain("Limbo");
  });
});
