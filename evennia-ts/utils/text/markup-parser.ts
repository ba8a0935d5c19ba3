/**
 * Parser for Evennia's `|`-markup: colours, text attributes, formatting characters and
 * MXP-style links, turned into a flat stream of tokens in one linear pass.
 *
 * The codes (as in Evennia's `evennia/utils/ansi.py`):
 *
 * | markup | meaning |
 * | --- | --- |
 * | `\|r \|g \|y \|b \|m \|c \|w \|x` | bold (bright) red, green, yellow, blue, magenta, cyan, white, black (dark grey) |
 * | `\|R \|G ... \|X` | the same colours with bold off (dark red, ..., light grey, black) |
 * | `\|!R ... \|!X` | the colour only, bold untouched |
 * | `\|[R ... \|[X` | ANSI background; `\|[r ... \|[x` bright background |
 * | `\|h \|H` | bold (hilite) on / off |
 * | `\|u \|U`, `\|i \|I`, `\|s \|S` | underline, italic, strikethrough on / off |
 * | `\|*`, `\|^` | inverse, blink |
 * | `\|n` | reset everything |
 * | `\|/ \|- \|_ \|>` | newline, tab, space, four-space indent |
 * | `\|\|` | a literal `\|` |
 * | `\|500`, `\|[500` | xterm256 colour cube (r, g, b each 0–5), foreground / background |
 * | `\|=a`–`\|=z`, `\|[=a` | xterm256 greyscale, black to white |
 * | `\|#ff0000`, `\|#f00`, `\|[#ff0000` | 24-bit colour (hex, either case) |
 * | `\|lc cmd \|lt text \|le`, `\|lu url \|lt text \|le` | command / URL link |
 *
 * Anything else after a `|` is not a code: the `|` stays literal text, as in Evennia.
 */
import { cubeIndex, greyIndex, type Color } from "./colors.ts";
import { sanitizeControlChars } from "./sanitize.ts";

/** A text attribute toggled by markup. `bold` is Evennia's "hilite". */
export type TextAttribute = "bold" | "underline" | "italic" | "strike" | "blink" | "inverse";

/** Where a token came from in the source string: `source.slice(start, end)`. */
interface SourceSpan {
  readonly start: number;
  readonly end: number;
}

/**
 * One element of parsed markup.
 *
 * - `text`: visible text. For plain runs `text` equals the source slice; for the escape
 *   codes `||`, `|/`, `|-`, `|_`, `|>` (`escape: true`) it is what they stand for.
 * - `reset`: `|n`.
 * - `fg`: a foreground colour; `bold` is `true`/`false` when the code also sets
 *   hilite (`|r` / `|R`), `null` when it leaves it alone.
 * - `bg`: a background colour.
 * - `attr`: an attribute switched on or off.
 * - `link-start` / `link-end`: around the visible text of a link; `target` is the
 *   command or URL (raw text, not markup).
 */
export type MarkupToken = SourceSpan &
  (
    | { readonly type: "text"; readonly text: string; readonly escape: boolean }
    | { readonly type: "reset" }
    | { readonly type: "fg"; readonly color: Color; readonly bold: boolean | null }
    | { readonly type: "bg"; readonly color: Color }
    | { readonly type: "attr"; readonly attr: TextAttribute; readonly on: boolean }
    | { readonly type: "link-start"; readonly kind: "command" | "url"; readonly target: string }
    | { readonly type: "link-end" }
  );

/** ANSI colour index by Evennia's colour letter (upper or lower case). */
const COLOR_LETTERS: Readonly<Record<string, number>> = { x: 0, r: 1, g: 2, y: 3, b: 4, m: 5, c: 6, w: 7 };

/** Single-character codes that toggle an attribute. */
const ATTRIBUTE_CODES: Readonly<Record<string, { attr: TextAttribute; on: boolean }>> = {
  h: { attr: "bold", on: true },
  H: { attr: "bold", on: false },
  u: { attr: "underline", on: true },
  U: { attr: "underline", on: false },
  i: { attr: "italic", on: true },
  I: { attr: "italic", on: false },
  s: { attr: "strike", on: true },
  S: { attr: "strike", on: false },
  "*": { attr: "inverse", on: true },
  "^": { attr: "blink", on: true },
};

/** Single-character codes that stand for text. */
const TEXT_CODES: Readonly<Record<string, string>> = { "|": "|", "/": "\n", "-": "\t", _: " ", ">": "    " };

function isCubeDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x35;
}

function isLowerLetter(c: number): boolean {
  return c >= 0x61 && c <= 0x7a;
}

function isHexDigit(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);
}

/** Length of the hex colour (6 or 3 digits, 6 preferred) at `i`, or 0. */
function hexLength(s: string, i: number, end: number): number {
  let n = 0;
  while (n < 6 && i + n < end && isHexDigit(s.charCodeAt(i + n))) n++;
  if (n === 6) return 6;
  return n >= 3 ? 3 : 0;
}

function parseHex(hex: string): Color {
  const full = hex.length === 3 ? hex.replace(/./g, "$&$&") : hex;
  return {
    kind: "rgb",
    r: parseInt(full.slice(0, 2), 16),
    g: parseInt(full.slice(2, 4), 16),
    b: parseInt(full.slice(4, 6), 16),
  };
}

/**
 * Finds the next occurrence of `needle` at or after a position, remembering the last
 * answer so that repeated forward searches cost linear time in total.
 */
class ForwardFinder {
  private lastFrom = -1;
  private lastFound = -1;
  constructor(
    private readonly haystack: string,
    private readonly needle: string,
  ) {}

  find(from: number): number {
    if (this.lastFrom >= 0 && from >= this.lastFrom && (this.lastFound === -1 || this.lastFound >= from)) {
      return this.lastFound;
    }
    this.lastFrom = from;
    this.lastFound = this.haystack.indexOf(this.needle, from);
    return this.lastFound;
  }
}

/**
 * Parses Evennia markup into tokens. Linear in the length of `text`, never throws.
 * Text is taken as it is, control characters included: use {@link parseUntrustedMarkup}
 * for anything that will reach a screen.
 */
export function parseMarkup(text: string): MarkupToken[] {
  const tokens: MarkupToken[] = [];
  const ltFinder = new ForwardFinder(text, "|lt");
  const leFinder = new ForwardFinder(text, "|le");
  parseRange(text, 0, text.length, tokens, { lt: ltFinder, le: leFinder });
  return tokens;
}

/** Push `text[from, upTo)` as a text token (nothing when empty). A function of its own, not a closure: see parseRange. */
function pushText(tokens: MarkupToken[], text: string, from: number, upTo: number): void {
  if (upTo > from) tokens.push({ type: "text", text: text.slice(from, upTo), escape: false, start: from, end: upTo });
}

/**
 * Parses `text[start, end)` into `tokens`. (No closures inside: under `tsx`, each named
 * arrow made per call costs a `__name` property definition, which dominated a `who` of
 * 200 sessions; see docs/perf.md.) `links` is given at the top level only: a link
 * label is parsed with links switched off, so links never nest.
 */
function parseRange(
  text: string,
  start: number,
  end: number,
  tokens: MarkupToken[],
  links: { lt: ForwardFinder; le: ForwardFinder } | null,
): void {
  let runStart = start;
  let i = start;
  while (i < end) {
    const p = text.indexOf("|", i);
    if (p === -1 || p >= end) break;
    i = p;
    if (i + 1 >= end) break; // a lone trailing "|" is literal text
    const c = text[i + 1] as string;
    const cc = text.charCodeAt(i + 1);

    // Links: |lc<command>|lt<label>|le and |lu<url>|lt<label>|le
    if (c === "l" && links && i + 2 < end) {
      const kindChar = text[i + 2];
      if (kindChar === "c" || kindChar === "u") {
        const lt = links.lt.find(i + 3);
        const le = lt === -1 ? -1 : links.le.find(lt + 3);
        if (lt !== -1 && le !== -1 && le + 3 <= end) {
          pushText(tokens, text, runStart, i);
          tokens.push({
            type: "link-start",
            kind: kindChar === "c" ? "command" : "url",
            target: text.slice(i + 3, lt),
            start: i,
            end: lt + 3,
          });
          parseRange(text, lt + 3, le, tokens, null);
          tokens.push({ type: "link-end", start: le, end: le + 3 });
          i = le + 3;
          runStart = i;
          continue;
        }
      }
    }

    const token = readCode(text, i, end, c, cc);
    if (token) {
      pushText(tokens, text, runStart, i);
      tokens.push(token);
      i = token.end;
      runStart = i;
    } else {
      i += 1; // not a code: the "|" is literal and stays in the current text run
    }
  }
  pushText(tokens, text, runStart, end);
}

/** Reads the code (other than links) that starts with the `|` at `i`, or returns null. */
function readCode(text: string, i: number, end: number, c: string, cc: number): MarkupToken | null {
  const start = i;
  const textCode = TEXT_CODES[c];
  if (textCode !== undefined) return { type: "text", text: textCode, escape: true, start, end: i + 2 };
  if (c === "n") return { type: "reset", start, end: i + 2 };
  const attrCode = ATTRIBUTE_CODES[c];
  if (attrCode) return { type: "attr", attr: attrCode.attr, on: attrCode.on, start, end: i + 2 };
  const letter = COLOR_LETTERS[c.toLowerCase()];
  if (letter !== undefined) {
    const bright = c !== c.toUpperCase();
    return { type: "fg", color: { kind: "ansi", index: letter }, bold: bright, start, end: i + 2 };
  }
  if (isCubeDigit(cc)) {
    if (i + 3 < end && isCubeDigit(text.charCodeAt(i + 2)) && isCubeDigit(text.charCodeAt(i + 3))) {
      const color: Color = { kind: "xterm", index: cubeIndex(cc - 48, text.charCodeAt(i + 2) - 48, text.charCodeAt(i + 3) - 48) };
      return { type: "fg", color, bold: null, start, end: i + 4 };
    }
    return null;
  }
  if (c === "=") {
    if (i + 2 < end && isLowerLetter(text.charCodeAt(i + 2))) {
      return { type: "fg", color: { kind: "xterm", index: greyIndex(text[i + 2] as string) }, bold: null, start, end: i + 3 };
    }
    return null;
  }
  if (c === "#") {
    const n = hexLength(text, i + 2, end);
    if (n === 0) return null;
    return { type: "fg", color: parseHex(text.slice(i + 2, i + 2 + n)), bold: null, start, end: i + 2 + n };
  }
  if (c === "!") {
    const d = text[i + 2];
    if (i + 2 < end && d !== undefined && d !== d.toLowerCase()) {
      const idx = COLOR_LETTERS[d.toLowerCase()];
      if (idx !== undefined) return { type: "fg", color: { kind: "ansi", index: idx }, bold: null, start, end: i + 3 };
    }
    return null;
  }
  if (c === "[") return readBackground(text, i, end);
  return null;
}

/** Reads a `|[...` background code at `i`, or returns null. */
function readBackground(text: string, i: number, end: number): MarkupToken | null {
  const start = i;
  if (i + 2 >= end) return null;
  const d = text[i + 2] as string;
  const dc = text.charCodeAt(i + 2);
  const letter = COLOR_LETTERS[d.toLowerCase()];
  if (letter !== undefined) {
    const bright = d !== d.toUpperCase();
    return { type: "bg", color: { kind: "ansi", index: bright ? letter + 8 : letter }, start, end: i + 3 };
  }
  if (isCubeDigit(dc)) {
    if (i + 4 < end && isCubeDigit(text.charCodeAt(i + 3)) && isCubeDigit(text.charCodeAt(i + 4))) {
      const color: Color = { kind: "xterm", index: cubeIndex(dc - 48, text.charCodeAt(i + 3) - 48, text.charCodeAt(i + 4) - 48) };
      return { type: "bg", color, start, end: i + 5 };
    }
    return null;
  }
  if (d === "=") {
    if (i + 3 < end && isLowerLetter(text.charCodeAt(i + 3))) {
      return { type: "bg", color: { kind: "xterm", index: greyIndex(text[i + 3] as string) }, start, end: i + 4 };
    }
    return null;
  }
  if (d === "#") {
    const n = hexLength(text, i + 3, end);
    if (n === 0) return null;
    return { type: "bg", color: parseHex(text.slice(i + 3, i + 3 + n)), start, end: i + 3 + n };
  }
  return null;
}

/**
 * Parses markup like {@link parseMarkup}, then removes control characters and escape
 * sequences ({@link sanitizeControlChars}) from the text and link targets. Cleaning after
 * parsing means removing an escape sequence can never join its neighbours into markup
 * (`|ESC[0m|n` stays a literal `|` and a reset).
 */
export function parseUntrustedMarkup(text: string): MarkupToken[] {
  const tokens = parseMarkup(text);
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as MarkupToken;
    if (t.type === "text" && !t.escape) {
      const clean = sanitizeControlChars(t.text);
      if (clean !== t.text) tokens[i] = { ...t, text: clean };
    } else if (t.type === "link-start") {
      const clean = sanitizeControlChars(t.target);
      if (clean !== t.target) tokens[i] = { ...t, target: clean };
    }
  }
  return tokens;
}
