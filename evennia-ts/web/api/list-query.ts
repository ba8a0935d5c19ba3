/**
 * Reading a list request's query string: filters (each declared once, with the
 * SQL condition it adds and the description `openapi.json` shows), `search`, and
 * limit/offset pagination with `count`, `next` and `previous` links.
 */
import type { Request } from "express";
import type { TypedKind } from "../../db/row-codecs.ts";
import { encodeValue } from "../../db/tagged-json.ts";
import { ApiError } from "./api-error.ts";
import type { JsonSchema } from "./body-fields.ts";

/** A SQL condition with `?` placeholders. */
export interface SqlCondition {
  sql: string;
  params: unknown[];
}

/** One query-string filter of a list. */
export interface ListFilter {
  name: string;
  description: string;
  schema: JsonSchema;
  /** The condition it adds, given its value and the whole query (for filters read together). */
  condition(value: string, query: Readonly<Record<string, string>>): SqlCondition;
}

/** 400 for a bad query parameter. */
export function badParam(message: string): ApiError {
  return new ApiError(400, "bad_param", message);
}

/** The query string as single values; repeated or nested parameters are a 400. */
export function singleValuedQuery(req: Request): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.query)) {
    if (typeof value !== "string") throw badParam(`query parameter ${name} must be given once, as plain text`);
    if (value.length > 1000) throw badParam(`query parameter ${name} is longer than 1000 characters`);
    out[name] = value;
  }
  return out;
}

/** A whole number from the query string (400 when it is not one in range). */
export function integerParam(name: string, value: string, min: number, max: number): number {
  if (!/^-?\d{1,15}$/.test(value.trim())) throw badParam(`${name} must be a whole number`);
  const n = Number(value.trim());
  if (n < min || n > max) throw badParam(`${name} must be from ${min} to ${max}`);
  return n;
}

/** true/false (also 1/0) from the query string. */
export function booleanParam(name: string, value: string): boolean {
  const v = value.trim().toLowerCase();
  if (v === "true" || v === "1") return true;
  if (v === "false" || v === "0") return false;
  throw badParam(`${name} must be true or false`);
}

/** Escape `%`, `_` and `\` for a `LIKE ... ESCAPE '\'` pattern. */
export function likeEscape(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** Tag rows of one kind (`tag`, `alias`, `permission`) owned by rows of `ownerKind`, as an `id IN (...)` condition. */
export function tagCondition(ownerKind: string, tagKind: string, key: string | undefined, category: string | undefined): SqlCondition {
  const parts = ["owner_kind = ?", "kind = ?"];
  const params: unknown[] = [ownerKind, tagKind];
  if (key !== undefined) {
    parts.push("key = ?");
    params.push(key.trim().toLowerCase());
  }
  if (category !== undefined) {
    parts.push("category = ?");
    params.push(category.trim().toLowerCase());
  }
  return { sql: `id IN (SELECT owner_id FROM tags WHERE ${parts.join(" AND ")})`, params };
}

const text = { type: "string" } as const;
const id = { type: "integer", minimum: 1 } as const;

/** Filters every typeclassed resource has: name, typeclass, tags, aliases, permissions, attributes. */
export function typedFilters(kind: TypedKind, keyColumn: string): ListFilter[] {
  return [
    {
      name: "db_key",
      description: "The key, exactly (case-insensitive).",
      schema: text,
      condition: (v) => ({ sql: `${keyColumn} = ?`, params: [v.trim().toLowerCase()] }),
    },
    {
      name: "name",
      description: "The key or one of the aliases, exactly (case-insensitive).",
      schema: text,
      condition: (v) => {
        const alias = tagCondition(kind, "alias", v, undefined);
        return { sql: `(${keyColumn} = ? OR ${alias.sql})`, params: [v.trim().toLowerCase(), ...alias.params] };
      },
    },
    {
      name: "typeclass",
      description: "The typeclass path, exactly (`typeclasses.rooms.Room`).",
      schema: text,
      condition: (v) => ({ sql: "typeclass_path = ?", params: [v.trim()] }),
    },
    {
      name: "tag",
      description: "Has this tag (with `tag_category`, in that category).",
      schema: text,
      condition: (v, q) => tagCondition(kind, "tag", v, q.tag_category),
    },
    {
      name: "tag_category",
      description: "Has a tag in this category (with `tag`, that tag in it).",
      schema: text,
      condition: (v, q) => (q.tag !== undefined ? { sql: "1 = 1", params: [] } : tagCondition(kind, "tag", undefined, v)),
    },
    { name: "alias", description: "Has this alias.", schema: text, condition: (v) => tagCondition(kind, "alias", v, undefined) },
    { name: "permission", description: "Has this permission (exactly; not through the hierarchy).", schema: text, condition: (v) => tagCondition(kind, "permission", v, undefined) },
    {
      name: "attribute",
      description: "Has an attribute of this name (any category; with `attribute_value`, of that value); attributes with an `attrread` lock are never matched.",
      schema: text,
      condition: (v, q) => {
        const params: unknown[] = [kind, v.trim().toLowerCase()];
        let valueSql = "";
        if (q.attribute_value !== undefined) {
          valueSql = " AND value = ?";
          params.push(encodeValue(jsonOrText(q.attribute_value)));
        }
        // an attribute with a read lock is left out: detail answers hide it, so a filter must not tell it is there (or what it holds)
        return { sql: `id IN (SELECT owner_id FROM attributes WHERE owner_kind = ? AND key = ?${valueSql} AND LOWER(lock_string) NOT LIKE '%attrread%')`, params };
      },
    },
    {
      name: "attribute_value",
      description: "With `attribute`: its value, as JSON (`10`, `true`, `\"red\"`); text that is not JSON is a string.",
      schema: text,
      condition: (_v, q) => {
        if (q.attribute === undefined) throw badParam("attribute_value needs attribute (the attribute's name)");
        return { sql: "1 = 1", params: [] };
      },
    },
  ];
}

/** An id filter on one column (`location`, `home` ...). */
export function idFilter(name: string, column: string, description: string): ListFilter {
  return {
    name,
    description,
    schema: { oneOf: [id, { type: "string", enum: ["none"] }] },
    condition: (v) => (v.trim() === "none" ? { sql: `${column} IS NULL`, params: [] } : { sql: `${column} = ?`, params: [integerParam(name, v.replace(/^#/, ""), 1, Number.MAX_SAFE_INTEGER)] }),
  };
}

/** A true/false filter on one flag column (stored as 1/0 on both databases). */
export function booleanFilter(name: string, column: string, description: string): ListFilter {
  return { name, description, schema: { type: "boolean" }, condition: (v) => ({ sql: `${column} = ?`, params: [booleanParam(name, v) ? 1 : 0] }) };
}

function jsonOrText(value: string): unknown {
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

/** The page a list request asks for. */
export interface Page {
  limit: number;
  offset: number;
}

/** Names of the pagination and search parameters (not filters). */
export const PAGING_PARAMS = ["limit", "offset", "search"] as const;

/** `limit` (default `pageSize`, cut to `maxPageSize`) and `offset` of a list request. */
export function pageOf(query: Readonly<Record<string, string>>, pageSize: number, maxPageSize: number): Page {
  const limit = query.limit === undefined ? pageSize : Math.min(integerParam("limit", query.limit, 1, Number.MAX_SAFE_INTEGER), maxPageSize);
  const offset = query.offset === undefined ? 0 : integerParam("offset", query.offset, 0, 1_000_000_000);
  return { limit, offset };
}

/** A page of results, as every list answers. */
export interface ListPage {
  count: number;
  next: string | null;
  previous: string | null;
  results: unknown[];
}

/** The list answer with `next`/`previous` links (relative to the server root, keeping the other parameters). */
export function listPage(req: Request, query: Readonly<Record<string, string>>, page: Page, count: number, results: unknown[]): ListPage {
  const link = (offset: number): string => {
    const params = new URLSearchParams({ ...query, limit: String(page.limit), offset: String(offset) });
    return `${req.baseUrl}${req.path}?${params.toString()}`;
  };
  return {
    count,
    next: page.offset + page.limit < count ? link(page.offset + page.limit) : null,
    previous: page.offset > 0 ? link(Math.max(0, page.offset - page.limit)) : null,
    results,
  };
}
