import { describe, expect, it } from "vitest";
import { encodeTelnetText, normalizeNewlines } from "../../../evennia-ts/portal/telnet/text-encoding.ts";
import { escapeIac, subnegotiationBytes } from "../../../evennia-ts/portal/telnet/telnet-codes.ts";

describe("telnet text encoding", () => {
  it("normalises newlines to CR LF without doubling existing CR LF", () => {
    expect(normalizeNewlines("a\nb\r\nc\r")).toBe("a\r\nb\r\nc\r");
  });

  it("encodes UTF-8, or Latin-1 with '?' for what it cannot hold, doubling 0xFF", () => {
    expect([...encodeTelnetText("é\n", "utf-8")]).toEqual([0xc3, 0xa9, 13, 10]);
    expect([...encodeTelnetText("ÿé€😀", "latin1")]).toEqual([0xff, 0xff, 0xe9, 0x3f, 0x3f]);
  });

  it("escapes IAC in raw bytes and sub-negotiation payloads", () => {
    expect([...escapeIac(Buffer.from([1, 255, 2, 255]))]).toEqual([1, 255, 255, 2, 255, 255]);
    const plain = Buffer.from([1, 2]);
    expect(escapeIac(plain)).toBe(plain);
    expect([...subnegotiationBytes(31, Buffer.from([0, 255, 0, 24]))]).toEqual([255, 250, 31, 0, 255, 255, 0, 24, 255, 240]);
  });
});
