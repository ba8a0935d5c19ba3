/**
 * The `help` resource: the help entries kept in the database (`sethelp`), by
 * topic name. Command help and `world/help/` files are not served here (as in
 * Evennia). Any logged-in account lists the entries its `view` (else `read`)
 * lock allows and reads those its `read` lock allows; creating, changing and
 * deleting need Helper (`sethelp`'s lock) and the entry's `edit` lock, if it has one.
 */
import { checkLock } from "../../locks/lock-string.ts";
import type { DefaultAccount } from "../../typeclasses/accounts.ts";
import { allDbHelpEntries, deleteDbHelpEntry, findDbHelpEntry, saveDbHelpEntry, type DbHelpEntry } from "../../commands/help/db-help-entries.ts";
import { canListTopic, canReadTopic, dbHelpTopic } from "../../commands/help/help-entries.ts";
import { parseLockString } from "../../locks/lock-string.ts";
import { requireAccount, requirePermission } from "./api-access.ts";
import { badRequest, conflict, forbidden, notFound } from "./api-error.ts";
import type { ApiCall, ApiReply, ApiRoute } from "./api-route.ts";
import { bodySchema, parseBody, text, textList, type BodyField, type BodyMode, type JsonSchema } from "./body-fields.ts";
import { assertIfMatch, etagOf } from "./etag.ts";
import { badParam, listPage, pageOf, PAGING_PARAMS } from "./list-query.ts";

const WRITE_PERMISSION = "Helper";

const fields: BodyField[] = [
  { name: "key", type: text(255), description: "The topic (a new one; renaming is delete and create).", requiredOnCreate: true, createOnly: true },
  { name: "category", type: text(255), description: "Help category (default `general`).", requiredOnPut: true },
  { name: "text", type: text(100_000, true), description: "The entry's text.", requiredOnCreate: true, requiredOnPut: true },
  { name: "aliases", type: textList(), description: "Other names of the topic (replaces the list).", requiredOnPut: true },
  { name: "locks", type: text(10_000, true), description: "Lock string (`view:...;read:...;edit:...`); empty: everyone reads.", requiredOnPut: true },
];
const readOnly = ["url", "dateCreated"];

const filters = [
  { name: "name", description: "The topic or one of its aliases, exactly (case-insensitive).", schema: { type: "string" } },
  { name: "category", description: "The category, exactly (case-insensitive).", schema: { type: "string" } },
  { name: "alias", description: "Has this alias.", schema: { type: "string" } },
];

function render(entry: DbHelpEntry, base: string): Record<string, unknown> {
  return {
    key: entry.key,
    url: `${base}/help/${encodeURIComponent(entry.key)}`,
    category: entry.category,
    aliases: [...entry.aliases],
    text: entry.text,
    locks: entry.locks,
    dateCreated: new Date(entry.dateCreated).toISOString(),
  };
}

const detailSchema: JsonSchema = {
  type: "object",
  properties: {
    key: { type: "string" },
    url: { type: "string" },
    category: { type: "string" },
    aliases: { type: "array", items: { type: "string" } },
    text: { type: "string" },
    locks: { type: "string" },
    dateCreated: { type: "string", format: "date-time" },
  },
};

function mayEdit(entry: DbHelpEntry, account: DefaultAccount): boolean {
  if (!entry.locks.trim()) return true;
  return checkLock(entry.locks, "edit", { accessor: account as never, accessed: dbHelpTopic(entry) }, true);
}

async function entryFor(call: ApiCall, account: DefaultAccount): Promise<DbHelpEntry> {
  const key = call.params.key ?? "";
  const entry = await findDbHelpEntry(call.ctx.services.db, key);
  if (!entry || !canReadTopic(dbHelpTopic(entry), account)) throw notFound(`no help entry ${JSON.stringify(key)}`);
  return entry;
}

function checkLocks(locks: string): void {
  if (!locks.trim()) return;
  try {
    parseLockString(locks);
  } catch (err) {
    throw badRequest(`locks: ${(err as Error).message}`);
  }
}

async function list(call: ApiCall): Promise<ApiReply> {
  const account = requireAccount(call.ctx, call.req);
  const q = call.query;
  const unknown = Object.keys(q).filter((k) => !filters.some((f) => f.name === k) && !(PAGING_PARAMS as readonly string[]).includes(k));
  if (unknown.length > 0) throw badParam(`unknown query parameter${unknown.length > 1 ? "s" : ""}: ${unknown.join(", ")}`);
  const settings = call.ctx.services.settings;
  const page = pageOf(q, settings.restApiPageSize, settings.restApiMaxPageSize);
  const lower = (s: string | undefined) => s?.trim().toLowerCase();
  const [name, category, alias, search] = [lower(q.name), lower(q.category), lower(q.alias), lower(q.search)];
  const matching = (await allDbHelpEntries(call.ctx.services.db))
    .filter((e) => canListTopic(dbHelpTopic(e), account))
    .filter((e) => name === undefined || e.key.toLowerCase() === name || e.aliases.includes(name))
    .filter((e) => category === undefined || e.category === category)
    .filter((e) => alias === undefined || e.aliases.includes(alias))
    .filter((e) => !search || e.key.toLowerCase().includes(search) || e.aliases.some((a) => a.includes(search)))
    .sort((a, b) => a.key.localeCompare(b.key));
  const base = call.req.baseUrl;
  const results = matching.slice(page.offset, page.offset + page.limit).map((e) => ({ key: e.key, category: e.category, url: render(e, base).url }));
  return { status: 200, body: listPage(call.req, q, page, matching.length, results) };
}

async function readOne(call: ApiCall): Promise<ApiReply> {
  const account = requireAccount(call.ctx, call.req);
  return { status: 200, body: render(await entryFor(call, account), call.req.baseUrl) };
}

async function create(call: ApiCall): Promise<ApiReply> {
  const account = requireAccount(call.ctx, call.req);
  requirePermission(account, WRITE_PERMISSION, "creating help entries");
  const values = parseBody(call.body, fields, readOnly, "create");
  const key = (values.get("key") as string).trim();
  const locks = (values.get("locks") as string | undefined) ?? "";
  checkLocks(locks);
  const db = call.ctx.services.db;
  const saved = await call.ctx.services.runInUnit(async () => {
    if (await findDbHelpEntry(db, key)) throw conflict(`a help entry ${JSON.stringify(key)} exists already`);
    return saveDbHelpEntry(db, {
      key,
      category: (values.get("category") as string | undefined) ?? "general",
      text: values.get("text") as string,
      aliases: (values.get("aliases") as string[] | undefined) ?? [],
      locks,
    });
  });
  call.ctx.audit(call.req, `api: created help entry ${saved.key}`);
  const body = render(saved, call.req.baseUrl);
  return { status: 201, body, location: String(body.url) };
}

async function change(call: ApiCall, mode: BodyMode): Promise<ApiReply> {
  const account = requireAccount(call.ctx, call.req);
  requirePermission(account, WRITE_PERMISSION, "changing help entries");
  const values = parseBody(call.body, fields, [...readOnly, "key"], mode);
  const locks = values.get("locks") as string | undefined;
  if (locks !== undefined) checkLocks(locks);
  const db = call.ctx.services.db;
  const base = call.req.baseUrl;
  const saved = await call.ctx.services.runInUnit(async () => {
    const entry = await entryFor(call, account);
    if (!mayEdit(entry, account)) throw forbidden(`you may not edit the help entry ${entry.key} (its edit lock)`);
    assertIfMatch(call.req.get("if-match"), etagOf(JSON.stringify(render(entry, base))));
    return saveDbHelpEntry(db, {
      key: entry.key,
      category: (values.get("category") as string | undefined) ?? entry.category,
      text: (values.get("text") as string | undefined) ?? entry.text,
      aliases: (values.get("aliases") as string[] | undefined) ?? entry.aliases,
      locks: locks ?? entry.locks,
    });
  });
  call.ctx.audit(call.req, `api: ${mode === "put" ? "replaced" : "updated"} help entry ${saved.key} (${[...values.keys()].join(", ") || "nothing"})`);
  return { status: 200, body: render(saved, base) };
}

async function remove(call: ApiCall): Promise<ApiReply> {
  const account = requireAccount(call.ctx, call.req);
  requirePermission(account, WRITE_PERMISSION, "deleting help entries");
  const db = call.ctx.services.db;
  const base = call.req.baseUrl;
  const key = await call.ctx.services.runInUnit(async () => {
    const entry = await entryFor(call, account);
    if (!mayEdit(entry, account)) throw forbidden(`you may not delete the help entry ${entry.key} (its edit lock)`);
    assertIfMatch(call.req.get("if-match"), etagOf(JSON.stringify(render(entry, base))));
    await deleteDbHelpEntry(db, entry.key);
    return entry.key;
  });
  call.ctx.audit(call.req, `api: deleted help entry ${key}`);
  return { status: 204 };
}

/** The routes of the help resource. */
export function helpRoutes(): ApiRoute[] {
  const tag = "help";
  const listSchema: JsonSchema = {
    type: "object",
    properties: { count: { type: "integer" }, next: { type: ["string", "null"] }, previous: { type: ["string", "null"] }, results: { type: "array", items: { type: "object" } } },
  };
  return [
    {
      method: "get",
      path: "/help",
      summary: "List the database help entries you may see",
      tag,
      parameters: [
        { name: "limit", description: "Page size.", schema: { type: "integer", minimum: 1 } },
        { name: "offset", description: "Items to skip.", schema: { type: "integer", minimum: 0 } },
        { name: "search", description: "Topic or alias contains this (case-insensitive).", schema: { type: "string" } },
        ...filters,
      ],
      response: { status: 200, description: "A page of help entries.", schema: listSchema },
      handler: list,
    },
    { method: "post", path: "/help", summary: `Create a help entry (${WRITE_PERMISSION}+)`, tag, requestBody: bodySchema(fields, "create"), response: { status: 201, description: "The new entry.", schema: detailSchema }, handler: create },
    { method: "get", path: "/help/{key}", summary: "One help entry (its read lock)", tag, response: { status: 200, description: "The entry.", schema: detailSchema }, handler: readOne },
    { method: "put", path: "/help/{key}", summary: "Replace a help entry (its edit lock; If-Match)", tag, requestBody: bodySchema(fields, "put"), response: { status: 200, description: "The entry now.", schema: detailSchema }, handler: (call) => change(call, "put") },
    { method: "patch", path: "/help/{key}", summary: "Change a help entry (its edit lock; If-Match)", tag, requestBody: bodySchema(fields, "patch"), response: { status: 200, description: "The entry now.", schema: detailSchema }, handler: (call) => change(call, "patch") },
    { method: "delete", path: "/help/{key}", summary: "Delete a help entry (its edit lock; If-Match)", tag, response: { status: 204, description: "Deleted." }, handler: remove },
  ];
}

