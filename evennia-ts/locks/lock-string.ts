/**
 * Lock strings: `access_type:func(args) AND/OR/NOT ...; other_type:...`, such as
 * `get:all()`, `edit:perm(Admin) OR id(12)`, `traverse:NOT tag(closed) AND holds(key)`.
 *
 * A definition is parsed once into a small tree and cached by its text; checks
 * walk the tree. Operators (`AND`, `OR`, `NOT`, any case) bind as in Evennia
 * (NOT before AND before OR) and parentheses group. Arguments are split on commas;
 * `name=value` arguments are keyword arguments (`attr(hp, 10, compare=gt)`).
 * A definition with a syntax error or an unknown lock function is refused with
 * `EV_ERR_BAD_LOCK` when it is parsed strictly (when a lock is added); a stored
 * definition that no longer parses (its function was removed) denies and is
 * logged once.
 */
import { EvenniaError } from "../utils/errors.ts";
import { getLogger } from "../utils/logger.ts";
import { findLockFunc, onLockFuncsChanged } from "./lock-func-registry.ts";
// the built-in functions register themselves: lock strings may call them from the first parse
import "./lock-funcs.ts";

// checking a lock string lives with the handler; offered here too, where command code looks for it
export { checkLock, checkLockString, type LockContext } from "./lock-handler.ts";
export { registerLockFunc, type LockFunc } from "./lock-func-registry.ts";

const log = getLogger("locks");

/** One node of a parsed lock expression. */
export type LockNode =
  | { readonly op: "call"; readonly name: string; readonly args: readonly string[]; readonly kwargs: Readonly<Record<string, string>>; readonly text: string }
  | { readonly op: "not"; readonly operand: LockNode }
  | { readonly op: "and" | "or"; readonly left: LockNode; readonly right: LockNode };

/** One parsed definition: `access_type:expression`. */
export interface LockDefinition {
  /** The access type, lower case (`get`, `cmd`, `attrread` ...). */
  readonly accessType: string;
  /** The expression after the colon, as written (trimmed). */
  readonly expression: string;
  /** `accessType:expression`, as stored. */
  readonly text: string;
  /** The parsed expression, or null when it does not parse (then it denies). */
  readonly root: LockNode | null;
  /** Why it does not parse, when it does not. */
  readonly error: string | null;
  /**
   * @internal What the expression always answers when it is made only of constant
   * functions (`false()`, `not all()` ...), null when it depends on who asks; valid
   * while the lock functions' version is `constantFor` (see `evaluateLock`).
   */
  constant: boolean | null;
  /** @internal The lock functions' version `constant` was worked out for (-1: not yet). */
  constantFor: number;
}

const CACHE_LIMIT = 5000;
/** Longest definition accepted (a real one is a few dozen characters; this bounds parse work and cache memory). */
export const MAX_LOCK_DEFINITION_LENGTH = 2000;
/** Deepest nesting of parentheses and NOTs accepted (checks recurse this deep). */
const MAX_DEPTH = 50;
/** Most lock-function calls in one definition (AND/OR chains are evaluated recursively). */
const MAX_CALLS = 100;
/** Parsed definitions by their text (the same definition on many objects is parsed once). */
const cache = new Map<string, LockDefinition>();
onLockFuncsChanged(() => cache.clear());
const loggedBroken = new Set<string>();

/** Split a lock string into its definitions' texts (empty parts dropped). */
export function splitLockString(lockString: string): string[] {
  return String(lockString ?? "")
    .split(";")
    .map((part) => part.trim())
    .filter(Boolean);
}

/**
 * Parse one definition (`type:expression`), from the cache when it was seen
 * before. With `strict`, a definition that does not parse raises `EV_ERR_BAD_LOCK`;
 * otherwise it is returned with its error and denies when checked.
 */
export function parseLockDefinition(text: string, strict: boolean): LockDefinition {
  const key = text.trim();
  let def = cache.get(key);
  if (!def) {
    def = parseUncached(key);
    if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
    cache.set(key, def);
  }
  if (def.error) {
    if (strict) throw new EvenniaError("EV_ERR_BAD_LOCK", `Lock "${key}": ${def.error}.`);
    if (!loggedBroken.has(key)) {
      loggedBroken.add(key);
      log.error(`lock "${key}" does not parse (${def.error}); it denies`);
    }
  }
  return def;
}

/** A stored lock string parsed leniently, shared by every object storing the same text. */
export interface StoredLocks {
  /** The one instance of this text that objects share. */
  readonly text: string;
  /** Its definitions by access type (read-only: shared). */
  readonly definitions: ReadonlyMap<string, LockDefinition>;
}

/** Parsed stored lock strings by their text: objects of one typeclass share one entry. */
const storedCache = new Map<string, StoredLocks>();
onLockFuncsChanged(() => storedCache.clear());

/**
 * The parsed form of a stored lock string (a definition that does not parse
 * denies; see {@link parseLockDefinition}). Objects with the same text share the
 * result, and the text itself, so a thousand swords hold one lock string.
 */
export function storedLocks(text: string): StoredLocks {
  let entry = storedCache.get(text);
  if (!entry) {
    entry = { text, definitions: parseLockString(text, false) };
    if (storedCache.size >= CACHE_LIMIT) storedCache.delete(storedCache.keys().next().value as string);
    storedCache.set(text, entry);
  }
  return entry;
}

/** The shared instance of a stored lock string (rows loaded from the database use it instead of their own copy). */
export function internLockString(text: string): string {
  return text ? storedLocks(text).text : text;
}

/**
 * Parse a whole lock string into its definitions by access type; a later
 * definition of the same type replaces an earlier one, as in Evennia.
 */
export function parseLockString(lockString: string, strict = true): Map<string, LockDefinition> {
  const out = new Map<string, LockDefinition>();
  for (const part of splitLockString(lockString)) {
    const def = parseLockDefinition(part, strict);
    out.delete(def.accessType); // keep the order of last assignment
    out.set(def.accessType, def);
  }
  return out;
}

function parseUncached(text: string): LockDefinition {
  const colon = text.indexOf(":");
  const accessType = colon < 0 ? "" : text.slice(0, colon).trim().toLowerCase();
  const expression = colon < 0 ? text : text.slice(colon + 1).trim();
  const broken = (error: string): LockDefinition => ({ accessType, expression, text: `${accessType}:${expression}`, root: null, error, constant: null, constantFor: -1 });
  if (text.length > MAX_LOCK_DEFINITION_LENGTH) return broken(`it is longer than ${MAX_LOCK_DEFINITION_LENGTH} characters`);
  if (colon < 0) return broken("there is no colon (:) between the access type and the lock functions");
  if (!accessType) return broken("the access type (before the colon) is empty");
  if (!/^[\w-]+$/.test(accessType)) return broken(`"${accessType}" is not a valid access type (letters, digits, _ and -)`);
  try {
    const root = new ExpressionParser(expression).parse();
    return { accessType, expression, text: `${accessType}:${expression}`, root, error: null, constant: null, constantFor: -1 };
  } catch (err) {
    return broken((err as Error).message);
  }
}

type Token = { kind: "open" | "close" | "and" | "or" | "not" } | { kind: "call"; name: string; inner: string; text: string };

const WORD = /\w+/y;

function tokenize(expr: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let calls = 0;
  while (i < expr.length) {
    const ch = expr[i]!;
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === "(") {
      tokens.push({ kind: "open" });
      i++;
    } else if (ch === ")") {
      tokens.push({ kind: "close" });
      i++;
    } else {
      WORD.lastIndex = i;
      const word = WORD.exec(expr)?.[0];
      if (!word) throw new EvenniaError("EV_ERR_BAD_LOCK", `unexpected "${ch}"`);
      i += word.length;
      if (expr[i] === "(") {
        const end = expr.indexOf(")", i);
        if (end < 0) throw new EvenniaError("EV_ERR_BAD_LOCK", `"${word}(" is not closed`);
        const inner = expr.slice(i + 1, end);
        tokens.push({ kind: "call", name: word, inner, text: `${word}(${inner})` });
        i = end + 1;
        if (++calls > MAX_CALLS) throw new EvenniaError("EV_ERR_BAD_LOCK", `it calls more than ${MAX_CALLS} lock functions`);
      } else {
        const op = word.toLowerCase();
        if (op === "and" || op === "or" || op === "not") tokens.push({ kind: op });
        else throw new EvenniaError("EV_ERR_BAD_LOCK", `"${word}" is neither a lock function call nor AND/OR/NOT`);
      }
    }
  }
  return tokens;
}

/** `expr := term (OR term)*; term := factor (AND factor)*; factor := NOT factor | (expr) | call` */
class ExpressionParser {
  private readonly tokens: Token[];
  private pos = 0;
  private depth = 0;

  constructor(expr: string) {
    this.tokens = tokenize(expr);
    if (this.tokens.length === 0) throw new EvenniaError("EV_ERR_BAD_LOCK", "there are no lock functions");
  }

  parse(): LockNode {
    const node = this.expr();
    if (this.pos !== this.tokens.length) throw new EvenniaError("EV_ERR_BAD_LOCK", `unexpected ${describe(this.tokens[this.pos]!)}`);
    return node;
  }

  private expr(): LockNode {
    let node = this.term();
    while (this.tokens[this.pos]?.kind === "or") {
      this.pos++;
      node = { op: "or", left: node, right: this.term() };
    }
    return node;
  }

  private term(): LockNode {
    let node = this.factor();
    while (this.tokens[this.pos]?.kind === "and") {
      this.pos++;
      node = { op: "and", left: node, right: this.factor() };
    }
    return node;
  }

  private factor(): LockNode {
    const token = this.tokens[this.pos++];
    if (!token) throw new EvenniaError("EV_ERR_BAD_LOCK", "the expression ends too early");
    if (token.kind === "not" || token.kind === "open") {
      if (++this.depth > MAX_DEPTH) throw new EvenniaError("EV_ERR_BAD_LOCK", `it nests parentheses and NOTs more than ${MAX_DEPTH} deep`);
      let node: LockNode;
      if (token.kind === "not") {
        node = { op: "not", operand: this.factor() };
      } else {
        node = this.expr();
        if (this.tokens[this.pos++]?.kind !== "close") throw new EvenniaError("EV_ERR_BAD_LOCK", "a parenthesis is not closed");
      }
      this.depth--;
      return node;
    }
    if (token.kind !== "call") throw new EvenniaError("EV_ERR_BAD_LOCK", `unexpected ${describe(token)}`);
    if (!findLockFunc(token.name)) throw new EvenniaError("EV_ERR_BAD_LOCK", `the lock function ${token.name}() does not exist`);
    const args: string[] = [];
    const kwargs: Record<string, string> = {};
    for (const raw of token.inner.split(",")) {
      const arg = raw.trim();
      if (!arg) continue;
      const eq = arg.indexOf("=");
      if (eq > 0) kwargs[arg.slice(0, eq).trim()] = arg.slice(eq + 1).trim();
      else args.push(arg);
    }
    return { op: "call", name: token.name.toLowerCase(), args, kwargs, text: token.text };
  }
}

function describe(token: Token): string {
  return token.kind === "call" ? `"${token.text}"` : token.kind === "open" ? '"("' : token.kind === "close" ? '")"' : `"${token.kind.toUpperCase()}"`;
}
