import { describe, expect, it } from "vitest";
import { sanitizeControlChars } from "../../../evennia-ts/utils/text/sanitize.ts";
import { sanitizeControlChars as reExported } from "../../../evennia-ts/portal/text/render.ts";

describe("sanitizeControlChars", () => {
  it.each([
    ["a\x1b[31mb", "ab"],
    ["a\x1b[2Jb", "ab"],
    ["\x1b[?25l\x1b[1;31;48;5;196mx", "x"],
    ["\x1b[38;2;1;2;3mx\x1b[0m", "x"],
    ["a\x1b]0;title\x07b", "a0;titleb"],
    ["a\x1bcb", "ab"],
    ["a\x1b", "a"],
    ["a\x1b[", "a"],
    ["a\x1b[12", "a"],
    ["a\x1b\x1b[mb", "ab"],
    ["a\x00b\x07c\x08d\x0be\x0cf\x1fg", "abcdefg"],
    ["a\x7fb", "ab"],
    ["a\x9b31mb", "a31mb"],
    ["a\x85b\x80c\x9fd", "abcd"],
    ["line\nnext\ttab\r\n", "line\nnext\ttab\r\n"],
    ["héllo 中文 🙂 |r", "héllo 中文 🙂 |r"],
  ])("%j", (input, expected) => {
    expect(sanitizeControlChars(input)).toBe(expected);
  });

  it("returns clean text as it is", () => {
    const clean = "nothing to do here\n";
    expect(sanitizeControlChars(clean)).toBe(clean);
  });

  it("leaves nothing that needs cleaning, whatever the input", () => {
    let all = "";
    for (let c = 0; c < 0x200; c++) all += String.fromCharCode(c) + "x";
    const out = sanitizeControlChars(all);
    // eslint-disable-next-line no-control-regex
    expect(out).not.toMatch(/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]/);
    expect(sanitizeControlChars(out)).toBe(out);
  });

  it("is the same function render.ts exports", () => {
    expect(reExported).toBe(sanitizeControlChars);
  });
});
