/**
 * Nested mutation tracking for attribute values, so that `obj.db.inventory.push(x)` and
 * `obj.db.stats.str += 1` are saved without reassigning the attribute.
 *
 * {@link track} wraps arrays, plain objects, Map, Set and Date in proxies, lazily (a nested
 * container is wrapped when it is read). Reading the same nested container twice gives the same
 * proxy. Values written into a tracked container are stored unwrapped and come back tracked.
 * {@link Referenceable} objects (live game objects) and everything else are never wrapped.
 *
 * Limits: a built-in method called on a tracked Map/Set/Date with an explicit receiver
 * (`Map.prototype.set.call(trackedMap, ...)`) fails as it would on any proxy; call it as
 * `trackedMap.set(...)`. `structuredClone` refuses proxies: pass {@link untrack}'s result.
 */
import { isReferenceable } from "./db-ref.ts";

type Kind = "array" | "object" | "map" | "set" | "date";
type AnyFn = (...args: any[]) => unknown;

/** One tracked tree: its change callback and the proxies already made for its containers. */
interface TrackContext {
  readonly onChange: () => void;
  readonly proxies: WeakMap<object, object>;
}

/** What a proxy stands for. */
interface Tracker {
  readonly target: object;
  readonly kind: Kind;
  readonly ctx: TrackContext;
  proxy: object;
  /** Wrapped methods, made on first use so that `m.get === m.get`. */
  methods?: Map<PropertyKey, AnyFn>;
}

/** proxy → what it tracks. */
const trackers = new WeakMap<object, Tracker>();

const ARRAY_MUTATORS = new Set(["push", "pop", "shift", "unshift", "splice", "sort", "reverse", "fill", "copyWithin"]);
/** Array mutators that return the array itself. */
const ARRAY_RETURNS_SELF = new Set(["sort", "reverse", "fill", "copyWithin"]);
/** Set methods that read only and return a new set or a boolean. */
const SET_COMBINERS = new Set([
  "union",
  "intersection",
  "difference",
  "symmetricDifference",
  "isSubsetOf",
  "isSupersetOf",
  "isDisjointFrom",
]);

/**
 * A value that behaves like `value` and calls `onChange()` after every mutation at any depth:
 * property set/delete/define, the mutating array methods, Map `set`/`delete`/`clear`, Set
 * `add`/`delete`/`clear`, Date `setX` methods. `onChange` may be called more than once for
 * one logical change; the caller coalesces. Primitives and {@link Referenceable} objects are
 * returned as they are.
 */
export function track<T>(value: T, onChange: () => void): T {
  return wrap(value, { onChange, proxies: new WeakMap() }) as T;
}

/** True when `value` is a proxy made by {@link track}. */
export function isTracked(value: unknown): boolean {
  return typeof value === "object" && value !== null && trackers.has(value);
}

/**
 * The plain value underneath a tracked one, with any tracked proxies stored inside it (at any
 * depth) replaced by their plain values, ready for encoding. Untracked values pass through (and
 * are cleaned the same way).
 */
export function untrack<T>(value: T): T {
  const plain = unwrap(value);
  if (typeof plain === "object" && plain !== null) normalize(plain, new Set());
  return plain;
}

function unwrap<T>(v: T): T {
  if (typeof v === "object" && v !== null) {
    const t = trackers.get(v);
    if (t) return t.target as T;
  }
  return v;
}

function kindOf(v: object): Kind | null {
  if (isReferenceable(v)) return null;
  if (Array.isArray(v)) return "array";
  const proto: unknown = Object.getPrototypeOf(v);
  if (proto === Object.prototype || proto === null) return "object";
  if (proto === Map.prototype) return "map";
  if (proto === Set.prototype) return "set";
  if (proto === Date.prototype) return "date";
  return null;
}

function wrap(v: unknown, ctx: TrackContext): unknown {
  if (typeof v !== "object" || v === null) return v;
  const target = unwrap(v);
  const existing = ctx.proxies.get(target);
  if (existing) return existing;
  const kind = kindOf(target);
  if (kind === null) return target;
  const tracker: Tracker = { target, kind, ctx, proxy: target };
  const handler =
    kind === "array" || kind === "object"
      ? new ContainerTraps(tracker)
      : kind === "map"
        ? new MapTraps(tracker)
        : kind === "set"
          ? new SetTraps(tracker)
          : new DateTraps(tracker);
  const proxy = new Proxy(target, handler);
  tracker.proxy = proxy;
  trackers.set(proxy, tracker);
  ctx.proxies.set(target, proxy);
  return proxy;
}

/** The cached method `name` of a tracker, made by `make` on first use. */
function method(t: Tracker, name: PropertyKey, make: () => AnyFn): AnyFn {
  t.methods ??= new Map();
  let fn = t.methods.get(name);
  if (!fn) {
    fn = make();
    t.methods.set(name, fn);
  }
  return fn;
}

/** Traps for arrays and plain objects. */
class ContainerTraps implements ProxyHandler<object> {
  constructor(private readonly t: Tracker) {}

  get(target: object, prop: PropertyKey, receiver: unknown): unknown {
    if (this.t.kind === "array" && typeof prop === "string" && ARRAY_MUTATORS.has(prop)) {
      const own: unknown = Reflect.get(target, prop, receiver);
      if (own === (Array.prototype as unknown as Record<string, unknown>)[prop]) {
        return method(this.t, prop, () => arrayMutator(this.t, prop));
      }
      return own;
    }
    const v: unknown = Reflect.get(target, prop, receiver);
    if (typeof v !== "object" || v === null) return v;
    const wrapped = wrap(v, this.t.ctx);
    if (wrapped === v) return v;
    // Proxy invariant: a non-writable, non-configurable data property must read as itself.
    const desc = Reflect.getOwnPropertyDescriptor(target, prop);
    if (desc && !desc.configurable && desc.writable === false) return v;
    return wrapped;
  }

  set(target: object, prop: PropertyKey, value: unknown): boolean {
    const ok = Reflect.set(target, prop, unwrap(value));
    if (ok) this.t.ctx.onChange();
    return ok;
  }

  deleteProperty(target: object, prop: PropertyKey): boolean {
    const had = Object.prototype.hasOwnProperty.call(target, prop);
    const ok = Reflect.deleteProperty(target, prop);
    if (ok && had) this.t.ctx.onChange();
    return ok;
  }

  defineProperty(target: object, prop: PropertyKey, desc: PropertyDescriptor): boolean {
    const plain = "value" in desc ? { ...desc, value: unwrap(desc.value) } : desc;
    const ok = Reflect.defineProperty(target, prop, plain);
    if (ok) this.t.ctx.onChange();
    return ok;
  }
}

function arrayMutator(t: Tracker, name: string): AnyFn {
  const native = (Array.prototype as unknown as Record<string, AnyFn>)[name]!;
  const { ctx } = t;
  return (...args: unknown[]): unknown => {
    const target = t.target as unknown[];
    let callArgs = args;
    if (name === "sort") {
      const cmp = args[0];
      callArgs =
        typeof cmp === "function" ? [(a: unknown, b: unknown) => (cmp as AnyFn)(wrap(a, ctx), wrap(b, ctx))] : args;
    } else if (name !== "copyWithin") {
      callArgs = args.map(unwrap);
    }
    const result = native.apply(target, callArgs);
    ctx.onChange();
    if (ARRAY_RETURNS_SELF.has(name)) return t.proxy;
    if (name === "splice") return (result as unknown[]).map((item) => wrap(item, ctx));
    if (name === "pop" || name === "shift") return wrap(result, ctx);
    return result;
  };
}

/** Shared fallback for Map/Set/Date: bind unknown methods to the real receiver. */
/** `delete` and `clear` of a tracked Map or Set: report a change only when something went. */
function collectionRemover(t: Tracker, target: Map<unknown, unknown> | Set<unknown>, prop: "delete" | "clear"): AnyFn {
  return method(t, prop, () =>
    prop === "delete"
      ? (k: unknown) => {
          const removed = target.delete(unwrap(k));
          if (removed) t.ctx.onChange();
          return removed;
        }
      : () => {
          if (target.size === 0) return;
          target.clear();
          t.ctx.onChange();
        },
  );
}

function bound(t: Tracker, prop: PropertyKey, fn: AnyFn, mutates: boolean): AnyFn {
  return method(t, prop, () =>
    mutates
      ? (...args: unknown[]) => {
          const result = fn.apply(t.target, args.map(unwrap));
          t.ctx.onChange();
          return result;
        }
      : (...args: unknown[]) => fn.apply(t.target, args.map(unwrap)),
  );
}

/** Read a property of a Map/Set/Date with the real object as receiver (slots live there). */
function readOwn(target: object, prop: PropertyKey): unknown {
  return Reflect.get(target, prop, target);
}

/** Traps for Map. */
class MapTraps implements ProxyHandler<Map<unknown, unknown>> {
  constructor(private readonly t: Tracker) {}

  get(target: Map<unknown, unknown>, prop: PropertyKey): unknown {
    const t = this.t;
    const { ctx } = t;
    switch (prop) {
      case "size":
        return target.size;
      case "get":
        return method(t, prop, () => (k: unknown) => wrap(target.get(unwrap(k)), ctx));
      case "has":
        return method(t, prop, () => (k: unknown) => target.has(unwrap(k)));
      case "set":
        return method(t, prop, () => (k: unknown, v: unknown) => {
          target.set(unwrap(k), unwrap(v));
          ctx.onChange();
          return t.proxy;
        });
      case "delete":
      case "clear":
        return collectionRemover(t, target, prop);
      case "forEach":
        return method(t, prop, () => (cb: AnyFn, thisArg?: unknown) => {
          target.forEach((v, k) => cb.call(thisArg, wrap(v, ctx), wrap(k, ctx), t.proxy));
        });
      case "keys":
        return method(t, prop, () => function* keys() {
          for (const k of target.keys()) yield wrap(k, ctx);
        });
      case "values":
        return method(t, prop, () => function* values() {
          for (const v of target.values()) yield wrap(v, ctx);
        });
      case "entries":
      case Symbol.iterator:
        return method(t, prop, () => function* entries() {
          for (const [k, v] of target) yield [wrap(k, ctx), wrap(v, ctx)];
        });
      default: {
        const v = readOwn(target, prop);
        if (typeof v !== "function" || prop === "constructor") return v;
        // A Map method this module does not know: run it on the real map, assume it mutates.
        return bound(t, prop, v as AnyFn, true);
      }
    }
  }
}

/** Traps for Set. */
class SetTraps implements ProxyHandler<Set<unknown>> {
  constructor(private readonly t: Tracker) {}

  get(target: Set<unknown>, prop: PropertyKey): unknown {
    const t = this.t;
    const { ctx } = t;
    switch (prop) {
      case "size":
        return target.size;
      case "has":
        return method(t, prop, () => (v: unknown) => target.has(unwrap(v)));
      case "add":
        return method(t, prop, () => (v: unknown) => {
          target.add(unwrap(v));
          ctx.onChange();
          return t.proxy;
        });
      case "delete":
      case "clear":
        return collectionRemover(t, target, prop);
      case "forEach":
        return method(t, prop, () => (cb: AnyFn, thisArg?: unknown) => {
          target.forEach((v) => {
            const w = wrap(v, ctx);
            cb.call(thisArg, w, w, t.proxy);
          });
        });
      case "keys":
      case "values":
      case Symbol.iterator:
        return method(t, prop, () => function* values() {
          for (const v of target) yield wrap(v, ctx);
        });
      case "entries":
        return method(t, prop, () => function* entries() {
          for (const v of target) {
            const w = wrap(v, ctx);
            yield [w, w];
          }
        });
      default: {
        const v = readOwn(target, prop);
        if (typeof v !== "function" || prop === "constructor") return v;
        return bound(t, prop, v as AnyFn, !(typeof prop === "string" && SET_COMBINERS.has(prop)));
      }
    }
  }
}

/** Traps for Date: every method runs on the real date; `setX` methods report a change. */
class DateTraps implements ProxyHandler<Date> {
  constructor(private readonly t: Tracker) {}

  get(target: Date, prop: PropertyKey): unknown {
    const v = readOwn(target, prop);
    if (typeof v !== "function" || prop === "constructor") return v;
    return bound(this.t, prop, v as AnyFn, typeof prop === "string" && prop.startsWith("set"));
  }
}

/** Replace tracked proxies stored inside plain data by their plain values, in place. */
function normalize(o: object, seen: Set<object>): void {
  if (seen.has(o)) return;
  seen.add(o);
  switch (kindOf(o)) {
    case "array": {
      const a = o as unknown[];
      for (let i = 0; i < a.length; i++) {
        const item = a[i];
        const plain = normalizeChild(item, seen);
        if (plain !== item) a[i] = plain;
      }
      return;
    }
    case "object": {
      const r = o as Record<string, unknown>;
      for (const key of Object.keys(r)) {
        const item = r[key];
        const plain = normalizeChild(item, seen);
        if (plain !== item) r[key] = plain;
      }
      return;
    }
    case "map": {
      const m = o as Map<unknown, unknown>;
      let keysChanged = false;
      for (const k of m.keys()) if (normalizeChild(k, seen) !== k) keysChanged = true;
      if (keysChanged) {
        const entries = [...m];
        m.clear();
        for (const [k, v] of entries) m.set(unwrap(k), normalizeChild(v, seen));
      } else {
        for (const [k, v] of m) {
          const plain = normalizeChild(v, seen);
          if (plain !== v) m.set(k, plain);
        }
      }
      return;
    }
    case "set": {
      const s = o as Set<unknown>;
      let changed = false;
      for (const v of s) if (normalizeChild(v, seen) !== v) changed = true;
      if (changed) {
        const items = [...s];
        s.clear();
        for (const v of items) s.add(unwrap(v));
      }
      return;
    }
    default:
      return;
  }
}

function normalizeChild(v: unknown, seen: Set<object>): unknown {
  if (typeof v !== "object" || v === null) return v;
  const plain = unwrap(v);
  normalize(plain, seen);
  return plain;
}
