import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { currentUnitOfWork } from "../../../evennia-ts/db/unit-of-work.ts";
import { registerInputFunc, unregisterInputFunc } from "../../../evennia-ts/server/inputfuncs.ts";
import { startInProcessGame, type InProcessGame } from "../../../evennia-ts/testing/in-process-game.ts";
import { WsTestClient } from "../../portal/websocket/ws-test-client.ts";
import { OobTelnetClient } from "./oob-test-clients.ts";

let game: InProcessGame;
const clients: WsTestClient[] = [];

beforeEach(async () => {
  game = await startInProcessGame();
});

afterEach(async () => {
  unregisterInputFunc("set_hp");
  unregisterInputFunc("char_items_inv");
  for (const c of clients.splice(0)) c.close();
  await game.stop();
});

async function loggedInWs(name: string): Promise<WsTestClient> {
  const ws = await WsTestClient.loggedIn(game.status.webPort!, name);
  clients.push(ws);
  return ws;
}

async function storedHp(name: string): Promise<unknown> {
  const rows = await game.server()!.db.query(
    "SELECT a.value FROM attributes a JOIN objects o ON o.id = a.owner_id AND a.owner_kind = 'object' WHERE o.key = ? AND a.key = 'hp'",
    [name],
  );
  return (rows as Array<{ value: string }>)[0]?.value;
}

describe("game-registered inputfuncs", () => {
  it("run in a unit of work: their writes are committed, their output follows the commit", async () => {
    const seen: boolean[] = [];
    registerInputFunc("set_hp", (session, args) => {
      seen.push(currentUnitOfWork() !== null);
      session.puppet!.db.hp = Number(args[0]);
      session.msg({ hp_set: [[], { hp: session.puppet!.db.hp }] });
    });
    const ws = await loggedInWs("Anna");
    ws.send(["set_hp", [33], {}]);
    expect(await ws.waitForMessage("hp_set")).toEqual(["hp_set", [], { hp: 33 }]);
    expect(seen).toEqual([true]);
    expect(JSON.parse(String(await storedHp("Anna")))).toBe(33);
  });

  it("a failing inputfunc is rolled back and sends nothing; the session goes on", async () => {
    registerInputFunc("set_hp", (session, args) => {
      session.puppet!.db.hp = Number(args[0]);
      session.msg({ hp_set: [[], {}] });
      throw new Error("boom");
    });
    const ws = await loggedInWs("Anna");
    ws.send(["set_hp", [5], {}]);
    ws.command("say still alive");
    await ws.waitForText('You say, "still alive');
    expect(ws.messages("hp_set")).toEqual([]);
    expect(await storedHp("Anna")).toBeUndefined();
  });

  it("a game's GMCP package reaches its inputfunc by its mapped cmdname", async () => {
    const got: unknown[] = [];
    registerInputFunc("char_items_inv", (session) => {
      got.push(session.puppet?.key);
      session.msg({ char_items_list: [[], { location: "inv", items: [] }] });
    });
    const c = await OobTelnetClient.connect(game, "gmcp");
    try {
      await c.login("Bob");
      c.gmcp("Char.Items.Inv");
      expect(await c.waitForGmcp("Char.Items.List")).toBe('Char.Items.List {"location":"inv","items":[]}');
      expect(got).toEqual(["Bob"]);
    } finally {
      await c.close();
    }
  });
});
