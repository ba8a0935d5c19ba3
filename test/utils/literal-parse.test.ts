import { describe, expect, it } from "vitest";
import { encodeValue } from "../../evennia-ts/db/tagged-json.ts";
import { displayLiteral, formatLiteral, LiteralSyntaxError, MAX_LITERAL_DEPTH, parseLiteral, tryParseLiteral } from "../../evennia-ts/utils/literal-parse.ts";

describe("parseLiteral", () => {
  it("reads numbers as Python writes them", () => {
    expect(parseLiteral("5")).toBe(5);
    expect(parseLiteral("-3")).toBe(-3);
    expect(parseLiteral("+ 7")).toBe(7);
    expect(parseLiteral("1_000")).toBe(1000);
    expect(parseLiteral("0x1f")).toBe(31);
    expect(parseLiteral("0o17")).toBe(15);
    expect(parseLiteral("0b101")).toBe(5);
    expect(parseLiteral("1.5")).toBe(1.5);
    expect(parseLiteral(".5")).toBe(0.5);
    expect(parseLiteral("2.")).toBe(2);
    expect(parseLiteral("1e3")).toBe(1000);
    expect(parseLiteral("1E-2")).toBe(0.01);
    expect(parseLiteral("0")).toBe(0);
    expect(parseLiteral("00")).toBe(0);
    expect(parseLiteral("123456789012345678901234567890")).toBe(123456789012345678901234567890n);
    expect(parseLiteral("-123456789012345678901234567890")).toBe(-123456789012345678901234567890n);
  });

  it("reads strings with Python's quotes, escapes and prefixes", () => {
    expect(parseLiteral("'hello'")).toBe("hello");
    expect(parseLiteral('"it\'s"')).toBe("it's");
    expect(parseLiteral("'a\\nb\\t\\x41\\u00e9\\101'")).toBe("a\nb\tAéA");
    expect(parseLiteral("'keep \\d'")).toBe("keep \\d");
    expect(parseLiteral("r'\\d+'")).toBe("\\d+");
    expect(parseLiteral("u'plain'")).toBe("plain");
    expect(parseLiteral("'''three\nlines'''")).toBe("three\nlines");
    expect(parseLiteral("'a' \"b\" 'c'")).toBe("abc");
    expect(parseLiteral("''")).toBe("");
  });

  it("reads True, False, None and containers", () => {
    expect(parseLiteral("True")).toBe(true);
    expect(parseLiteral("False")).toBe(false);
    expect(parseLiteral("None")).toBeNull();
    expect(parseLiteral("[1, 'two', [3.5, None]]")).toEqual([1, "two", [3.5, null]]);
    expect(parseLiteral("[1, 2, ]")).toEqual([1, 2]);
    expect(parseLiteral("(1, 2)")).toEqual([1, 2]);
    expect(parseLiteral("(1,)")).toEqual([1]);
    expect(parseLiteral("()")).toEqual([]);
    expect(parseLiteral("(5)")).toBe(5);
    expect(parseLiteral("1, 2")).toEqual([1, 2]);
    expect(parseLiteral("{'a': 1, 'b': [True]}")).toEqual({ a: 1, b: [true] });
    expect(parseLiteral("{}")).toEqual({});
    expect(parseLiteral("{'a': 1, 'a': 2}")).toEqual({ a: 2 });
    expect(parseLiteral("[\n 1, # one\n 2\n]")).toEqual([1, 2]);
  });

  it("reads dicts with other keys as Maps and sets as Sets", () => {
    expect(parseLiteral("{1: 'a', 'b': 2}")).toEqual(new Map<unknown, unknown>([[1, "a"], ["b", 2]]));
    expect(parseLiteral("{(1, 2): 'x'}")).toEqual(new Map([[[1, 2], "x"]]));
    expect(parseLiteral("{1, 2, 2, True}")).toEqual(new Set([1, 2]));
    expect(parseLiteral("set()")).toEqual(new Set());
  });

  it("refuses what is not a literal, saying why", () => {
    const refused: [string, RegExp][] = [
      ["hello", /'hello' is not a literal/],
      ["hello world", /not a literal/],
      ["true", /'true' is not a literal/],
      ["[1, 2", /never closed/],
      ["'open", /unterminated string/],
      ["1 2", /unexpected '2'/],
      ["007", /leading zeros/],
      ["1j", /complex numbers/],
      ["b'x'", /bytes/],
      ["f'{x}'", /f-strings/],
      ["__import__('os')", /not a literal/],
      ["{[1]: 2}", /unhashable/],
      ["{1, [2]}", /unhashable/],
      ["--5", /sign must be followed by a number/],
      ["", /nothing to read/],
      ["1_", /invalid number/],
      ["1e", /exponent/],
      ["'a\nb'", /unterminated string/],
    ];
    for (const [text, why] of refused) {
      expect(() => parseLiteral(text), text).toThrow(LiteralSyntaxError);
      expect(() => parseLiteral(text), text).toThrow(why);
    }
    expect(tryParseLiteral("oops")).toEqual({ ok: false, error: expect.stringContaining("'oops' is not a literal") });
    expect(tryParseLiteral("[1]")).toEqual({ ok: true, value: [1] });
  });

  it("stops at a nesting depth instead of overflowing the stack", () => {
    expect(parseLiteral("[".repeat(MAX_LITERAL_DEPTH) + "]".repeat(MAX_LITERAL_DEPTH))).toBeInstanceOf(Array);
    expect(() => parseLiteral("[".repeat(MAX_LITERAL_DEPTH + 1) + "]".repeat(MAX_LITERAL_DEPTH + 1))).toThrow(/nested more than/);
    expect(() => parseLiteral("[".repeat(100_000))).toThrow(LiteralSyntaxError);
  });

  it("gives values the attribute store accepts", () => {
    for (const text of ["[1, {'a': (2, 3)}]", "{1: {2, 3}}", "123456789012345678901234567890", "{'$t': 1}"]) {
      expect(() => encodeValue(parseLiteral(text)), text).not.toThrow();
    }
  });
});

describe("formatLiteral", () => {
  it("writes values back in the notation parseLiteral reads", () => {
    const values = [5, -1.5, "it's", 'say "hi"', "a\nb\\", true, null, [1, "x", [false]], { a: 1, "b c": [2] }, new Map<unknown, unknown>([[1, "a"]]), new Set([1, 2]), new Set(), 12345678901234567890n];
    for (const v of values) expect(parseLiteral(formatLiteral(v)), formatLiteral(v)).toEqual(v);
    expect(formatLiteral({ a: [1, "b"] })).toBe("{'a': [1, 'b']}");
    expect(formatLiteral(new Set())).toBe("set()");
    expect(formatLiteral(undefined)).toBe("None");
  });

  it("shows strings bare at the top level, as str() does, and other things through a callback", () => {
    expect(displayLiteral("hello")).toBe("hello");
    expect(displayLiteral(["hello"])).toBe("['hello']");
    class Thing {
      toString() {
        return "thing";
      }
    }
    expect(displayLiteral([new Thing()], { other: (v) => `<${String(v)}>` })).toBe("[<thing>]");
  });
});
