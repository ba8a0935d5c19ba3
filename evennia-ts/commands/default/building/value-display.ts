/**
 * How the building commands show attribute values: as Python's `str()` shows them
 * in Evennia (a string as it is, anything else in literal notation that `set`
 * reads back), with game objects written `Key(#12)`.
 */
import { TypedObject } from "../../../typeclasses/typed-object.ts";
import { displayLiteral, formatLiteral } from "../../../utils/literal-parse.ts";

function other(value: unknown): string {
  return value instanceof TypedObject ? `${value.key}(${value.dbref})` : String(value);
}

/** A value as `set` and `examine` show it: strings bare, the rest as literals. */
export function displayValue(value: unknown): string {
  return displayLiteral(value, { other });
}

/** A value as Python's `repr()` shows it (strings quoted), as `cpattr` reports it. */
export function reprValue(value: unknown): string {
  return formatLiteral(value, { other });
}

/** The type name Evennia's `examine` shows after a value that is not a string. */
export function valueTypeName(value: unknown): string {
  if (value === null || value === undefined) return "NoneType";
  if (typeof value === "number") return Number.isInteger(value) ? "int" : "float";
  if (typeof value === "bigint") return "int";
  if (typeof value === "boolean") return "bool";
  if (Array.isArray(value)) return "list";
  if (value instanceof Map || (typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype)) return "dict";
  if (value instanceof Set) return "set";
  if (value instanceof Date) return "datetime";
  if (value instanceof TypedObject) return value.constructor.name;
  return typeof value;
}
