/**
 * Word wrapping of marked-up text at its visible width.
 */
import { charWidth } from "./char-width.ts";
import { parseMarkup, type MarkupToken } from "./markup-parser.ts";
import { isPlainAscii } from "./markup.ts";

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
  // one line of plain text that fits (a table cell): nothing to do
  if (text.length <= limit && isPlainAscii(text)) return text;
  return new LineWrapper(limit).wrap(text);
}

/**
 * The state of one {@link wrapText}. A class with methods rather than closures made per
 * call: under `tsx` each named closure costs a `__name` property definition per call, which
 * dominated a `who` of 200 sessions (docs/perf.md).
 */
class LineWrapper {
  private out = "";
  private col = 0;
  /** Nothing but indentation placed yet on this (hard) line. */
  private lineStart = true;
  private sep: Atom[] = [];
  private word: Atom[] = [];
  private wordWidth = 0;
  /** True when the output ends in a literal "|": a markup code written right after it would turn into "||" and change meaning. */
  private endsInPipe = false;

  constructor(private readonly limit: number) {}

  wrap(text: string): string {
    for (const a of atomize(text)) {
      switch (a.kind) {
        case "newline":
          this.endLine();
          this.out += a.s;
          this.col = 0;
          this.lineStart = true;
          this.endsInPipe = false;
          break;
        case "space":
        case "tab":
          this.placeWord();
          this.sep.push(a);
          break;
        case "zero":
          if (this.word.length > 0) this.word.push(a);
          else this.sep.push(a);
          break;
        case "wide":
          this.placeWord();
          this.word.push(a);
          this.wordWidth = a.w;
          this.placeWord();
          break;
        case "char":
          this.word.push(a);
          this.wordWidth += a.w;
          break;
      }
    }
    this.endLine();
    return this.out;
  }

  private separatorWidth(from: number): number {
    let c = from;
    for (const a of this.sep) c += a.kind === "tab" ? tabWidth(c) : a.w;
    return c - from;
  }

  private emitSeparatorCodes(): void {
    for (const a of this.sep) if (a.kind === "zero") this.out += a.s;
    this.sep = [];
  }

  private emitSeparator(): void {
    for (const a of this.sep) {
      this.out += a.s;
      this.col += a.kind === "tab" ? tabWidth(this.col) : a.w;
    }
    if (this.sep.length > 0) this.endsInPipe = false;
    this.sep = [];
  }

  private breakLine(): void {
    this.out += "\n";
    this.col = 0;
  }

  private placeWord(): void {
    const word = this.word;
    if (word.length === 0) return;
    const limit = this.limit;
    if (this.lineStart) {
      // keep the indentation if it fits on the line
      if (this.separatorWidth(this.col) <= limit - this.col) this.emitSeparator();
      else this.emitSeparatorCodes();
      if (this.col > 0 && this.col + this.wordWidth > limit && this.wordWidth <= limit) this.breakLine();
    } else if (this.col + this.separatorWidth(this.col) + this.wordWidth > limit) {
      this.breakLine(); // before the codes, which then cannot join the end of the last word
      this.emitSeparatorCodes();
    } else {
      this.emitSeparator();
    }
    for (const a of word) {
      if (a.w > 0 && this.col > 0 && this.col + a.w > limit) this.breakLine();
      this.out += a.s;
      this.col += a.w;
    }
    this.endsInPipe = (word[word.length - 1] as Atom).s === "|";
    this.lineStart = false;
    this.word = [];
    this.wordWidth = 0;
  }

  private endLine(): void {
    this.placeWord();
    if (this.col + this.separatorWidth(this.col) <= this.limit) {
      this.emitSeparator();
    } else {
      // the spaces go; a literal "|" before them becomes "||" so that what follows
      // (a code, or "|/") cannot join it
      if (this.endsInPipe && this.sep.length > 0) this.out += "|";
      this.emitSeparatorCodes();
    }
  }
}
