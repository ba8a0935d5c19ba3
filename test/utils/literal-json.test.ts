/**
 * The literal parser as `spawn {...}` uses it: JSON as well as Python literals, and nothing that is not data.
 */
import { expect, it } from "vitest";
import { parseLiteral } from "../../evennia-ts/utils/literal-parse.ts";

it("reads JSON", () => {
  expect(parseLiteral(`{"key": "a red ball", "n": -1.5e2, "ok": true, "none": null, "list": [1, "two"]}`, { json: true })).toEqual({ key: "a red ball", n: -150, ok: true, none: null, list: [1, "two"] });
});

it("reads Python-style literals: single quotes, True/False/None, tuples, trailing commas", () => {
  expect(parseLiteral(`{'attrs': [('hp', 10), ('flying', False,)], 'x': None,}`)).toEqual({ attrs: [["hp", 10], ["flying", false]], x: null });
  expect(parseLiteral(`'it\\'s'`)).toBe("it's");
});

it("refuses anything that is not data, saying where", () => {
  expect(() => parseLiteral(`{"key": goblin}`)).toThrow(/'goblin' is not a literal \(put quotes around text\)/);
  expect(() => parseLiteral(`{"a": 1} extra`)).toThrow(/unexpected 'e' \(at character 10\)/);
  expect(() => parseLiteral(`__import__('os')`)).toThrow(/not a literal/);
  expect(() => parseLiteral(`"open`)).toThrow(/unterminated string/);
  expect(() => parseLiteral("[".repeat(200) + "]".repeat(200))).toThrow(/nested more than 100 levels deep/);
});

it("keeps __proto__ as a plain key (no prototype pollution)", () => {
  const value = parseLiteral(`{"__proto__": {"polluted": true}}`, { json: true }) as Record<string, unknown>;
  expect(Object.keys(value)).toEqual(["__proto__"]);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
});
