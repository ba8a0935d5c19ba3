/**
 * The demo world (issue 11 point 11), played as a user would over telnet: walk
 * out of Limbo, find the door locked, fetch the key from the garden, climb the
 * tower, and be kept out of the Builders' archive. Also: `evennia-ts demo` turns
 * the world on for a new game.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { turnOnDemoWorld } from "../../evennia-ts/cli/commands/demo.ts";
import { initGame } from "../../evennia-ts/cli/commands/init.ts";
import { settingsFile } from "../../evennia-ts/conf/settings.ts";
import { startInProcessGame, type InProcessGame } from "../../evennia-ts/testing/in-process-game.ts";
import { TelnetTestClient } from "../../evennia-ts/testing/telnet-test-client.ts";

let game: InProcessGame;
const clients: TelnetTestClient[] = [];

beforeAll(async () => {
  game = await startInProcessGame({ demoWorld: true });
});

afterAll(async () => {
  for (const c of clients.splice(0)) c.close();
  await game.stop();
});

async function player(name: string): Promise<TelnetTestClient> {
  const c = await TelnetTestClient.connect(game.telnetPort);
  clients.push(c);
  await c.waitFor("create <username> <password>");
  c.send(`create ${name} secret123`);
  await c.waitFor(`A new account '${name}' was created`);
  c.send(`connect ${name} secret123`);
  await c.waitFor(/welcome sign/);
  return c;
}

it("is a small world to walk, with a door locked by a key and a room only Builders may enter", async () => {
  // the first account is the superuser, whom no lock stops: play as the second
  await player("Admin");
  const anna = await player("Anna");
  anna.send("look sign");
  await anna.waitFor("Walk north to explore");
  anna.send("get sign");
  await anna.waitFor("The sign is firmly planted.");
  anna.send("north");
  await anna.waitFor(/Courtyard[\s\S]*Exits:.*south, west, east, and north/);
  anna.send("north");
  await anna.waitFor("The oak door is locked.");
  anna.send("up");
  await anna.waitFor("You can't go that way.");
  anna.send("w");
  await anna.waitFor(/Garden[\s\S]*You see:.*three apples, a brass key, and a stone bench/);
  anna.send("say hello there");
  await anna.waitFor('Pip says, "Good day to you, Anna! Lovely weather for the herbs."', 15_000); // he answers 1.5 s later
  anna.send("say where is the key?");
  await anna.waitFor("I saw one glinting in the garden", 15_000);
  anna.send("get bench");
  await anna.waitFor("The bench is far too heavy to lift.");
  anna.send("get key");
  await anna.waitFor("You pick up a brass key.");
  anna.send("get apple");
  await anna.waitFor("More than one match for 'apple'");
  anna.send("get 2-apple");
  await anna.waitFor("You pick up an apple.");
  anna.send("inventory");
  await anna.waitFor(/You are carrying:[\s\S]*brass key/);
  anna.send("e");
  await anna.waitFor("Courtyard");
  anna.send("door");
  await anna.waitFor(/Tower Top[\s\S]*telescope/);
  anna.send("drop key");
  await anna.waitFor("You drop a brass key.");
  anna.send("down");
  await anna.waitFor("Courtyard");
  anna.send("north");
  await anna.waitFor("The oak door is locked.");
  anna.send("east");
  await anna.waitFor(/Library[\s\S]*dusty book/);
  anna.send("down");
  await anna.waitFor("only Builders may enter the archive");

  // after a reload the new server rebuilds every list from the database
  anna.send("west");
  await anna.waitFor("Courtyard");
  anna.send("west");
  await anna.waitFor(/Garden[\s\S]*You see:.*two apples and a stone bench/);
  game.portal.reload();
  await anna.waitFor("... done.");
  anna.send("look");
  await anna.waitFor(/Garden[\s\S]*You see:.*two apples and a stone bench/);
  anna.send("inventory");
  await anna.waitFor(/You are carrying:[\s\S]*apple/);
  anna.send("drop apple");
  await anna.waitFor("You drop an apple.");
  anna.send("look");
  await anna.waitFor(/You see:.*three apples and a stone bench/);
  anna.send("east");
  await anna.waitFor("Courtyard");
  anna.send("north");
  await anna.waitFor("The oak door is locked."); // the key is still up in the tower
});

it("is switched on by `evennia-ts demo` for the game it creates", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "evennia-demo-"));
  try {
    const gameDir = path.join(dir, "mygame");
    initGame(gameDir, { out: () => undefined, err: () => undefined } as never);
    turnOnDemoWorld(gameDir);
    turnOnDemoWorld(gameDir);
    const text = readFileSync(settingsFile(gameDir), "utf8");
    expect(text.match(/demoWorld: true/g)).toHaveLength(1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
