/**
 * How an editor `:`-command's arguments are read: `:cmd [<l>] [<w>] [<txt>]`.
 * `<l>` is a line number (from 1) or a range `3:7` (either end may be left out:
 * `:5` from the start, `3:` to the end); words in single or double quotes stay
 * together, spaces and all.
 */

/** The arguments of one `:`-command. */
export interface EditorArgs {
  /** The buffer's lines. */
  linebuffer: string[];
  nlines: number;
  /** The words after the line range (quoted groups kept whole, quotes included). */
  arglist: string[];
  /** The last line (0-based). */
  cline: number;
  /** The lines the command applies to: `[lstart, lend)`, 0-based. Without a range, the last line. */
  lstart: number;
  lend: number;
  /** True when a line or range was given. */
  linerange: boolean;
  /** `line 3` or `lines 3-7`, for messages. */
  lstr: string;
  /** The words after the range, joined by single spaces. */
  args: string;
  /** The first word, and the rest. */
  arg1: string;
  arg2: string;
}

const GROUPS = /".*?"|'.*?'|\S+/g;

const isInteger = (s: string) => /^-?\d+$/.test(s.trim());

/**
 * A word is a line range when both sides of its one colon are a whole number or
 * nothing, and not both nothing: `3:7`, `3:`, `:7`. A word like `http://x` or
 * `note:` is text (taken as a range it meant the whole buffer: `:dd note:` cleared it).
 */
const isRange = (word: string) => {
  const parts = word.split(":");
  return parts.length === 2 && parts.every((p) => p === "" || isInteger(p)) && parts.some((p) => p !== "");
};

/** Read `args` (what follows the command name) against `buffer`. */
export function parseEditorArgs(args: string, buffer: string): EditorArgs {
  const linebuffer = buffer.split("\n");
  const nlines = linebuffer.length;
  let arglist: string[] = [...(args.match(GROUPS) ?? [])];
  const cline = nlines - 1;
  let lstart = cline;
  let lend = cline + 1;
  let linerange = false;
  const first = arglist[0];
  if (first !== undefined && isRange(first)) {
    const [part1, part2] = first.split(":") as [string, string];
    lstart = isInteger(part1) ? Math.min(Math.max(1, Number(part1)), nlines) - 1 : 0;
    lend = isInteger(part2) ? Math.min(Math.max(lstart + 1, Number(part2)), nlines) : nlines;
    linerange = true;
  } else if (first !== undefined && /^\d+$/.test(first)) {
    lstart = Math.min(Math.max(0, Number(first) - 1), nlines);
    lend = lstart + 1;
    linerange = true;
  }
  if (linerange) arglist = arglist.slice(1);
  const lstr = !linerange || lstart + 1 === lend ? `line ${lstart + 1}` : `lines ${lstart + 1}-${lend}`;
  const joined = arglist.join(" ");
  const arg1 = arglist.length > 1 ? arglist[0]! : joined;
  const arg2 = arglist.length > 1 ? arglist.slice(1).join(" ") : "";
  return { linebuffer, nlines, arglist, cline, lstart, lend, linerange, lstr, args: joined, arg1, arg2 };
}

/** A word without the quotes around it. */
export function unquote(word: string): string {
  return word.replace(/^'+|'+$/g, "").replace(/^"+|"+$/g, "");
}
