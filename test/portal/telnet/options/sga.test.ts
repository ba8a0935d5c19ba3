import { afterEach, describe, expect, it } from "vitest";
import { DO, GA, IAC, WILL, countOf, openSession, waitUntil, type OpenSession } from "../telnet-test-client.ts";

const SGA = 3;
let s: OpenSession;
afterEach(() => s.cleanup());

describe("SGA option", () => {
  it("is accepted when the client asks, once, and suppresses GA after prompts", async () => {
    s = await openSession({ telnetOptions: { all: false, sga: true } });
    await s.client.roundTrip();
    expect(s.client.has([IAC, WILL, SGA])).toBe(false); // not offered
    s.client.send([IAC, DO, SGA]);
    await s.client.waitFor([[IAC, WILL, SGA]]);
    await waitUntil(() => s.rec.merged.nogoahead === true, "nogoahead");
    s.client.send([IAC, DO, SGA]);
    s.session.send([["prompt", ["> "], {}]]);
    await s.client.waitFor("> ");
    await s.client.roundTrip();
    expect(countOf(s.client.received, [IAC, WILL, SGA])).toBe(1);
    expect(s.client.has([IAC, GA])).toBe(false);
  });
});
