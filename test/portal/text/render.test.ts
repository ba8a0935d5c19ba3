import { describe, expect, it } from "vitest";
import {
  renderText,
  stripMarkup,
  type ColorDepth,
  type RenderCapabilities,
} from "../../../evennia-ts/portal/text/render.ts";

const E = "\x1b[";
const RESET = "\x1b[0m";

function caps(color: ColorDepth, screenReader = false): RenderCapabilities {
  return { color, screenReader };
}

/** [markup, expected] rendered the same at every colour depth (ANSI codes only). */
const SAME_AT_EVERY_COLOR_DEPTH: readonly (readonly [string, string])[] = [
  ["", ""],
  ["plain text", "plain text"],
  ["|rR", `${E}1;31mR${RESET}`],
  ["|gG|n", `${E}1;32mG${RESET}`],
  ["|yY", `${E}1;33mY${RESET}`],
  ["|bB", `${E}1;34mB${RESET}`],
  ["|mM", `${E}1;35mM${RESET}`],
  ["|cC", `${E}1;36mC${RESET}`],
  ["|wW", `${E}1;37mW${RESET}`],
  ["|xX", `${E}1;30mX${RESET}`],
  ["|RR", `${E}31mR${RESET}`],
  ["|GG", `${E}32mG${RESET}`],
  ["|WW", `${E}37mW${RESET}`],
  ["|XX", `${E}30mX${RESET}`],
  ["|!RR", `${E}31mR${RESET}`],
  ["|h|!GG", `${E}1;32mG${RESET}`],
  ["|[RX", `${E}41mX${RESET}`],
  ["|[XX", `${E}40mX${RESET}`],
  ["|[WX", `${E}47mX${RESET}`],
  ["|hX", `${E}1mX${RESET}`],
  ["|uX", `${E}4mX${RESET}`],
  ["|iX", `${E}3mX${RESET}`],
  ["|sX", `${E}9mX${RESET}`],
  ["|*X", `${E}7mX${RESET}`],
  ["|^X", `${E}5mX${RESET}`],
  // switching attributes off; the shorter of "undo one thing" and "reset and redo" wins
  ["|rA|HB", `${E}1;31mA${E}22mB${RESET}`],
  ["|uA|UB", `${E}4mA${RESET}B`],
  ["|u|rA|IB", `${E}1;4;31mAB${RESET}`],
  ["|i|sA|IB|SC", `${E}3;9mA${E}23mB${RESET}C`],
  // adjacent and nested codes
  ["|rA|gB", `${E}1;31mA${E}32mB${RESET}`],
  ["|r|g|bX", `${E}1;34mX${RESET}`],
  ["|r|[BX", `${E}1;31;44mX${RESET}`],
  ["|[B|rX|nY", `${E}1;31;44mX${RESET}Y`],
  ["|rA|n|gB", `${E}1;31mA${E}32mB${RESET}`],
  ["|RA|rB", `${E}31mA${E}1mB${RESET}`],
  // |n at the end, resets and codes with no text after them
  ["|rX|n", `${E}1;31mX${RESET}`],
  ["|rX|n|n", `${E}1;31mX${RESET}`],
  ["X|r", "X"],
  ["X|r|n", "X"],
  ["|n", ""],
  ["|n|nX", "X"],
  ["|rA|nB|n", `${E}1;31mA${RESET}B`],
  // escapes and formatting characters
  ["||", "|"],
  ["a||rb", "a|rb"],
  ["|||rX", `|${E}1;31mX${RESET}`],
  ["||||", "||"],
  ["a|", "a|"],
  ["|", "|"],
  ["|/|-|_|>x", "\n\t     x"],
  ["|rA|/B", `${E}1;31mA\nB${RESET}`],
  // unknown codes pass through literally
  ["|q|Z|[q|=A|=|[=|!r|!", "|q|Z|[q|=A|=|[=|!r|!"],
  ["|12 |1 |#12 |[12 |[#zz |#", "|12 |1 |#12 |[12 |[#zz |#"],
  ["|6|[6|[", "|6|[6|["],
  // links: command links show their text
  ["|lclook|ltLook around|le.", "Look around."],
  ["|rsee |lchelp|lt|uhelp|le", `${E}1;31msee ${E}4mhelp${RESET}`],
  ["|lcno end|ltx", "|lcno end|ltx"],
  ["|lu", "|lu"],
];

describe("renderText: codes that are the same at every colour depth", () => {
  for (const depth of ["ansi", "xterm256", "truecolor"] as const) {
    it.each(SAME_AT_EVERY_COLOR_DEPTH)(`${depth}: %j`, (markup, expected) => {
      expect(renderText(markup, caps(depth))).toBe(expected);
    });
  }
});

describe("renderText: xterm256 colours", () => {
  it.each([
    ["|500X", `${E}38;5;196mX${RESET}`],
    ["|050X", `${E}38;5;46mX${RESET}`],
    ["|005X", `${E}38;5;21mX${RESET}`],
    ["|000X", `${E}38;5;16mX${RESET}`],
    ["|555X", `${E}38;5;231mX${RESET}`],
    ["|123X", `${E}38;5;67mX${RESET}`],
    ["|[500X", `${E}48;5;196mX${RESET}`],
    ["|=aX", `${E}38;5;16mX${RESET}`],
    ["|=bX", `${E}38;5;232mX${RESET}`],
    ["|=mX", `${E}38;5;243mX${RESET}`],
    ["|=yX", `${E}38;5;255mX${RESET}`],
    ["|=zX", `${E}38;5;231mX${RESET}`],
    ["|[=mX", `${E}48;5;243mX${RESET}`],
    ["|5001", `${E}38;5;196m1${RESET}`],
    // bright backgrounds are xterm colours, as in Evennia
    ["|[rX", `${E}48;5;196mX${RESET}`],
    ["|[gX", `${E}48;5;46mX${RESET}`],
    ["|[yX", `${E}48;5;226mX${RESET}`],
    ["|[bX", `${E}48;5;21mX${RESET}`],
    ["|[mX", `${E}48;5;201mX${RESET}`],
    ["|[cX", `${E}48;5;51mX${RESET}`],
    ["|[wX", `${E}48;5;231mX${RESET}`],
    ["|[xX", `${E}48;5;102mX${RESET}`],
    ["|500A|050B", `${E}38;5;196mA${E}38;5;46mB${RESET}`],
    ["|r|500X", `${E}1;38;5;196mX${RESET}`],
    // truecolor falls back to the nearest xterm colour
    ["|#ff0000X", `${E}38;5;196mX${RESET}`],
    ["|#F00X", `${E}38;5;196mX${RESET}`],
    ["|#000000X", `${E}38;5;16mX${RESET}`],
    ["|#ffffffX", `${E}38;5;231mX${RESET}`],
    ["|#808080X", `${E}38;5;244mX${RESET}`],
    ["|#5f87afX", `${E}38;5;67mX${RESET}`],
    ["|[#0000ffX", `${E}48;5;21mX${RESET}`],
  ])("%j", (markup, expected) => {
    expect(renderText(markup, caps("xterm256"))).toBe(expected);
  });
});

describe("renderText: truecolor", () => {
  it.each([
    ["|#ff0000X", `${E}38;2;255;0;0mX${RESET}`],
    ["|#F00X", `${E}38;2;255;0;0mX${RESET}`],
    ["|#1234X", `${E}38;2;17;34;51m4X${RESET}`],
    ["|[#0000ffX", `${E}48;2;0;0;255mX${RESET}`],
    ["|#ff0000|[#00ff00X", `${E}38;2;255;0;0;48;2;0;255;0mX${RESET}`],
    ["|500X", `${E}38;5;196mX${RESET}`],
    ["|[rX", `${E}48;5;196mX${RESET}`],
  ])("%j", (markup, expected) => {
    expect(renderText(markup, caps("truecolor"))).toBe(expected);
  });
});

describe("renderText: downgrade to the 16 ANSI colours", () => {
  it.each([
    ["|500X", `${E}1;31mX${RESET}`],
    ["|050X", `${E}1;32mX${RESET}`],
    ["|005X", `${E}1;34mX${RESET}`],
    ["|555X", `${E}1;37mX${RESET}`],
    ["|550X", `${E}1;33mX${RESET}`],
    ["|200X", `${E}31mX${RESET}`],
    ["|000X", `${E}30mX${RESET}`],
    ["|rA|200B", `${E}1;31mA${E}22mB${RESET}`],
    ["|#ff0000X", `${E}1;31mX${RESET}`],
    ["|#00ff00X", `${E}1;32mX${RESET}`],
    ["|#800000X", `${E}31mX${RESET}`],
    // greyscale
    ["|=aX", `${E}30mX${RESET}`],
    ["|=eX", `${E}30mX${RESET}`],
    ["|=mX", `${E}1;30mX${RESET}`],
    ["|=tX", `${E}37mX${RESET}`],
    ["|=zX", `${E}1;37mX${RESET}`],
    // backgrounds have no bright forms: the nearest dark one
    ["|[500X", `${E}41mX${RESET}`],
    ["|[#0000ffX", `${E}44mX${RESET}`],
    ["|[=zX", `${E}47mX${RESET}`],
    ["|[rX", `${E}41mX${RESET}`],
    ["|[xX", `${E}40mX${RESET}`],
    ["|[wX", `${E}47mX${RESET}`],
  ])("%j", (markup, expected) => {
    const out = renderText(markup, caps("ansi"));
    expect(out).toBe(expected);
    expect(out).not.toMatch(/38;|48;/);
  });
});

describe("renderText: no colour", () => {
  it.each([
    ["|rRed|n and |500xterm|n and |#ff0000true|[Bbg", "Red and xterm and truebg"],
    ["a||b|/c|-d|_e|>f", "a|b\nc\td e    f"],
    ["|q unknown", "|q unknown"],
    ["|lclook|ltLook|le", "Look"],
    ["|luhttps://example.com|ltthe site|le", "https://example.com"],
  ])("%j", (markup, expected) => {
    expect(renderText(markup, caps("none"))).toBe(expected);
    expect(stripMarkup(markup)).toBe(expected);
  });
});

describe("renderText: raw control characters in game text", () => {
  it("removes ANSI escapes players type, whole, at every depth", () => {
    const hostile = "Bob says: \x1b[2J\x1b[31mgotcha\x1b]0;owned\x07 \x07\x00done";
    for (const depth of ["none", "ansi", "xterm256", "truecolor"] as const) {
      const out = renderText(hostile, caps(depth));
      expect(out).toBe("Bob says: gotcha0;owned done");
    }
  });

  it("keeps newlines, tabs and carriage returns", () => {
    expect(renderText("a\nb\tc\r\n", caps("ansi"))).toBe("a\nb\tc\r\n");
  });

  it("emits escapes of its own only for markup", () => {
    expect(renderText("\x1b[1m|rx", caps("ansi"))).toBe(`${E}1;31mx${RESET}`);
  });

  it("does not throw on non-string input from JavaScript callers", () => {
    expect(renderText(undefined as unknown as string, caps("ansi"))).toBe("");
    expect(stripMarkup(null as unknown as string)).toBe("");
  });
});

describe("renderText: screen readers", () => {
  const sr = (s: string, color: ColorDepth = "truecolor"): string => renderText(s, caps(color, true));

  it("strips colour and attributes whatever the colour depth", () => {
    for (const depth of ["none", "ansi", "xterm256", "truecolor"] as const) {
      expect(sr("|rHello|n |[500|u|#00ff00there", depth)).toBe("Hello there");
    }
  });

  it.each([
    ["-----\nTitle\n=====", "\nTitle\n"],
    ["+----+----+\n| a  | b  |\n+----+----+", "\n| a  | b  |\n"],
    ["~~~ waves ~~~", " waves "],
    ["well--done", "welldone"],
    ["a - b = c", "a - b = c"],
    ["1+1 is 2", "1+1 is 2"],
    ["plus+\nnext", "plus\nnext"],
    ["+~ x", " x"],
    ["|r-----|n", ""],
    ["--|/==", "\n"],
  ])("removes decoration like Evennia's SCREENREADER_REGEX_STRIP: %j", (markup, expected) => {
    expect(sr(markup)).toBe(expected);
  });
});
