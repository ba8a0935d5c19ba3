import { afterEach, describe, expect, it } from "vitest";
import { registerGmcpName, resetGmcpNames } from "../../../../evennia-ts/protocol/oob-names.ts";
import { DO, IAC, SB, SE, WILL, bytes, openSession, subnegotiations, waitUntil, type OpenSession } from "../telnet-test-client.ts";

const GMCP = 201;
const MSDP = 69;
const gmcp = (text: string) => bytes([IAC, SB, GMCP], text, [IAC, SE]);
let s: OpenSession;
afterEach(async () => {
  resetGmcpNames();
  await s.cleanup();
});

describe("GMCP option", () => {
  it("offers WILL GMCP and turns client GMCP into message triples", async () => {
    s = await openSession({ telnetOptions: { all: false, gmcp: true } });
    await s.client.waitFor([[IAC, WILL, GMCP]]);
    s.client.send([IAC, DO, GMCP]);
    await waitUntil(() => s.rec.merged.gmcp === true, "gmcp flag");
    s.client.send(gmcp('Core.Hello {"client":"Mudlet","version":"4.17.2"}'), gmcp('Core.Supports.Set ["Char 1","Room 1"]'), gmcp("Core.Ping"));
    await waitUntil(() => s.rec.inputs.length >= 3, "3 messages");
    expect(s.rec.inputs).toEqual([
      ["core_hello", [], { client: "Mudlet", version: "4.17.2" }],
      ["core_supports_set", ["Char 1", "Room 1"], {}],
      ["core_ping", [], {}],
    ]);
    expect(s.rec.merged).toMatchObject({ client_name: "Mudlet", client_version: "4.17.2" });
  });

  it("sends out-of-band messages as GMCP (preferred over MSDP), never text", async () => {
    s = await openSession({ telnetOptions: { all: false, gmcp: true, msdp: true } });
    s.client.send([IAC, DO, GMCP], [IAC, DO, MSDP]);
    await waitUntil(() => s.rec.merged.gmcp === true && s.rec.merged.msdp === true, "both on");
    s.client.clear();
    s.session.send([
      ["char_vitals", [], { hp: 10, maxhp: 20 }],
      ["text", ["plain text"], {}],
      ["room_exits", ["n", "e"], {}],
    ]);
    await s.client.waitFor("plain text\r\n");
    expect(subnegotiations(s.client.received, GMCP).map((p) => p.toString())).toEqual([
      'Char.Vitals {"hp":10,"maxhp":20}',
      'Room.Exits ["n","e"]',
    ]);
    expect(subnegotiations(s.client.received, MSDP)).toEqual([]);
  });

  it("uses names registered by the game, both ways", async () => {
    registerGmcpName("Char.StatusVars", "char_statusvars");
    s = await openSession({ telnetOptions: { all: false, gmcp: true } });
    s.client.send([IAC, DO, GMCP]);
    await waitUntil(() => s.rec.merged.gmcp === true, "gmcp flag");
    s.session.send([["char_statusvars", [], { hp: "Health" }]]);
    await waitUntil(() => subnegotiations(s.client.received, GMCP).length > 0, "gmcp out");
    expect(subnegotiations(s.client.received, GMCP)[0]!.toString()).toBe('Char.StatusVars {"hp":"Health"}');
    s.client.send(gmcp("Char.StatusVars"));
    await waitUntil(() => s.rec.inputs.length > 0, "gmcp in");
    expect(s.rec.inputs[0]).toEqual(["char_statusvars", [], {}]);
  });

  it("keeps UTF-8 and bad JSON intact, and ignores GMCP that was never agreed for output", async () => {
    s = await openSession({ telnetOptions: { all: false, gmcp: true } });
    s.client.send(gmcp('Comm.Say {"text":"héllo €"}'), gmcp("Comm.Raw {not json"));
    await waitUntil(() => s.rec.inputs.length >= 2, "2 messages");
    expect(s.rec.inputs[0]).toEqual(["comm_say", [], { text: "héllo €" }]);
    expect(s.rec.inputs[1]).toEqual(["comm_raw", ["{not json"], {}]);
    s.client.clear();
    s.session.send([["char_vitals", [], { hp: 1 }], ["text", ["after"], {}]]);
    await s.client.waitFor("after\r\n");
    await s.client.roundTrip();
    expect(s.client.received.toString()).toBe("after\r\n");
  });
});
