/**
 * Text formatting for game output, after Evennia's `evennia.utils.utils`: `crop`,
 * `justify`, `wrap`, `pad`, `listToString`, `timeFormat`, `dedent`. Every width is in
 * screen columns, with markup ignored and kept intact.
 */
import { cropMarkup, padMarkup, stripMarkup, textWidth, visibleLength, type Align } from "./markup.ts";
import { wrapText } from "./wrap.ts";

/** Evennia's default client width. */
const DEFAULT_WIDTH = 78;

/** Crop to `width` columns, ending in `suffix` (`[...]`) when cut. */
export function crop(text: string, width = DEFAULT_WIDTH, suffix = "[...]"): string {
  return cropMarkup(text, width, suffix);
}

/** Pad to `width` columns: `align` "l", "r" or "c". */
export function pad(text: string, width = DEFAULT_WIDTH, align: Align = "c", fillchar = " "): string {
  return padMarkup(text, width, align, fillchar);
}

/** Word-wrap to `width` columns; `indent` is put before every line. */
export function wrap(text: string, width = DEFAULT_WIDTH, indent = ""): string {
  const inner = Math.max(1, width - visibleLength(indent));
  const wrapped = wrapText(text, inner);
  return indent ? wrapped.split("\n").map((l) => indent + l).join("\n") : wrapped;
}

/** How {@link justify} aligns: left, right, centre, or full (spread words to both edges). */
export type JustifyAlign = Align | "f";

/**
 * Wrap `text` to `width` and align each line (Evennia's `justify`); paragraphs
 * (blank-line separated) are kept. `indent` spaces go before every line.
 */
export function justify(text: string, width = DEFAULT_WIDTH, align: JustifyAlign = "f", indent = 0): string {
  const inner = Math.max(1, width - indent);
  const prefix = " ".repeat(Math.max(0, indent));
  const paragraphs = text.split(/\n\s*\n/);
  const out: string[] = [];
  for (const paragraph of paragraphs) {
    const words = paragraph.split(/\s+/).filter(Boolean).join(" ");
    const lines = wrapText(words, inner).split("\n");
    lines.forEach((line, i) => {
      const last = i === lines.length - 1;
      let aligned: string;
      if (align === "f") aligned = last ? padMarkup(line, inner, "l") : spread(line, inner);
      else aligned = padMarkup(line, inner, align);
      out.push(prefix + aligned);
    });
    out.push("");
  }
  out.pop();
  return out.join("\n");
}

function spread(line: string, width: number): string {
  const words = line.split(" ");
  if (words.length < 2) return padMarkup(line, width, "l");
  let missing = width - visibleLength(line);
  const gaps = words.length - 1;
  const extra = new Array<number>(gaps).fill(0);
  for (let i = 0; missing > 0; i = (i + 1) % gaps, missing--) extra[i]!++;
  return words.map((w, i) => (i < gaps ? w + " ".repeat(1 + extra[i]!) : w)).join("");
}

/** Options of {@link listToString}. */
export interface ListToStringOptions {
  /** Between items (default ","). */
  sep?: string;
  /** Before the last item (default ", and"; "or", "and" add spaces). */
  endsep?: string;
  /** Put double quotes around each item. */
  addquote?: boolean;
}

const PUNCTUATION = new Set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~");

/**
 * `["a", "b", "c"]` → `a, b, and c` (Evennia's `iter_to_str`): `endsep: "or"` gives
 * `a, b or c`; two items are `a and b`.
 */
export function listToString(items: Iterable<unknown>, options: ListToStringOptions = {}): string {
  const list = [...items].map((v) => (options.addquote ? `"${String(v)}"` : String(v)));
  if (list.length === 0) return "";
  let sep = options.sep ?? ",";
  let endsep = options.endsep ?? ", and";
  if (endsep) {
    if (endsep.startsWith(sep) && endsep !== sep) endsep = list.length < 3 ? endsep.slice(1) : endsep;
    else if (!PUNCTUATION.has(endsep[0]!)) endsep = " " + endsep.trim();
  }
  if (!PUNCTUATION.has(sep)) sep = " " + sep;
  if (list.length === 1) return list[0]!;
  if (list.length === 2) return list.join(`${endsep} `);
  return list.slice(0, -1).join(`${sep} `) + `${endsep} ${list[list.length - 1]}`;
}

const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? "" : "s"}`;

/** `n` with at least two digits ("05"). */
function twoDigits(n: number): string {
  return String(n).padStart(2, "0");
}

/**
 * Seconds as text (Evennia's `time_format`):
 * 0 `1d 02:03` / `02:03`; 1 the largest unit (`1d`, `2h`, `5m`, `7s`);
 * 2 `1 day, 2 hours, 3 minutes`; 3 the same with seconds; 4 roughly (`a month`, `3 hours`).
 */
export function timeFormat(totalSeconds: number, style: 0 | 1 | 2 | 3 | 4 = 0): string {
  let seconds = Math.max(0, Math.floor(Number(totalSeconds) || 0));
  const days = Math.floor(seconds / 86400);
  seconds -= days * 86400;
  const hours = Math.floor(seconds / 3600);
  seconds -= hours * 3600;
  const minutes = Math.floor(seconds / 60);
  seconds -= minutes * 60;
  switch (style) {
    case 0:
      return days > 0 ? `${days}d ${twoDigits(hours)}:${twoDigits(minutes)}` : `${twoDigits(hours)}:${twoDigits(minutes)}`;
    case 1:
      return days > 0 ? `${days}d` : hours > 0 ? `${hours}h` : minutes > 0 ? `${minutes}m` : `${seconds}s`;
    case 2:
    case 3: {
      const parts: string[] = [];
      if (days > 0) parts.push(plural(days, "day") + ",");
      if (days || hours > 0) parts.push(plural(hours, "hour") + ",");
      if (hours || minutes > 0) parts.push(plural(minutes, "minute"));
      else if (style === 2) parts.push("0 minutes");
      if (style === 3 && (minutes || seconds > 0)) parts.push(plural(seconds, "second"));
      return parts.join(" ").trim();
    }
    case 4:
      if (days >= 730) return `${Math.floor(days / 365)} years`;
      if (days >= 365) return "a year";
      if (days >= 62) return `${Math.floor(days / 31)} months`;
      if (days >= 31) return "a month";
      if (days >= 2) return `${days} days`;
      if (days > 0) return "a day";
      if (hours >= 2) return `${hours} hours`;
      if (hours > 0) return "an hour";
      if (minutes >= 2) return `${minutes} minutes`;
      if (minutes > 0) return "a minute";
      if (seconds >= 2) return `${seconds} seconds`;
      return seconds === 1 ? "a second" : "0 seconds";
  }
}

/** Remove the indentation common to every non-blank line (for help texts written indented). */
export function dedent(text: string): string {
  const lines = text.replace(/\t/g, "    ").split("\n");
  let common = Infinity;
  for (const line of lines) {
    if (!line.trim()) continue;
    common = Math.min(common, line.length - line.trimStart().length);
  }
  if (!Number.isFinite(common) || common === 0) return lines.join("\n");
  return lines.map((l) => l.slice(Math.min(common, l.length - l.trimStart().length))).join("\n");
}

/**
 * Lay `items` out in columns across `width` (Evennia's `format_grid`): as many
 * columns as fit with `sep` between them; `verbatim` indices take a line of their own.
 */
export function formatGrid(items: readonly string[], width = DEFAULT_WIDTH, sep = "  ", verbatim: ReadonlySet<number> = new Set()): string[] {
  const lines: string[] = [];
  let row: string[] = [];
  const flush = () => {
    if (row.length) lines.push(row.join(sep));
    row = [];
  };
  let colWidth = 1;
  // a loop, not Math.max(...): a spread of a huge list overflows the stack
  items.forEach((item, i) => {
    if (!verbatim.has(i)) colWidth = Math.max(colWidth, textWidth(stripMarkup(item)));
  });
  const perRow = Math.max(1, Math.floor((width + textWidth(sep)) / (colWidth + textWidth(sep))));
  items.forEach((item, i) => {
    if (verbatim.has(i)) {
      flush();
      lines.push(item);
      return;
    }
    row.push(row.length === perRow - 1 ? item : padMarkup(item, colWidth));
    if (row.length === perRow) flush();
  });
  flush();
  // trimEnd, not /\s+$/: the regex takes time growing with the square of a long run of inner spaces
  return lines.map((l) => l.trimEnd());
}
