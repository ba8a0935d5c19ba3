import { describe, expect, it } from "vitest";
import { parseMarkup } from "../../../evennia-ts/utils/text/markup-parser.ts";

/** Tokens without their source spans, for compact comparisons. */
function shapes(text: string): unknown[] {
  return parseMarkup(text).map(({ start: _s, end: _e, ...rest }) => rest);
}

describe("parseMarkup", () => {
  it("returns nothing for empty text and one run for plain text", () => {
    expect(parseMarkup("")).toEqual([]);
    expect(parseMarkup("hello world")).toEqual([{ type: "text", text: "hello world", escape: false, start: 0, end: 11 }]);
  });

  it("splits text runs and codes, with source spans", () => {
    expect(parseMarkup("a|rb|n")).toEqual([
      { type: "text", text: "a", escape: false, start: 0, end: 1 },
      { type: "fg", color: { kind: "ansi", index: 1 }, bold: true, start: 1, end: 3 },
      { type: "text", text: "b", escape: false, start: 3, end: 4 },
      { type: "reset", start: 4, end: 6 },
    ]);
  });

  it("knows bold and plain ANSI colours and the colour-only form", () => {
    expect(shapes("|R|!C|w")).toEqual([
      { type: "fg", color: { kind: "ansi", index: 1 }, bold: false },
      { type: "fg", color: { kind: "ansi", index: 6 }, bold: null },
      { type: "fg", color: { kind: "ansi", index: 7 }, bold: true },
    ]);
  });

  it("knows backgrounds, bright backgrounds being indexes 8-15", () => {
    expect(shapes("|[B|[b|[x")).toEqual([
      { type: "bg", color: { kind: "ansi", index: 4 } },
      { type: "bg", color: { kind: "ansi", index: 12 } },
      { type: "bg", color: { kind: "ansi", index: 8 } },
    ]);
  });

  it("knows xterm256 cube and greyscale colours", () => {
    expect(shapes("|123|[450|=c|[=z")).toEqual([
      { type: "fg", color: { kind: "xterm", index: 67 }, bold: null },
      { type: "bg", color: { kind: "xterm", index: 190 } },
      { type: "fg", color: { kind: "xterm", index: 233 }, bold: null },
      { type: "bg", color: { kind: "xterm", index: 231 } },
    ]);
  });

  it("reads hex colours of 6 digits, else 3, in either case", () => {
    expect(shapes("|#A0b1C2|[#fff|#12345")).toEqual([
      { type: "fg", color: { kind: "rgb", r: 0xa0, g: 0xb1, b: 0xc2 }, bold: null },
      { type: "bg", color: { kind: "rgb", r: 255, g: 255, b: 255 } },
      { type: "fg", color: { kind: "rgb", r: 0x11, g: 0x22, b: 0x33 }, bold: null },
      { type: "text", text: "45", escape: false },
    ]);
  });

  it("turns attribute codes into on/off tokens", () => {
    expect(shapes("|h|H|u|U|i|I|s|S|*|^")).toEqual([
      { type: "attr", attr: "bold", on: true },
      { type: "attr", attr: "bold", on: false },
      { type: "attr", attr: "underline", on: true },
      { type: "attr", attr: "underline", on: false },
      { type: "attr", attr: "italic", on: true },
      { type: "attr", attr: "italic", on: false },
      { type: "attr", attr: "strike", on: true },
      { type: "attr", attr: "strike", on: false },
      { type: "attr", attr: "inverse", on: true },
      { type: "attr", attr: "blink", on: true },
    ]);
  });

  it("marks text made by escape codes", () => {
    expect(shapes("a|||/|-|_|>")).toEqual([
      { type: "text", text: "a", escape: false },
      { type: "text", text: "|", escape: true },
      { type: "text", text: "\n", escape: true },
      { type: "text", text: "\t", escape: true },
      { type: "text", text: " ", escape: true },
      { type: "text", text: "    ", escape: true },
    ]);
  });

  it("leaves unknown codes in the text run", () => {
    expect(shapes("a|qb|[zc|=Ad|5e|")).toEqual([{ type: "text", text: "a|qb|[zc|=Ad|5e|", escape: false }]);
  });

  it("parses links, with markup in the label but not in the target", () => {
    expect(parseMarkup("|lclook |rme|lt|gLook|le!")).toEqual([
      { type: "link-start", kind: "command", target: "look |rme", start: 0, end: 15 },
      { type: "fg", color: { kind: "ansi", index: 2 }, bold: true, start: 15, end: 17 },
      { type: "text", text: "Look", escape: false, start: 17, end: 21 },
      { type: "link-end", start: 21, end: 24 },
      { type: "text", text: "!", escape: false, start: 24, end: 25 },
    ]);
    expect(shapes("|luhttps://x.org|ltx|le")).toEqual([
      { type: "link-start", kind: "url", target: "https://x.org" },
      { type: "text", text: "x", escape: false },
      { type: "link-end" },
    ]);
  });

  it("leaves incomplete links and escaped link codes as text", () => {
    expect(shapes("|lcx|lty")).toEqual([{ type: "text", text: "|lcx|lty", escape: false }]);
    expect(shapes("||lcx|lty|le")).toEqual([
      { type: "text", text: "|", escape: true },
      { type: "text", text: "lcx|lty|le", escape: false },
    ]);
  });

  it("does not nest links", () => {
    expect(shapes("|lca|ltb|lcc|ltd|le")).toEqual([
      { type: "link-start", kind: "command", target: "a" },
      { type: "text", text: "b|lcc|ltd", escape: false },
      { type: "link-end" },
    ]);
  });

  it("spans cover the source exactly, in order", () => {
    const src = "x|r|[500|#abc||y|lcq|ltz|le|=m end|";
    const tokens = parseMarkup(src);
    let pos = 0;
    for (const t of tokens) {
      expect(t.start).toBe(pos);
      expect(t.end).toBeGreaterThan(t.start);
      pos = t.end;
    }
    expect(pos).toBe(src.length);
  });

  it("stays linear on hostile input (a quadratic parser would time out here)", () => {
    const n = 200_000;
    expect(parseMarkup("|lc".repeat(n))[0]).toMatchObject({ type: "text" });
    const manyLinks = "|lc|lt".repeat(n) + "|le";
    expect(parseMarkup(manyLinks).length).toBeGreaterThan(0);
    expect(parseMarkup("|".repeat(n)).length).toBe(n / 2);
    expect(parseMarkup("|[#".repeat(n))).toHaveLength(1);
  });
});
