/**
 * A builder and a player over real telnet connections (issue 12): the first account
 * (the superuser) digs two rooms, makes a thing, describes a room and locks an exit
 * with Evennia's syntax; a second, ordinary player then walks there, looks, gets
 * and drops the thing, and is stopped by the locked exit. Everything goes through
 * the portal, the link and the server's command handler as a player's would.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startInProcessGame, type InProcessGame } from "../../evennia-ts/testing/in-process-game.ts";
import { TelnetTestClient } from "../../evennia-ts/testing/telnet-test-client.ts";

let game: InProcessGame;
const clients: TelnetTestClient[] = [];

async function loggedIn(name: string, password = "secret123"): Promise<TelnetTestClient> {
  const c = await TelnetTestClient.connect(game.telnetPort);
  clients.push(c);
  await c.waitFor("create <username> <password>");
  c.send(`create ${name} ${password}`);
  await c.waitFor(`A new account '${name}' was created`);
  c.send(`connect ${name} ${password}`);
  await c.waitFor(/Limbo/);
  return c;
}

beforeEach(async () => {
  game = await startInProcessGame();
});

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await game.stop();
});

describe("a builder builds, a player plays", () => {
  it("dig, create, desc and lock over telnet; then walk, look, get, drop and a refused exit", async () => {
    const anna = await loggedIn("Anna"); // the first account: superuser
    const bob = await loggedIn("Bob");

    anna.send("@dig Kitchen = north;n, south;s");
    await anna.waitFor(/Created room Kitchen\(#\d+\)/);
    await anna.waitFor(/Created Exit from Limbo to Kitchen: north\(#\d+\) \(n\)/);
    await anna.waitFor(/Created Exit back from Kitchen to Limbo: south\(#\d+\) \(s\)/);
    anna.send("north");
    await anna.waitFor(/Kitchen/);
    anna.send("@desc here = A warm kitchen that smells of bread.");
    await anna.waitFor("The description was set on Kitchen");
    anna.send("@create/drop sword;blade");
    await anna.waitFor(/You create a new Object: sword \(aliases: blade\)/);
    anna.send("@dig Cellar = down;d, up;u");
    await anna.waitFor(/Created room Cellar\(#\d+\)/);
    anna.send("@lock down = traverse:perm(Builder)");
    await anna.waitFor("Added lock 'traverse:perm(Builder)' to down");
    anna.send("down");
    await anna.waitFor(/Cellar/);
    anna.send("up");
    await anna.waitFor(/Kitchen/);

    bob.send("n");
    await bob.waitFor(/\r\nKitchen/);
    const kitchen = await bob.waitFor(/You see: .*\r\n/);
    expect(kitchen).toContain("A warm kitchen that smells of bread.");
    expect(kitchen).toMatch(/Exits: south and down/);
    expect(kitchen).toMatch(/Characters: Anna/);
    expect(kitchen).toMatch(/You see: a sword/);
    await anna.waitFor("Bob arrives");
    bob.send("get blade");
    await bob.waitFor("You pick up a sword.");
    await anna.waitFor("Bob picks up a sword.");
    bob.send("inventory");
    await bob.waitFor(/You are carrying:[\s\S]*sword/);
    bob.send("down");
    await bob.waitFor("You cannot go there.");
    bob.send("@dig Attic");
    await bob.waitFor("Command '@dig Attic' is not available.");
    bob.send("s");
    await bob.waitFor(/Limbo/);
    bob.send("drop sword");
    await bob.waitFor("You drop a sword.");
    bob.send("look sword");
    await bob.waitFor(/sword/);
    bob.send("look");
    await bob.waitFor(/Limbo\r\nWelcome/);
    const limbo = await bob.waitFor(/You see: .*\r\n/);
    expect(limbo).toMatch(/You see: a sword/);
  });
});
