/**
 * Attribute values through the API. Values are JSON: what a client sends is stored
 * as it is (any JSON value can be stored). Values the game stored that JSON cannot
 * hold as they are (Map, Set, Date, bigint, NaN, references to objects) are shown
 * in their tagged form (`{"$t": "map", ...}`) with `"encoding": "tagged"`, and
 * cannot be written back through the API.
 */
import { encodeValue } from "../../db/tagged-json.ts";
import type { AttributeInfo } from "../../typeclasses/attribute-handler.ts";

/** An attribute as the API shows it. */
export interface ApiAttribute {
  key: string;
  category: string;
  value: unknown;
  /** Present (`"tagged"`) when `value` is the tagged form of a value JSON cannot hold. */
  encoding?: "tagged";
}

/** True when `value` is JSON as it is: null, booleans, finite numbers, strings, arrays and plain objects of those. */
export function isPlainJson(value: unknown, depth = 0): boolean {
  if (depth > 200) return false;
  if (value === null || typeof value === "string" || typeof value === "boolean") return true;
  if (typeof value === "number") return Number.isFinite(value) && !Object.is(value, -0);
  if (typeof value !== "object") return false;
  if (Array.isArray(value)) return value.every((v) => isPlainJson(v, depth + 1));
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return false;
  return Object.entries(value).every(([k, v]) => k !== "$t" && isPlainJson(v, depth + 1));
}

/** How the API shows one attribute. */
export function apiAttribute(info: AttributeInfo): ApiAttribute {
  if (isPlainJson(info.value)) return { key: info.key, category: info.category, value: info.value };
  return { key: info.key, category: info.category, value: JSON.parse(encodeValue(info.value)) as unknown, encoding: "tagged" };
}
