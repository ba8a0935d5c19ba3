/**
 * The standard inline functions (Evennia's `FUNCPARSER_CALLABLES`, without `$eval`):
 * text (`$upper`, `$lower`, `$pad`, `$crop`, `$space`, `$clr`, `$an`, `$pluralize`,
 * `$int2str`), numbers (`$round`, `$toint`, `$add`, `$sub`, `$mult`, `$div`),
 * chance (`$random`, `$randint`, `$choice`) and `$time`. Each is an
 * {@link InlineFunction}; numbers and widths are clamped to the parser's output
 * limit, so `$space(999999999)` cannot eat the memory.
 */
import { EvenniaError } from "../errors.ts";
import { numberToWords, pluralize, withArticle } from "../inflect.ts";
import { cropMarkup, padMarkup, type Align } from "../text/markup.ts";
import type { FuncContext, InlineFunction } from "./parser.ts";

/** Evennia's `CLIENT_DEFAULT_WIDTH`, the width `$pad` and `$crop` use when none is given. */
const DEFAULT_WIDTH = 78;

/** A number from an argument ("3", 3, " 4.5 "), or NaN. */
function toNumber(value: unknown): number {
  if (typeof value === "number") return value;
  if (typeof value === "string" && value.trim() !== "") return Number(value.trim());
  return Number.NaN;
}

/** A whole number from an argument, or `fallback`. */
function toInt(value: unknown, fallback: number): number {
  const n = toNumber(value);
  return Number.isFinite(n) ? Math.trunc(n) : fallback;
}

/** A width clamped to [0, the parser's output limit]. */
function width(value: unknown, context: FuncContext, fallback = DEFAULT_WIDTH): number {
  return Math.min(Math.max(0, toInt(value, fallback)), context.parser.maxOutputLength);
}

/** True when the argument was written as a float ("5.0"). */
function isFloatText(value: unknown): boolean {
  return (typeof value === "string" && value.includes(".")) || (typeof value === "number" && !Number.isInteger(value));
}

/** Keyword `name`, else positional `index`, else `fallback`. */
function option(args: unknown[], kwargs: Record<string, unknown>, name: string, index: number, fallback: unknown): unknown {
  if (name in kwargs) return kwargs[name];
  return index < args.length ? args[index] : fallback;
}

/** Two numbers through `op`; "" when either is not a number. */
function arithmetic(op: (a: number, b: number) => number): InlineFunction {
  return (args) => {
    if (args.length < 2) return "";
    const [a, b] = [toNumber(args[0]), toNumber(args[1])];
    if (!Number.isFinite(a) || !Number.isFinite(b)) return "";
    const result = op(a, b);
    return Number.isFinite(result) ? result : "";
  };
}

/** `$random()` [0,1) float; `$random(max)`, `$random(min, max)` whole numbers, inclusive; floats when either is written with a dot. */
const random: InlineFunction = (args, _kwargs, context) => {
  const rnd = context.parser.random;
  if (args.length === 0) return rnd();
  const [minArg, maxArg] = args.length === 1 ? [0, args[0]] : [args[0], args[1]];
  const min = toNumber(minArg);
  const max = toNumber(maxArg);
  if (!Number.isFinite(min) || !Number.isFinite(max)) throw new EvenniaError("EV_ERR_BAD_INPUT", "$random needs numbers");
  // a range wider than a float holds (-1e308 to 1e308) would give Infinity or NaN
  if (!Number.isFinite(max - min + 1)) throw new EvenniaError("EV_ERR_BAD_INPUT", "$random's range is too wide");
  if (isFloatText(minArg) || isFloatText(maxArg)) return min + (max - min) * rnd();
  const [lo, hi] = [Math.ceil(Math.min(min, max)), Math.floor(Math.max(min, max))];
  return lo + Math.floor(rnd() * (hi - lo + 1));
};

/** The standard inline functions, by name. */
export const STANDARD_FUNCTIONS: Readonly<Record<string, InlineFunction>> = {
  upper: (args) => String(args[0] ?? "").toUpperCase(),
  lower: (args) => String(args[0] ?? "").toLowerCase(),
  /** `$pad(text, width=78, align=c, fillchar=" ")`: align is l, c or r. */
  pad: (args, kwargs, context) => {
    if (args.length === 0) return "";
    const align = String(option(args, kwargs, "align", 2, "c"));
    const fill = String(option(args, kwargs, "fillchar", 3, " "))[0] ?? " ";
    return padMarkup(String(args[0]), width(option(args, kwargs, "width", 1, DEFAULT_WIDTH), context), (["l", "c", "r"].includes(align) ? align : "c") as Align, fill);
  },
  /** `$crop(text, width=78, suffix="[...]")`. */
  crop: (args, kwargs, context) => {
    if (args.length === 0) return "";
    return cropMarkup(String(args[0]), width(option(args, kwargs, "width", 1, DEFAULT_WIDTH), context), String(option(args, kwargs, "suffix", 2, "[...]")));
  },
  /** `$space(n)`: n spaces. */
  space: (args, _kwargs, context) => (args.length === 0 ? "" : " ".repeat(width(args[0], context, 1))),
  /** `$clr(r, text)`, `$clr(r, text, n)`, `$clr(text, start=r, end=n)`: colour markup around the text. */
  clr: (args, kwargs) => {
    if (args.length === 0) return "";
    let [start, text, end] = ["", "", ""];
    if (args.length > 1) [start, text, end] = [String(args[0]), String(args[1]), String(args[2] ?? "")];
    else [start, text, end] = [String(kwargs.start ?? ""), String(args[0]), String(kwargs.end ?? "")];
    const open = start ? `|${start}` : "";
    const close = end ? `|${end}` : open ? "|n" : "";
    return `${open}${text}${close}`;
  },
  /** `$an(thing)`: "a thing", "an apple". */
  an: (args) => (args.length === 0 ? "" : withArticle(String(args[0]))),
  /** `$pluralize(word, count, plural)`: the word for one, else its plural (given, or inflected). */
  pluralize: (args) => {
    if (args.length === 0) return "";
    const word = String(args[0]);
    const count = Math.abs(toInt(args[1], 1));
    if (count === 0 || count === 1) return word;
    return args.length > 2 ? String(args[2]) : pluralize(word, count);
  },
  /** `$int2str(3)`: "three" (up to twelve; larger numbers as digits). */
  int2str: (args) => {
    if (args.length === 0) return "";
    const n = toNumber(args[0]);
    return Number.isInteger(n) ? numberToWords(n) : String(args[0]);
  },
  /** `$toint(3.7)`: 3. */
  toint: (args) => {
    const n = toNumber(args[0]);
    return Number.isFinite(n) ? Math.trunc(n) : String(args[0] ?? "");
  },
  /** `$round(3.14159, 2)`: 3.14; without digits, a whole number. */
  round: (args) => {
    if (args.length === 0) return "";
    const n = toNumber(args[0]);
    if (!Number.isFinite(n)) return "";
    const digits = Math.min(Math.max(0, toInt(args[1], 0)), 15);
    const factor = 10 ** digits;
    // a number so large that scaling it overflows has no digits after the point to round
    return Number.isFinite(n * factor) ? Math.round(n * factor) / factor : n;
  },
  add: arithmetic((a, b) => a + b),
  sub: arithmetic((a, b) => a - b),
  mult: arithmetic((a, b) => a * b),
  div: arithmetic((a, b) => a / b),
  random,
  /** `$randint(min, max)`: always a whole number. */
  randint: (args, kwargs, context) => Math.trunc(Number(random(args.map((a) => (typeof a === "string" ? a.replace(/\..*$/, "") : Math.trunc(toNumber(a)))), kwargs, context))),
  /** `$choice(a, b, c)`: one of the arguments. */
  choice: (args, _kwargs, context) => (args.length === 0 ? "" : args[Math.min(args.length - 1, Math.floor(context.parser.random() * args.length))]),
  /**
   * `$time()`: the server's clock, `HH:MM` (UTC); `$time(seconds)`: `HH:MM:SS`. Games
   * with a game clock register their own `$time`.
   */
  time: (args) => {
    const iso = new Date().toISOString();
    return args[0] === "seconds" ? iso.slice(11, 19) : iso.slice(11, 16);
  },
};
