/**
 * Finding typeclassed objects: by id, key (case-insensitive), alias, tag,
 * attribute value, typeclass and location. Results are live instances from the
 * identity map; searching twice gives the same instances.
 */
import type { TypedKind } from "../db/row-codecs.ts";
import { encodeValue } from "../db/tagged-json.ts";
import { DefaultAccount } from "./accounts.ts";
import type { DefaultObject } from "./objects.ts";
import { typeclassPathOf, type TypeclassConstructor } from "./registry.ts";
import { getStore } from "./store-context.ts";
import type { TypedObject } from "./typed-object.ts";

/** Load one object by id (`#12` or 12); null when there is none. */
export function getById<T extends TypedObject = DefaultObject>(id: number | string, kind: TypedKind = "object"): Promise<T | null> {
  const n = typeof id === "string" ? Number(id.replace(/^#/, "")) : id;
  if (!Number.isInteger(n) || n <= 0) return Promise.resolve(null);
  // not `async`: an object already in memory costs one resolved promise, no extra hops
  return getStore().get(kind, n) as Promise<T | null>;
}

/** The object with `id` if it is in memory now, else null. Synchronous; never reads the database. */
export function peekById<T extends TypedObject = DefaultObject>(id: number, kind: TypedKind = "object"): T | null {
  return getStore().peek({ kind, id }) as T | null;
}

/** What to search for; every given criterion must match. */
export interface SearchQuery {
  /** Key or alias, case-insensitive, exact. */
  key?: string;
  /** Tag key (and optional category). */
  tag?: string | { key: string; category?: string };
  /** Attribute key and value (compared as stored). */
  attribute?: { key: string; value: unknown; category?: string };
  /** Typeclass (class or path); subclasses are not included. */
  typeclass?: TypeclassConstructor | string;
  /** Direct location. */
  location?: DefaultObject;
  /** Which table (default objects). */
  kind?: TypedKind;
  /** At most this many results. */
  limit?: number;
}

/** Search rows of one kind; results in id order. */
export async function search<T extends TypedObject = DefaultObject>(query: SearchQuery): Promise<T[]> {
  const kind = query.kind ?? "object";
  const store = getStore();
  const where: string[] = [];
  const params: unknown[] = [];
  const keyColumn = kind === "account" ? "username_lower" : kind === "script" ? "LOWER(key)" : "key_lower";
  if (query.key !== undefined) {
    const k = query.key.trim().toLowerCase();
    where.push(`(${keyColumn} = ? OR id IN (SELECT owner_id FROM tags WHERE owner_kind = ? AND kind = 'alias' AND key = ?))`);
    params.push(k, kind, k);
  }
  if (query.tag !== undefined) {
    const tag = typeof query.tag === "string" ? { key: query.tag } : query.tag;
    where.push(`id IN (SELECT owner_id FROM tags WHERE owner_kind = ? AND kind = 'tag' AND key = ?${tag.category !== undefined ? " AND category = ?" : ""})`);
    params.push(kind, tag.key.trim().toLowerCase());
    if (tag.category !== undefined) params.push(tag.category.trim().toLowerCase());
  }
  if (query.attribute !== undefined) {
    const a = query.attribute;
    where.push("id IN (SELECT owner_id FROM attributes WHERE owner_kind = ? AND key = ? AND category = ? AND value = ?)");
    params.push(kind, a.key.trim().toLowerCase(), (a.category ?? "").trim().toLowerCase(), encodeValue(a.value));
  }
  if (query.typeclass !== undefined) {
    where.push("typeclass_path = ?");
    params.push(typeof query.typeclass === "string" ? query.typeclass : typeclassPathOf(query.typeclass));
  }
  if (query.location !== undefined) {
    where.push("location_id = ?");
    params.push(query.location.id);
  }
  const limit = query.limit === undefined ? undefined : Math.max(1, Math.floor(query.limit));
  // Each object changed in memory but not committed (row, tags, attributes, deletion)
  // can push at most one row that matches in the database but no longer in memory
  // ahead of a true match: fetching `limit + pending` rows and re-checking them in
  // memory finds the first `limit` true matches.
  const fetch = limit === undefined ? undefined : limit + store.pendingCount(kind);
  const suffix = `ORDER BY id${fetch !== undefined ? ` LIMIT ${fetch}` : ""}`;
  const found = await store.where(kind, where.length ? where.join(" AND ") : "1 = 1", params, suffix);
  const merged = mergePending(found, kind, query);
  return (limit === undefined ? merged : merged.slice(0, limit)) as T[];
}

/** Database results and this moment's uncommitted objects, each re-checked against the query in memory, in id order. */
function mergePending(found: TypedObject[], kind: TypedKind, query: SearchQuery): TypedObject[] {
  const store = getStore();
  const byId = new Map(found.map((o) => [o.id, o]));
  for (const o of store.pendingChanges(kind)) byId.set(o.id, o);
  return [...byId.values()].filter((o) => matchesInMemory(o, query)).sort((a, b) => a.id - b.id);
}

function matchesInMemory(o: TypedObject, q: SearchQuery): boolean {
  if (o.isDeleted) return false;
  if (q.key !== undefined) {
    const k = q.key.trim().toLowerCase();
    if (o.key.toLowerCase() !== k && !o.aliases.has(k)) return false;
  }
  if (q.tag !== undefined) {
    const tag = typeof q.tag === "string" ? { key: q.tag, category: undefined } : q.tag;
    if (!o.tags.has(tag.key, tag.category)) return false;
  }
  if (q.attribute !== undefined) {
    const a = q.attribute;
    if (!o.attributes.has(a.key, { category: a.category })) return false;
    if (encodeValue(o.attributes.get(a.key, { category: a.category })) !== encodeValue(a.value)) return false;
  }
  if (q.typeclass !== undefined) {
    const path = typeof q.typeclass === "string" ? q.typeclass : typeclassPathOf(q.typeclass);
    if (o.typeclassPath !== path) return false;
  }
  if (q.location !== undefined && (o as DefaultObject).location !== q.location) return false;
  return true;
}

/**
 * Find an account by name (case-insensitive), or by an alias: the account whose username
 * it is wins over one that has it as an alias (a login or a page goes to "Chief", not to
 * an older account an admin aliased "chief").
 */
export async function findAccount(username: string): Promise<DefaultAccount | null> {
  const found = await search<DefaultAccount>({ kind: "account", key: username, limit: 10 });
  const wanted = username.trim().toLowerCase();
  return found.find((a) => a instanceof DefaultAccount && a.username.toLowerCase() === wanted) ?? found[0] ?? null;
}
