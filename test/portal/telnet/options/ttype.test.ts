import { afterEach, describe, expect, it } from "vitest";
import { DO, DONT, IAC, SB, SE, WILL, WONT, bytes, countOf, openSession, waitUntil, type OpenSession } from "../telnet-test-client.ts";

const TTYPE = 24;
const SEND = [IAC, SB, TTYPE, 1, IAC, SE];
const is = (text: string) => bytes([IAC, SB, TTYPE, 0], text, [IAC, SE]);
let s: OpenSession;
afterEach(() => s.cleanup());

async function answer(text: string, expectedRequests: number) {
  s.client.send(is(text));
  await waitUntil(() => countOf(s.client.received, SEND) >= expectedRequests, `SEND #${expectedRequests}`);
}

describe("TTYPE option with MTTS", () => {
  it("runs the three-step cycle and reports client name, version and MTTS flags", async () => {
    s = await openSession({ telnetOptions: { all: false, ttype: true } });
    await s.client.waitFor([[IAC, DO, TTYPE]]);
    s.client.send([IAC, WILL, TTYPE]);
    await s.client.waitFor([SEND]);
    await answer("Mudlet 4.17.2", 2);
    expect(s.rec.merged).toMatchObject({ client_name: "Mudlet", client_version: "4.17.2", xterm256: true });
    await answer("XTERM-256COLOR", 3);
    const mtts = 1 + 2 + 4 + 8 + 64 + 256 + 2048;
    s.client.send(is(`MTTS ${mtts}`));
    await waitUntil(() => s.rec.merged.mtts === mtts, "mtts");
    await s.client.roundTrip();
    expect(countOf(s.client.received, SEND)).toBe(3);
    expect(s.rec.merged).toMatchObject({
      ansi: true,
      vt100: true,
      "utf-8": true,
      xterm256: true,
      screenreader: true,
      truecolor: true,
      ssl: true,
      mouse_tracking: false,
      proxy: false,
    });
    expect(s.session.textCaps).toEqual({ color: "truecolor", screenReader: true });
  });

  it("stops when an answer repeats (a client without MTTS)", async () => {
    s = await openSession({ telnetOptions: { all: false, ttype: true } });
    s.client.send([IAC, WILL, TTYPE]);
    await s.client.waitFor([SEND]);
    await answer("ANSI", 2);
    s.client.send(is("ANSI"));
    await s.client.roundTrip();
    expect(countOf(s.client.received, SEND)).toBe(2);
    expect(s.rec.merged.ansi).toBe(true);
    expect(s.rec.merged.xterm256).toBe(false);
  });

  it("lets MTTS override a guess from the client name", async () => {
    s = await openSession({ telnetOptions: { all: false, ttype: true } });
    s.client.send([IAC, WILL, TTYPE]);
    await s.client.waitFor([SEND]);
    await answer("TinTin++", 2);
    expect(s.rec.merged.xterm256).toBe(true);
    await answer("DUMB", 3);
    s.client.send(is("MTTS 0"));
    await waitUntil(() => s.rec.merged.mtts === 0, "mtts 0");
    expect(s.rec.merged).toMatchObject({ ansi: false, xterm256: false });
    expect(s.session.textCaps.color).toBe("none");
  });

  it("sends nothing more when the client refuses TTYPE", async () => {
    s = await openSession({ telnetOptions: { all: false, ttype: true } });
    await s.client.waitFor([[IAC, DO, TTYPE]]);
    s.client.send([IAC, WONT, TTYPE]);
    await s.client.roundTrip();
    expect(s.client.has([IAC, DONT, TTYPE])).toBe(false);
    expect(countOf(s.client.received, SEND)).toBe(0);
  });

  it("ignores an unasked IS and a truncated one", async () => {
    s = await openSession({ telnetOptions: { all: false, ttype: true } });
    s.client.send(is("Hacker"), [IAC, SB, TTYPE, IAC, SE], "x\r\n");
    await waitUntil(() => s.rec.inputs.length > 0, "line");
    // before WILL TTYPE the cycle has not started; an IS with an empty payload is dropped
    expect(s.rec.merged.client_name).toBeUndefined();
    expect(s.rec.disconnects).toEqual([]);
    expect(countOf(s.client.received, SEND)).toBe(0);
  });
});
