import { afterEach, describe, expect, it } from "vitest";
import { DO, DONT, GA, IAC, WILL, WONT, countOf, openSession, waitUntil, type OpenSession } from "../telnet-test-client.ts";

const SGA = 3;
let s: OpenSession;
afterEach(() => s.cleanup());

describe("SGA option", () => {
  it("is offered at connect; once the client agrees, no GA follows prompts", async () => {
    s = await openSession({ telnetOptions: { all: false, sga: true } });
    await s.client.waitFor([[IAC, WILL, SGA]]);
    s.session.send([["prompt", ["> "], {}]]);
    await s.client.waitFor("> ");
    // not agreed yet: the prompt is marked with GA
    await s.client.waitFor([[IAC, GA]]);
    s.client.send([IAC, DO, SGA]);
    await waitUntil(() => s.rec.merged.nogoahead === true, "nogoahead");
    const gasBefore = countOf(s.client.received, [IAC, GA]);
    s.client.send([IAC, DO, SGA]); // a repeat is not answered
    s.session.send([["prompt", ["again> "], {}]]);
    await s.client.waitFor("again> ");
    await s.client.roundTrip();
    expect(countOf(s.client.received, [IAC, WILL, SGA])).toBe(1);
    expect(countOf(s.client.received, [IAC, GA])).toBe(gasBefore);
  });

  it("a client that refuses keeps getting GA after prompts", async () => {
    s = await openSession({ telnetOptions: { all: false, sga: true } });
    await s.client.waitFor([[IAC, WILL, SGA]]);
    s.client.send([IAC, DONT, SGA]);
    await s.client.roundTrip();
    expect(s.rec.merged.nogoahead).not.toBe(true);
    expect(s.client.has([IAC, WONT, SGA])).toBe(false); // a refusal is not answered
    s.session.send([["prompt", ["> "], {}]]);
    await s.client.waitFor("> ");
    await s.client.waitFor([[IAC, GA]]);
  });
});
