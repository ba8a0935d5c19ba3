/**
 * Property-style tests: thousands of random strings built from the characters markup is
 * made of (and hostile ones), checked against invariants that must hold for any input.
 */
import { describe, expect, it } from "vitest";
import { charWidth } from "../../../evennia-ts/utils/text/char-width.ts";
import { escapeHtml, renderHtml } from "../../../evennia-ts/portal/text/html.ts";
import { renderForWebSocket } from "../../../evennia-ts/portal/websocket/websocket-frames.ts";
import { parseMarkup, parseUntrustedMarkup } from "../../../evennia-ts/utils/text/markup-parser.ts";
import { applyStyleToken, copyStyle, defaultStyle, isDefaultStyle, sgrTransition } from "../../../evennia-ts/portal/text/style-state.ts";
import { renderText, stripMarkup } from "../../../evennia-ts/portal/text/render.ts";
import { wrapText } from "../../../evennia-ts/utils/text/wrap.ts";
import { prng } from "../../seeded-random.ts";


const MARKUP_PIECES = [
  "|", "|", "|", "[", "#", "=", "!", "/", "-", "_", ">", "*", "^", "0", "1", "5", "6", "9",
  "a", "f", "F", "z", "r", "R", "g", "n", "h", "H", "u", "U", "i", "s", "x", "X", "l", "c", "t", "e",
  " ", " ", "\n", "\t", "\r", "+", "~", "<", ">", "&", '"', "'", "\x1b", "\x1b[31m", "\x00", "\x07",
  "\x9b", "\x7f", "中", "🙂", "\ud800", "é", "\u0301", "|lc", "|lt", "|le", "|lu", "|#ff0000", "|[500",
  "|=m", "word", "hello",
];

function randomString(rand: () => number, pieces: readonly string[], maxPieces: number): string {
  const n = Math.floor(rand() * maxPieces);
  let s = "";
  for (let i = 0; i < n; i++) s += pieces[Math.floor(rand() * pieces.length)];
  return s;
}

const SAMPLES = 2000;
// eslint-disable-next-line no-control-regex
const SGR = /\x1b\[[0-9;]*m/g;
// eslint-disable-next-line no-control-regex
const FORBIDDEN_CONTROLS = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]/;

describe("properties of the renderer on random input", () => {
  const rand = prng(0xc0ffee);
  const inputs = Array.from({ length: SAMPLES }, () => randomString(rand, MARKUP_PIECES, 40));

  it("never throws", () => {
    for (const x of inputs) {
      expect(() => {
        parseMarkup(x);
        stripMarkup(x);
        renderHtml(x);
        wrapText(x, 1 + (x.length % 30));
        for (const color of ["none", "ansi", "xterm256", "truecolor"] as const) {
          renderText(x, { color, screenReader: false });
          renderText(x, { color, screenReader: true });
        }
      }, JSON.stringify(x)).not.toThrow();
    }
  });

  it("plain output has no markup escapes and no forbidden control characters", () => {
    for (const x of inputs) {
      const plain = stripMarkup(x);
      expect(plain, JSON.stringify(x)).not.toMatch(FORBIDDEN_CONTROLS);
      expect(renderText(x, { color: "none", screenReader: false })).toBe(plain);
    }
  });

  it("coloured output is the plain output plus SGR sequences only, ending in the default style", () => {
    for (const x of inputs) {
      const plain = stripMarkup(x);
      for (const color of ["ansi", "xterm256", "truecolor"] as const) {
        const out = renderText(x, { color, screenReader: false });
        const sgrs = out.match(SGR) ?? [];
        const rest = out.replace(SGR, "");
        expect(rest, JSON.stringify([x, color])).toBe(plain);
        expect(rest).not.toContain("\x1b");
        if (sgrs.length > 0) expect(sgrs[sgrs.length - 1], JSON.stringify([x, color])).toBe("\x1b[0m");
        for (const seq of sgrs) expect(seq, "empty SGR is a reset in disguise").not.toBe("\x1b[m");
        if (color === "ansi") for (const seq of sgrs) expect(seq, JSON.stringify(x)).not.toMatch(/[34]8;/);
        if (color === "xterm256") for (const seq of sgrs) expect(seq, JSON.stringify(x)).not.toMatch(/[34]8;2;/);
      }
    }
  });

  it("screen-reader output has no escape sequences at all", () => {
    for (const x of inputs) {
      const out = renderText(x, { color: "truecolor", screenReader: true });
      expect(out).not.toContain("\x1b");
      expect(out).not.toMatch(/--|==|~~/);
    }
  });

  it("HTML output has only the renderer's own tags, and its text is the plain text", () => {
    const allowedTag =
      /<span(?: class="[a-z0-9 -]+")?(?: style="[a-z-]+: #[0-9a-f]{6}(?:; [a-z-]+: #[0-9a-f]{6})?")?>|<\/span>|<br>|<a class="mxplink" href="#" data-command="[^"<>]*">|<a class="mxplink" href="https?:\/\/[^"<>]*" target="_blank" rel="noopener noreferrer">|<\/a>/g;
    for (const x of inputs) {
      const html = renderHtml(x);
      const text = html.replace(allowedTag, "");
      expect(text, JSON.stringify(x)).not.toMatch(/[<>"']/);
      if (!x.includes("|l")) {
        const decoded = html
          .replace(/<br>/g, "\n")
          .replace(allowedTag, "")
          .replace(/&lt;/g, "<")
          .replace(/&gt;/g, ">")
          .replace(/&quot;/g, '"')
          .replace(/&#39;/g, "'")
          .replace(/&amp;/g, "&");
        const plain = stripMarkup(x).replace(/\r/g, "").replace(/\t/g, "    ");
        expect(decoded, JSON.stringify(x)).toBe(plain);
      }
    }
  });
});

describe("properties of wrapping on random input", () => {
  const WRAP_PIECES = [
    "a", "b", "c", "word", "longerword", "extraordinarily", " ", " ", " ", "  ", "\n", "|/", "|r", "|n",
    "|[500", "|#ff0000", "||", "|_", "|", "\x1b[31m", "中", "文", "|q", "|=a", "e\u0301",
  ];
  const rand = prng(42);

  function visibleWidth(line: string): number {
    let w = 0;
    for (const ch of line) w += charWidth(ch.codePointAt(0) ?? 0);
    return w;
  }

  /** Each non-space visible character with the style it is shown in. */
  function styledChars(s: string): string[] {
    const state = defaultStyle();
    const out: string[] = [];
    for (const t of parseUntrustedMarkup(s)) {
      if (t.type === "text") {
        for (const ch of t.text) if (!/\s/.test(ch)) out.push(ch + JSON.stringify(state));
      } else {
        applyStyleToken(state, t, "truecolor");
      }
    }
    return out;
  }

  it("no line is wider than the width, and no visible character is lost or added", () => {
    for (let k = 0; k < SAMPLES; k++) {
      const x = randomString(rand, WRAP_PIECES, 30);
      const width = 2 + Math.floor(rand() * 15);
      const wrapped = wrapText(x, width);
      const label = JSON.stringify([x, width, wrapped]);
      const lines = stripMarkup(wrapped).split("\n");
      for (const line of lines) expect(visibleWidth(line), label).toBeLessThanOrEqual(width);
      expect(stripMarkup(wrapped).replace(/\s/g, ""), label).toBe(stripMarkup(x).replace(/\s/g, ""));
      // wrapping only changes whitespace: every visible character keeps its style
      expect(styledChars(wrapped), label).toEqual(styledChars(x));
    }
  });

  it("is idempotent", () => {
    for (let k = 0; k < 500; k++) {
      const x = randomString(rand, WRAP_PIECES, 30);
      const width = 2 + Math.floor(rand() * 15);
      const once = wrapText(x, width);
      expect(wrapText(once, width), JSON.stringify([x, width])).toBe(once);
    }
  });
});

/**
 * The renderers skip work a text token cannot need (the style is compared only after a
 * style token; HTML text is escaped in one pass; the webclient's text is parsed once for
 * its HTML and its plain text). Each is checked against the straightforward form.
 */
describe("the renderers' shortcuts give what the straightforward form gives", () => {
  const rand = prng(0x5eed);
  const inputs = Array.from({ length: SAMPLES }, () => randomString(rand, MARKUP_PIECES, 40));

  /** Terminal text as the renderer made it before: the style compared before every text token. */
  function straightforwardStyled(text: string, depth: "ansi" | "xterm256" | "truecolor"): string {
    let out = "";
    const wanted = defaultStyle();
    let shown = defaultStyle();
    let inUrlLink = false;
    const write = (s: string) => {
      if (s === "") return;
      const change = sgrTransition(shown, wanted);
      if (change !== "") {
        out += change;
        shown = copyStyle(wanted);
      }
      out += s;
    };
    for (const t of parseUntrustedMarkup(text)) {
      if (t.type === "text") {
        if (!inUrlLink) write(t.text);
      } else if (t.type === "link-start") {
        if (t.kind === "url") {
          write(t.target);
          inUrlLink = true;
        }
      } else if (t.type === "link-end") inUrlLink = false;
      else applyStyleToken(wanted, t, depth);
    }
    return isDefaultStyle(shown) ? out : out + "\x1b[0m";
  }

  it("terminal text at every colour depth", () => {
    for (const x of inputs) {
      for (const depth of ["ansi", "xterm256", "truecolor"] as const) {
        expect(renderText(x, { color: depth, screenReader: false }), JSON.stringify([x, depth])).toBe(straightforwardStyled(x, depth));
      }
    }
  });

  it("HTML of text without markup: escaped, line feeds as <br>, tabs as four spaces, no carriage returns", () => {
    const pieces = ["&", "<", ">", '"', "'", "\r", "\n", "\t", "\r\n", "a", "word", " ", "é", "中", "🙂", "&amp;"];
    for (let k = 0; k < SAMPLES; k++) {
      const x = randomString(rand, pieces, 30);
      const expected = escapeHtml(x).replace(/\r/g, "").replace(/\n/g, "<br>").replace(/\t/g, "    ");
      expect(renderHtml(x), JSON.stringify(x)).toBe(expected);
    }
  });

  it("the webclient's triple: HTML and plain text as rendered on their own", () => {
    for (const x of inputs) {
      const [, args, kwargs] = renderForWebSocket(["text", [x], {}]);
      expect(args[0], JSON.stringify(x)).toBe(renderHtml(x));
      expect(kwargs.raw_text, JSON.stringify(x)).toBe(stripMarkup(x));
    }
  });
});
