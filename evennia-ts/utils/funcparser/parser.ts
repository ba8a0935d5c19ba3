/**
 * The FuncParser, as Evennia's `evennia.utils.funcparser`: inline functions in
 * strings, `"You roll $random(1, 6)."`, `"$pad($upper(title), 20, c, -)"`.
 *
 * Grammar, in short:
 * - `$name(arg, arg, key=value)` calls the function registered as `name`; an
 *   unknown name, a call without its closing `)`, or a function that throws leaves
 *   the call's text as it was written.
 * - Arguments are trimmed; `"..."` or `'...'` at the start of an argument quotes it
 *   (commas, `=`, parentheses and `$` inside are plain text). Balanced `(...)`,
 *   `[...]` and `{...}` inside an argument are kept whole.
 * - A nested call's result is the argument itself when it fills the argument
 *   (a number stays a number), else it is joined into the argument's text.
 * - `\` escapes the next character (`\$upper(x)` is shown as `$upper(x)`), and
 *   `$$` is a literal `$`.
 *
 * Safe by default: nothing is evaluated but registered functions, nesting deeper
 * than `maxDepth` is left as text, at most `maxCalls` functions run per string, the
 * output is cut at `maxOutputLength` characters, and the parse gives up (leaving
 * the rest of the string as written) after `maxSteps` characters of work (read,
 * or made by the functions), so a hostile string costs a bounded amount of time
 * and memory.
 */
import { EvenniaError, isEvenniaError } from "../errors.ts";
import { getLogger } from "../logger.ts";

const log = getLogger("funcparser");

/** What every inline function gets besides its arguments: the values the caller of `parse` passed, and the parser. */
export interface FuncContext {
  /** Who the string is from (the actor of `$You()`), when the caller gave one. */
  caller?: unknown;
  /** Who will read the result, when the caller gave one. */
  receiver?: unknown;
  /** Objects named in the string (`$you(key)`), when the caller gave them. */
  mapping?: Record<string, unknown>;
  /** The parser running the function (its limits, its `random`). */
  parser: FuncParser;
  /** Anything else the caller of `parse` passed. */
  [key: string]: unknown;
}

/**
 * An inline function: positional arguments, keyword arguments (`key=value`), and the
 * context. It returns any value (shown as text at the top level) and may throw to
 * leave its call unparsed.
 */
export type InlineFunction = (args: unknown[], kwargs: Record<string, unknown>, context: FuncContext) => unknown;

/** Limits and options of a {@link FuncParser}. */
export interface FuncParserOptions {
  /** Deepest nesting of calls; deeper ones are left as text (default 10, Evennia's setting is 20). */
  maxDepth?: number;
  /** Most function calls per string; later ones are left as text (default 200). */
  maxCalls?: number;
  /** Longest result, in characters; longer output is cut (default 20000). */
  maxOutputLength?: number;
  /** Characters of parsing work per string (read, or made by functions) before the rest is left as written (default 200000). */
  maxSteps?: number;
  /** Random numbers in [0, 1) for `$random` and `$choice` (default `Math.random`). */
  random?: () => number;
}

/** Options of one {@link FuncParser.parse}. */
export interface ParseOptions {
  /** Throw `EV_ERR_BAD_INPUT` on an unknown function, a failing one, or a call left unclosed, instead of leaving it as text. */
  raiseErrors?: boolean;
  /**
   * Work shared by several parses of one text (one per receiver of a message): this
   * parse may spend at most `budget.steps` (and never more than `maxSteps`), and what
   * it spends is taken off. Without it, a hostile string costs `maxSteps` for every
   * receiver; with it, what one message costs is bounded however many hear it.
   */
  budget?: { steps: number };
}

/** Names an inline function may have. */
const NAME = /[A-Za-z_][A-Za-z0-9_]*/y;
const ESCAPE = "\\";
const START = "$";
const OPENERS: Record<string, string> = { "(": ")", "[": "]", "{": "}" };
const CLOSERS = new Set([")", "]", "}"]);

/** The state of one `parse` call. */
interface Run {
  text: string;
  context: FuncContext;
  raiseErrors: boolean;
  calls: number;
  steps: number;
  /** Most steps this parse may take (`maxSteps`, or less with a shared budget). */
  limit: number;
  /** Positions of `$` whose call ran to the end of the string unclosed. */
  unclosed: Set<number>;
}

/** One argument being read: its text and nested values, and its keyword if any. */
interface ArgParts {
  parts: unknown[];
  key: string | null;
  quoted: boolean;
}

/** A parser with a set of registered inline functions. */
export class FuncParser {
  private readonly functions = new Map<string, InlineFunction>();
  /** Deepest nesting of calls. */
  readonly maxDepth: number;
  /** Most function calls per string. */
  readonly maxCalls: number;
  /** Longest result, in characters. */
  readonly maxOutputLength: number;
  /** Parsing work per string, in characters. */
  readonly maxSteps: number;
  /** Random numbers in [0, 1). */
  readonly random: () => number;

  constructor(functions: Record<string, InlineFunction> = {}, options: FuncParserOptions = {}) {
    this.maxDepth = Math.max(1, options.maxDepth ?? 10);
    this.maxCalls = Math.max(0, options.maxCalls ?? 200);
    this.maxOutputLength = Math.max(1, options.maxOutputLength ?? 20_000);
    this.maxSteps = Math.max(1, options.maxSteps ?? 200_000);
    this.random = options.random ?? Math.random;
    for (const [name, fn] of Object.entries(functions)) this.register(name, fn);
  }

  /** Make `$name(...)` call `fn` (replacing a function of that name). */
  register(name: string, fn: InlineFunction): this {
    NAME.lastIndex = 0;
    const match = NAME.exec(name);
    if (!match || match[0] !== name) throw new EvenniaError("EV_ERR_BAD_INPUT", `"${name}" is not a valid inline function name (letters, digits and _)`);
    this.functions.set(name, fn);
    return this;
  }

  /** Stop `$name(...)` from being a function. */
  unregister(name: string): void {
    this.functions.delete(name);
  }

  /** The registered function names, sorted. */
  names(): string[] {
    return [...this.functions.keys()].sort();
  }

  /** The function registered as `name`. */
  get(name: string): InlineFunction | undefined {
    return this.functions.get(name);
  }

  /**
   * Run the inline functions in `text`. `context` reaches every function (`caller`,
   * `receiver`, `mapping`, or your own values). Never throws unless `raiseErrors`.
   */
  parse(text: string, context: Omit<FuncContext, "parser"> = {}, options: ParseOptions = {}): string {
    const source = String(text);
    if (!source.includes(START) && !source.includes(ESCAPE)) return source;
    const run: Run = {
      text: source,
      context: { ...context, parser: this },
      raiseErrors: options.raiseErrors ?? false,
      calls: 0,
      steps: 0,
      limit: options.budget ? Math.max(0, Math.min(this.maxSteps, Math.floor(options.budget.steps) || 0)) : this.maxSteps,
      unclosed: new Set(),
    };
    let out = "";
    let pos = 0;
    try {
      while (pos < source.length && out.length <= this.maxOutputLength) {
        this.step(run);
        const ch = source[pos]!;
        if (ch === ESCAPE && pos + 1 < source.length) {
          out += source[pos + 1];
          pos += 2;
          continue;
        }
        if (ch === START && source[pos + 1] === START) {
          out += START;
          pos += 2;
          continue;
        }
        if (ch === START) {
          const call = this.readCall(run, pos, 1);
          if (call) {
            out += String(call.value ?? "");
            pos = call.end;
            continue;
          }
        }
        out += ch;
        pos++;
      }
      if (pos < source.length) out += source.slice(pos);
    } catch (err) {
      // the work budget ran out (any other error goes on)
      if (!(isEvenniaError(err, "EV_ERR_LIMIT") && run.steps > run.limit)) throw err;
      // once per message, not once per receiver of a shared budget that is spent
      if (run.limit === this.maxSteps) log.warn(`a string of ${source.length} characters took too much parsing; the rest is left as written`);
      out += source.slice(pos);
    } finally {
      if (options.budget) options.budget.steps = Math.max(0, options.budget.steps - Math.min(run.steps, run.limit));
    }
    return out.length > this.maxOutputLength ? out.slice(0, this.maxOutputLength) : out;
  }

  /** `text` with every `$` and `\` escaped, so that parsing it gives it back unchanged (untrusted text inside a template). */
  static escape(text: string): string {
    return String(text).replace(/[\\$]/g, (c) => ESCAPE + c);
  }

  private step(run: Run): void {
    if (++run.steps > run.limit) throw new EvenniaError("EV_ERR_LIMIT", `parsing took more than ${run.limit} steps`);
  }

  /**
   * Read and run the call whose `$` is at `start`. Returns its value and where it
   * ends, or null when it is not a call (no name, no `(`, unclosed, too deep) and the
   * `$` is plain text.
   */
  private readCall(run: Run, start: number, depth: number): { value: unknown; end: number } | null {
    const { text } = run;
    if (depth > this.maxDepth || run.unclosed.has(start)) return null;
    NAME.lastIndex = start + 1;
    const name = NAME.exec(text)?.[0];
    if (!name || text[start + 1 + name.length] !== "(") return null;
    let pos = start + 1 + name.length + 1;
    const args: unknown[] = [];
    const kwargs: Record<string, unknown> = {};
    for (;;) {
      const arg = this.readArg(run, pos, depth);
      if (!arg) {
        run.unclosed.add(start);
        if (run.raiseErrors) throw new EvenniaError("EV_ERR_BAD_INPUT", `$${name}( is never closed with ")"`);
        return null;
      }
      pos = arg.end + 1;
      const value = argValue(arg.parts);
      // defined, not assigned: `__proto__=$fn()` would make the value (an object a game's
      // function returned) the prototype of kwargs, so every option read would come from it
      if (arg.parts.key !== null) Object.defineProperty(kwargs, arg.parts.key, { value, writable: true, enumerable: true, configurable: true });
      else if (arg.parts.quoted || value !== "" || arg.parts.parts.some((p) => typeof p !== "string")) args.push(value);
      if (arg.terminator === ")") break;
    }
    const raw = text.slice(start, pos);
    return { value: this.execute(run, name, args, kwargs, raw), end: pos };
  }

  /**
   * Read one argument from `pos` up to its `,` or the call's `)`. Returns null when
   * the string ends first.
   */
  private readArg(run: Run, from: number, depth: number): { parts: ArgParts; end: number; terminator: "," | ")" } | null {
    const { text } = run;
    const arg: ArgParts = { parts: [], key: null, quoted: false };
    let buffer = "";
    let pos = from;
    const nesting: string[] = [];
    // The first `=` outside brackets decides whether this argument has a keyword: after
    // it the text holds "=" and can never be a name. Testing the buffer again at every
    // later `=` cost (length × count) uncounted work: `$a(aaa…a b===…=)` took seconds.
    let keywordDecided = false;
    const flush = () => {
      if (buffer) arg.parts.push(buffer);
      buffer = "";
    };
    // a quote opens only as the first thing of the argument (or of its value after `key=`)
    const atStart = () => arg.parts.length === 0 && buffer.trim() === "";
    while (pos < text.length) {
      this.step(run);
      const ch = text[pos]!;
      if (ch === ESCAPE && pos + 1 < text.length) {
        buffer += text[pos + 1];
        pos += 2;
        continue;
      }
      if ((ch === '"' || ch === "'") && atStart() && !arg.quoted) {
        const close = findQuoteEnd(text, pos + 1, ch);
        if (close < 0) return null;
        run.steps += close - pos;
        buffer = unescape(text.slice(pos + 1, close));
        arg.quoted = true;
        flush();
        pos = close + 1;
        continue;
      }
      if (ch === START && text[pos + 1] === START) {
        buffer += START;
        pos += 2;
        continue;
      }
      if (ch === START) {
        const call = this.readCall(run, pos, depth + 1);
        if (call) {
          flush();
          arg.parts.push(call.value);
          pos = call.end;
          continue;
        }
        buffer += ch;
        pos++;
        continue;
      }
      if (nesting.length === 0) {
        if (ch === "," || ch === ")") {
          flush();
          return { parts: arg, end: pos, terminator: ch };
        }
        if (ch === "=" && !keywordDecided) {
          keywordDecided = true;
          if (arg.key === null && !arg.quoted && arg.parts.length === 0 && /^\s*[A-Za-z_][A-Za-z0-9_]*\s*$/.test(buffer)) {
            arg.key = buffer.trim();
            buffer = "";
            pos++;
            continue;
          }
        }
      }
      if (ch in OPENERS) nesting.push(OPENERS[ch]!);
      else if (CLOSERS.has(ch) && nesting[nesting.length - 1] === ch) nesting.pop();
      buffer += ch;
      pos++;
    }
    return null;
  }

  private execute(run: Run, name: string, args: unknown[], kwargs: Record<string, unknown>, raw: string): unknown {
    const fn = this.functions.get(name);
    if (!fn) {
      if (run.raiseErrors) throw new EvenniaError("EV_ERR_BAD_INPUT", `unknown inline function $${name}() (known: ${this.names().join(", ")})`);
      return raw;
    }
    if (run.calls >= this.maxCalls) {
      if (run.raiseErrors) throw new EvenniaError("EV_ERR_LIMIT", `more than ${this.maxCalls} inline function calls in one string`);
      return raw;
    }
    run.calls++;
    let value: unknown;
    try {
      value = fn(args, kwargs, run.context);
    } catch (err) {
      if (run.raiseErrors && err instanceof EvenniaError) throw err;
      if (run.raiseErrors) throw new EvenniaError("EV_ERR_BAD_INPUT", `$${name}() failed: ${(err as Error)?.message ?? String(err)}`, { cause: err });
      log.debug(`inline function $${name}() failed; left as written`, err);
      return raw;
    }
    if (typeof value !== "string") return value;
    const text = value.length > this.maxOutputLength ? value.slice(0, this.maxOutputLength) : value;
    // Text a function makes is work too: it is copied into the argument that holds it (and
    // that one's result, level after level). Uncharged, `$upper($space(20000)$space(20000)…)`
    // in a short pose built megabytes per receiver within the step budget.
    run.steps += text.length;
    if (run.steps > run.limit) throw new EvenniaError("EV_ERR_LIMIT", `parsing took more than ${run.limit} steps`);
    return text;
  }
}

/** The value of an argument: a lone nested value as it is, else the joined, trimmed text. */
function argValue(arg: ArgParts): unknown {
  const parts = arg.parts;
  if (arg.quoted && parts.length === 1) return parts[0];
  const meaningful = parts.filter((p) => !(typeof p === "string" && p.trim() === ""));
  if (meaningful.length === 1 && typeof meaningful[0] !== "string") return meaningful[0];
  const joined = parts.map((p) => String(p ?? "")).join("");
  return arg.quoted ? joined : joined.trim();
}

/** Index of the quote closing one opened before `from` (a `\` escapes), or -1. */
function findQuoteEnd(text: string, from: number, quote: string): number {
  for (let i = from; i < text.length; i++) {
    if (text[i] === ESCAPE) i++;
    else if (text[i] === quote) return i;
  }
  return -1;
}

/** Drop the escaping `\` of quoted text. */
function unescape(text: string): string {
  return text.replace(/\\(.)/gs, "$1");
}
