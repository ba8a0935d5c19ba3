/**
 * Nick templates: the pattern a player types with `nick` (`tell $1 $2`, `gr*`,
 * `tm?$1`) and the replacement it maps to (`page $1=$2`). The pattern language is
 * Evennia's: shell-style wildcards as Python's `fnmatch` reads them, plus `$N`
 * argument markers —
 *
 * - `$1` … `$99` catch at least one character, as few as possible (the last one
 *   catches the rest of the line); the replacement puts them back where its own
 *   `$N` stand; both sides must use the same markers;
 * - `*` matches anything (also nothing), `?` exactly one character,
 *   `[abc]`, `[a-z]` one of these, `[!abc]` one character not among these;
 * - whitespace matches one or more whitespace characters;
 * - everything else matches itself, ignoring case; a pattern matches the whole line
 *   (trailing line breaks aside).
 *
 * Unlike Evennia, a pattern is never turned into a regular expression: a player's
 * pattern is matched by {@link matchNickPattern}, a dynamic-programming matcher
 * whose work is bounded by (pattern tokens × line length), so no pattern can make
 * matching blow up (`*a*a*a*a*b` on a long line is as cheap as `hi`). Patterns,
 * replacements and the lines they are tried on have length limits ({@link NICK_LIMITS}).
 */
import { EvenniaError } from "../utils/errors.ts";

/** Sizes beyond which nicks are refused (patterns, replacements) or not tried (lines). */
export const NICK_LIMITS = {
  /** Longest nick pattern, in characters. */
  patternLength: 200,
  /** Longest replacement, in characters. */
  replacementLength: 1000,
  /** Longest line nicks are tried on; longer lines are left as they are. */
  inputLength: 10_000,
  /** Longest result of a replacement; a nick that would make a longer one does not apply. */
  outputLength: 20_000,
  /** Most nicks an object keeps in one category. */
  perCategory: 200,
  /**
   * Work one replacement may do, in table cells (pattern tokens × line length, summed over
   * the nicks tried); nicks beyond it are not tried for that line.
   */
  cellsPerLine: 4_000_000,
} as const;

/** What matching may still spend (see `NICK_LIMITS.cellsPerLine`); shared by the nicks tried on one line. */
export interface NickMatchBudget {
  cells: number;
  /** Set once a match was not tried for lack of budget. */
  exhausted?: boolean;
}

/** A nick pattern or replacement that cannot be used (Evennia's `NickTemplateInvalid`); code `EV_ERR_BAD_INPUT`. */
export class NickTemplateInvalid extends EvenniaError {
  constructor(
    /** What is wrong: `markers` (the two sides' `$N` differ), `repeated` (a `$N` twice in the pattern), `empty` or `length`. */
    readonly reason: "markers" | "repeated" | "empty" | "length",
    message: string,
  ) {
    super("EV_ERR_BAD_INPUT", message);
  }
}

/** One piece of a parsed pattern. */
export type NickToken =
  | { kind: "char"; lower: string; upper: string }
  | { kind: "any" }
  | { kind: "set"; negated: boolean; singles: string; ranges: [string, string][] }
  | { kind: "space" }
  | { kind: "star" }
  | { kind: "arg"; n: number };

/** A parsed pattern. */
export interface CompiledNickPattern {
  readonly tokens: readonly NickToken[];
  /** The argument numbers the pattern catches, in order of appearance. */
  readonly args: readonly number[];
  /** Characters a line needs at least to match. */
  readonly minLength: number;
}

const ARG_MARKER = /\$([1-9][0-9]?)/g;
const WHITESPACE = /\s/;

/** The `$N` numbers in a text, in order (repeats kept). */
export function nickArgNumbers(text: string): number[] {
  return [...text.matchAll(ARG_MARKER)].map((m) => Number(m[1]));
}

/**
 * Parse `pattern` into tokens.
 *
 * @throws NickTemplateInvalid when it is empty, too long, or uses one `$N` twice.
 */
export function compileNickPattern(pattern: string): CompiledNickPattern {
  const text = String(pattern).trim();
  if (!text) throw new NickTemplateInvalid("empty", "Nicks: the pattern is empty.");
  if (text.length > NICK_LIMITS.patternLength) throw new NickTemplateInvalid("length", `Nicks: a pattern may be at most ${NICK_LIMITS.patternLength} characters long.`);
  const tokens: NickToken[] = [];
  const args: number[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (WHITESPACE.test(ch)) {
      while (i < text.length && WHITESPACE.test(text[i]!)) i++;
      tokens.push({ kind: "space" });
      continue;
    }
    if (ch === "$") {
      const m = /^\$([1-9][0-9]?)/.exec(text.slice(i, i + 3));
      if (m) {
        const n = Number(m[1]);
        if (args.includes(n)) throw new NickTemplateInvalid("repeated", `Nicks: $${n} can appear only once in the pattern.`);
        args.push(n);
        tokens.push({ kind: "arg", n });
        i += m[0].length;
        continue;
      }
    }
    if (ch === "*") {
      // consecutive stars match what one does
      if (tokens.at(-1)?.kind !== "star") tokens.push({ kind: "star" });
      i++;
      continue;
    }
    if (ch === "?") {
      tokens.push({ kind: "any" });
      i++;
      continue;
    }
    if (ch === "[") {
      const set = parseSet(text, i);
      if (set) {
        tokens.push(set.token);
        i = set.end;
        continue;
      }
    }
    tokens.push({ kind: "char", lower: ch.toLowerCase(), upper: ch.toUpperCase() });
    i++;
  }
  const minLength = tokens.filter((t) => t.kind !== "star").length;
  return { tokens, args, minLength };
}

/** `[...]` at `start` as fnmatch reads it; null when it never closes (then `[` is literal). */
function parseSet(text: string, start: number): { token: NickToken; end: number } | null {
  let j = start + 1;
  if (text[j] === "!") j++;
  if (text[j] === "]") j++;
  while (j < text.length && text[j] !== "]") j++;
  if (j >= text.length) return null;
  let body = text.slice(start + 1, j);
  const negated = body.startsWith("!");
  if (negated) body = body.slice(1);
  const ranges: [string, string][] = [];
  let singles = "";
  for (let k = 0; k < body.length; k++) {
    const from = body[k]!;
    if (body[k + 1] === "-" && k + 2 < body.length) {
      const to = body[k + 2]!;
      if (from <= to) ranges.push([from, to]);
      k += 2;
    } else singles += from;
  }
  return { token: { kind: "set", negated, singles, ranges }, end: j + 1 };
}

function setHas(token: Extract<NickToken, { kind: "set" }>, ch: string): boolean {
  const forms = new Set([ch, ch.toLowerCase(), ch.toUpperCase()]);
  let found = false;
  for (const c of forms) {
    if (token.singles.includes(c) || token.ranges.some(([a, b]) => c >= a && c <= b)) {
      found = true;
      break;
    }
  }
  return found !== token.negated;
}

/** Does the one-character token `token` accept `ch`? */
function accepts(token: NickToken, ch: string): boolean {
  switch (token.kind) {
    case "char":
      return ch === token.lower || ch === token.upper || ch.toLowerCase() === token.lower;
    case "any":
    case "star":
    case "arg":
      return true;
    case "set":
      return setHas(token, ch);
    case "space":
      return WHITESPACE.test(ch);
  }
}

const repeats = (t: NickToken) => t.kind === "star" || t.kind === "arg" || t.kind === "space";

/**
 * Match `line` against a compiled pattern. Returns the text each `$N` caught, or null
 * when the line does not match. Quantifiers behave as in Evennia's regular
 * expressions: `$N` catch as little as they can, `*` and whitespace as much.
 * Lines longer than `NICK_LIMITS.inputLength` never match; with a `budget`, a match
 * that would cost more than is left is not tried (null, and `budget.exhausted` set).
 */
export function matchNickPattern(compiled: CompiledNickPattern, line: string, budget?: NickMatchBudget): Map<number, string> | null {
  const n = line.length;
  if (n > NICK_LIMITS.inputLength || n < compiled.minLength) return null;
  const tokens = compiled.tokens;
  const first = tokens[0];
  if (first && !repeats(first) && (n === 0 || !accepts(first, line[0]!))) return null;
  const width = n + 1;
  const t = tokens.length;
  if (budget) {
    const cost = (t + 1) * width;
    if (cost > budget.cells) {
      budget.exhausted = true;
      return null;
    }
    budget.cells -= cost;
  }
  // ok[i * width + p]: tokens i.. can match line[p..] (followed by line breaks only)
  const ok = new Uint8Array((t + 1) * width);
  let tailBreaks = n;
  while (tailBreaks > 0 && (line[tailBreaks - 1] === "\n" || line[tailBreaks - 1] === "\r")) tailBreaks--;
  for (let p = tailBreaks; p <= n; p++) ok[t * width + p] = 1;
  for (let i = t - 1; i >= 0; i--) {
    const token = tokens[i]!;
    const row = i * width;
    const next = (i + 1) * width;
    if (token.kind === "star") {
      ok[row + n] = ok[next + n]!;
      for (let p = n - 1; p >= 0; p--) ok[row + p] = ok[next + p]! | ok[row + p + 1]!;
    } else if (token.kind === "arg" || token.kind === "space") {
      ok[row + n] = 0;
      for (let p = n - 1; p >= 0; p--) {
        ok[row + p] = accepts(token, line[p]!) ? ok[next + p + 1]! | ok[row + p + 1]! : 0;
      }
    } else {
      ok[row + n] = 0;
      for (let p = n - 1; p >= 0; p--) ok[row + p] = accepts(token, line[p]!) ? ok[next + p + 1]! : 0;
    }
  }
  if (!ok[0]) return null;
  // walk the table, choosing as the regular expression would
  const caught = new Map<number, string>();
  let p = 0;
  for (let i = 0; i < t; i++) {
    const token = tokens[i]!;
    const next = (i + 1) * width;
    if (token.kind === "arg") {
      let end = p + 1;
      while (!ok[next + end]) end++;
      caught.set(token.n, line.slice(p, end));
      p = end;
    } else if (token.kind === "star" || token.kind === "space") {
      // as much as it can: the furthest end from which the rest still matches
      let end = -1;
      for (let q = token.kind === "star" ? p : p + 1; q <= n; q++) {
        if (q > p && !accepts(token, line[q - 1]!)) break;
        if (ok[next + q]) end = q;
      }
      p = end;
    } else p++;
  }
  return caught;
}

/**
 * The replacement as Evennia stores it: `$N` become `{argN}` (Python `format`
 * fields), literal braces are doubled.
 */
export function nickReplacementTemplate(replacement: string): string {
  return replacement.replace(/[{}]/g, (b) => b + b).replace(ARG_MARKER, (_, n: string) => `{arg${n}}`);
}

/**
 * Fill a template made by {@link nickReplacementTemplate} with what the `$N` caught
 * (a marker that caught nothing gives ""). Returns null when the result would be
 * longer than `NICK_LIMITS.outputLength`.
 */
export function fillNickTemplate(template: string, caught: ReadonlyMap<number, string>): string | null {
  let out = "";
  let i = 0;
  while (i < template.length) {
    const ch = template[i]!;
    if ((ch === "{" || ch === "}") && template[i + 1] === ch) {
      out += ch;
      i += 2;
    } else if (ch === "{") {
      const m = /^\{arg([1-9][0-9]?)\}/.exec(template.slice(i, i + 8));
      if (m) {
        out += caught.get(Number(m[1])) ?? "";
        i += m[0].length;
      } else {
        out += ch;
        i++;
      }
    } else {
      out += ch;
      i++;
    }
    if (out.length > NICK_LIMITS.outputLength) return null;
  }
  return out;
}

/**
 * Check a pattern and replacement for use together (Evennia's
 * `initialize_nick_templates`): both must be within the length limits and use the
 * same `$N` markers. Returns the compiled pattern and the replacement template.
 *
 * @throws NickTemplateInvalid
 */
export function initializeNickTemplates(pattern: string, replacement: string): { compiled: CompiledNickPattern; template: string } {
  const compiled = compileNickPattern(pattern);
  const repl = String(replacement);
  if (repl.length > NICK_LIMITS.replacementLength) throw new NickTemplateInvalid("length", `Nicks: a replacement may be at most ${NICK_LIMITS.replacementLength} characters long.`);
  const inPattern = new Set(compiled.args);
  const inReplacement = new Set(nickArgNumbers(repl));
  if (inPattern.size !== inReplacement.size || [...inPattern].some((n) => !inReplacement.has(n))) {
    throw new NickTemplateInvalid("markers", "Nicks: Both in/out-templates must contain the same $N tags.");
  }
  return { compiled, template: nickReplacementTemplate(repl) };
}
