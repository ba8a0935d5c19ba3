import { describe, expect, it } from "vitest";
import { RenderKeyMemo } from "../../evennia-ts/portal/render-key-memo.ts";

describe("RenderKeyMemo", () => {
  it("joins the parts with |", () => {
    expect(new RenderKeyMemo().keyOf(["telnet", "utf-8", 256, false, ""])).toBe("telnet|utf-8|256|false|");
  });

  it("hands back the same string while the parts are unchanged", () => {
    const memo = new RenderKeyMemo();
    const first = memo.keyOf(["telnet", 16, true]);
    const second = memo.keyOf(["telnet", 16, true]);
    expect(second).toBe(first);
  });

  it("builds a new key when any part changes, its count included", () => {
    const memo = new RenderKeyMemo();
    expect(memo.keyOf(["telnet", 16, false])).toBe("telnet|16|false");
    expect(memo.keyOf(["telnet", 256, false])).toBe("telnet|256|false");
    expect(memo.keyOf(["telnet", 256, true])).toBe("telnet|256|true");
    expect(memo.keyOf(["telnet", 256, true, "mxp"])).toBe("telnet|256|true|mxp");
    expect(memo.keyOf(["telnet", 256, true])).toBe("telnet|256|true");
  });

  it("keeps its own copy of the parts: a caller may fill the same array again", () => {
    const memo = new RenderKeyMemo();
    const parts: (string | number | boolean)[] = ["telnet", 16, false];
    expect(memo.keyOf(parts)).toBe("telnet|16|false");
    parts[1] = 256;
    expect(memo.keyOf(parts)).toBe("telnet|256|false");
    parts.length = 2;
    expect(memo.keyOf(parts)).toBe("telnet|256");
  });
});
