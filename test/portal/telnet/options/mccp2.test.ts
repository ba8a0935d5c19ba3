import zlib from "node:zlib";
import { afterEach, describe, expect, it } from "vitest";
import { DO, DONT, IAC, SB, SE, WILL, bytes, openSession, waitUntil, type OpenSession } from "../telnet-test-client.ts";

const MCCP2 = 86;
const MARKER = Buffer.from([IAC, SB, MCCP2, IAC, SE]);
let s: OpenSession;
afterEach(() => s.cleanup());

/** Inflate whatever follows the MCCP2 marker, incrementally as it arrives. */
function inflater(s: OpenSession) {
  const inflate = zlib.createInflate();
  let plain = Buffer.alloc(0);
  let ended = false;
  let fed = -1;
  inflate.on("data", (d: Buffer) => (plain = Buffer.concat([plain, d])));
  let error: Error | null = null;
  inflate.on("end", () => (ended = true));
  inflate.on("error", (e) => (error = e));
  return {
    /** No more input: the zlib stream must be complete (else `error` is set). */
    finish() {
      inflate.end();
    },
    get error() {
      return error;
    },
    pump() {
      const at = s.client.received.indexOf(MARKER);
      if (at === -1) return;
      const start = at + MARKER.length;
      if (fed < start) fed = start;
      if (s.client.received.length > fed) {
        inflate.write(s.client.received.subarray(fed));
        fed = s.client.received.length;
      }
    },
    get plain() {
      return plain;
    },
    get ended() {
      return ended;
    },
    get consumed() {
      return fed;
    },
  };
}

describe("MCCP2 option", () => {
  it("after DO, sends the marker and deflates everything after it", async () => {
    s = await openSession({ telnetOptions: { all: false, mccp2: true } });
    await s.client.waitFor([[IAC, WILL, MCCP2]]);
    s.client.send([IAC, DO, MCCP2]);
    await s.client.waitFor(MARKER);
    await waitUntil(() => s.rec.merged.mccp === true, "mccp flag");
    const z = inflater(s);
    const long = "The quick brown fox jumps over the lazy dog. ".repeat(40);
    s.session.send([["text", [long], {}]]);
    s.session.send([["prompt", ["> "], {}]]);
    await waitUntil(() => {
      z.pump();
      return z.plain.includes(bytes("> ", [IAC, 249]));
    }, "inflated prompt");
    expect(z.plain.toString("latin1")).toContain(long + "\r\n");
    // the wire did not carry the text in clear, and compression paid off
    expect(s.client.received.includes(Buffer.from("quick brown fox"))).toBe(false);
    expect(s.client.received.length).toBeLessThan(long.length / 4);
    // each flush is decodable at once (Z_SYNC_FLUSH): a second message arrives whole too
    s.session.send([["text", ["second"], {}]]);
    await waitUntil(() => {
      z.pump();
      return z.plain.includes(Buffer.from("second\r\n"));
    }, "second message");
  });

  it("ends the compressed stream on DONT and continues in clear", async () => {
    s = await openSession({ telnetOptions: { all: false, mccp2: true } });
    s.client.send([IAC, DO, MCCP2]);
    await s.client.waitFor(MARKER);
    const z = inflater(s);
    s.session.send([["text", ["zipped"], {}]]);
    await waitUntil(() => {
      z.pump();
      return z.plain.includes(Buffer.from("zipped"));
    }, "compressed text");
    s.client.send([IAC, DONT, MCCP2]);
    await waitUntil(() => s.rec.merged.mccp === false, "mccp off");
    s.session.send([["text", ["plain again"], {}]]);
    await s.client.waitFor("plain again\r\n");
    z.pump();
    await waitUntil(() => z.ended, "zlib stream ended");
  });

  it("close(reason) sends the reason compressed and finishes the zlib stream", async () => {
    s = await openSession({ telnetOptions: { all: false, mccp2: true } });
    s.client.send([IAC, DO, MCCP2]);
    await s.client.waitFor(MARKER);
    const z = inflater(s);
    s.session.close("Server shutting down.");
    await waitUntil(() => s.client.closed, "closed by server");
    z.pump();
    z.finish();
    await waitUntil(() => z.ended || z.error !== null, "zlib stream ended");
    expect(z.error).toBeNull();
    expect(z.plain.toString()).toBe("Server shutting down.\r\n");
    expect(s.rec.disconnects).toEqual(["Server shutting down."]);
  });

  it("is refused without an answer loop when turned off", async () => {
    s = await openSession({ telnetOptions: { all: false } });
    s.client.send([IAC, DO, MCCP2], [IAC, DO, MCCP2]);
    await s.client.waitFor([[IAC, 252, MCCP2]]);
    expect(s.client.received.includes(MARKER)).toBe(false);
  });
});
