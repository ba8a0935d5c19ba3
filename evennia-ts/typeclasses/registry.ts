/**
 * The typeclass registry: TypeScript classes registered under a path
 * ("typeclasses.characters.Character"). Loading a row builds the class registered
 * for its path; an unknown path falls back to the kind's default class with a
 * logged error, never a crash.
 */
import type { TypedKind } from "../db/row-codecs.ts";
import { EvenniaError } from "../utils/errors.ts";
import { getLogger } from "../utils/logger.ts";
import type { TypedObject } from "./typed-object.ts";

const log = getLogger("typeclasses");

/** A typeclass: a subclass of one of the default classes. */
export type TypeclassConstructor<T extends TypedObject = TypedObject> = (abstract new (...args: any[]) => T) & {
  readonly kind: TypedKind;
};

const byPath = new Map<string, TypeclassConstructor>();
const pathOf = new Map<TypeclassConstructor, string>();
const defaults = new Map<TypedKind, TypeclassConstructor>();
const warnedUnknown = new Set<string>();

/**
 * Register `cls` under `path`. Registering a path again replaces the class (game
 * code re-registers its classes on every server start).
 */
export function registerTypeclass(path: string, cls: TypeclassConstructor): void {
  if (!/^[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)*$/.test(path)) {
    throw new EvenniaError("EV_ERR_TYPECLASS", `invalid typeclass path "${path}" (use dotted names like typeclasses.rooms.Room)`);
  }
  byPath.set(path, cls);
  pathOf.set(cls, path);
}

/** Make `cls` the fallback of its kind (and register it under `path`). */
export function registerDefaultTypeclass(path: string, cls: TypeclassConstructor): void {
  registerTypeclass(path, cls);
  defaults.set(cls.kind, cls);
}

/** The class registered for `path`, or undefined. */
export function findTypeclass(path: string): TypeclassConstructor | undefined {
  return byPath.get(path);
}

/** The path `cls` is registered under (or inherited from its nearest registered ancestor). */
export function typeclassPathOf(cls: TypeclassConstructor): string {
  for (let c: unknown = cls; c && c !== Function.prototype; c = Object.getPrototypeOf(c)) {
    const p = pathOf.get(c as TypeclassConstructor);
    if (p) return p;
  }
  throw new EvenniaError("EV_ERR_TYPECLASS", `class ${cls.name} is not a registered typeclass; call registerTypeclass(path, ${cls.name})`);
}

/** The default class of a kind. */
export function defaultTypeclass(kind: TypedKind): TypeclassConstructor {
  const cls = defaults.get(kind);
  if (!cls) throw new EvenniaError("EV_ERR_TYPECLASS", `no default typeclass registered for ${kind}`);
  return cls;
}

/**
 * The class to build for a row of `kind` with `path`: the registered one if it is
 * of the right kind, else the default of the kind (logging the problem once).
 */
export function resolveTypeclass(kind: TypedKind, path: string): TypeclassConstructor {
  const cls = byPath.get(path);
  if (cls && cls.kind === kind) return cls;
  const key = `${kind}:${path}`;
  if (!warnedUnknown.has(key)) {
    warnedUnknown.add(key);
    log.error(
      cls
        ? `typeclass "${path}" is a ${cls.kind} class, not a ${kind} class; using the default ${kind} typeclass`
        : `unknown typeclass "${path}"; using the default ${kind} typeclass (is the module that registers it loaded?)`,
    );
  }
  return defaultTypeclass(kind);
}

/** Every registered path (for tools and tests). */
export function registeredTypeclassPaths(): string[] {
  return [...byPath.keys()].sort();
}
