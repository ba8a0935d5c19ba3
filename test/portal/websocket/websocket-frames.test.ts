import { describe, expect, it } from "vitest";
import { decodeClientFrame, encodeServerFrame, renderForWebSocket } from "../../../evennia-ts/portal/websocket/websocket-frames.ts";

describe("decodeClientFrame", () => {
  it("accepts a full triple and fills in missing args and kwargs", () => {
    expect(decodeClientFrame('["text", ["look"], {}]')).toEqual({ ok: true, message: ["text", ["look"], {}] });
    expect(decodeClientFrame('["core_ping"]')).toEqual({ ok: true, message: ["core_ping", [], {}] });
    expect(decodeClientFrame('["client_options", [], {"screenwidth": 100}]')).toEqual({
      ok: true,
      message: ["client_options", [], { screenwidth: 100 }],
    });
  });

  it.each([
    ["not json", "{oops"],
    ["an object", '{"cmd": "look"}'],
    ["an empty array", "[]"],
    ["a number cmdname", "[1, [], {}]"],
    ["args not an array", '["text", "look", {}]'],
    ["kwargs not an object", '["text", [], []]'],
    ["too many parts", '["text", [], {}, 4]'],
    ["a too long cmdname", JSON.stringify(["x".repeat(129), [], {}])],
  ])("refuses %s with a reason", (_what, frame) => {
    const result = decodeClientFrame(frame);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason.length).toBeGreaterThan(5);
  });
});

describe("renderForWebSocket", () => {
  it("renders text markup as HTML and adds the plain text as raw_text", () => {
    const [cmd, args, kwargs] = renderForWebSocket(["text", ["|rRed|n & <b>bold</b>\nnext"], { type: "look" }]);
    expect(cmd).toBe("text");
    expect(args[0]).toContain('<span class="color-009">Red</span>');
    expect(args[0]).toContain("&amp; &lt;b&gt;bold&lt;/b&gt;<br>next");
    expect(kwargs).toEqual({ type: "look", raw_text: "Red & <b>bold</b>\nnext" });
  });

  it("renders prompts the same way", () => {
    const [, args, kwargs] = renderForWebSocket(["prompt", ["|gHP: 10|n> "], {}]);
    expect(args[0]).toContain("HP: 10");
    expect(args[0]).toContain("<span");
    expect(kwargs.raw_text).toBe("HP: 10> ");
  });

  it("does not parse raw text as markup, only escapes it, and drops the options", () => {
    const [, args, kwargs] = renderForWebSocket(["text", ["|r<i>"], { options: { raw: true } }]);
    expect(args[0]).toBe("|r&lt;i&gt;");
    expect(kwargs).toEqual({ raw_text: "|r<i>" });
  });

  it("strips colours for nocolor", () => {
    const [, args] = renderForWebSocket(["text", ["|rRed|n"], { options: { nocolor: true } }]);
    expect(args[0]).toBe("Red");
  });

  it("passes out-of-band messages through unchanged", () => {
    const msg: [string, unknown[], Record<string, unknown>] = ["char_vitals", [], { hp: 10 }];
    expect(renderForWebSocket(msg)).toBe(msg);
    expect(JSON.parse(encodeServerFrame(msg))).toEqual(["char_vitals", [], { hp: 10 }]);
  });
});
