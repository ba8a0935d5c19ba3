/**
 * Word wrapping of marked-up text at its visible width.
 */
import { charWidth } from "./char-width.ts";
import { parseMarkup, type MarkupToken } from "./markup-parser.ts";

/**
 * A piece of the source text: its source string `s` (copied to the output verbatim) and
 * the columns it takes. `zero` pieces (markup codes, escape sequences, controls) take
 * none; `space` and `tab` pieces are where lines may break; `wide` characters may break
 * on either side; `char` pieces make words.
 */
interface Atom {
  readonly s: string;
  readonly w: number;
  readonly kind: "char" | "wide" | "space" | "tab" | "zero" | "newline";
}

const TAB_STOP = 8;

/** Columns a tab takes at column `col`. */
function tabWidth(col: number): number {
  return TAB_STOP - (col % TAB_STOP);
}

/** The atoms of `text`, in order. */
function atomize(text: string): Atom[] {
  const atoms: Atom[] = [];
  for (const t of parseMarkup(text)) {
    const source = text.slice(t.start, t.end);
    if (t.type !== "text") atoms.push({ s: source, w: 0, kind: "zero" });
    else if (t.escape) atoms.push(escapeAtom(t, source));
    else atomizePlain(source, atoms);
  }
  return atoms;
}

function escapeAtom(t: MarkupToken & { type: "text" }, source: string): Atom {
  if (t.text === "\n") return { s: source, w: 0, kind: "newline" };
  if (t.text === "\t") return { s: source, w: 0, kind: "tab" };
  // "|>" is an indent: whitespace. "||" and "|_" are visible and never a place to break.
  if (source === "|>") return { s: source, w: t.text.length, kind: "space" };
  return { s: source, w: t.text.length, kind: "char" };
}

/** Atoms of a run of plain text, which may hold raw ANSI escape sequences. */
function atomizePlain(s: string, atoms: Atom[]): void {
  const n = s.length;
  let i = 0;
  while (i < n) {
    const code = s.charCodeAt(i);
    if (code === 0x0a) {
      atoms.push({ s: "\n", w: 0, kind: "newline" });
      i++;
    } else if (code === 0x20) {
      atoms.push({ s: " ", w: 1, kind: "space" });
      i++;
    } else if (code === 0x09) {
      atoms.push({ s: "\t", w: 0, kind: "tab" });
      i++;
    } else if (code === 0x1b) {
      const end = escapeEnd(s, i);
      atoms.push({ s: s.slice(i, end), w: 0, kind: "zero" });
      i = end;
    } else if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) {
      atoms.push({ s: s[i] as string, w: 0, kind: "zero" });
      i++;
    } else {
      const cp = s.codePointAt(i) ?? code;
      const len = cp > 0xffff ? 2 : 1;
      const w = charWidth(cp);
      atoms.push({ s: s.slice(i, i + len), w, kind: w === 2 ? "wide" : w === 0 ? "zero" : "char" });
      i += len;
    }
  }
}

/** Index just past the escape sequence starting with ESC at `i` (a CSI sequence, or ESC and one character). */
function escapeEnd(s: string, i: number): number {
  const n = s.length;
  if (i + 1 >= n) return n;
  if (s[i + 1] !== "[") return i + 2;
  let j = i + 2;
  while (j < n) {
    const c = s.charCodeAt(j);
    if (c >= 0x20 && c <= 0x3f) j++;
    else break;
  }
  return j < n && s.charCodeAt(j) >= 0x40 && s.charCodeAt(j) <= 0x7e ? j + 1 : j;
}

/**
 * Wraps `text` on word boundaries so no line is wider than `width` columns.
 *
 * Markup codes and ANSI escape sequences take no width and are never split or dropped;
 * `||` and `|_` are one visible column (never a break), `|>` is four columns of
 * whitespace and `|-` a tab, which reaches the next multiple of 8; wide (CJK)
 * characters count two and a line may break next to them. Existing line breaks (`\n`,
 * `|/`) and the indentation at the start of each line are kept (when it fits); the
 * spaces where a line is broken are dropped (a literal `|` left before a code is then
 * written `||`, so the markup keeps its meaning). A word longer than `width` is split.
 * `width` below 1 (or not a number) returns `text` unchanged. Expects markup (before
 * `renderText`); text that has already been rendered may contain literal `|`s
 * that would be read as codes.
 */
export function wrapText(text: string, width: number): string {
  if (!(width >= 1) || text === "") return text;
  const limit = Math.floor(width);
  let out = "";
  let col = 0;
  let lineStart = true; // nothing but indentation placed yet on this (hard) line
  let sep: Atom[] = [];
  let word: Atom[] = [];
  let wordWidth = 0;
  // True when the output ends in a literal "|": a markup code written right after it
  // would turn into "||" and change meaning.
  let endsInPipe = false;

  const separatorWidth = (from: number): number => {
    let c = from;
    for (const a of sep) c += a.kind === "tab" ? tabWidth(c) : a.w;
    return c - from;
  };
  const emitSeparatorCodes = (): void => {
    for (const a of sep) if (a.kind === "zero") out += a.s;
    sep = [];
  };
  const emitSeparator = (): void => {
    for (const a of sep) {
      out += a.s;
      col += a.kind === "tab" ? tabWidth(col) : a.w;
    }
    if (sep.length > 0) endsInPipe = false;
    sep = [];
  };
  const breakLine = (): void => {
    out += "\n";
    col = 0;
  };
  const placeWord = (): void => {
    if (word.length === 0) return;
    if (lineStart) {
      // keep the indentation if it fits on the line
      if (separatorWidth(col) <= limit - col) emitSeparator();
      else emitSeparatorCodes();
      if (col > 0 && col + wordWidth > limit && wordWidth <= limit) breakLine();
    } else if (col + separatorWidth(col) + wordWidth > limit) {
      breakLine(); // before the codes, which then cannot join the end of the last word
      emitSeparatorCodes();
    } else {
      emitSeparator();
    }
    for (const a of word) {
      if (a.w > 0 && col > 0 && col + a.w > limit) breakLine();
      out += a.s;
      col += a.w;
    }
    endsInPipe = (word[word.length - 1] as Atom).s === "|";
    lineStart = false;
    word = [];
    wordWidth = 0;
  };
  const endLine = (): void => {
    placeWord();
    if (col + separatorWidth(col) <= limit) {
      emitSeparator();
    } else {
      // the spaces go; a literal "|" before them becomes "||" so that what follows
      // (a code, or "|/") cannot join it
      if (endsInPipe && sep.length > 0) out += "|";
      emitSeparatorCodes();
    }
  };

  for (const a of atomize(text)) {
    switch (a.kind) {
      case "newline":
        endLine();
        out += a.s;
        col = 0;
        lineStart = true;
        endsInPipe = false;
        break;
      case "space":
      case "tab":
        placeWord();
        sep.push(a);
        break;
      case "zero":
        if (word.length > 0) word.push(a);
        else sep.push(a);
        break;
      case "wide":
        placeWord();
        word.push(a);
        wordWidth = a.w;
        placeWord();
        break;
      case "char":
        word.push(a);
        wordWidth += a.w;
        break;
    }
  }
  endLine();
  return out;
}
