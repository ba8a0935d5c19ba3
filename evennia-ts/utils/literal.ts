/**
 * A safe literal parser: the values a builder may type into a command
 * (`spawn {"key": "a red ball", "tags": ["toy"]}`), as Evennia's `literal_eval`
 * accepts them. Nothing is evaluated: only data comes out.
 *
 * It reads JSON, and the Python forms builders bring from Evennia's docs:
 * single-quoted strings, `True`/`False`/`None`, tuples `(a, b)` (as arrays),
 * and a trailing comma in lists and objects.
 *
 *     parseLiteral(`{'key': 'goblin', 'attrs': [('hp', 10)], 'flying': False}`)
 *     // { key: "goblin", attrs: [["hp", 10]], flying: false }
 */
import { EvenniaError } from "./errors.ts";

/** A value {@link parseLiteral} can give. */
export type LiteralValue = string | number | boolean | null | LiteralValue[] | { [key: string]: LiteralValue };

/** Deepest nesting accepted (lists in objects in lists ...). */
const MAX_DEPTH = 64;

const WORDS: Record<string, LiteralValue> = { true: true, false: false, null: null, True: true, False: false, None: null };

/**
 * Parse `text` as one literal value. Throws `EV_ERR_BAD_INPUT` saying where the
 * text stops being a literal.
 */
export function parseLiteral(text: string): LiteralValue {
  const parser = new LiteralParser(text);
  const value = parser.value(0);
  parser.skipSpace();
  if (!parser.atEnd()) parser.fail("unexpected text after the value");
  return value;
}

/** True when `text` parses as a literal (see {@link parseLiteral}). */
export function isLiteral(text: string): boolean {
  try {
    parseLiteral(text);
    return true;
  } catch {
    return false;
  }
}

class LiteralParser {
  private pos = 0;

  constructor(private readonly text: string) {}

  atEnd(): boolean {
    return this.pos >= this.text.length;
  }

  fail(what: string): never {
    throw new EvenniaError("EV_ERR_BAD_INPUT", `${what} at character ${this.pos + 1}: ${JSON.stringify(this.text.slice(this.pos, this.pos + 20))}`);
  }

  skipSpace(): void {
    while (!this.atEnd() && /\s/.test(this.text[this.pos]!)) this.pos++;
  }

  value(depth: number): LiteralValue {
    if (depth > MAX_DEPTH) this.fail("the value is nested too deeply");
    this.skipSpace();
    const ch = this.text[this.pos];
    if (ch === undefined) this.fail("a value is missing");
    if (ch === "{") return this.object(depth);
    if (ch === "[") return this.sequence("]", depth);
    if (ch === "(") return this.sequence(")", depth);
    if (ch === '"' || ch === "'") return this.string();
    if (/[-+\d.]/.test(ch)) return this.number();
    const word = /^[A-Za-z_]\w*/.exec(this.text.slice(this.pos))?.[0];
    if (word !== undefined && Object.hasOwn(WORDS, word)) {
      this.pos += word.length;
      return WORDS[word]!;
    }
    return this.fail(word ? `'${word}' is not a value (put quotes around text)` : "not a value");
  }

  private object(depth: number): LiteralValue {
    this.pos++;
    const out: Record<string, LiteralValue> = {};
    for (;;) {
      this.skipSpace();
      if (this.text[this.pos] === "}") {
        this.pos++;
        return out;
      }
      const key = this.value(depth + 1);
      if (typeof key !== "string" && typeof key !== "number") this.fail("an object key must be text or a number");
      this.skipSpace();
      if (this.text[this.pos] !== ":") this.fail("expected ':' after an object key");
      this.pos++;
      const value = this.value(depth + 1);
      // no prototype pollution: keys are plain data
      Object.defineProperty(out, String(key), { value, enumerable: true, writable: true, configurable: true });
      this.skipSpace();
      const next = this.text[this.pos];
      if (next === ",") this.pos++;
      else if (next !== "}") this.fail("expected ',' or '}'");
    }
  }

  private sequence(close: "]" | ")", depth: number): LiteralValue {
    this.pos++;
    const out: LiteralValue[] = [];
    for (;;) {
      this.skipSpace();
      if (this.text[this.pos] === close) {
        this.pos++;
        return out;
      }
      out.push(this.value(depth + 1));
      this.skipSpace();
      const next = this.text[this.pos];
      if (next === ",") this.pos++;
      else if (next !== close) this.fail(`expected ',' or '${close}'`);
    }
  }

  private string(): string {
    const quote = this.text[this.pos]!;
    this.pos++;
    let out = "";
    for (;;) {
      const ch = this.text[this.pos];
      if (ch === undefined) this.fail("the text is not closed with a quote");
      this.pos++;
      if (ch === quote) return out;
      if (ch !== "\\") {
        out += ch;
        continue;
      }
      const esc = this.text[this.pos++];
      const simple: Record<string, string> = { n: "\n", t: "\t", r: "\r", b: "\b", f: "\f", "\\": "\\", "/": "/", '"': '"', "'": "'" };
      if (esc !== undefined && Object.hasOwn(simple, esc)) out += simple[esc];
      else if (esc === "u" && /^[0-9a-fA-F]{4}$/.test(this.text.slice(this.pos, this.pos + 4))) {
        out += String.fromCharCode(parseInt(this.text.slice(this.pos, this.pos + 4), 16));
        this.pos += 4;
      } else this.fail("unknown escape in text");
    }
  }

  private number(): number {
    const match = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?/.exec(this.text.slice(this.pos));
    if (!match) this.fail("not a number");
    this.pos += match[0].length;
    return Number(match[0]);
  }
}
