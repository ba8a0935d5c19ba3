import { describe, expect, it } from "vitest";
import { LineDecoder, type DecodedLine } from "../../../evennia-ts/portal/telnet/line-decoder.ts";

function decoder(max = 100) {
  const lines: DecodedLine[] = [];
  const d = new LineDecoder(max, (l) => lines.push(l));
  return { d, lines, texts: () => lines.map((l) => l.line) };
}

describe("LineDecoder", () => {
  it("ends lines at CR LF, LF, CR NUL and lone CR", () => {
    const { d, texts } = decoder();
    d.push(Buffer.from("a\r\nb\nc\r\0d\re\r\n"));
    expect(texts()).toEqual(["a", "b", "c", "d", "e"]);
  });

  it("does not make an empty line of a CR LF or CR NUL split across chunks", () => {
    const { d, texts } = decoder();
    d.push(Buffer.from("a\r"));
    d.push(Buffer.from("\nb\r"));
    d.push(Buffer.from("\0c\n"));
    expect(texts()).toEqual(["a", "b", "c"]);
  });

  it("keeps a partial line until its end arrives", () => {
    const { d, texts } = decoder();
    d.push(Buffer.from("hel"));
    expect(texts()).toEqual([]);
    expect(d.pendingBytes).toBe(3);
    d.push(Buffer.from("lo\n"));
    expect(texts()).toEqual(["hello"]);
  });

  it("decodes invalid UTF-8 as U+FFFD without throwing", () => {
    const { d, texts } = decoder();
    d.push(Buffer.from([0xff, 0x41, 0xe2, 0x82, 0x0a]));
    expect(texts()).toEqual(["\uFFFDA\uFFFD"]);
  });

  it("decodes Latin-1 when switched", () => {
    const { d, texts } = decoder();
    d.charset = "latin1";
    d.push(Buffer.from([0x63, 0x61, 0x66, 0xe9, 0xff, 0x0a]));
    expect(texts()).toEqual(["café\u00ff"]);
  });

  it("cuts long lines, bounds memory, and flags the cut", () => {
    const { d, lines } = decoder(5);
    for (let i = 0; i < 100; i++) d.push(Buffer.from("abcdefghij"));
    expect(d.pendingBytes).toBeLessThanOrEqual(20);
    d.push(Buffer.from("\nok\n"));
    expect(lines).toEqual([
      { line: "abcde", cut: true },
      { line: "ok", cut: false },
    ]);
  });

  it("does not split a surrogate pair when cutting", () => {
    const { d, lines } = decoder(3);
    d.push(Buffer.from("ab😀c\n"));
    expect(lines[0]).toEqual({ line: "ab", cut: true });
  });

  it("removes NUL bytes from lines", () => {
    const { d, texts } = decoder();
    d.push(Buffer.from("a\0b\n"));
    expect(texts()).toEqual(["ab"]);
  });
});
