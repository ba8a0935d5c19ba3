import { afterEach, describe, expect, it } from "vitest";
import { charsetFromName } from "../../../../evennia-ts/portal/telnet/options/charset.ts";
import { DO, IAC, SB, SE, WILL, bytes, openSession, subnegotiations, waitUntil, type OpenSession } from "../telnet-test-client.ts";

const CHARSET = 42;
const sb = (...parts: Array<number[] | string>) => bytes([IAC, SB, CHARSET], ...parts, [IAC, SE]);
let s: OpenSession;
afterEach(() => s.cleanup());

describe("CHARSET option", () => {
  it("requests UTF-8 or Latin-1 and switches both directions to Latin-1 when accepted", async () => {
    s = await openSession({ telnetOptions: { all: false, charset: true } });
    await s.client.waitFor([[IAC, WILL, CHARSET]]);
    s.client.send([IAC, DO, CHARSET]);
    await waitUntil(() => subnegotiations(s.client.received, CHARSET).length > 0, "REQUEST");
    expect(subnegotiations(s.client.received, CHARSET)[0]!.toString("latin1")).toBe("\x01;UTF-8;ISO-8859-1");
    s.client.send(sb([2], "ISO-8859-1"));
    await waitUntil(() => s.rec.merged.encoding === "latin-1", "latin-1");
    expect(s.rec.merged["utf-8"]).toBe(false);
    s.client.send([0x63, 0x61, 0x66, 0xe9, IAC, IAC, 0x0d, 0x0a]);
    await waitUntil(() => s.rec.inputs.length > 0, "line");
    expect(s.rec.inputs[0]).toEqual(["text", ["café\u00ff"], {}]);
    s.client.clear();
    s.session.send([["text", ["café ÿ €"], {}]]);
    // ÿ is 0xFF in Latin-1 and goes out doubled; € is not in Latin-1
    await s.client.waitFor(Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x20, 0xff, 0xff, 0x20, 0x3f, 0x0d, 0x0a]));
  });

  it("keeps UTF-8 when the client accepts it or rejects the request", async () => {
    s = await openSession({ telnetOptions: { all: false, charset: true } });
    s.client.send([IAC, DO, CHARSET]);
    await waitUntil(() => subnegotiations(s.client.received, CHARSET).length > 0, "REQUEST");
    s.client.send(sb([3]));
    s.client.send(sb([2], "UTF-8"));
    await waitUntil(() => s.rec.merged["utf-8"] === true, "utf-8 flag");
    expect(s.session.encoding).toBe("utf-8");
    s.client.send("€\r\n");
    await waitUntil(() => s.rec.inputs.length > 0, "line");
    expect(s.rec.inputs[0]![1][0]).toBe("€");
  });

  it("answers a REQUEST from the client, preferring UTF-8", async () => {
    s = await openSession({ telnetOptions: { all: false, charset: true } });
    s.client.send([IAC, WILL, CHARSET]);
    await s.client.waitFor([[IAC, DO, CHARSET]]);
    s.client.send(sb([1], " KOI8-R ISO-8859-1 UTF-8"));
    await waitUntil(() => subnegotiations(s.client.received, CHARSET).some((p) => p[0] === 2), "ACCEPTED");
    const accepted = subnegotiations(s.client.received, CHARSET).find((p) => p[0] === 2)!;
    expect(accepted.subarray(1).toString()).toBe("UTF-8");
  });

  it("rejects a request with nothing it knows, and translation tables", async () => {
    s = await openSession({ telnetOptions: { all: false, charset: true } });
    s.client.send([IAC, WILL, CHARSET]);
    s.client.send(sb([1], ";KOI8-R;SHIFT_JIS"), sb([4], [1], "junk"), sb([1]));
    await waitUntil(() => subnegotiations(s.client.received, CHARSET).length >= 3, "answers");
    const answers = subnegotiations(s.client.received, CHARSET).map((p) => [...p]);
    expect(answers).toEqual([[3], [5], [3]]);
    await s.client.roundTrip();
    expect(s.session.encoding).toBe("utf-8");
  });

  it("recognises charset names", () => {
    expect(charsetFromName("utf8")).toBe("utf-8");
    expect(charsetFromName("ISO_8859-1")).toBe("latin1");
    expect(charsetFromName("latin1")).toBe("latin1");
    expect(charsetFromName("KOI8-R")).toBeNull();
  });
});
