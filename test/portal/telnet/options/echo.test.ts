import { afterEach, describe, expect, it } from "vitest";
import { DO, DONT, IAC, WILL, WONT, countOf, openSession, waitUntil, type OpenSession } from "../telnet-test-client.ts";

const ECHO = 1;
let s: OpenSession;
afterEach(() => s.cleanup());

describe("ECHO option", () => {
  it("is not offered at connect, and a client WILL ECHO or unasked DO ECHO is refused", async () => {
    s = await openSession({ telnetOptions: { all: false, echo: true } });
    await s.client.roundTrip();
    expect(s.client.has([IAC, WILL, ECHO])).toBe(false);
    s.client.send([IAC, WILL, ECHO], [IAC, DO, ECHO]);
    await s.client.waitFor([[IAC, DONT, ECHO]]);
    await s.client.waitFor([[IAC, WONT, ECHO]]);
    expect(s.session.isOptionEnabled(ECHO, "local")).toBe(false);
  });

  it("hides input with WILL ECHO and shows it again with WONT ECHO, without repeats", async () => {
    s = await openSession({ telnetOptions: { all: false, echo: true } });
    s.session.send([["echo", [], { hidden: true }]]);
    s.session.setEcho(true); // already asked: nothing more
    await s.client.waitFor([[IAC, WILL, ECHO]]);
    s.client.send([IAC, DO, ECHO]);
    await waitUntil(() => s.session.isOptionEnabled(ECHO, "local"), "echo agreed");
    s.client.send([IAC, DO, ECHO]); // a repeat is not answered
    s.session.setEcho(false);
    await s.client.waitFor([[IAC, WONT, ECHO]]);
    s.client.send([IAC, DONT, ECHO]);
    await s.client.roundTrip();
    expect(countOf(s.client.received, [IAC, WILL, ECHO])).toBe(1);
    expect(countOf(s.client.received, [IAC, WONT, ECHO])).toBe(1);
    expect(s.session.isOptionEnabled(ECHO, "local")).toBe(false);
  });

  it("stays off when the client refuses it", async () => {
    s = await openSession({ telnetOptions: { all: false, echo: true } });
    s.session.setEcho(true);
    await s.client.waitFor([[IAC, WILL, ECHO]]);
    s.client.send([IAC, DONT, ECHO]);
    await s.client.roundTrip();
    expect(s.session.isOptionEnabled(ECHO, "local")).toBe(false);
    expect(countOf(s.client.received, [IAC, WONT, ECHO])).toBe(0);
  });
});
