/**
 * Nested attribute names of `set`: `inventory[0]`, `stats['str']`, `list[+]`
 * (append), `list[+1]` (insert before item 1). As Evennia's `CmdSetAttribute`, a
 * name is tried as the deepest nesting first and then as shorter ones, so an old
 * attribute literally named `a[0]` is still found.
 */

/** A key inside brackets: a string (quoted, `+`, or not a number) or a list index. */
export type NestedKey = string | number;

/** Returned by {@link nestedGet} when a key leads nowhere. */
export const NOT_FOUND: unique symbol = Symbol("not found");

/** LIST_APPEND_CHAR: `[+]` appends, `[+2]` inserts at 2. */
const APPEND = "+";

/** One way to read a nested name: the attribute's name and the keys inside its value. */
export interface NestedSplit {
  attr: string;
  keys: NestedKey[];
}

function cleanKey(part: string): NestedKey {
  const inner = part.slice(1, -1).trim();
  if (inner === "") return "";
  if (inner[0] === "'" || inner[0] === '"') return inner.replace(/^['"]+|['"]+$/g, "");
  if (inner[0] === APPEND) return inner;
  return /^-?\d+$/.test(inner) ? Number(inner) : inner;
}

/**
 * Every reading of `name`, deepest nesting first: `a['b'][0]` gives
 * `a` + `['b', 0]`, then `a['b']` + `[0]`, then `a['b'][0]` + `[]`.
 */
export function splitNestedName(name: string): NestedSplit[] {
  const parts = name.match(/\[.*?\]/g) ?? [];
  const out: NestedSplit[] = [];
  if (parts.length > 0) {
    let base = name.slice(0, name.indexOf(parts[0]!));
    parts.forEach((part, i) => {
      out.push({ attr: base, keys: parts.slice(i).map(cleanKey) });
      base += part;
    });
  }
  out.push({ attr: name, keys: [] });
  return out;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** `container[key]` as Python indexes it (negative list indices count from the end), or {@link NOT_FOUND}. */
export function nestedItem(container: unknown, key: NestedKey): unknown {
  if (Array.isArray(container) || typeof container === "string") {
    if (typeof key !== "number") return NOT_FOUND;
    const index = key < 0 ? container.length + key : key;
    return index >= 0 && index < container.length ? container[index] : NOT_FOUND;
  }
  if (container instanceof Map) {
    if (container.has(key)) return container.get(key);
    const other = typeof key === "number" ? String(key) : /^-?\d+$/.test(key) ? Number(key) : undefined;
    return other !== undefined && container.has(other) ? container.get(other) : NOT_FOUND;
  }
  if (isPlainObject(container)) {
    const k = String(key);
    return Object.hasOwn(container, k) ? container[k] : NOT_FOUND;
  }
  return NOT_FOUND;
}

/** Follow `keys` into `value`; {@link NOT_FOUND} when one leads nowhere. */
export function nestedGet(value: unknown, keys: readonly NestedKey[]): unknown {
  let at = value;
  for (const key of keys) {
    at = nestedItem(at, key);
    if (at === NOT_FOUND) return NOT_FOUND;
  }
  return at;
}

/**
 * Set `container[key] = value` (a `+`/`+N` key appends to or inserts in a list).
 * Returns null when done, else why not (Python's words).
 */
export function nestedSet(container: unknown, key: NestedKey, value: unknown): string | null {
  if (Array.isArray(container)) {
    if (typeof key === "string" && key.startsWith(APPEND)) {
      if (key.length === 1) container.push(value);
      else {
        const where = Number(key.slice(1));
        if (!Number.isInteger(where)) return `list indices must be integers, not '${key}'`;
        container.splice(where < 0 ? Math.max(0, container.length + where) : where, 0, value);
      }
      return null;
    }
    if (typeof key !== "number") return "list indices must be integers or slices, not str";
    const index = key < 0 ? container.length + key : key;
    if (index < 0 || index >= container.length) return "list assignment index out of range";
    container[index] = value;
    return null;
  }
  if (container instanceof Map) {
    container.set(key, value);
    return null;
  }
  if (isPlainObject(container)) {
    // defined, not assigned: a key "__proto__" is a key as in Python, not the dict's prototype
    Object.defineProperty(container, String(key), { value, writable: true, enumerable: true, configurable: true });
    return null;
  }
  const type = typeof container === "string" ? "str" : container instanceof Set ? "set" : typeof container;
  return `'${type}' object does not support item assignment`;
}

/** Delete `container[key]`; returns false when there was nothing to delete. */
export function nestedDelete(container: unknown, key: NestedKey): boolean {
  if (Array.isArray(container)) {
    if (typeof key !== "number") return false;
    const index = key < 0 ? container.length + key : key;
    if (index < 0 || index >= container.length) return false;
    container.splice(index, 1);
    return true;
  }
  if (container instanceof Map) return container.delete(key);
  if (isPlainObject(container)) {
    const k = String(key);
    if (!Object.hasOwn(container, k)) return false;
    delete container[k];
    return true;
  }
  return false;
}
