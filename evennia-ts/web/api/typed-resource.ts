/**
 * A typeclassed resource of the REST API (objects, characters, rooms, exits,
 * accounts, scripts, channels): what each one declares, the parts they share
 * (key, aliases, permissions, tags, attributes, locks), and the six routes made
 * from a declaration — list, create, read, replace, update, delete.
 */
import type { DefaultAccount } from "../../typeclasses/accounts.ts";
import { NotLoadedError } from "../../typeclasses/attribute-handler.ts";
import type { TypedKind } from "../../db/row-codecs.ts";
import { rowCodecs } from "../../db/row-codecs.ts";
import { getById } from "../../typeclasses/search.ts";
import type { TypedObject } from "../../typeclasses/typed-object.ts";
import { passesLocks, requireAccount, requireGrantable, requireLocks, requirePermission, type LockRule } from "./api-access.ts";
import { badRequest, conflict, forbidden, notFound } from "./api-error.ts";
import type { ApiCall, ApiParameter, ApiReply, ApiRoute } from "./api-route.ts";
import { attributeList, bodySchema, parseBody, tagList, text, textList, type ApiTag, type AttributeChange, type BodyField, type BodyMode, type JsonSchema } from "./body-fields.ts";
import { assertIfMatch, etagOf } from "./etag.ts";
import { apiAttribute } from "./json-values.ts";
import { badParam, likeEscape, listPage, pageOf, PAGING_PARAMS, type ListFilter, type SqlCondition } from "./list-query.ts";

/** What one typeclassed resource declares. */
export interface TypedResource<T extends TypedObject = TypedObject> {
  /** Path segment and OpenAPI tag (`objects`). */
  name: string;
  /** One of it, for messages (`object`). */
  noun: string;
  kind: TypedKind;
  /** The lower-case key column `db_key`, `name` and `search` use. */
  keyColumn: string;
  /** Restricts the table to this resource (rooms among objects), or null for the whole table. */
  scope(): SqlCondition | null;
  /** Is this loaded row one of the resource's (else its detail is a 404)? */
  includes(o: TypedObject): boolean;
  filters: ListFilter[];
  /** Writable fields (beyond these, a body may only repeat {@link readOnly} ones). */
  fields: BodyField[];
  readOnly: string[];
  /** Permission to list / to create. */
  listPermission: string;
  createPermission: string;
  viewRule: LockRule;
  changeRule: LockRule;
  deleteRule: LockRule;
  /** The short form in lists. */
  summary(o: T, base: string): Record<string, unknown>;
  /** Resource-specific detail fields (the shared ones are added around them). */
  detail(o: T, base: string): Record<string, unknown>;
  /** JSON Schema of the resource-specific detail fields. */
  detailSchema: Record<string, JsonSchema>;
  /** Create one from checked values (inside a unit of work). */
  create(values: Map<string, unknown>, actor: DefaultAccount): Promise<T>;
  /** Apply the resource-specific values (the shared ones are applied after). */
  update(o: T, values: Map<string, unknown>, actor: DefaultAccount): Promise<void>;
  /** Extra checks before a change or delete (accounts: the manager rule). */
  guard?(o: T, actor: DefaultAccount, action: "change" | "delete"): void;
}

/** The fields every typeclassed resource takes: key, aliases, permissions, tags, attributes, locks. */
export function sharedFields(keyName = "key"): BodyField[] {
  return [
    { name: keyName, type: text(255), description: "The name.", requiredOnCreate: true, requiredOnPut: true },
    { name: "aliases", type: textList(), description: "Other names (replaces the list).", requiredOnPut: true },
    { name: "permissions", type: textList(), description: "Permission strings (replaces the list); never above your own.", requiredOnPut: true },
    { name: "tags", type: tagList, description: "Tags as `\"key\"` or `{key, category}` (replaces the list).", requiredOnPut: true },
    { name: "attributes", type: attributeList, description: "Attributes to set (`value`, any JSON) or remove (`delete: true`); others stay." },
    { name: "locks", type: text(10_000, true), description: "The lock string (`type:func();...`, replaces all); changing it needs the `control` lock.", requiredOnPut: true },
  ];
}

/** Read-only fields every typeclassed detail shows. */
export const SHARED_READ_ONLY = ["id", "dbref", "url", "typeclass", "dateCreated"];

const tagSchema: JsonSchema = { type: "object", properties: { key: { type: "string" }, category: { type: "string" } } };

/** JSON Schema of the shared detail fields. */
export const sharedDetailSchema: Record<string, JsonSchema> = {
  id: { type: "integer" },
  dbref: { type: "string" },
  url: { type: "string" },
  key: { type: "string" },
  typeclass: { type: "string" },
  dateCreated: { type: "string", format: "date-time" },
  locks: { type: "string" },
  aliases: { type: "array", items: { type: "string" } },
  permissions: { type: "array", items: { type: "string" } },
  tags: { type: "array", items: tagSchema },
  attributes: {
    type: "array",
    items: { type: "object", properties: { key: { type: "string" }, category: { type: "string" }, value: {}, encoding: { type: "string", enum: ["tagged"] } } },
  },
};

/** `{id, key}` of a related row, or null. */
export function brief(o: TypedObject | null): { id: number; key: string } | null {
  return o ? { id: o.id, key: o.key } : null;
}

/** JSON Schema of {@link brief}. */
export const briefSchema: JsonSchema = { oneOf: [{ type: "object", properties: { id: { type: "integer" }, key: { type: "string" } } }, { type: "null" }] };

/** The full JSON body of one resource as `actor` sees it (attributes it may not read are left out). */
export async function renderDetail<T extends TypedObject>(resource: TypedResource<T>, o: T, actor: DefaultAccount, base: string): Promise<Record<string, unknown>> {
  for (let attempt = 0; ; attempt++) {
    try {
      return {
        id: o.id,
        dbref: o.dbref,
        url: `${base}/${resource.name}/${o.id}`,
        key: o.key,
        typeclass: o.typeclassPath,
        dateCreated: o.dateCreated.toISOString(),
        ...resource.detail(o, base),
        locks: o.locks.toString(),
        aliases: o.aliases.get(),
        permissions: o.permissions.get(),
        tags: o.tags.all().map((t) => ({ key: t.key, category: t.category })),
        attributes: o.attributes.all({ accessor: actor }).map(apiAttribute),
      };
    } catch (err) {
      // an attribute refers to objects still loading, or contents not in memory yet: wait and render again
      if (!(err instanceof NotLoadedError) || attempt >= 3) throw err;
      await err.ready;
    }
  }
}

/** Apply the shared fields of a body to `o`, checking permissions, locks and attribute locks. */
export function applySharedFields(o: TypedObject, values: Map<string, unknown>, actor: DefaultAccount): void {
  const locks = values.get("locks") as string | undefined;
  if (locks !== undefined && locks.trim() !== o.locks.toString()) {
    if (!passesLocks(o, actor, { locks: ["control"], fallback: "Developer" })) throw forbidden(`changing the locks of ${o.dbref} needs its control lock`);
    const error = locks.trim() ? o.locks.validate(locks) : null;
    if (error) throw badRequest(`locks: ${error}`);
    if (locks.trim()) o.locks.replace(locks);
    else o.locks.clear();
  }
  const aliases = values.get("aliases") as string[] | undefined;
  if (aliases !== undefined) replaceTags(o.aliases, aliases.map((key) => ({ key, category: "" })));
  const permissions = values.get("permissions") as string[] | undefined;
  if (permissions !== undefined) {
    const now = o.permissions.get();
    const wanted = permissions.map((p) => p.trim().toLowerCase());
    requireGrantable(actor, [...wanted.filter((p) => !now.includes(p)), ...now.filter((p) => !wanted.includes(p))]);
    replaceTags(o.permissions, wanted.map((key) => ({ key, category: "" })));
  }
  const tags = values.get("tags") as ApiTag[] | undefined;
  if (tags !== undefined) replaceTags(o.tags, tags);
  for (const change of (values.get("attributes") as AttributeChange[] | undefined) ?? []) {
    if (change.tagged && !change.delete) {
      const current = o.attributes.has(change.key, { category: change.category || undefined }) ? apiAttribute({ key: change.key, category: change.category, value: o.attributes.get(change.key, { category: change.category || undefined }), lockstring: "" }) : null;
      if (current?.encoding === "tagged" && JSON.stringify(current.value) === JSON.stringify(change.value)) continue;
      throw badRequest(`attributes: ${change.key}: values in tagged form (Map, Set, Date, bigint, object references) cannot be written through the API; send plain JSON`);
    }
    if (change.delete) o.attributes.remove(change.key, { category: change.category || undefined, accessor: actor });
    else o.attributes.add(change.key, change.value, { category: change.category || undefined, accessor: actor });
  }
}

function replaceTags(handler: TypedObject["tags"], wanted: readonly ApiTag[]): void {
  const norm = (t: ApiTag) => `${t.key.trim().toLowerCase()}\u0000${t.category.trim().toLowerCase()}`;
  const keep = new Set(wanted.map(norm));
  for (const t of handler.all()) if (!keep.has(norm(t))) handler.remove(t.key, t.category);
  for (const t of wanted) handler.add(t.key, t.category || undefined);
}

/** The id in a path (`12`); 404 for anything else. */
export function pathId(raw: string | undefined, noun: string): number {
  const id = raw !== undefined && /^\d{1,15}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(id) || id < 1) throw notFound(`no ${noun} ${raw ?? ""}`);
  return id;
}

async function loadOne<T extends TypedObject>(resource: TypedResource<T>, raw: string | undefined): Promise<T> {
  const id = pathId(raw, resource.noun);
  const o = await getById<TypedObject>(id, resource.kind);
  if (!o || o.isDeleted || !resource.includes(o)) throw notFound(`no ${resource.noun} #${id}`);
  return o as T;
}

function listParameters(resource: TypedResource): ApiParameter[] {
  return [
    { name: "limit", description: "Page size (cut to the largest the server allows).", schema: { type: "integer", minimum: 1 } },
    { name: "offset", description: "Items to skip.", schema: { type: "integer", minimum: 0 } },
    { name: "search", description: "Key or alias contains this (case-insensitive).", schema: { type: "string" } },
    ...resource.filters.map((f) => ({ name: f.name, description: f.description, schema: f.schema })),
  ];
}

async function list<T extends TypedObject>(resource: TypedResource<T>, call: ApiCall): Promise<ApiReply> {
  const account = requireAccount(call.ctx, call.req);
  requirePermission(account, resource.listPermission, `listing ${resource.name}`);
  const { query } = call;
  const byName = new Map(resource.filters.map((f) => [f.name, f]));
  const unknown = Object.keys(query).filter((k) => !byName.has(k) && !(PAGING_PARAMS as readonly string[]).includes(k));
  if (unknown.length > 0) throw badParam(`unknown query parameter${unknown.length > 1 ? "s" : ""}: ${unknown.join(", ")}`);
  const settings = call.ctx.services.settings;
  const page = pageOf(query, settings.restApiPageSize, settings.restApiMaxPageSize);
  const conditions: SqlCondition[] = [];
  const scope = resource.scope();
  if (scope) conditions.push(scope);
  for (const [name, value] of Object.entries(query)) {
    const filter = byName.get(name);
    if (filter) conditions.push(filter.condition(value, query));
  }
  if (query.search !== undefined && query.search.trim()) {
    const pattern = `%${likeEscape(query.search.trim().toLowerCase())}%`;
    conditions.push({
      sql: `(LOWER(${resource.keyColumn}) LIKE ? ESCAPE '\\' OR id IN (SELECT owner_id FROM tags WHERE owner_kind = ? AND kind = 'alias' AND key LIKE ? ESCAPE '\\'))`,
      params: [pattern, resource.kind, pattern],
    });
  }
  const where = conditions.length > 0 ? conditions.map((c) => c.sql).join(" AND ") : "1 = 1";
  const params = conditions.flatMap((c) => c.params);
  const services = call.ctx.services;
  const table = rowCodecs[resource.kind].table;
  const [counted] = await services.db.query<{ n: number | string }>(`SELECT COUNT(*) AS n FROM ${table} WHERE ${where}`, params);
  const found = await services.store.where(resource.kind, where, params, `ORDER BY id LIMIT ${page.limit} OFFSET ${page.offset}`);
  const base = call.req.baseUrl;
  const results = found.filter((o) => !o.isDeleted).map((o) => resource.summary(o as T, base));
  return { status: 200, body: listPage(call.req, query, page, Number(counted?.n ?? 0), results) };
}

async function readOne<T extends TypedObject>(resource: TypedResource<T>, call: ApiCall): Promise<ApiReply> {
  const account = requireAccount(call.ctx, call.req);
  const o = await loadOne(resource, call.params.id);
  requireLocks(o, account, resource.viewRule, "examine");
  return { status: 200, body: await renderDetail(resource, o, account, call.req.baseUrl) };
}

async function createOne<T extends TypedObject>(resource: TypedResource<T>, call: ApiCall): Promise<ApiReply> {
  const account = requireAccount(call.ctx, call.req);
  requirePermission(account, resource.createPermission, `creating ${resource.name}`);
  const values = parseBody(call.body, resource.fields, [...SHARED_READ_ONLY, ...resource.readOnly], "create");
  const created = await call.ctx.services.runInUnit(async () => {
    const o = await resource.create(values, account);
    applySharedFields(o, new Map([...values].filter(([k]) => k !== "key" && k !== "username")), account);
    return o;
  });
  call.ctx.audit(call.req, `api: created ${resource.noun} ${created.dbref} (${created.key})`);
  const body = await renderDetail(resource, created, account, call.req.baseUrl);
  return { status: 201, body, location: String(body.url) };
}

async function changeOne<T extends TypedObject>(resource: TypedResource<T>, call: ApiCall, mode: BodyMode): Promise<ApiReply> {
  const account = requireAccount(call.ctx, call.req);
  const values = parseBody(call.body, resource.fields, [...SHARED_READ_ONLY, ...resource.readOnly], mode);
  const base = call.req.baseUrl;
  const o = await call.ctx.services.runInUnit(async () => {
    const target = await loadOne(resource, call.params.id);
    // what one may not examine one may not change either: the answer shows it all (and an owner's edit lock is no builder's tool)
    requireLocks(target, account, resource.viewRule, "examine");
    requireLocks(target, account, resource.changeRule, "change");
    resource.guard?.(target, account, "change");
    assertIfMatch(call.req.get("if-match"), etagOf(JSON.stringify(await renderDetail(resource, target, account, base))));
    await resource.update(target, values, account);
    applySharedFields(target, values, account);
    return target;
  });
  // an account that changed its own password with the website session stays logged in there
  if (values.has("password") && (o as TypedObject) === account) call.ctx.keepLoginAfterPasswordChange(call.req, account);
  call.ctx.audit(call.req, `api: ${mode === "put" ? "replaced" : "updated"} ${resource.noun} ${o.dbref} (${[...values.keys()].join(", ") || "nothing"})`);
  return { status: 200, body: await renderDetail(resource, o, account, base) };
}

async function deleteOne<T extends TypedObject>(resource: TypedResource<T>, call: ApiCall): Promise<ApiReply> {
  const account = requireAccount(call.ctx, call.req);
  const base = call.req.baseUrl;
  const gone = await call.ctx.services.runInUnit(async () => {
    const target = await loadOne(resource, call.params.id);
    requireLocks(target, account, resource.viewRule, "examine");
    requireLocks(target, account, resource.deleteRule, "delete");
    resource.guard?.(target, account, "delete");
    assertIfMatch(call.req.get("if-match"), etagOf(JSON.stringify(await renderDetail(resource, target, account, base))));
    const label = `${target.dbref} (${target.key})`;
    if (!(await target.delete())) throw conflict(`${target.dbref} was not deleted: a hook refused`);
    return label;
  });
  call.ctx.audit(call.req, `api: deleted ${resource.noun} ${gone}`);
  return { status: 204 };
}

/** The six routes of a typeclassed resource. */
export function typedResourceRoutes<T extends TypedObject>(resource: TypedResource<T>): ApiRoute[] {
  const collection = `/${resource.name}`;
  const item = `/${resource.name}/{id}`;
  const detailSchema: JsonSchema = { type: "object", properties: { ...sharedDetailSchema, ...resource.detailSchema } };
  const listSchema: JsonSchema = {
    type: "object",
    properties: { count: { type: "integer" }, next: { type: ["string", "null"] }, previous: { type: ["string", "null"] }, results: { type: "array", items: { type: "object" } } },
  };
  const tag = resource.name;
  return [
    {
      method: "get",
      path: collection,
      summary: `List ${resource.name} (${resource.listPermission}+), filtered, searched and paged`,
      tag,
      parameters: listParameters(resource as unknown as TypedResource),
      response: { status: 200, description: `A page of ${resource.name}.`, schema: listSchema },
      handler: (call) => list(resource, call),
    },
    {
      method: "post",
      path: collection,
      summary: `Create a ${resource.noun} (${resource.createPermission}+)`,
      tag,
      requestBody: bodySchema(resource.fields, "create"),
      response: { status: 201, description: `The new ${resource.noun}.`, schema: detailSchema },
      handler: (call) => createOne(resource, call),
    },
    {
      method: "get",
      path: item,
      summary: `One ${resource.noun} with its attributes and tags (its ${resource.viewRule.locks.join("/")} lock)`,
      tag,
      response: { status: 200, description: `The ${resource.noun}.`, schema: detailSchema },
      handler: (call) => readOne(resource, call),
    },
    {
      method: "put",
      path: item,
      summary: `Replace a ${resource.noun}'s writable fields (its ${resource.changeRule.locks.join("/")} lock; If-Match)`,
      tag,
      requestBody: bodySchema(resource.fields, "put"),
      response: { status: 200, description: `The ${resource.noun} as it is now.`, schema: detailSchema },
      handler: (call) => changeOne(resource, call, "put"),
    },
    {
      method: "patch",
      path: item,
      summary: `Change some of a ${resource.noun}'s fields (its ${resource.changeRule.locks.join("/")} lock; If-Match)`,
      tag,
      requestBody: bodySchema(resource.fields, "patch"),
      response: { status: 200, description: `The ${resource.noun} as it is now.`, schema: detailSchema },
      handler: (call) => changeOne(resource, call, "patch"),
    },
    {
      method: "delete",
      path: item,
      summary: `Delete a ${resource.noun} (its ${resource.deleteRule.locks.join("/")} lock; If-Match)`,
      tag,
      response: { status: 204, description: "Deleted." },
      handler: (call) => deleteOne(resource, call),
    },
  ];
}
