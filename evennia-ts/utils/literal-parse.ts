/**
 * Reading a value a player typed as a Python literal, the way Evennia's `set`
 * command does with `ast.literal_eval` — without evaluating anything.
 *
 * | typed                         | value                                   |
 * |-------------------------------|-----------------------------------------|
 * | `5`, `-3`, `0x1f`, `1_000`    | a number (a bigint beyond 2^53)         |
 * | `1.5`, `.5`, `1e3`            | a number                                |
 * | `'text'`, `"text"`, `r'\d'`   | a string (Python escapes; adjacent strings join) |
 * | `True`, `False`, `None`       | `true`, `false`, `null`                 |
 * | `[1, 2]`, `(1, 2)`, `1, 2`    | an array (a tuple is an array too)      |
 * | `{'a': 1}`                    | a plain object                          |
 * | `{1: 'a'}`, `{(1, 2): 'b'}`   | a Map (keys that are not all strings)   |
 * | `{1, 2}`, `set()`             | a Set                                   |
 *
 * Anything else — a bare word, a syntax error, a complex number, bytes, a call —
 * is refused with a {@link LiteralSyntaxError} saying why; Evennia's `set` then
 * stores the text as a plain string. {@link formatLiteral} writes a value back in
 * the same notation, so what a builder reads can be typed again.
 */
import { EvenniaError } from "./errors.ts";

/**
 * Why a text is not a literal (code `EV_ERR_BAD_INPUT`); `position` is the offset in
 * the text where reading stopped.
 */
export class LiteralSyntaxError extends EvenniaError {
  constructor(
    message: string,
    /** Offset in the text where the problem is. */
    readonly position: number,
  ) {
    super("EV_ERR_BAD_INPUT", message);
  }
}

/** The deepest nesting {@link parseLiteral} reads (Python's own parser stops near here too). */
export const MAX_LITERAL_DEPTH = 100;

/** A value {@link parseLiteral} can return. */
export type LiteralValue =
  | string
  | number
  | bigint
  | boolean
  | null
  | LiteralValue[]
  | { [key: string]: LiteralValue }
  | Map<LiteralValue, LiteralValue>
  | Set<LiteralValue>;

/**
 * Read `text` as a Python literal (see the module comment for what maps to what).
 *
 * @throws LiteralSyntaxError when the text is not a literal.
 */
export function parseLiteral(text: string): LiteralValue {
  const reader = new LiteralReader(text);
  return reader.readAll();
}

/** {@link parseLiteral}, or `{ ok: false, error }` instead of throwing. */
export function tryParseLiteral(text: string): { ok: true; value: LiteralValue } | { ok: false; error: string } {
  try {
    return { ok: true, value: parseLiteral(text) };
  } catch (err) {
    if (err instanceof LiteralSyntaxError) return { ok: false, error: err.message };
    throw err;
  }
}

const IDENT_START = /[A-Za-z_]/;
const IDENT_PART = /[A-Za-z0-9_]/;
const DIGITS = { 16: /[0-9a-fA-F]/, 8: /[0-7]/, 2: /[01]/, 10: /[0-9]/ } as const;

/** A key of a dict while it is being read (kept apart to decide object or Map). */
interface DictEntry {
  key: LiteralValue;
  value: LiteralValue;
}

class LiteralReader {
  private pos = 0;
  private depth = 0;

  constructor(private readonly text: string) {}

  readAll(): LiteralValue {
    this.skipSpace(false);
    if (this.pos >= this.text.length) throw this.fail("nothing to read");
    // a bare tuple (`1, 2`) is a literal at the top level
    const first = this.readValue(false);
    this.skipSpace(false);
    let value: LiteralValue = first;
    if (this.peek() === ",") {
      const items: LiteralValue[] = [first];
      while (this.peek() === ",") {
        this.pos++;
        this.skipSpace(false);
        if (this.pos >= this.text.length) break;
        items.push(this.readValue(false));
        this.skipSpace(false);
      }
      value = items;
    }
    if (this.pos < this.text.length) throw this.fail(`unexpected ${describeChar(this.text[this.pos]!)}`);
    return value;
  }

  private peek(): string | undefined {
    return this.text[this.pos];
  }

  private fail(message: string, at = this.pos): LiteralSyntaxError {
    return new LiteralSyntaxError(`${message} (at character ${at + 1})`, at);
  }

  /** Skip blanks and comments; newlines only inside brackets (or after a `\` at a line end). */
  private skipSpace(inBrackets: boolean): void {
    const t = this.text;
    for (;;) {
      const c = t[this.pos];
      if (c === " " || c === "\t" || c === "\f") this.pos++;
      else if ((c === "\n" || c === "\r") && inBrackets) this.pos++;
      else if (c === "\\" && (t[this.pos + 1] === "\n" || (t[this.pos + 1] === "\r" && t[this.pos + 2] === "\n"))) this.pos += t[this.pos + 1] === "\n" ? 2 : 3;
      else if (c === "#") {
        while (this.pos < t.length && t[this.pos] !== "\n") this.pos++;
      } else return;
    }
  }

  private readValue(inBrackets: boolean): LiteralValue {
    this.skipSpace(inBrackets);
    const c = this.peek();
    if (c === undefined) throw this.fail("unexpected end of text");
    if (c === "[") return this.nested(() => this.readList());
    if (c === "(") return this.nested(() => this.readParens());
    if (c === "{") return this.nested(() => this.readBraces());
    if (c === "'" || c === '"') return this.readStrings("", inBrackets);
    if (c === "-" || c === "+") {
      const signAt = this.pos;
      this.pos++;
      this.skipSpace(inBrackets);
      const n = this.peek();
      if (n === undefined || !(/[0-9.]/.test(n))) throw this.fail("a sign must be followed by a number", signAt);
      const num = this.readNumber();
      if (c === "+") return num;
      return typeof num === "bigint" ? -num : -num;
    }
    if (/[0-9]/.test(c) || (c === "." && /[0-9]/.test(this.text[this.pos + 1] ?? ""))) return this.readNumber();
    if (IDENT_START.test(c)) return this.readName(inBrackets);
    throw this.fail(`unexpected ${describeChar(c)}`);
  }

  private nested<T>(read: () => T): T {
    if (++this.depth > MAX_LITERAL_DEPTH) throw this.fail(`nested more than ${MAX_LITERAL_DEPTH} levels deep`);
    try {
      return read();
    } finally {
      this.depth--;
    }
  }

  /** Items up to `close`, separated by commas (a trailing comma allowed); `sawComma` reports a comma. */
  private readItems(close: string): { items: LiteralValue[]; sawComma: boolean } {
    const items: LiteralValue[] = [];
    let sawComma = false;
    this.pos++; // opening bracket
    for (;;) {
      this.skipSpace(true);
      if (this.peek() === close) {
        this.pos++;
        return { items, sawComma };
      }
      items.push(this.readValue(true));
      this.skipSpace(true);
      const c = this.peek();
      if (c === ",") {
        sawComma = true;
        this.pos++;
      } else if (c === close) {
        this.pos++;
        return { items, sawComma };
      } else if (c === undefined) throw this.fail(`'${close}' was never closed`);
      else throw this.fail(`expected ',' or '${close}', found ${describeChar(c)}`);
    }
  }

  private readList(): LiteralValue[] {
    const items = this.readItems("]").items;
    listMarks.add(items);
    return items;
  }

  /** `(x)` is x; `(x,)`, `(x, y)` and `()` are tuples (arrays). */
  private readParens(): LiteralValue {
    const { items, sawComma } = this.readItems(")");
    if (items.length === 1 && !sawComma) return items[0]!;
    return items;
  }

  /** A dict (`{k: v}`) or a set (`{a, b}`); `{}` is an empty dict. */
  private readBraces(): LiteralValue {
    const openAt = this.pos;
    this.pos++;
    this.skipSpace(true);
    if (this.peek() === "}") {
      this.pos++;
      return {};
    }
    const first = this.readValue(true);
    this.skipSpace(true);
    if (this.peek() === ":") {
      const entries: DictEntry[] = [];
      let key = first;
      for (;;) {
        this.pos++; // ':'
        const value = this.readValue(true);
        entries.push({ key: this.hashable(key, openAt), value });
        this.skipSpace(true);
        let c = this.peek();
        if (c === ",") {
          this.pos++;
          this.skipSpace(true);
          c = this.peek();
          if (c === "}") break;
          key = this.readValue(true);
          this.skipSpace(true);
          if (this.peek() !== ":") throw this.fail("expected ':' after a dict key");
          continue;
        }
        if (c === "}") break;
        if (c === undefined) throw this.fail("'{' was never closed");
        throw this.fail(`expected ',' or '}', found ${describeChar(c)}`);
      }
      this.pos++; // '}'
      return buildDict(entries);
    }
    const items: LiteralValue[] = [this.hashable(first, openAt)];
    for (;;) {
      const c = this.peek();
      if (c === "}") {
        this.pos++;
        break;
      }
      if (c === undefined) throw this.fail("'{' was never closed");
      if (c !== ",") throw this.fail(`expected ',' or '}', found ${describeChar(c)}`);
      this.pos++;
      this.skipSpace(true);
      if (this.peek() === "}") continue;
      items.push(this.hashable(this.readValue(true), openAt));
      this.skipSpace(true);
    }
    const set = new Set<LiteralValue>();
    const seen = new Set<string>();
    for (const item of items) {
      const id = identity(item);
      if (!seen.has(id)) {
        seen.add(id);
        set.add(item);
      }
    }
    return set;
  }

  /** Dict keys and set members must be hashable in Python: no lists, dicts or sets. */
  private hashable(value: LiteralValue, at: number): LiteralValue {
    if (!isHashable(value)) throw this.fail("a list, dict or set cannot be a dict key or a set member (unhashable)", at);
    return value;
  }

  /** One string, or several written side by side (`'a' "b"` is `'ab'`). */
  private readStrings(first: string, inBrackets: boolean, raw = false): string {
    let out = first + this.readOneString(raw);
    for (;;) {
      const save = this.pos;
      this.skipSpace(inBrackets);
      const c = this.peek();
      if (c === "'" || c === '"') out += this.readOneString(false);
      else if (c !== undefined && /[rRuU]/.test(c) && (this.text[this.pos + 1] === "'" || this.text[this.pos + 1] === '"')) {
        this.pos++;
        out += this.readOneString(c === "r" || c === "R");
      } else {
        this.pos = save;
        return out;
      }
    }
  }

  private readOneString(raw: boolean): string {
    const t = this.text;
    const start = this.pos;
    const quote = t[this.pos]!;
    const triple = t.startsWith(quote.repeat(3), this.pos);
    const close = triple ? quote.repeat(3) : quote;
    this.pos += close.length;
    let out = "";
    for (;;) {
      if (this.pos >= t.length) throw this.fail("unterminated string", start);
      if (t.startsWith(close, this.pos)) {
        this.pos += close.length;
        return out;
      }
      const c = t[this.pos]!;
      if ((c === "\n" || c === "\r") && !triple) throw this.fail("unterminated string (a line ends inside it)", start);
      if (c !== "\\") {
        out += c;
        this.pos++;
        continue;
      }
      if (raw) {
        // a raw string keeps the backslash, and the character after it is never the end
        out += c + (t[this.pos + 1] ?? "");
        this.pos += 2;
        continue;
      }
      out += this.readEscape();
    }
  }

  private readEscape(): string {
    const t = this.text;
    const at = this.pos;
    const e = t[this.pos + 1];
    this.pos += 2;
    switch (e) {
      case undefined:
        throw this.fail("unterminated string", at);
      case "\n":
        return "";
      case "\r":
        if (t[this.pos] === "\n") this.pos++;
        return "";
      case "\\":
      case "'":
      case '"':
        return e;
      case "n":
        return "\n";
      case "t":
        return "\t";
      case "r":
        return "\r";
      case "a":
        return "\x07";
      case "b":
        return "\b";
      case "f":
        return "\f";
      case "v":
        return "\v";
      case "x":
        return this.hexEscape(2, at);
      case "u":
        return this.hexEscape(4, at);
      case "U":
        return this.hexEscape(8, at);
      case "N":
        throw this.fail("\\N{...} escapes are not supported", at);
      default:
        if (/[0-7]/.test(e)) {
          let digits = e;
          while (digits.length < 3 && /[0-7]/.test(t[this.pos] ?? "")) digits += t[this.pos++];
          return String.fromCodePoint(parseInt(digits, 8));
        }
        // Python keeps unknown escapes as they are
        return `\\${e}`;
    }
  }

  private hexEscape(length: number, at: number): string {
    const hex = this.text.slice(this.pos, this.pos + length);
    if (hex.length !== length || !/^[0-9a-fA-F]+$/.test(hex)) throw this.fail(`truncated \\${length === 2 ? "x" : length === 4 ? "u" : "U"} escape`, at);
    this.pos += length;
    const code = parseInt(hex, 16);
    if (code > 0x10ffff) throw this.fail("illegal Unicode character in an escape", at);
    return String.fromCodePoint(code);
  }

  private readNumber(): number | bigint {
    const t = this.text;
    const start = this.pos;
    if (t[this.pos] === "0" && /[xXoObB]/.test(t[this.pos + 1] ?? "")) {
      const letter = t[this.pos + 1]!.toLowerCase();
      const base = letter === "x" ? 16 : letter === "o" ? 8 : 2;
      this.pos += 2;
      const digits = this.readDigits(DIGITS[base], true);
      if (!digits) throw this.fail("invalid number", start);
      this.assertNumberEnds(start);
      return integer(BigInt(`0${letter}${digits}`));
    }
    const intPart = this.readDigits(DIGITS[10], false);
    let isFloat = false;
    let fraction = "";
    if (t[this.pos] === ".") {
      isFloat = true;
      this.pos++;
      fraction = this.readDigits(DIGITS[10], false);
      if (!intPart && !fraction) throw this.fail("invalid number", start);
    }
    let exponent = "";
    if (/[eE]/.test(t[this.pos] ?? "")) {
      const save = this.pos;
      this.pos++;
      let sign = "";
      if (t[this.pos] === "+" || t[this.pos] === "-") sign = t[this.pos++]!;
      const digits = this.readDigits(DIGITS[10], false);
      if (!digits) {
        this.pos = save;
        throw this.fail("invalid number (an exponent needs digits)", start);
      }
      isFloat = true;
      exponent = `e${sign}${digits}`;
    }
    if (/[jJ]/.test(t[this.pos] ?? "")) throw this.fail("complex numbers cannot be stored", start);
    this.assertNumberEnds(start);
    if (isFloat) return Number(`${intPart || "0"}.${fraction || "0"}${exponent}`);
    if (intPart.length > 1 && intPart.startsWith("0") && /[1-9]/.test(intPart)) {
      throw this.fail("leading zeros in a decimal number are not permitted (use 0o for octal)", start);
    }
    return integer(BigInt(intPart));
  }

  /** Digits with single underscores between them (`1_000`); `afterPrefix` allows `0x_ff`. */
  private readDigits(allowed: RegExp, afterPrefix: boolean): string {
    const t = this.text;
    let out = "";
    let lastUnderscore = false;
    if (afterPrefix && t[this.pos] === "_") {
      this.pos++;
      lastUnderscore = true;
    }
    while (this.pos < t.length) {
      const c = t[this.pos]!;
      if (allowed.test(c)) {
        out += c;
        lastUnderscore = false;
        this.pos++;
      } else if (c === "_" && !lastUnderscore && (out || afterPrefix) && allowed.test(t[this.pos + 1] ?? "")) {
        lastUnderscore = true;
        this.pos++;
      } else break;
    }
    if (lastUnderscore) throw this.fail("invalid number (misplaced '_')");
    return out;
  }

  private assertNumberEnds(start: number): void {
    const c = this.peek();
    if (c !== undefined && (IDENT_PART.test(c) || c === ".")) throw this.fail("invalid number", start);
  }

  /** `True`, `False`, `None`, `set()`, and string prefixes (`r'..'`, `u'..'`); other names are refused. */
  private readName(inBrackets: boolean): LiteralValue {
    const t = this.text;
    const start = this.pos;
    while (this.pos < t.length && IDENT_PART.test(t[this.pos]!)) this.pos++;
    const name = t.slice(start, this.pos);
    const next = t[this.pos];
    if ((next === "'" || next === '"') && name.length <= 2) {
      const prefix = name.toLowerCase();
      if (prefix === "r" || prefix === "u") {
        this.pos = start + name.length;
        return this.readStrings("", inBrackets, prefix === "r");
      }
      if (/^(b|br|rb)$/.test(prefix)) throw this.fail("bytes cannot be stored (leave out the b prefix)", start);
      if (/^(f|fr|rf)$/.test(prefix)) throw this.fail("f-strings are not literals", start);
    }
    switch (name) {
      case "True":
        return true;
      case "False":
        return false;
      case "None":
        return null;
      case "set": {
        const save = this.pos;
        this.skipSpace(inBrackets);
        if (t[this.pos] === "(") {
          this.pos++;
          this.skipSpace(true);
          if (t[this.pos] === ")") {
            this.pos++;
            return new Set();
          }
        }
        this.pos = save;
        break;
      }
    }
    throw this.fail(`'${name}' is not a literal (put quotes around text)`, start);
  }
}

/** A number when it fits exactly, else a bigint. */
function integer(n: bigint): number | bigint {
  return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n;
}

/** Arrays read from `[...]` (lists); those from `(...)` are tuples. Both are arrays, but only tuples are hashable. */
const listMarks = new WeakSet<LiteralValue[]>();

function isHashable(value: LiteralValue): boolean {
  if (Array.isArray(value)) return !listMarks.has(value) && value.every(isHashable);
  if (value instanceof Map || value instanceof Set) return false;
  if (typeof value === "object" && value !== null) return false;
  return true;
}

/** A stable text identity of a hashable value, for dict-key and set-member equality (1 == 1.0 == True, as Python). */
function identity(value: LiteralValue): string {
  if (typeof value === "boolean") return `n:${value ? 1 : 0}`;
  if (typeof value === "number" || typeof value === "bigint") return `n:${String(value)}`;
  if (typeof value === "string") return `s:${value}`;
  if (value === null) return "null";
  if (Array.isArray(value)) return `t:[${value.map(identity).join(",")}]`;
  return `?:${String(value)}`;
}

/** Every key a string: a plain object; otherwise a Map (later duplicates win, as in Python). */
function buildDict(entries: DictEntry[]): LiteralValue {
  if (entries.every((e) => typeof e.key === "string")) {
    const out: Record<string, LiteralValue> = {};
    for (const e of entries) out[e.key as string] = e.value;
    return out;
  }
  const byId = new Map<string, DictEntry>();
  for (const e of entries) {
    const id = identity(e.key);
    const seen = byId.get(id);
    if (seen) seen.value = e.value;
    else byId.set(id, { key: e.key, value: e.value });
  }
  return new Map([...byId.values()].map((e) => [e.key, e.value]));
}

function describeChar(c: string): string {
  if (c === "\n") return "end of line";
  return `'${c}'`;
}

// ---------------------------------------------------------------------------------------------
// Writing values back

/** Options of {@link formatLiteral}. */
export interface FormatLiteralOptions {
  /** How to write a value the notation has no form for (a game object...); default `String(value)`. */
  other?: (value: unknown) => string;
}

/**
 * Write `value` in the notation {@link parseLiteral} reads: `'text'`, `5`, `True`,
 * `None`, `[1, 2]`, `{'a': 1}`, `{1, 2}`, `set()`. Strings are quoted as Python's
 * `repr` quotes them. Values without a literal form (dates, game objects) go
 * through `options.other`.
 */
export function formatLiteral(value: unknown, options: FormatLiteralOptions = {}): string {
  return format(value, options, new Set());
}

/** A value as `str()` shows it in Python: a string as it is, anything else as {@link formatLiteral}. */
export function displayLiteral(value: unknown, options: FormatLiteralOptions = {}): string {
  return typeof value === "string" ? value : formatLiteral(value, options);
}

function format(value: unknown, options: FormatLiteralOptions, seen: Set<object>): string {
  switch (typeof value) {
    case "string":
      return quoteString(value);
    case "number":
      if (Number.isNaN(value)) return "nan";
      if (!Number.isFinite(value)) return value > 0 ? "inf" : "-inf";
      return Object.is(value, -0) ? "-0" : String(value);
    case "bigint":
      return value.toString();
    case "boolean":
      return value ? "True" : "False";
    case "undefined":
      return "None";
    case "object": {
      if (value === null) return "None";
      if (seen.has(value)) return "...";
      seen.add(value);
      try {
        if (Array.isArray(value)) return `[${value.map((v) => format(v, options, seen)).join(", ")}]`;
        if (value instanceof Set) return value.size === 0 ? "set()" : `{${[...value].map((v) => format(v, options, seen)).join(", ")}}`;
        if (value instanceof Map) return `{${[...value].map(([k, v]) => `${format(k, options, seen)}: ${format(v, options, seen)}`).join(", ")}}`;
        const proto: unknown = Object.getPrototypeOf(value);
        if (proto === Object.prototype || proto === null) {
          return `{${Object.entries(value as Record<string, unknown>).map(([k, v]) => `${quoteString(k)}: ${format(v, options, seen)}`).join(", ")}}`;
        }
        if (value instanceof Date) return Number.isNaN(value.getTime()) ? "Invalid Date" : value.toISOString();
        return options.other ? options.other(value) : String(value);
      } finally {
        seen.delete(value);
      }
    }
    default:
      return options.other ? options.other(value) : String(value);
  }
}

/** Quote as Python's `repr` does: single quotes unless the text has one and no double quote. */
function quoteString(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    if (ch === "\\") out += "\\\\";
    else if (ch === quote) out += `\\${quote}`;
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, "0")}`;
    else out += ch;
  }
  return out + quote;
}
