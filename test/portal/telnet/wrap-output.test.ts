import { afterEach, describe, expect, it } from "vitest";
import { IAC, SB, SE, WILL, openSession, waitUntil, type OpenSession } from "./telnet-test-client.ts";

const NAWS = 31;
let s: OpenSession;
afterEach(() => s.cleanup());

const LONG = "The quick |rred|n fox jumps over the lazy dog and keeps running far beyond the edge of the screen.";

function lines(buf: Buffer): string[] {
  // eslint-disable-next-line no-control-regex
  return buf.toString("utf8").replace(/\x1b\[[0-9;]*m/g, "").split("\r\n").filter(Boolean);
}

describe("wrapping to the NAWS width", () => {
  it("wraps text the game marks with wrap: true at the client's width, colour codes not counted", async () => {
    s = await openSession({ telnetOptions: { all: false, naws: true } });
    s.client.send([IAC, WILL, NAWS], [IAC, SB, NAWS, 0, 30, 0, 24, IAC, SE]);
    await waitUntil(() => s.rec.merged.screenwidth === 30, "width 30");
    s.client.clear();
    s.session.send([["text", [LONG], { wrap: true }]]);
    await waitUntil(() => s.client.received.includes(Buffer.from("screen.")), "wrapped text");
    const out = lines(s.client.received);
    expect(out.length).toBeGreaterThan(3);
    for (const line of out) expect(line.length).toBeLessThanOrEqual(30);
    expect(out.join(" ")).toBe(LONG.replace("|r", "").replace("|n", ""));
  });

  it("leaves text alone when the game does not ask", async () => {
    s = await openSession({ telnetOptions: { all: false, naws: true } });
    s.client.send([IAC, WILL, NAWS], [IAC, SB, NAWS, 0, 30, 0, 24, IAC, SE]);
    await waitUntil(() => s.rec.merged.screenwidth === 30, "width 30");
    s.client.clear();
    s.session.send([["text", [LONG], {}]]);
    await waitUntil(() => s.client.received.includes(Buffer.from("screen.")), "text");
    expect(lines(s.client.received)).toHaveLength(1);
  });
});
