/**
 * Evennia's `echo`, `get_inputfuncs` and `get_value` inputfuncs, through a real game
 * and a websocket client (the webclient's `[cmdname, args, kwargs]`).
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { registerInputFunc, unregisterInputFunc } from "../../../evennia-ts/server/inputfuncs.ts";
import { startInProcessGame, type InProcessGame } from "../../../evennia-ts/testing/in-process-game.ts";
import { WsTestClient } from "../../portal/websocket/ws-test-client.ts";

let game: InProcessGame;
const clients: WsTestClient[] = [];

beforeEach(async () => {
  game = await startInProcessGame({ serverName: "Testia" });
});

afterEach(async () => {
  unregisterInputFunc("get_hp");
  for (const c of clients.splice(0)) c.close();
  await game.stop();
});

async function connected(): Promise<WsTestClient> {
  const ws = await WsTestClient.connect(game.status.webPort!);
  clients.push(ws);
  await ws.waitForText("create <username> <password>");
  return ws;
}

describe("introspection inputfuncs", () => {
  it("get_inputfuncs lists every cmdname with what it does, a game's own included", async () => {
    registerInputFunc("get_hp", () => {}, "Send the character's hit points.");
    const ws = await connected();
    ws.send(["get_inputfuncs", [], {}]);
    const [, args, kwargs] = await ws.waitForMessage("get_inputfuncs");
    expect(args).toEqual([]);
    expect(kwargs).toMatchObject({ get_hp: "Send the character's hit points.", echo: expect.stringContaining("arguments back"), client_options: expect.any(String) });
    expect(Object.keys(kwargs)).toEqual([...Object.keys(kwargs)].sort());
  });

  it("echo sends the arguments back as text, cut when huge", async () => {
    const ws = await connected();
    ws.send(["echo", ["hello", 42, { a: [1] }], {}]);
    await ws.waitForText('Echo returns: ["hello",42,{"a":[1]}]');
    ws.send(["echo", ["x".repeat(10_000)], {}]);
    await ws.waitForText("xxx...");
  });

  it("get_value answers servername to anyone, name and location once logged in, and nothing else", async () => {
    const ws = await connected();
    ws.send(["get_value", ["servername"], {}]);
    expect(await ws.waitForMessage("get_value")).toEqual(["get_value", ["Testia"], {}]);
    // not logged in: no name to give; unknown names and odd arguments get no answer
    ws.send(["get_value", ["name"], {}]);
    ws.send(["get_value", ["password"], {}]);
    ws.send(["get_value", [{ toString: 1 }], {}]);
    ws.send(["get_value", ["servername"], {}]);
    expect(await ws.waitForMessage("get_value")).toEqual(["get_value", ["Testia"], {}]);
    ws.command("create Anna secret123");
    await ws.waitForText("A new account 'Anna' was created");
    ws.command("connect Anna secret123");
    await ws.waitForText("You become");
    ws.send(["get_value", ["name"], {}]);
    expect(await ws.waitForMessage("get_value")).toEqual(["get_value", ["Anna"], {}]);
    ws.send(["get_value", ["location"], {}]);
    expect((await ws.waitForMessage("get_value"))[1]).toEqual([expect.any(String)]);
  });
});
