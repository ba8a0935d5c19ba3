import { describe, expect, it } from "vitest";
import {
  applyStyleToken,
  defaultStyle,
  isDefaultStyle,
  sgrTransition,
  type StyleState,
} from "../../../evennia-ts/portal/text/style-state.ts";

function style(over: Partial<StyleState>): StyleState {
  return { ...defaultStyle(), ...over };
}

const red = { kind: "ansi", index: 1 } as const;
const green = { kind: "ansi", index: 2 } as const;
const blue = { kind: "ansi", index: 4 } as const;

describe("sgrTransition", () => {
  it.each([
    [style({}), style({}), ""],
    [style({}), style({ bold: true, fg: red }), "\x1b[1;31m"],
    [style({ bold: true, fg: red, bg: blue }), style({ bold: true, fg: green, bg: blue }), "\x1b[32m"],
    [style({ bold: true, fg: red }), style({}), "\x1b[0m"],
    [style({ fg: red }), style({}), "\x1b[0m"],
    [style({ bold: true, underline: true, fg: red }), style({ underline: true, fg: red }), "\x1b[22m"],
    [style({ underline: true, italic: true, strike: true }), style({ bold: true }), "\x1b[0;1m"],
    [style({ fg: red }), style({ fg: { kind: "xterm", index: 196 } }), "\x1b[38;5;196m"],
    [style({}), style({ bg: { kind: "rgb", r: 1, g: 2, b: 3 } }), "\x1b[48;2;1;2;3m"],
    [style({ bg: blue, fg: red }), style({ fg: red }), "\x1b[49m"],
  ])("%#", (from, to, expected) => {
    expect(sgrTransition(from, to)).toBe(expected);
  });
});

describe("applyStyleToken", () => {
  it("downgrades an xterm foreground to ANSI with bold standing for bright", () => {
    const s = defaultStyle();
    applyStyleToken(s, { type: "fg", color: { kind: "xterm", index: 196 }, bold: null, start: 0, end: 4 }, "ansi");
    expect(s).toEqual(style({ fg: red, bold: true }));
    applyStyleToken(s, { type: "fg", color: { kind: "xterm", index: 88 }, bold: null, start: 0, end: 4 }, "ansi");
    expect(s).toEqual(style({ fg: red, bold: false }));
  });

  it("keeps colours the depth can show and leaves bold alone for them", () => {
    const s = style({ bold: true });
    applyStyleToken(s, { type: "fg", color: { kind: "xterm", index: 196 }, bold: null, start: 0, end: 4 }, "xterm256");
    expect(s).toEqual(style({ bold: true, fg: { kind: "xterm", index: 196 } }));
    applyStyleToken(s, { type: "bg", color: { kind: "rgb", r: 255, g: 0, b: 0 }, start: 0, end: 9 }, "truecolor");
    expect(s.bg).toEqual({ kind: "rgb", r: 255, g: 0, b: 0 });
    applyStyleToken(s, { type: "bg", color: { kind: "rgb", r: 255, g: 0, b: 0 }, start: 0, end: 9 }, "xterm256");
    expect(s.bg).toEqual({ kind: "xterm", index: 196 });
  });

  it("resets to the default style", () => {
    const s = style({ bold: true, underline: true, fg: red, bg: blue });
    applyStyleToken(s, { type: "reset", start: 0, end: 2 }, "ansi");
    expect(isDefaultStyle(s)).toBe(true);
  });
});
