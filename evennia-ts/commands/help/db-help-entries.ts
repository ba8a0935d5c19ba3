/**
 * Help entries kept in the database (`sethelp` makes them): the `help_entries`
 * table, with each entry's aliases as tags of kind `alias` (owner kind `help`).
 * They are few, so all are read once per database and kept in memory; changes are
 * staged in the current unit of work (written at its commit, undone if it fails).
 */
import type { Database } from "../../db/database.ts";
import { unitOfWorkFor } from "../../db/unit-of-work.ts";
import { EvenniaError } from "../../utils/errors.ts";

/** A help entry from the database. */
export interface DbHelpEntry {
  key: string;
  aliases: string[];
  category: string;
  text: string;
  locks: string;
  dateCreated: number;
}

const caches = new WeakMap<Database, Promise<Map<string, DbHelpEntry>>>();

async function load(db: Database): Promise<Map<string, DbHelpEntry>> {
  const rows = await db.query<{ id: number; key: string; key_lower: string; category: string; text: string; lock_storage: string; date_created: number | string }>(
    "SELECT id, key, key_lower, category, text, lock_storage, date_created FROM help_entries ORDER BY id",
  );
  const aliases = await db.query<{ owner_id: number | string; key: string }>("SELECT owner_id, key FROM tags WHERE owner_kind = 'help' AND kind = 'alias' ORDER BY id");
  const byId = new Map<number, string[]>();
  for (const a of aliases) {
    const list = byId.get(Number(a.owner_id)) ?? [];
    list.push(a.key);
    byId.set(Number(a.owner_id), list);
  }
  const out = new Map<string, DbHelpEntry>();
  for (const r of rows) {
    out.set(r.key_lower, {
      key: r.key,
      aliases: byId.get(Number(r.id)) ?? [],
      category: r.category,
      text: r.text,
      locks: r.lock_storage,
      dateCreated: Number(r.date_created),
    });
  }
  return out;
}

function entries(db: Database): Promise<Map<string, DbHelpEntry>> {
  let cached = caches.get(db);
  if (!cached) {
    cached = load(db);
    caches.set(db, cached);
    cached.catch(() => caches.delete(db));
  }
  return cached;
}

/** Every database help entry. */
export async function allDbHelpEntries(db: Database): Promise<DbHelpEntry[]> {
  return [...(await entries(db)).values()];
}

/** The entry with `key` (case-insensitive), if any. */
export async function findDbHelpEntry(db: Database, key: string): Promise<DbHelpEntry | undefined> {
  return (await entries(db)).get(key.trim().toLowerCase());
}

/**
 * Create or replace the entry `entry.key` (its aliases replace the old ones). To
 * rename, delete the old key first.
 */
export async function saveDbHelpEntry(db: Database, entry: Omit<DbHelpEntry, "dateCreated"> & { dateCreated?: number }): Promise<DbHelpEntry> {
  const key = entry.key.trim();
  if (!key) throw new EvenniaError("EV_ERR_BAD_INPUT", "a help entry needs a topic");
  const map = await entries(db);
  const lower = key.toLowerCase();
  const previous = map.get(lower);
  const saved: DbHelpEntry = {
    key,
    aliases: [...new Set(entry.aliases.map((a) => a.trim().toLowerCase()).filter((a) => a && a !== lower))],
    category: (entry.category || "general").toLowerCase(),
    text: entry.text,
    locks: entry.locks,
    dateCreated: previous?.dateCreated ?? entry.dateCreated ?? Date.now(),
  };
  map.set(lower, saved);
  const uow = unitOfWorkFor(db);
  uow.recordUndo(() => {
    if (map.get(lower) !== saved) return;
    if (previous) map.set(lower, previous);
    else map.delete(lower);
  });
  uow.stage(`help:${lower}`, () => {
    const current = map.get(lower);
    if (!current) return [];
    return [
      {
        sql:
          "INSERT INTO help_entries (key, key_lower, category, text, lock_storage, date_created) VALUES (?, ?, ?, ?, ?, ?) " +
          "ON CONFLICT (key_lower) DO UPDATE SET key = excluded.key, category = excluded.category, text = excluded.text, lock_storage = excluded.lock_storage",
        params: [current.key, lower, current.category, current.text, current.locks, current.dateCreated],
      },
      { sql: "DELETE FROM tags WHERE owner_kind = 'help' AND owner_id IN (SELECT id FROM help_entries WHERE key_lower = ?)", params: [lower] },
      ...current.aliases.map((alias) => ({
        sql: "INSERT INTO tags (owner_kind, owner_id, key, category, kind) SELECT 'help', id, ?, '', 'alias' FROM help_entries WHERE key_lower = ?",
        params: [alias, lower],
      })),
    ];
  });
  return saved;
}

/** Delete the entry `key`; returns whether there was one. */
export async function deleteDbHelpEntry(db: Database, key: string): Promise<boolean> {
  const map = await entries(db);
  const lower = key.trim().toLowerCase();
  const previous = map.get(lower);
  if (!previous) return false;
  map.delete(lower);
  const uow = unitOfWorkFor(db);
  uow.recordUndo(() => {
    if (!map.has(lower)) map.set(lower, previous);
  });
  uow.stage(`help:${lower}`, () =>
    map.has(lower)
      ? []
      : [
          { sql: "DELETE FROM tags WHERE owner_kind = 'help' AND owner_id IN (SELECT id FROM help_entries WHERE key_lower = ?)", params: [lower] },
          { sql: "DELETE FROM help_entries WHERE key_lower = ?", params: [lower] },
        ],
  );
  return true;
}

/** Forget the cached entries of `db` (tests; another process changed the table). */
export function forgetDbHelpEntries(db: Database): void {
  caches.delete(db);
}
