/**
 * The registry of lock functions: the names lock strings may call. The built-in
 * ones (Evennia's) register themselves; a game adds its own with
 * {@link registerLockFunc}, or by exporting functions from
 * `server/conf/lockfuncs.ts` (the game loader registers every exported function
 * of that module under its export name, as Evennia's `LOCK_FUNC_MODULES`).
 * Names are case-insensitive.
 */
import { EvenniaError } from "../utils/errors.ts";

/** What a lock function is told besides who asks and about what. */
export interface LockCallContext {
  /** The access type being checked (`get`, `cmd`, `attrread` ...). */
  readonly accessType: string;
  /** The session the check is made for, when the caller gave one (command locks do). */
  readonly session?: unknown;
}

/**
 * A lock function: `perm(Builder)` in a lock string calls
 * `perm(accessor, accessed, ["Builder"], {}, context)`. `accessor` is who wants
 * access (an object, an account or a session); `accessed` is what the lock is on
 * (an object, account, channel, script, or a command). Arguments arrive as strings;
 * `name=value` arguments arrive in `kwargs`. Return true to allow. A function that
 * throws denies (and the error is logged).
 */
export type LockFunc = (
  accessor: unknown,
  accessed: unknown,
  args: readonly string[],
  kwargs: Readonly<Record<string, string>>,
  context: LockCallContext,
) => boolean;

const funcs = new Map<string, LockFunc>();
const listeners: (() => void)[] = [];
/** Functions known to answer the same whatever they are asked (`true()`, `false()` ...). */
const constants = new Map<LockFunc, boolean>();
/** Bumped whenever a function is registered or removed. */
let version = 0;

/**
 * Register a lock function under `name` (replacing one of that name). Lock strings
 * parsed from then on may call it.
 */
export function registerLockFunc(name: string, fn: LockFunc): void {
  if (!/^\w+$/.test(name)) throw new EvenniaError("EV_ERR_BAD_INPUT", `"${name}" is not a valid lock function name (letters, digits and _)`);
  if (typeof fn !== "function") throw new EvenniaError("EV_ERR_BAD_INPUT", `lock function ${name} must be a function`);
  funcs.set(name.toLowerCase(), fn);
  version++;
  for (const listener of listeners) listener();
}

/** Remove a lock function; stored locks calling it deny from then on. */
export function unregisterLockFunc(name: string): boolean {
  const removed = funcs.delete(name.toLowerCase());
  if (removed) {
    version++;
    for (const listener of listeners) listener();
  }
  return removed;
}

/** The lock function registered as `name`, if any. */
export function findLockFunc(name: string): LockFunc | undefined {
  return funcs.get(name.toLowerCase());
}

/** A number that changes whenever a lock function is registered or removed. */
export function lockFuncsVersion(): number {
  return version;
}

/** @internal `fn` always answers `value`, whatever it is asked (the built-in `true`, `all`, `false`, `none`). */
export function markConstantLockFunc(fn: LockFunc, value: boolean): void {
  constants.set(fn, value);
}

/** What `fn` always answers, when it is one of the functions marked constant; else undefined. */
export function constantLockFuncValue(fn: LockFunc | undefined): boolean | undefined {
  return fn === undefined ? undefined : constants.get(fn);
}

/** Names of every registered lock function. */
export function lockFuncNames(): string[] {
  return [...funcs.keys()].sort();
}

/** @internal be told when functions are added or removed (the parse cache is cleared then) */
export function onLockFuncsChanged(listener: () => void): void {
  listeners.push(listener);
}
