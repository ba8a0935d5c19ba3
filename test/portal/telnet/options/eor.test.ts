import { afterEach, describe, expect, it } from "vitest";
import { DO, DONT, EOR, GA, IAC, WILL, WONT, bytes, openSession, waitUntil, type OpenSession } from "../telnet-test-client.ts";

const OPT_EOR = 25;
let s: OpenSession;
afterEach(() => s.cleanup());

describe("EOR option and prompt marking", () => {
  it("offers WILL EOR; prompts end with IAC GA until the client agrees, then with IAC EOR", async () => {
    s = await openSession({ telnetOptions: { all: false, eor: true } });
    await s.client.waitFor([[IAC, WILL, OPT_EOR]]);
    s.session.send([["prompt", ["HP> "], {}]]);
    await s.client.waitFor(bytes("HP> ", [IAC, GA]));
    s.client.send([IAC, DO, OPT_EOR]);
    await waitUntil(() => s.rec.merged.eor === true, "eor option");
    s.client.clear();
    s.session.send([["prompt", ["HP> "], {}]]);
    await s.client.waitFor(bytes("HP> ", [IAC, EOR]));
    expect(s.client.has([IAC, GA])).toBe(false);
    // text is never marked
    s.client.clear();
    s.session.send([["text", ["hello"], {}]]);
    await s.client.waitFor("hello\r\n");
    await s.client.roundTrip();
    expect(s.client.received.toString("latin1")).toBe("hello\r\n");
  });

  it("goes back to GA when the client turns EOR off, acknowledging once", async () => {
    s = await openSession({ telnetOptions: { all: false, eor: true } });
    s.client.send([IAC, DO, OPT_EOR]);
    await waitUntil(() => s.rec.merged.eor === true, "eor on");
    s.client.send([IAC, DONT, OPT_EOR]);
    await waitUntil(() => s.rec.merged.eor === false, "eor off");
    await s.client.waitFor([[IAC, WONT, OPT_EOR]]);
    s.client.clear();
    s.client.send([IAC, DONT, OPT_EOR]);
    s.session.send([["prompt", ["> "], {}]]);
    await s.client.waitFor(bytes("> ", [IAC, GA]));
    expect(s.client.has([IAC, WONT, OPT_EOR])).toBe(false);
  });
});
