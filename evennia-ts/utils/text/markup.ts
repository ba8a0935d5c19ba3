/**
 * Helpers for text with Evennia `|`-markup: strip the codes, measure the columns the
 * text takes on screen (wide East Asian characters count two), and pad or crop to a
 * width while keeping every colour code intact.
 */
import { charWidth } from "./char-width.ts";
import { parseMarkup } from "./markup-parser.ts";

/** `text` without markup: what a player reads (`||` becomes `|`, `|/` a newline). */
export function stripMarkup(text: string): string {
  let out = "";
  for (const t of parseMarkup(text)) if (t.type === "text") out += t.text;
  return out;
}

/** Columns a plain string takes (tabs count one; see `wrapText` for tab stops). */
export function textWidth(plain: string): number {
  let w = 0;
  for (const ch of plain) w += charWidth(ch.codePointAt(0)!);
  return w;
}

/** Printable ASCII without `|`: no markup, no escapes, tabs or newlines, one column a character. */
const PLAIN_ASCII = /^[\x20-\x7b\x7d\x7e]*$/;

/**
 * True when `text` is printable ASCII without `|` (a name, a number, a time): it has no
 * markup and each character takes one column, so it needs no parsing to be measured or wrapped.
 */
export function isPlainAscii(text: string): boolean {
  return PLAIN_ASCII.test(text);
}

/** Columns `text` takes once its markup is rendered. */
export function visibleLength(text: string): number {
  if (PLAIN_ASCII.test(text)) return text.length;
  return textWidth(stripMarkup(text));
}

/** The width of the widest line of `text` (markup ignored). */
export function maxLineWidth(text: string): number {
  let widest = 0;
  for (const line of stripMarkup(text).split("\n")) widest = Math.max(widest, textWidth(line));
  return widest;
}

/** Horizontal alignment: left, right, centre. */
export type Align = "l" | "r" | "c";

/**
 * Pad `text` with `fill` to `width` columns (markup kept). Text already wider is
 * returned as it is (see {@link cropMarkup}).
 */
export function padMarkup(text: string, width: number, align: Align = "l", fill = " "): string {
  return padBy(text, width - visibleLength(text), align, fill);
}

/**
 * Pad `text` with `missing` columns of `fill` placed by `align` (nothing when
 * `missing` is not positive): {@link padMarkup} once the text's width is known.
 */
export function padBy(text: string, missing: number, align: Align = "l", fill = " "): string {
  if (missing <= 0) return text;
  const f = fill === "" ? " " : fill;
  if (align === "r") return repeatFill(f, missing) + text;
  if (align === "c") {
    const left = Math.floor(missing / 2);
    return repeatFill(f, left) + text + repeatFill(f, missing - left);
  }
  return text + repeatFill(f, missing);
}

/** `fill` repeated to exactly `n` columns (a function of its own, not a closure per call: see docs/perf.md). */
function repeatFill(fill: string, n: number): string {
  return fill.repeat(Math.ceil(n / fill.length)).slice(0, n);
}

/**
 * Crop `text` to at most `width` columns, ending in `suffix` when cut (Evennia's
 * `crop`, `[...]` by default). Markup codes are kept whole and none is dropped, so
 * a colour opened before the cut is still closed by a later `|n`; a wide character
 * that would straddle the edge is left out.
 */
export function cropMarkup(text: string, width: number, suffix = "[...]"): string {
  if (visibleLength(text) <= width) return text;
  const suffixWidth = visibleLength(suffix);
  const room = suffixWidth >= width ? width : width - suffixWidth;
  let out = "";
  let used = 0;
  let cut = false;
  for (const t of parseMarkup(text)) {
    const source = text.slice(t.start, t.end);
    if (t.type !== "text") {
      out += source;
      continue;
    }
    if (cut) continue;
    if (t.escape) {
      const w = textWidth(t.text === "\n" ? "" : t.text);
      if (used + w > room) {
        cut = true;
        continue;
      }
      out += source;
      used += w;
      continue;
    }
    for (const ch of source) {
      const w = charWidth(ch.codePointAt(0)!);
      if (used + w > room) {
        cut = true;
        break;
      }
      out += ch;
      used += w;
    }
  }
  return suffixWidth >= width ? out : out + suffix;
}

/** An HTML tag: `<b>`, `</script>`, `<img src=...>` (a `<` before a letter, `/` or `!`, up to the next `>`). */
const HTML_TAG = /<[a-zA-Z/!][^<>]*>/g;

/**
 * `text` a player typed, without what could make it look like more than one line
 * of someone else's text: the line-break and tab codes `|/` and `|-` (an escaped
 * `||/` stays), raw line breaks and tabs (each becomes a space), and HTML tags.
 * Evennia's `strip_unsafe_input`, used on channel messages.
 */
export function stripUnsafeInput(text: string): string {
  let out = "";
  let from = 0;
  for (const t of parseMarkup(text)) {
    if (t.type === "text" && t.escape && (t.text === "\n" || t.text === "\t")) {
      out += text.slice(from, t.start);
      from = t.end;
    }
  }
  out += text.slice(from);
  return out.replace(/\r\n|[\r\n\t]/g, " ").replace(HTML_TAG, "");
}
