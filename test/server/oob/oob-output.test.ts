import { afterEach, beforeAll, afterAll, describe, expect, it } from "vitest";
import { startInProcessGame, type InProcessGame } from "../../../evennia-ts/testing/in-process-game.ts";
import { TelnetTestClient } from "../../../evennia-ts/testing/telnet-test-client.ts";
import { IAC, SB } from "../../portal/telnet/telnet-test-client.ts";
import { WsTestClient } from "../../portal/websocket/ws-test-client.ts";
import { GMCP, MSDP, MSDP_VAL, MSDP_VAR, OobTelnetClient } from "./oob-test-clients.ts";

let game: InProcessGame;
const cleanups: (() => unknown)[] = [];

beforeAll(async () => {
  game = await startInProcessGame();
});

afterAll(async () => {
  await game.stop();
});

afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

describe('session.msg({char_vitals: [[], {hp: 10}]})', () => {
  it("reaches a GMCP client as Char.Vitals", async () => {
    const c = await OobTelnetClient.connect(game, "gmcp");
    cleanups.push(() => c.close());
    c.session().msg({ char_vitals: [[], { hp: 10 }] });
    expect(await c.waitForGmcp("Char.Vitals")).toBe('Char.Vitals {"hp":10}');
    expect(c.raw.has([IAC, SB, MSDP])).toBe(false);
  });

  it("reaches an MSDP client as the MSDP table CHAR_VITALS", async () => {
    const c = await OobTelnetClient.connect(game, "msdp");
    cleanups.push(() => c.close());
    c.session().msg({ char_vitals: [[], { hp: 10 }] });
    expect(await c.waitForMsdp("CHAR_VITALS")).toEqual({ hp: "10" });
    expect(c.raw.has([IAC, SB, GMCP])).toBe(false);
    c.session().msg({ msdp: [[], { HEALTH: 10 }] });
    expect(await c.waitForMsdp("HEALTH")).toBe("10");
    expect(c.raw.has([IAC, SB, MSDP, MSDP_VAR], "HEALTH", [MSDP_VAL], "10")).toBe(true);
  });

  it("reaches a websocket client as the JSON triple", async () => {
    const before = Math.max(0, ...game.server()!.allSessions().map((s) => s.sessid));
    const ws = await WsTestClient.connect(game.status.webPort!);
    cleanups.push(() => ws.close());
    await ws.waitForText("create <username> <password>");
    const session = game.server()!.allSessions().find((s) => s.sessid > before)!;
    expect(session.protocolKey).toBe("websocket");
    session.msg({ char_vitals: [[], { hp: 10 }] });
    expect(await ws.waitForMessage("char_vitals")).toEqual(["char_vitals", [], { hp: 10 }]);
  });

  it("is dropped quietly for a plain telnet client, whose text still flows", async () => {
    const before = Math.max(0, ...game.server()!.allSessions().map((s) => s.sessid));
    const c = await TelnetTestClient.connect(game.telnetPort);
    cleanups.push(() => c.close());
    await c.waitFor("create <username> <password>");
    const session = game.server()!.allSessions().find((s) => s.sessid > before)!;
    session.msg({ char_vitals: [[], { hp: 10 }], text: "after the vitals" });
    await c.waitFor("after the vitals");
    expect(c.raw.includes(Buffer.from([IAC, SB]))).toBe(false);
    expect(c.raw.includes(Buffer.from("hp"))).toBe(false);
    expect(c.closed).toBe(false);
  });
});
