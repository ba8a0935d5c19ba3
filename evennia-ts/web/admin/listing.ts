/**
 * The admin's list queries: one page of accounts, objects, scripts or channels
 * matching a search and filters, read straight from the tables (a list shows
 * rows; it does not load hundreds of objects into the identity map — the edit
 * page loads the one object it edits, through the store). Every value from the
 * request travels as a parameter; `LIKE` patterns are escaped.
 */
import type { Database } from "../../db/database.ts";
import { kindCondition, type ObjectKind } from "./object-kinds.ts";
import { clampPage, pageOf, type Page, type PageRequest } from "./pagination.ts";

/** `%text%` for `LIKE ... ESCAPE '\'`, with the pattern characters in `text` escaped. */
function containsPattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** `#12` or `12` as an id, else null. */
export function dbrefNumber(text: string): number | null {
  const match = /^#?(\d{1,15})$/.exec(text.trim());
  return match ? Number(match[1]) : null;
}

/** A WHERE clause being built. */
class Conditions {
  readonly parts: string[] = [];
  readonly params: unknown[] = [];
  add(sql: string, ...params: unknown[]): void {
    this.parts.push(sql);
    this.params.push(...params);
  }
  get sql(): string {
    return this.parts.length ? this.parts.join(" AND ") : "1 = 1";
  }
}

/**
 * A search box: `#12` finds id 12; other text finds rows whose name (`nameColumn`,
 * lower-case) or one of their aliases contains it.
 */
function addSearch(where: Conditions, q: string, ownerKind: string, idColumn: string, nameColumn: string): void {
  if (!q) return;
  const id = q.startsWith("#") ? dbrefNumber(q) : null;
  if (id !== null) {
    where.add(`${idColumn} = ?`, id);
    return;
  }
  const pattern = containsPattern(q);
  where.add(`(${nameColumn} LIKE ? ESCAPE '\\' OR ${idColumn} IN (SELECT owner_id FROM tags WHERE owner_kind = ? AND kind = 'alias' AND key LIKE ? ESCAPE '\\'))`, pattern, ownerKind, pattern);
}

/** Count the matching rows, then read the requested page of them. */
async function readPage<R>(db: Database, request: PageRequest, from: string, where: Conditions, columns: string, order: string): Promise<Page<R>> {
  const [count] = await db.query<{ n: number | string }>(`SELECT COUNT(*) AS n FROM ${from} WHERE ${where.sql}`, where.params);
  const total = Number(count?.n ?? 0);
  const { offset } = clampPage(request, total);
  const rows = total === 0 ? [] : await db.query<R>(`SELECT ${columns} FROM ${from} WHERE ${where.sql} ORDER BY ${order} LIMIT ${request.size} OFFSET ${offset}`, where.params);
  return pageOf(rows, request, total);
}

/** The object list's filters. */
export interface ObjectFilters {
  q: string;
  typeclass: string;
  /** `#12` (objects in #12) or `none` (objects nowhere: rooms, mostly). */
  location: string;
  kind: ObjectKind | "";
}

/** One row of the object list. */
export interface ObjectListRow {
  id: number;
  key: string;
  typeclass_path: string;
  location_id: number | null;
  location_key: string | null;
  account_id: number | null;
}

/** A page of objects. */
export async function listObjects(db: Database, filters: ObjectFilters, request: PageRequest): Promise<Page<ObjectListRow>> {
  const where = new Conditions();
  addSearch(where, filters.q, "object", "o.id", "o.key_lower");
  if (filters.typeclass) where.add("o.typeclass_path = ?", filters.typeclass);
  if (filters.location === "none") where.add("o.location_id IS NULL");
  else if (filters.location) where.add("o.location_id = ?", dbrefNumber(filters.location) ?? -1);
  if (filters.kind) {
    const kind = kindCondition(filters.kind, "o.typeclass_path");
    where.add(kind.sql, ...kind.params);
  }
  const page = await readPage<ObjectListRow>(db, request, "objects o LEFT JOIN objects l ON l.id = o.location_id", where, "o.id, o.key, o.typeclass_path, o.location_id, l.key AS location_key, o.account_id", "o.id");
  page.rows = page.rows.map((r) => ({ ...r, id: Number(r.id), location_id: r.location_id === null ? null : Number(r.location_id), account_id: r.account_id === null ? null : Number(r.account_id) }));
  return page;
}

/** The account list's filters. */
export interface AccountFilters {
  q: string;
  /** A permission the account holds itself (`admin`), or `superuser`. */
  permission: string;
}

/** One row of the account list. */
export interface AccountListRow {
  id: number;
  username: string;
  email: string | null;
  is_superuser: boolean;
  date_created: number;
  last_login: number | null;
  permissions: string[];
}

/** A page of accounts, with each one's permissions. */
export async function listAccounts(db: Database, filters: AccountFilters, request: PageRequest): Promise<Page<AccountListRow>> {
  const where = new Conditions();
  addSearch(where, filters.q, "account", "id", "username_lower");
  if (filters.permission === "superuser") where.add("is_superuser = 1");
  else if (filters.permission) where.add("id IN (SELECT owner_id FROM tags WHERE owner_kind = 'account' AND kind = 'permission' AND key = ?)", filters.permission.toLowerCase());
  const page = await readPage<AccountListRow>(db, request, "accounts", where, "id, username, email, is_superuser, date_created, last_login", "id");
  const ids = page.rows.map((r) => Number(r.id));
  const perms = ids.length
    ? await db.query<{ owner_id: number | string; key: string }>(
        `SELECT owner_id, key FROM tags WHERE owner_kind = 'account' AND kind = 'permission' AND owner_id IN (${ids.map(() => "?").join(", ")}) ORDER BY key`,
        ids,
      )
    : [];
  page.rows = page.rows.map((r) => ({
    ...r,
    id: Number(r.id),
    is_superuser: Boolean(Number(r.is_superuser)),
    date_created: Number(r.date_created),
    last_login: r.last_login === null ? null : Number(r.last_login),
    permissions: perms.filter((p) => Number(p.owner_id) === Number(r.id)).map((p) => p.key),
  }));
  return page;
}

/** The script list's filters. */
export interface ScriptFilters {
  q: string;
  typeclass: string;
  /** `#12`: scripts on object #12. */
  obj: string;
}

/** One row of the script list. */
export interface ScriptListRow {
  id: number;
  key: string;
  typeclass_path: string;
  obj_id: number | null;
  obj_key: string | null;
  account_id: number | null;
  interval: number;
  is_active: boolean;
}

/** A page of scripts. */
export async function listScripts(db: Database, filters: ScriptFilters, request: PageRequest): Promise<Page<ScriptListRow>> {
  const where = new Conditions();
  addSearch(where, filters.q, "script", "s.id", "LOWER(s.key)");
  if (filters.typeclass) where.add("s.typeclass_path = ?", filters.typeclass);
  if (filters.obj) where.add("s.obj_id = ?", dbrefNumber(filters.obj) ?? -1);
  const page = await readPage<ScriptListRow>(db, request, "scripts s LEFT JOIN objects o ON o.id = s.obj_id", where, "s.id, s.key, s.typeclass_path, s.obj_id, o.key AS obj_key, s.account_id, s.interval, s.is_active", "s.id");
  page.rows = page.rows.map((r) => ({
    ...r,
    id: Number(r.id),
    obj_id: r.obj_id === null ? null : Number(r.obj_id),
    account_id: r.account_id === null ? null : Number(r.account_id),
    interval: Number(r.interval),
    is_active: Boolean(Number(r.is_active)),
  }));
  return page;
}

/** One row of the channel list. */
export interface ChannelListRow {
  id: number;
  key: string;
  typeclass_path: string;
  subscribers: number;
}

/** A page of channels, with how many subscribe to each. */
export async function listChannels(db: Database, filters: { q: string }, request: PageRequest): Promise<Page<ChannelListRow>> {
  const where = new Conditions();
  addSearch(where, filters.q, "channel", "c.id", "c.key_lower");
  const page = await readPage<ChannelListRow>(db, request, "channels c", where, "c.id, c.key, c.typeclass_path, (SELECT COUNT(*) FROM channel_subscriptions s WHERE s.channel_id = c.id) AS subscribers", "c.id");
  page.rows = page.rows.map((r) => ({ ...r, id: Number(r.id), subscribers: Number(r.subscribers) }));
  return page;
}

/** The typeclass paths rows of `table` have, for a filter's choices. */
export async function typeclassesInUse(db: Database, table: "objects" | "scripts" | "channels" | "accounts"): Promise<string[]> {
  const rows = await db.query<{ typeclass_path: string }>(`SELECT DISTINCT typeclass_path FROM ${table} ORDER BY typeclass_path`);
  return rows.map((r) => r.typeclass_path);
}
