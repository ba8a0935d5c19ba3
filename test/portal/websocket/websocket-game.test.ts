import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startInProcessGame, type InProcessGame } from "../../../evennia-ts/testing/in-process-game.ts";
import { TelnetTestClient } from "../../../evennia-ts/testing/telnet-test-client.ts";
import { WsTestClient } from "./ws-test-client.ts";

let game: InProcessGame;
const closers: (() => void)[] = [];

beforeEach(async () => {
  game = await startInProcessGame();
});

afterEach(async () => {
  for (const close of closers.splice(0)) close();
  await game.stop();
});

describe("playing over the websocket", () => {
  it("a websocket player logs in, looks and talks with a telnet player in the same room", async () => {
    const anna = await TelnetTestClient.connect(game.telnetPort);
    closers.push(() => anna.close());
    await anna.waitFor("create <username> <password>");
    anna.send("create Anna secret123");
    await anna.waitFor("A new account 'Anna' was created");
    anna.send("connect Anna secret123");
    await anna.waitFor(/Limbo/);

    expect(game.status.webPort).toBeGreaterThan(0);
    const wendy = await WsTestClient.connect(game.status.webPort!);
    closers.push(() => wendy.close());
    const screen = await wendy.waitForText("create <username> <password>");
    expect(typeof screen[1][0]).toBe("string");
    wendy.command("create Wendy secret123");
    await wendy.waitForText("A new account 'Wendy' was created");
    wendy.command("connect Wendy secret123");
    await wendy.waitForText("You become");
    await anna.waitFor("Wendy has entered the game.");

    wendy.command("look");
    const look = await wendy.waitForText(/Characters:.*Anna/);
    expect(look[2]).toMatchObject({ type: "look" });
    // HTML for the browser: no raw markup, no ANSI, line breaks as <br>
    expect(look[1][0]).toContain("<br>");
    expect(look[1][0]).not.toContain("\u001b");
    expect(look[1][0]).not.toMatch(/\|[a-zA-Z]/);

    wendy.command("say hello from the browser");
    await wendy.waitForText('You say, "hello from the browser');
    await anna.waitFor('Wendy says, "hello from the browser');
    anna.send("say hello from telnet");
    await wendy.waitForText('Anna says, "hello from telnet');

    wendy.command("quit");
    expect(await wendy.waitForClose()).toBe(1000);
    await anna.waitFor("Wendy has left the game.");
  });

  it("a malformed frame gets an error and the player plays on", async () => {
    const ws = await WsTestClient.connect(game.status.webPort!);
    closers.push(() => ws.close());
    await ws.waitForText("create <username> <password>");
    ws.sendRaw("{not json");
    await ws.waitForMessage("error");
    ws.send(["text", "look"]);
    await ws.waitForMessage("error");
    ws.command("look");
    await ws.waitForText("create <username> <password>");
    expect(ws.closeCode).toBeNull();
  });

  it("portal.stop() closes websocket connections cleanly", async () => {
    const ws = await WsTestClient.connect(game.status.webPort!);
    await ws.waitForText("create <username> <password>");
    await game.portal.stop();
    expect(await ws.waitForClose()).toBe(1000);
  });
});
