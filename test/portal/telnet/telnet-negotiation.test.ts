import { afterEach, describe, expect, it } from "vitest";
import {
  DO,
  DONT,
  IAC,
  NOP,
  WILL,
  WONT,
  countOf,
  openSession,
  settle,
  waitUntil,
  type OpenSession,
} from "./telnet-test-client.ts";

let s: OpenSession;
afterEach(() => s.cleanup());

/** Answer every negotiation the server sends, as a naive client would. */
function answerAll(s: OpenSession, agree: boolean): () => number {
  let seen = 0;
  let answers = 0;
  s.client.socket.on("data", () => {
    const data = s.client.received;
    for (let i = seen; i < data.length - 2; i++) {
      if (data[i] !== IAC) continue;
      const verb = data[i + 1]!;
      const opt = data[i + 2]!;
      if (verb === WILL) s.client.send([IAC, agree ? DO : DONT, opt]);
      else if (verb === DO) s.client.send([IAC, agree ? WILL : WONT, opt]);
      else continue;
      answers++;
      i += 2;
    }
    seen = Math.max(seen, data.length - 2);
  });
  return () => answers;
}

describe("telnet negotiation with every option on", () => {
  it("sends all offers at connect in one write", async () => {
    s = await openSession({});
    await s.client.waitFor([[IAC, WILL, 201]]);
    expect(s.client.chunks.length).toBe(1);
    for (const [verb, opt] of [
      [DO, 24], [DO, 31], [WILL, 25], [WILL, 42], [DO, 39], [WILL, 70], [WILL, 86], [WILL, 87], [WILL, 201], [WILL, 69],
    ] as const) {
      expect(s.client.has([IAC, verb, opt]), `${verb} ${opt}`).toBe(true);
    }
    expect(s.client.has([IAC, WILL, 91])).toBe(false); // MXP is opt-in
  });

  it("does not loop with a client that agrees to everything, repeatedly", async () => {
    s = await openSession({ telnetOptions: { mccp2: false } });
    const answers = answerAll(s, true);
    await settle(150);
    const size = s.client.received.length;
    // answer everything a second time: a Q-method server stays silent
    for (const opt of [24, 31, 39]) s.client.send([IAC, WILL, opt]);
    for (const opt of [25, 42, 70, 87, 201, 69]) s.client.send([IAC, DO, opt]);
    await s.client.roundTrip();
    expect(answers()).toBeGreaterThan(5);
    expect(s.client.received.length).toBe(size);
    expect(s.rec.merged).toMatchObject({ eor: true, gmcp: true, msdp: true, mccp3: true });
    expect(s.rec.disconnects).toEqual([]);
  });

  it("does not loop with a client that refuses everything", async () => {
    s = await openSession({});
    const answers = answerAll(s, false);
    await settle(150);
    const size = s.client.received.length;
    await s.client.roundTrip();
    expect(answers()).toBeGreaterThan(5);
    expect(s.client.received.length).toBe(size);
    expect(countOf(s.client.received, [IAC, WONT])).toBe(0);
    expect(countOf(s.client.received, [IAC, DONT])).toBe(0);
  });

  it("sends IAC NOP keep-alives until stopped", async () => {
    s = await openSession({ telnetOptions: { all: false } });
    s.session.keepAlive(20);
    await waitUntil(() => countOf(s.client.received, [IAC, NOP]) >= 2, "two NOPs");
    s.session.keepAlive(0);
    await s.client.roundTrip(); // every NOP written before keepAlive(0) has arrived
    const n = countOf(s.client.received, [IAC, NOP]);
    await settle(80); // a timer that still ran would have fired four times by now
    expect(countOf(s.client.received, [IAC, NOP])).toBe(n);
  });

  it("sends keep-alives on every connection when the server is configured to", async () => {
    s = await openSession({ telnetOptions: { all: false }, keepAliveMs: 20 });
    await waitUntil(() => countOf(s.client.received, [IAC, NOP]) >= 2, "two NOPs");
  });
});
