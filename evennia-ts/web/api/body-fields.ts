/**
 * The fields a request body may carry, each declared once with its JSON Schema
 * (for `openapi.json`) and the parser that checks it (a 400 naming the field when
 * it is wrong). Resources list their fields; the body parser and the OpenAPI
 * document both read those lists, so they cannot drift apart.
 */
import { badRequest } from "./api-error.ts";

/** A JSON Schema fragment. */
export type JsonSchema = Record<string, unknown>;

/** One field's type: its schema and its parser. */
export interface FieldType<T> {
  schema: JsonSchema;
  parse(value: unknown, name: string): T;
}

/** A tag (or alias, permission) as the API reads and writes it. */
export interface ApiTag {
  key: string;
  category: string;
}

/** One entry of an `attributes` list in a body: set it, or delete it. */
export interface AttributeChange {
  key: string;
  category: string;
  value: unknown;
  delete: boolean;
  /** Sent back in the tagged form a GET showed: accepted only unchanged (it is then left as it is). */
  tagged: boolean;
}

function describe(value: unknown): string {
  return value === null ? "null" : Array.isArray(value) ? "an array" : typeof value;
}

/** A non-empty string of at most `max` characters. */
export function text(max = 255, allowEmpty = false): FieldType<string> {
  return {
    schema: { type: "string", maxLength: max, ...(allowEmpty ? {} : { minLength: 1 }) },
    parse(value, name) {
      if (typeof value !== "string") throw badRequest(`${name} must be a string, not ${describe(value)}`);
      if (!allowEmpty && !value.trim()) throw badRequest(`${name} cannot be empty`);
      if (value.length > max) throw badRequest(`${name} is longer than ${max} characters`);
      return value;
    },
  };
}

/** A whole number in `[min, max]`. */
export function wholeNumber(min: number, max: number): FieldType<number> {
  return {
    schema: { type: "integer", minimum: min, maximum: max },
    parse(value, name) {
      if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
        throw badRequest(`${name} must be a whole number from ${min} to ${max}`);
      }
      return value;
    },
  };
}

/** true or false. */
export const flag: FieldType<boolean> = {
  schema: { type: "boolean" },
  parse(value, name) {
    if (typeof value !== "boolean") throw badRequest(`${name} must be true or false, not ${describe(value)}`);
    return value;
  },
};

/** An object id (a number, `"#12"`, or `{"id": 12, ...}` as a GET shows it), or null for none. */
export const objectRef: FieldType<number | null> = {
  schema: {
    oneOf: [
      { type: "integer", minimum: 1 },
      { type: "string", pattern: "^#?[0-9]+$" },
      { type: "object", required: ["id"], properties: { id: { type: "integer", minimum: 1 } } },
      { type: "null" },
    ],
  },
  parse(value, name) {
    if (value === null) return null;
    const raw = typeof value === "object" && !Array.isArray(value) ? (value as { id?: unknown }).id : value;
    const id = typeof raw === "string" && /^#?\d+$/.test(raw) ? Number(raw.replace("#", "")) : raw;
    if (typeof id !== "number" || !Number.isSafeInteger(id) || id < 1) throw badRequest(`${name} must be an object id (12 or "#12") or null`);
    return id;
  },
};

/** A list of short strings (aliases, permissions). */
export function textList(maxItems = 100): FieldType<string[]> {
  const item = text(255);
  return {
    schema: { type: "array", maxItems, items: item.schema },
    parse(value, name) {
      if (!Array.isArray(value)) throw badRequest(`${name} must be an array of strings`);
      if (value.length > maxItems) throw badRequest(`${name} has more than ${maxItems} items`);
      return value.map((v, i) => item.parse(v, `${name}[${i}]`).trim());
    },
  };
}

/** A list of tags: `"key"` or `{"key": ..., "category": ...}`. */
export const tagList: FieldType<ApiTag[]> = {
  schema: {
    type: "array",
    maxItems: 500,
    items: {
      oneOf: [
        { type: "string", minLength: 1, maxLength: 255 },
        { type: "object", required: ["key"], additionalProperties: false, properties: { key: { type: "string" }, category: { type: "string" } } },
      ],
    },
  },
  parse(value, name) {
    if (!Array.isArray(value)) throw badRequest(`${name} must be an array of tags`);
    if (value.length > 500) throw badRequest(`${name} has more than 500 items`);
    return value.map((v, i) => {
      const at = `${name}[${i}]`;
      if (typeof v === "string") return { key: text(255).parse(v, at).trim(), category: "" };
      const o = plainObject(v, at);
      onlyKeys(o, ["key", "category"], at);
      const key = text(255).parse(o.key, `${at}.key`).trim();
      const category = o.category === undefined || o.category === null ? "" : text(255, true).parse(o.category, `${at}.category`).trim();
      return { key, category };
    });
  },
};

/** A list of attribute changes: `{"key", "category"?, "value"}` sets one, `{"key", "category"?, "delete": true}` removes one. */
export const attributeList: FieldType<AttributeChange[]> = {
  schema: {
    type: "array",
    maxItems: 500,
    items: {
      type: "object",
      required: ["key"],
      additionalProperties: false,
      properties: {
        key: { type: "string", minLength: 1, maxLength: 255 },
        category: { type: "string", maxLength: 255 },
        value: { description: "Any JSON value." },
        delete: { type: "boolean", description: "true removes the attribute instead." },
        encoding: { type: "string", enum: ["tagged"], description: "As a GET shows values JSON cannot hold; accepted only unchanged." },
      },
    },
  },
  parse(value, name) {
    if (!Array.isArray(value)) throw badRequest(`${name} must be an array of attributes`);
    if (value.length > 500) throw badRequest(`${name} has more than 500 items`);
    return value.map((v, i) => {
      const at = `${name}[${i}]`;
      const o = plainObject(v, at);
      onlyKeys(o, ["key", "category", "value", "delete", "encoding"], at);
      if (o.encoding !== undefined && o.encoding !== "tagged") throw badRequest(`${at}.encoding: only "tagged" is known`);
      const key = text(255).parse(o.key, `${at}.key`).trim();
      const category = o.category === undefined || o.category === null ? "" : text(255, true).parse(o.category, `${at}.category`).trim();
      const remove = o.delete === undefined ? false : flag.parse(o.delete, `${at}.delete`);
      if (!remove && !("value" in o)) throw badRequest(`${at} needs a value (or "delete": true)`);
      return { key, category, value: o.value, delete: remove, tagged: o.encoding === "tagged" };
    });
  },
};

/** `value` as a plain object, else a 400. */
export function plainObject(value: unknown, name: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw badRequest(`${name} must be a JSON object, not ${describe(value)}`);
  return value as Record<string, unknown>;
}

function onlyKeys(o: Record<string, unknown>, allowed: readonly string[], name: string): void {
  const extra = Object.keys(o).filter((k) => !allowed.includes(k));
  if (extra.length > 0) throw badRequest(`${name}: unknown field${extra.length > 1 ? "s" : ""} ${extra.join(", ")}`);
}

/** One writable field of a resource. */
export interface BodyField {
  name: string;
  type: FieldType<unknown>;
  description: string;
  /** Needed when creating. */
  requiredOnCreate?: boolean;
  /** Needed by PUT (the full representation); PATCH takes any subset. */
  requiredOnPut?: boolean;
  /** Only when creating (PUT/PATCH refuse it). */
  createOnly?: boolean;
  /** Never shown in responses (passwords). */
  writeOnly?: boolean;
}

/** Which request a body belongs to. */
export type BodyMode = "create" | "put" | "patch";

/**
 * Check a request body against a resource's fields: a JSON object whose keys are
 * writable fields (or `readOnly` ones, which are ignored, so a GET body can be
 * sent back), with the fields `mode` needs. Returns the parsed values by name.
 */
export function parseBody(body: unknown, fields: readonly BodyField[], readOnly: readonly string[], mode: BodyMode): Map<string, unknown> {
  const o = plainObject(body, "the request body");
  const byName = new Map(fields.map((f) => [f.name, f]));
  const unknown = Object.keys(o).filter((k) => !byName.has(k) && !readOnly.includes(k));
  if (unknown.length > 0) throw badRequest(`unknown field${unknown.length > 1 ? "s" : ""}: ${unknown.join(", ")}`);
  const missing = fields.filter((f) => o[f.name] === undefined && (mode === "create" ? f.requiredOnCreate : mode === "put" ? f.requiredOnPut : false));
  if (missing.length > 0) throw badRequest(`missing field${missing.length > 1 ? "s" : ""}: ${missing.map((f) => f.name).join(", ")}`);
  const out = new Map<string, unknown>();
  for (const f of fields) {
    if (o[f.name] === undefined) continue;
    if (f.createOnly && mode !== "create") throw badRequest(`${f.name} can only be given when creating`);
    out.set(f.name, f.type.parse(o[f.name], f.name));
  }
  return out;
}

/** The JSON Schema of a resource's request body for `mode`. */
export function bodySchema(fields: readonly BodyField[], mode: BodyMode): JsonSchema {
  const usable = fields.filter((f) => mode === "create" || !f.createOnly);
  const required = usable.filter((f) => (mode === "create" ? f.requiredOnCreate : mode === "put" ? f.requiredOnPut : false)).map((f) => f.name);
  return {
    type: "object",
    properties: Object.fromEntries(usable.map((f) => [f.name, { ...f.type.schema, description: f.description }])),
    ...(required.length > 0 ? { required } : {}),
  };
}
