/**
 * Turning game values into what an out-of-band message may carry: JSON-compatible
 * data that crosses the link and encodes as GMCP JSON, MSDP or a websocket frame.
 */
import { untrack } from "../../db/tracked-value.ts";
import { isPlainObject } from "../../protocol/message.ts";

/** Deepest nesting kept; deeper parts become `null`. */
const MAX_DEPTH = 8;
/** Most items kept from one array or object. */
const MAX_ITEMS = 1000;

/**
 * A JSON-safe copy of `value`: strings, finite numbers, booleans and null as they are;
 * arrays and plain objects copied (at most 8 deep and 1000 items each); a typeclassed
 * object (anything with a string `key` and `dbref`) as its key; a Date as ISO text;
 * `undefined`, functions and non-finite numbers as null; anything else as its text.
 */
export function toOobValue(value: unknown): unknown {
  return copyValue(untrack(value), 0);
}

function copyValue(value: unknown, depth: number): unknown {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case "string":
    case "boolean":
      return value;
    case "number":
      return Number.isFinite(value) ? value : null;
    case "bigint":
      return value.toString();
    case "function":
    case "symbol":
      return null;
  }
  if (depth >= MAX_DEPTH) return null;
  if (Array.isArray(value)) return value.slice(0, MAX_ITEMS).map((v) => copyValue(v, depth + 1));
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    let n = 0;
    for (const [k, v] of Object.entries(value)) {
      if (n++ >= MAX_ITEMS) break;
      if (k === "__proto__") continue;
      out[k] = copyValue(v, depth + 1);
    }
    return out;
  }
  const obj = value as { key?: unknown; dbref?: unknown };
  if (typeof obj.key === "string" && typeof obj.dbref === "string") return obj.key;
  if (value instanceof Map) return copyValue(Object.fromEntries(value), depth);
  if (value instanceof Set) return copyValue([...value], depth);
  return String(value);
}
