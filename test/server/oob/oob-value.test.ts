import { describe, expect, it } from "vitest";
import { toOobValue } from "../../../evennia-ts/server/oob/oob-value.ts";

describe("toOobValue", () => {
  it("keeps JSON values and copies containers", () => {
    const input = { a: [1, "x", true, null], b: { c: 2 } };
    const out = toOobValue(input);
    expect(out).toEqual(input);
    expect(out).not.toBe(input);
  });

  it("turns what JSON cannot carry into null or text", () => {
    expect(toOobValue(undefined)).toBeNull();
    expect(toOobValue(Number.NaN)).toBeNull();
    expect(toOobValue(() => 1)).toBeNull();
    expect(toOobValue(10n)).toBe("10");
    expect(toOobValue(new Date(0))).toBe("1970-01-01T00:00:00.000Z");
    expect(toOobValue(new Map([["k", 1]]))).toEqual({ k: 1 });
    expect(toOobValue(new Set([1, 2]))).toEqual([1, 2]);
  });

  it("shows a game object by its key", () => {
    class Thing {
      key = "sword";
      dbref = "#5";
    }
    expect(toOobValue({ wielded: new Thing() })).toEqual({ wielded: "sword" });
  });

  it("bounds depth and never copies __proto__", () => {
    let deep: unknown = "bottom";
    for (let i = 0; i < 20; i++) deep = [deep];
    const out = JSON.stringify(toOobValue(deep));
    expect(out).not.toContain("bottom");
    const hostile = JSON.parse('{"__proto__": {"polluted": true}, "ok": 1}') as object;
    const copy = toOobValue(hostile) as Record<string, unknown>;
    expect(copy).toEqual({ ok: 1 });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
