import { afterEach, describe, expect, it } from "vitest";
import { DO, IAC, SB, SE, WILL, bytes, openSession, subnegotiations, waitUntil, type OpenSession } from "../telnet-test-client.ts";

const MSDP = 69;
const V = 1, L = 2, TO = 3, TC = 4, AO = 5, AC = 6;
let s: OpenSession;
afterEach(() => s.cleanup());

describe("MSDP option", () => {
  it("turns client MSDP commands and variables into message triples", async () => {
    s = await openSession({ telnetOptions: { all: false, msdp: true } });
    await s.client.waitFor([[IAC, WILL, MSDP]]);
    s.client.send([IAC, DO, MSDP]);
    await waitUntil(() => s.rec.merged.msdp === true, "msdp flag");
    s.client.send(
      bytes([IAC, SB, MSDP, V], "LIST", [L], "COMMANDS", [IAC, SE]),
      bytes([IAC, SB, MSDP, V], "REPORT", [L, AO, L], "HEALTH", [L], "MANA", [AC, IAC, SE]),
      bytes([IAC, SB, MSDP, V], "CLIENT_ID", [L], "mudlet", [V], "SEND", [L], "ROOM", [IAC, SE]),
    );
    await waitUntil(() => s.rec.inputs.length >= 4, "4 messages");
    expect(s.rec.inputs).toEqual([
      ["msdp_list", ["COMMANDS"], {}],
      ["msdp_report", ["HEALTH", "MANA"], {}],
      ["client_id", ["mudlet"], {}],
      ["msdp_send", ["ROOM"], {}],
    ]);
  });

  it("sends out-of-band messages as MSDP when GMCP is off, and raw variables for msdp", async () => {
    s = await openSession({ telnetOptions: { all: false, msdp: true, gmcp: true } });
    s.client.send([IAC, DO, MSDP], [IAC, 254, 201]); // MSDP yes, GMCP no
    await waitUntil(() => s.rec.merged.msdp === true, "msdp flag");
    s.session.send([
      ["char_vitals", [], { hp: 10 }],
      ["msdp", [], { HEALTH: 10, AFFECTS: ["blind", "slow"] }],
    ]);
    await waitUntil(() => subnegotiations(s.client.received, MSDP).length >= 2, "2 MSDP messages");
    const [vitals, raw] = subnegotiations(s.client.received, MSDP);
    expect([...vitals!]).toEqual([...bytes([V], "CHAR_VITALS", [L, TO, V], "hp", [L], "10", [TC])]);
    expect([...raw!]).toEqual([...bytes([V], "HEALTH", [L], "10", [V], "AFFECTS", [L, AO, L], "blind", [L], "slow", [AC])]);
  });

  it("reads an MSDP message split byte by byte", async () => {
    s = await openSession({ telnetOptions: { all: false, msdp: true } });
    const msg = bytes([IAC, SB, MSDP, V], "SEND", [L], "HEALTH", [IAC, SE]);
    for (const b of msg) {
      s.client.send([b]);
      await new Promise((r) => setImmediate(r));
    }
    await waitUntil(() => s.rec.inputs.length >= 1, "message");
    expect(s.rec.inputs[0]).toEqual(["msdp_send", ["HEALTH"], {}]);
  });
});
