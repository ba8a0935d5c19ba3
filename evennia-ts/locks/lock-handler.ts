/**
 * The lock handler of a typeclassed object (`obj.locks`), and checks of lock
 * strings that live elsewhere (commands, attributes).
 *
 * Locks are stored in the row's `lock_storage` column as Evennia stores them
 * (`control:perm(Developer);get:all();...`). The handler parses that text once
 * (definitions are cached by their text across objects) and parses it again only
 * when it changes; `add` refuses a bad definition with `EV_ERR_BAD_LOCK` and
 * changes nothing.
 *
 * Superusers pass every check (the bypass), unless `noSuperuserBypass` is given;
 * a puppet counts as a superuser when its account is one and has not quelled.
 */
import { EvenniaError } from "../utils/errors.ts";
import { getLogger } from "../utils/logger.ts";
import type { TypedObject } from "../typeclasses/typed-object.ts";
import { constantLockFuncValue, findLockFunc, lockFuncsVersion, type LockCallContext } from "./lock-func-registry.ts";
import { isAccount, isQuelled, isWorldObject } from "./lock-funcs.ts";
import { parseLockDefinition, splitLockString, storedLocks, type LockDefinition, type LockNode } from "./lock-string.ts";

const log = getLogger("locks");

/** Options of a lock check. */
export interface LockCheckOptions {
  /** The result when there is no lock of the access type (default false). */
  default?: boolean;
  /** Make superusers face the lock too (use sparingly). */
  noSuperuserBypass?: boolean;
  /** The session the check is for (command locks pass it; `is_ooc()` reads it). */
  session?: unknown;
}

/**
 * True when `accessor` passes every lock by being a superuser: a superuser
 * account, or an object puppeted by one that has not quelled, or a session
 * logged in to one.
 */
export function bypassesLocks(accessor: unknown): boolean {
  if (isAccount(accessor)) return accessor.isSuperuser;
  if (isWorldObject(accessor)) {
    const account = accessor.account;
    return Boolean(account?.isSuperuser) && !isQuelled(account);
  }
  if (typeof accessor === "object" && accessor !== null) {
    const account = (accessor as { account?: unknown }).account;
    if (isAccount(account)) return account.isSuperuser;
  }
  return false;
}

/**
 * Evaluate one parsed definition for `accessor` on `accessed`, checked for `session`
 * (if any). A definition of constant functions only answers at once, without a call
 * context made for it (a character's `call:false()` is asked for every occupant of a
 * room on every command).
 */
export function evaluateLock(def: LockDefinition, accessor: unknown, accessed: unknown, session?: unknown): boolean {
  const constant = constantAnswer(def);
  if (constant !== null) return constant;
  if (!def.root) return false;
  const context: LockCallContext = { accessType: def.accessType, session };
  return evaluateNode(def.root, accessor, accessed, context, def);
}

/**
 * What `def` answers whoever asks, when it is made of constant functions only (a
 * character's `call:false()`, checked for every occupant of a room on every command);
 * null when it depends on who asks. Worked out again when lock functions change.
 */
function constantAnswer(def: LockDefinition): boolean | null {
  if (!def.root) return null;
  const version = lockFuncsVersion();
  if (def.constantFor !== version) {
    def.constant = constantValue(def.root);
    def.constantFor = version;
  }
  return def.constant;
}

/** What `node` always answers, if it calls only constant functions without arguments; else null. */
function constantValue(node: LockNode): boolean | null {
  switch (node.op) {
    case "call": {
      if (node.args.length > 0 || Object.keys(node.kwargs).length > 0) return null;
      return constantLockFuncValue(findLockFunc(node.name)) ?? null;
    }
    case "not": {
      const value = constantValue(node.operand);
      return value === null ? null : !value;
    }
    default: {
      const left = constantValue(node.left);
      const right = constantValue(node.right);
      if (left === null || right === null) return null;
      return node.op === "and" ? left && right : left || right;
    }
  }
}

function evaluateNode(node: LockNode, accessor: unknown, accessed: unknown, context: LockCallContext, def: LockDefinition): boolean {
  switch (node.op) {
    case "and":
      return evaluateNode(node.left, accessor, accessed, context, def) && evaluateNode(node.right, accessor, accessed, context, def);
    case "or":
      return evaluateNode(node.left, accessor, accessed, context, def) || evaluateNode(node.right, accessor, accessed, context, def);
    case "not":
      return !evaluateNode(node.operand, accessor, accessed, context, def);
    case "call": {
      const fn = findLockFunc(node.name);
      if (!fn) {
        log.error(`lock "${def.text}": the lock function ${node.name}() is gone; it denies`);
        return false;
      }
      try {
        return Boolean(fn(accessor, accessed, node.args, node.kwargs, context));
      } catch (err) {
        log.error(`lock function ${node.text} in "${def.text}" failed; it denies`, err);
        return false;
      }
    }
  }
}

/**
 * Check a lock string that is not stored on an object (a command's `locks`, an
 * attribute's lock). With `accessType`, only that type's definition counts (none:
 * `options.default`); without, every definition must pass, and a string with no
 * colon is one anonymous definition (`checkLockString(caller, "perm(Builder)")`).
 * A lock string that does not parse denies (and is logged once); an empty one has
 * no definitions, so `options.default` decides.
 */
export function checkLockString(
  accessor: unknown,
  lockString: string,
  accessType?: string,
  options: LockCheckOptions & { accessed?: unknown } = {},
): boolean {
  if (!options.noSuperuserBypass && bypassesLocks(accessor)) return true;
  // an empty lock string has no definitions (not one anonymous definition that does not parse)
  const text = lockString.trim() === "" || lockString.includes(":") ? lockString : `_dummy:${lockString}`;
  // parsed once per distinct text (a command's lock string is checked on every use)
  const defs = storedLocks(text).definitions;
  if (accessType !== undefined) {
    const def = defs.get(accessType.toLowerCase());
    return def ? evaluateLock(def, accessor, options.accessed, options.session) : (options.default ?? false);
  }
  if (defs.size === 0) return options.default ?? false;
  for (const def of defs.values()) if (!evaluateLock(def, accessor, options.accessed, options.session)) return false;
  return true;
}

/** Who is asking and about what, for {@link checkLock}. */
export interface LockContext {
  /** The one trying to access (an object, account or session). */
  accessor: unknown;
  /** What the lock is on (an object, a command ...). */
  accessed?: unknown;
  /** The session the check is for. */
  session?: unknown;
}

/**
 * Check `accessType` of a lock string for `ctx.accessor`; no definition of that
 * type gives `defaultAllow`. The same as {@link checkLockString} in the argument
 * order command code has used.
 */
export function checkLock(lockString: string, accessType: string, ctx: LockContext, defaultAllow = false): boolean {
  return checkLockString(ctx.accessor, lockString, accessType, { accessed: ctx.accessed, session: ctx.session, default: defaultAllow });
}

/** `obj.locks`: the locks stored on one typeclassed object. */
export class LockHandler {
  private parsedText: string | null = null;
  private parsed: ReadonlyMap<string, LockDefinition> = new Map();

  constructor(private readonly owner: TypedObject) {}

  /**
   * Add one or more definitions (`"get:all();edit:perm(Admin)"`, or a list).
   * A definition of an access type already locked replaces it. Every definition is
   * checked first: one bad definition raises `EV_ERR_BAD_LOCK` and nothing changes.
   */
  add(lockString: string | string[]): void {
    const parts = (Array.isArray(lockString) ? lockString : [lockString]).flatMap((s) => splitLockString(s));
    if (parts.length === 0) throw new EvenniaError("EV_ERR_BAD_LOCK", "Lock: there is no lock definition to add.");
    const added = parts.map((p) => parseLockDefinition(p, true));
    const next = new Map(this.definitions());
    for (const def of added) {
      next.delete(def.accessType);
      next.set(def.accessType, def);
    }
    this.save(next);
  }

  /** Check definitions without storing them: null when they are valid, else why not. */
  validate(lockString: string): string | null {
    try {
      const parts = splitLockString(lockString);
      if (parts.length === 0) return "Lock: there is no lock definition.";
      for (const p of parts) parseLockDefinition(p, true);
      return null;
    } catch (err) {
      return (err as Error).message;
    }
  }

  /** Replace every lock with `lockString` (checked first; on error nothing changes). */
  replace(lockString: string): void {
    const parts = splitLockString(lockString);
    const next = new Map<string, LockDefinition>();
    for (const p of parts) {
      const def = parseLockDefinition(p, true);
      next.delete(def.accessType);
      next.set(def.accessType, def);
    }
    this.save(next);
  }

  /**
   * Join `expression` to the definition of `accessType` with `op` (`or`, `and`,
   * `or not`, `and not`), unless it is in there already; adds the definition when
   * there is none.
   */
  append(accessType: string, expression: string, op: "or" | "and" | "or not" | "and not" = "or"): void {
    const type = accessType.trim().toLowerCase();
    const old = this.definitions().get(type);
    if (!old) return this.add(`${type}:${expression.trim()}`);
    if (old.expression.toLowerCase().includes(expression.trim().toLowerCase())) return;
    this.add(`${type}:${old.expression} ${op.toUpperCase()} ${expression.trim()}`);
  }

  /** Remove the lock of `accessType`; false when there was none. */
  remove(accessType: string): boolean {
    const type = accessType.trim().toLowerCase();
    const defs = this.definitions();
    if (!defs.has(type)) return false;
    const next = new Map(defs);
    next.delete(type);
    this.save(next);
    return true;
  }

  /** Remove every lock. */
  clear(): void {
    this.save(new Map());
  }

  /** The definition of `accessType` (`"get:all()"`; "" when none), or the whole lock string. */
  get(accessType?: string): string {
    if (accessType === undefined) return this.toString();
    return this.definitions().get(accessType.trim().toLowerCase())?.text ?? "";
  }

  /** Every definition (`["control:perm(Developer)", "get:all()", ...]`). */
  all(): string[] {
    return [...this.definitions().values()].map((d) => d.text);
  }

  /** The access types that have a lock. */
  accessTypes(): string[] {
    return [...this.definitions().keys()];
  }

  /** True when `accessType` has a lock. */
  has(accessType: string): boolean {
    return this.definitions().has(accessType.trim().toLowerCase());
  }

  /**
   * May `accessor` have `accessType` access to the owner? No lock of that type:
   * `options.default` (false unless given). Superusers pass unless
   * `noSuperuserBypass`.
   */
  check(accessor: unknown, accessType: string, options: LockCheckOptions = {}): boolean {
    if (!options.noSuperuserBypass && bypassesLocks(accessor)) return true;
    const defs = this.definitions();
    // the access type as the callers write it (already lower case) first: no new string per check
    const def = defs.get(accessType) ?? defs.get(accessType.trim().toLowerCase());
    if (!def) return options.default ?? false;
    return evaluateLock(def, accessor, this.owner, options.session);
  }

  /**
   * What a check of `accessType` answers whoever asks, with the superuser bypass
   * off: `defaultAllow` without such a lock, the lock's value when it is made of
   * constant functions only (`call:false()`), null when it depends on who asks.
   */
  fixedAnswer(accessType: string, defaultAllow: boolean): boolean | null {
    const def = this.definitions().get(accessType);
    if (!def) return defaultAllow;
    return constantAnswer(def);
  }

  /** The stored form: every definition joined by `;`. */
  toString(): string {
    return this.all().join(";");
  }

  private definitions(): ReadonlyMap<string, LockDefinition> {
    const text = this.owner._row.lock_storage ?? "";
    if (text !== this.parsedText) {
      // stored locks parse leniently (a definition that no longer parses denies on its own),
      // once per distinct text: objects storing the same locks share the parsed form
      this.parsed = storedLocks(text).definitions;
      this.parsedText = text;
    }
    return this.parsed;
  }

  private save(next: ReadonlyMap<string, LockDefinition>): void {
    const stored = storedLocks([...next.values()].map((d) => d.text).join(";"));
    this.owner._setField("lock_storage", stored.text);
    this.parsed = stored.definitions;
    this.parsedText = stored.text;
  }
}
