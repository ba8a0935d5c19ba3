/**
 * Nicks: personal string replacements (`obj.nicks`), as Evennia's `NickHandler`.
 * A nick maps a pattern to a replacement within a category:
 *
 * - `inputline`: applied to each line the player types, before the command is found;
 * - `object`: applied to names searched for with `caller.search`;
 * - `account`: applied to account names searched for (and, as in Evennia, to object searches).
 *
 * More categories can be registered ({@link registerNickCategory}; channels add
 * `channel`). Nicks are attributes of their owner: the attribute's key is the
 * pattern as typed (lower-cased, as attribute keys are), its category `nick_<category>`,
 * and its value the tuple `[matcher, template, pattern, replacement]` (Evennia's
 * `(regex, template, pattern, replacement)`; the matcher is our safe wildcard
 * pattern, never a regular expression: see `nick-template.ts`). They persist,
 * roll back with their unit of work, and go with the object.
 */
import { EvenniaError } from "../utils/errors.ts";
import { getLogger } from "../utils/logger.ts";
import type { AttributeHandler } from "./attribute-handler.ts";
import { compileNickPattern, fillNickTemplate, initializeNickTemplates, matchNickPattern, NICK_LIMITS, type CompiledNickPattern, type NickMatchBudget } from "./nick-template.ts";

const log = getLogger("nicks");

/** How a category of nicks is used. */
export interface NickCategoryOptions {
  /** Applied to typed lines by the command handler (like `inputline`). */
  appliesToInput?: boolean;
}

const categories = new Map<string, NickCategoryOptions>([
  ["inputline", { appliesToInput: true }],
  ["object", {}],
  ["account", {}],
]);

/** Attribute categories of nicks start with this. */
export const NICK_ATTRIBUTE_PREFIX = "nick_";

/**
 * Make a nick category known (`registerNickCategory("channel", { appliesToInput: true })`).
 * Only registered categories can be added to.
 */
export function registerNickCategory(name: string, options: NickCategoryOptions = {}): void {
  const key = String(name).trim().toLowerCase();
  if (!/^[a-z][a-z0-9_]*$/.test(key)) throw new EvenniaError("EV_ERR_BAD_INPUT", `a nick category must be a lower-case word, not "${name}"`);
  categories.set(key, { ...options });
  inputCategories = null;
}

/** Every registered nick category, `inputline`, `object` and `account` first. */
export function nickCategories(): string[] {
  return [...categories.keys()];
}

/** {@link inputNickCategories}, worked out again when a category is registered. */
let inputCategories: readonly string[] | null = null;

/**
 * The categories the command handler applies to typed lines (`inputline`, and those
 * registered with `appliesToInput`). A shared list: do not change it.
 */
export function inputNickCategories(): readonly string[] {
  return (inputCategories ??= Object.freeze([...categories].filter(([, o]) => o.appliesToInput).map(([k]) => k)));
}

/**
 * A typed line that gives the `nick` command itself (`nick/delete 1`, `nicks`,
 * `@nick ...`). Input nicks never replace such a line, so a nick matching every
 * line (`nick * = say hi`) cannot lock its owner out of removing it.
 */
const NICK_COMMAND_LINE = /^\s*[@&/+]?(?:nick|nicks|nickname)(?=[\s/]|$)/i;

/** One nick, as {@link NickHandler.all} lists it. */
export interface Nick {
  /** Its category (`inputline`, `object` ...). */
  category: string;
  /** The pattern as typed (`tell $1 $2`). */
  pattern: string;
  /** The replacement as typed (`page $1=$2`). */
  replacement: string;
  /** The stored value: `[matcher, template, pattern, replacement]`. */
  value: NickValue;
}

/** How a nick is stored: `[matcher, template, pattern, replacement]`. */
export type NickValue = [matcher: string, template: string, pattern: string, replacement: string];

/** Something nicks can belong to: any typeclassed object (an object's `account` lends its nicks). */
export interface NickOwner {
  readonly attributes: AttributeHandler;
  readonly account?: { readonly nicks: NickHandler } | null;
}

/** Compiled matchers by matcher text, shared by every handler (bounded). */
const compiledCache = new Map<string, CompiledNickPattern | null>();
const CACHE_SIZE = 1000;

function compiledFor(matcher: string): CompiledNickPattern | null {
  let compiled = compiledCache.get(matcher);
  if (compiled === undefined) {
    try {
      compiled = compileNickPattern(matcher);
    } catch (err) {
      log.warn(`a stored nick pattern does not compile and is skipped: ${(err as Error).message}`);
      compiled = null;
    }
    if (compiledCache.size >= CACHE_SIZE) compiledCache.delete(compiledCache.keys().next().value!);
    compiledCache.set(matcher, compiled);
  }
  return compiled;
}

function isNickValue(value: unknown): value is NickValue {
  return Array.isArray(value) && value.length === 4 && value.every((v) => typeof v === "string");
}

function normCategory(category: string | undefined): string {
  return (category ?? "inputline").trim().toLowerCase();
}

/** The nicks of one object or account. */
export class NickHandler {
  constructor(private readonly owner: NickOwner) {}

  /**
   * Map `pattern` to `replacement` in `category` (default `inputline`), replacing a
   * nick with the same pattern there.
   *
   * @throws NickTemplateInvalid (`EV_ERR_BAD_INPUT`) when the two do not use the same
   * `$N` markers or are too long; `EV_ERR_BAD_INPUT` for an unregistered category;
   * `EV_ERR_LIMIT` when the category already holds `NICK_LIMITS.perCategory` nicks.
   */
  add(pattern: string, replacement: string, options: { category?: string } = {}): void {
    const category = normCategory(options.category);
    if (!categories.has(category)) throw new EvenniaError("EV_ERR_BAD_INPUT", `"${category}" is not a nick category (${nickCategories().join(", ")})`);
    const raw = String(pattern).trim();
    const repl = String(replacement).trim();
    const { template } = initializeNickTemplates(raw, repl);
    const attrCategory = NICK_ATTRIBUTE_PREFIX + category;
    if (!this.owner.attributes.has(raw, { category: attrCategory }) && this.owner.attributes.keys({ category: attrCategory }).length >= NICK_LIMITS.perCategory) {
      throw new EvenniaError("EV_ERR_LIMIT", `You can have at most ${NICK_LIMITS.perCategory} nicks of type ${category}.`);
    }
    const value: NickValue = [raw.replace(/\s+/g, " "), template, raw, repl];
    this.owner.attributes.add(raw, value, { category: attrCategory });
  }

  /** The replacement `pattern` maps to in `category` (default `inputline`), or undefined. */
  get(pattern: string, options: { category?: string } = {}): string | undefined {
    return this.getNick(pattern, options)?.replacement;
  }

  /** The whole nick of `pattern` in `category` (Evennia's `return_tuple`), or undefined. */
  getNick(pattern: string, options: { category?: string } = {}): Nick | undefined {
    const category = normCategory(options.category);
    const value: unknown = this.owner.attributes.get(String(pattern).trim(), { category: NICK_ATTRIBUTE_PREFIX + category });
    return isNickValue(value) ? { category, pattern: value[2], replacement: value[3], value } : undefined;
  }

  /** True when `pattern` is a nick in `category` (default `inputline`). */
  has(pattern: string, options: { category?: string } = {}): boolean {
    return this.getNick(pattern, options) !== undefined;
  }

  /** Remove the nick of `pattern` in `category` (default `inputline`); returns whether there was one. */
  remove(pattern: string, options: { category?: string } = {}): boolean {
    return this.owner.attributes.remove(String(pattern).trim(), { category: NICK_ATTRIBUTE_PREFIX + normCategory(options.category) });
  }

  /** Every nick (of one category, when given), in the order they were made, categories in registration order. */
  all(options: { category?: string } = {}): Nick[] {
    const wanted = options.category === undefined ? nickCategories() : [normCategory(options.category)];
    const out: Nick[] = [];
    for (const category of wanted) {
      for (const { value } of this.owner.attributes.all({ category: NICK_ATTRIBUTE_PREFIX + category })) {
        if (isNickValue(value)) out.push({ category, pattern: value[2], replacement: value[3], value });
      }
    }
    return out;
  }

  /** Remove every nick (of one category, when given). */
  clear(options: { category?: string } = {}): void {
    const wanted = options.category === undefined ? nickCategories() : [normCategory(options.category)];
    for (const category of wanted) this.owner.attributes.clear({ category: NICK_ATTRIBUTE_PREFIX + category });
  }

  /**
   * Apply the first nick of `categories` whose pattern matches all of `raw`, and
   * return the result (`raw` when none matches). With `includeAccount`, the
   * owner's account's nicks of those categories count too, and win over the
   * owner's own nick of the same pattern (as in Evennia). Matching stops (the text
   * unchanged) once the nicks tried have used `NICK_LIMITS.cellsPerLine` of work.
   * Input nicks leave a line giving the `nick` command itself as it is.
   */
  nickreplace(raw: string, categoryList: readonly string[] = inputNickCategories(), includeAccount = true): string {
    const text = String(raw);
    if (text.length > NICK_LIMITS.inputLength) return text;
    if (NICK_COMMAND_LINE.test(text) && categoryList.some((category) => categories.get(category)?.appliesToInput)) return text;
    const account = includeAccount ? this.owner.account : null;
    const other = account && account.nicks !== this ? account.nicks : null;
    // most players have no nicks: listing keys decodes nothing
    if (!this.hasAny(categoryList) && !other?.hasAny(categoryList)) return text;
    const byPattern = new Map<string, NickValue>();
    this.collectInto(byPattern, categoryList);
    other?.collectInto(byPattern, categoryList);
    const budget: NickMatchBudget = { cells: NICK_LIMITS.cellsPerLine };
    for (const [matcher, template] of byPattern.values()) {
      const compiled = compiledFor(matcher);
      if (!compiled) continue;
      const caught = matchNickPattern(compiled, text, budget);
      if (budget.exhausted) break;
      if (!caught) continue;
      const replaced = fillNickTemplate(template, caught);
      return replaced ?? text;
    }
    return text;
  }

  /** True when there is a nick in one of `categoryList`. */
  private hasAny(categoryList: readonly string[]): boolean {
    for (const category of categoryList) if (this.owner.attributes.keys({ category: NICK_ATTRIBUTE_PREFIX + category }).length > 0) return true;
    return false;
  }

  /** Put the nicks of `categoryList` in `byPattern` by lower-cased pattern (later ones replace earlier ones). */
  private collectInto(byPattern: Map<string, NickValue>, categoryList: readonly string[]): void {
    for (const category of categoryList) {
      for (const nick of this.all({ category })) byPattern.set(nick.pattern.toLowerCase(), nick.value);
    }
  }
}
