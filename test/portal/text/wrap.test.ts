import { describe, expect, it } from "vitest";
import { wrapText } from "../../../evennia-ts/utils/text/wrap.ts";

describe("wrapText", () => {
  it.each([
    ["the quick brown fox", 10, "the quick\nbrown fox"],
    ["the quick brown fox", 9, "the quick\nbrown fox"],
    ["the quick brown fox", 8, "the\nquick\nbrown\nfox"],
    ["the quick brown fox", 100, "the quick brown fox"],
    ["one two", 3, "one\ntwo"],
    // markup and ANSI take no width and stay where they are
    ["|rthe|n quick brown", 9, "|rthe|n quick\nbrown"],
    ["|[500|#ff0000the|n |=aquick|n brown", 9, "|[500|#ff0000the|n |=aquick|n\nbrown"],
    ["\x1b[31mthe\x1b[0m quick brown", 9, "\x1b[31mthe\x1b[0m quick\nbrown"],
    // codes between words survive a break, on the new line
    ["aaa |rbbb", 4, "aaa\n|rbbb"],
    ["aaa |r bbb", 4, "aaa\n|rbbb"],
    // escapes count as what they show
    ["a|| b", 3, "a||\nb"],
    ["ab|_cd ef", 5, "ab|_cd\nef"],
    ["|>text", 8, "|>text"],
    ["|>text", 7, "|>\ntext"],
    // long words are split
    ["abcdefghij", 4, "abcd\nefgh\nij"],
    ["xx |rabcdefghij|n yy", 4, "xx\n|rabcd\nefgh\nij|n\nyy"],
    // existing line breaks and indentation are kept
    ["a b\nc d", 3, "a b\nc d"],
    ["a b c\n\nd", 3, "a b\nc\n\nd"],
    ["aaa|/bbb ccc", 7, "aaa|/bbb ccc"],
    ["aaa bbb|/ccc", 3, "aaa\nbbb|/ccc"],
    ["  ab cd", 5, "  ab\ncd"],
    ["line\r\nnext one", 4, "line\r\nnext\none"],
    // trailing spaces that do not fit are dropped
    ["ab   ", 3, "ab"],
    ["ab ", 3, "ab "],
    // wide characters count two and may break anywhere
    ["中文中文中文", 5, "中文\n中文\n中文"],
    ["中文中文中文", 4, "中文\n中文\n中文"],
    ["ab 中文字", 5, "ab 中\n文字"],
    ["e\u0301e\u0301e\u0301 x", 4, "e\u0301e\u0301e\u0301\nx"],
    // tabs reach the next multiple of 8
    ["a\tb", 9, "a\tb"],
    ["a\tb", 8, "a\nb"],
    // a literal pipe is never joined to a following code
    ["x| |ry", 2, "x|\n|ry"],
    ["x| |r", 2, "x|||r"],
    ["x| |/y", 2, "x|||/y"],
  ])("%j at %i", (text, width, expected) => {
    expect(wrapText(text, width)).toBe(expected);
  });

  it("returns the text unchanged for widths below 1", () => {
    for (const w of [0, -5, Number.NaN]) expect(wrapText("a b c d", w)).toBe("a b c d");
    expect(wrapText("", 10)).toBe("");
  });
});
