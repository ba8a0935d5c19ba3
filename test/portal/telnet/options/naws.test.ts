import { afterEach, describe, expect, it } from "vitest";
import { DO, IAC, SB, SE, WILL, openSession, settle, waitUntil, type OpenSession } from "../telnet-test-client.ts";

const NAWS = 31;
let s: OpenSession;
afterEach(() => s.cleanup());

describe("NAWS option", () => {
  it("asks DO NAWS and reports the window size, without answering the client's WILL", async () => {
    s = await openSession({ telnetOptions: { all: false, naws: true } });
    await s.client.waitFor([[IAC, DO, NAWS]]);
    s.client.clear();
    s.client.send([IAC, WILL, NAWS], [IAC, SB, NAWS, 0, 120, 0, 40, IAC, SE]);
    await waitUntil(() => s.rec.merged.screenwidth === 120, "width");
    expect(s.rec.merged.screenheight).toBe(40);
    await s.client.roundTrip();
    expect(s.client.received.length).toBe(0);
  });

  it("reads an escaped 255 byte and a size split across chunks", async () => {
    s = await openSession({ telnetOptions: { all: false, naws: true } });
    s.client.send([IAC, WILL, NAWS], [IAC, SB, NAWS, 1, IAC]);
    await settle();
    s.client.send([IAC, 0, 50, IAC], [SE]);
    await waitUntil(() => s.rec.merged.screenwidth === 511, "width 511");
    expect(s.rec.merged.screenheight).toBe(50);
  });

  it("ignores short and zero sizes", async () => {
    s = await openSession({ telnetOptions: { all: false, naws: true } });
    s.client.send([IAC, WILL, NAWS], [IAC, SB, NAWS, 0, 90, IAC, SE], [IAC, SB, NAWS, 0, 0, 0, 30, IAC, SE], "ping\r\n");
    await waitUntil(() => s.rec.inputs.length > 0, "line");
    expect(s.rec.merged.screenwidth).toBe(78);
    expect(s.rec.merged.screenheight).toBe(30);
  });
});
