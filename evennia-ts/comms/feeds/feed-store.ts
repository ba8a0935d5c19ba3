/**
 * Where feeds are kept: one row per feed in the `server_config` key/value table
 * (`feed:<id>` → the feed as JSON, `feeds:next-id` → the next id), so feeds, their
 * health, their HTTP validators and the ids of the entries already posted survive
 * reloads and restarts on SQLite and PostgreSQL alike, without a table of their own.
 * Writes are staged in the caller's unit of work (and undone in memory if it fails).
 */
import type { Database } from "../../db/database.ts";
import { ServerConfigTable } from "../../db/entities/schemas.ts";
import { unitOfWorkFor } from "../../db/unit-of-work.ts";
import { deleteWhere, upsertRow } from "../../db/writes.ts";
import { EvenniaError } from "../../utils/errors.ts";
import { getLogger } from "../../utils/logger.ts";
import { newFeedHealth, type FeedHealth } from "./feed-health.ts";

const log = getLogger("feeds");

/** A feed attached to a channel. */
export interface FeedRecord {
  /** Its number, shown by `rss2chan/list` and used by `/delete` and `/check`. */
  readonly id: number;
  /** Key of the channel entries are posted to. */
  channel: string;
  /** Where it is fetched from (a permanent redirect changes it). */
  url: string;
  /** Who attached it. */
  addedBy: string;
  /** When (ms since the epoch). */
  addedAt: number;
  /** The feed's own title, from its last document ("" before). */
  title: string;
  /** HTTP validators of the last document, for conditional GETs. */
  etag: string | null;
  lastModified: string | null;
  /** Ids of entries already posted (or passed over), newest first; bounded, see {@link rememberSeen}. */
  seen: string[];
  /** False until the first document was read (its backlog is not all posted). */
  primed: boolean;
  health: FeedHealth;
}

/** Ids remembered beyond those in the last document read. */
export const SEEN_CAP = 300;

const KEY_PREFIX = "feed:";
const NEXT_ID_KEY = "feeds:next-id";

/**
 * The ids to remember after reading a document: every id in it (so none of them is
 * posted again, however long the feed is), then older ones up to {@link SEEN_CAP}
 * (an entry that drops out of the feed and comes back is still known for a while).
 */
export function rememberSeen(previous: readonly string[], inDocument: readonly string[], cap = SEEN_CAP): string[] {
  const current = [...new Set(inDocument)].reverse(); // newest first
  const keep = new Set(current);
  const older = previous.filter((id) => !keep.has(id));
  return [...current, ...older.slice(0, Math.max(0, cap - current.length))];
}

/** The feeds, in memory, written through to `server_config`. */
export class FeedStore {
  private readonly feeds = new Map<number, FeedRecord>();
  private nextId = 1;
  private loaded = false;

  constructor(readonly db: Database) {}

  /** Read every feed from the database (once; later calls return what is in memory). */
  async load(): Promise<FeedRecord[]> {
    if (!this.loaded) {
      const rows = await this.db.query<{ key: string; value: string }>("SELECT key, value FROM server_config WHERE key LIKE ?", [`${KEY_PREFIX}%`]);
      for (const row of rows) {
        const record = decode(row.key, row.value);
        if (record) this.feeds.set(record.id, record);
      }
      const [next] = await this.db.query<{ value: string }>("SELECT value FROM server_config WHERE key = ?", [NEXT_ID_KEY]);
      const stored = Number(next?.value ?? 1);
      this.nextId = Math.max(Number.isInteger(stored) ? stored : 1, ...[...this.feeds.keys()].map((id) => id + 1));
      this.loaded = true;
    }
    return this.all();
  }

  /** Every feed, by id. */
  all(): FeedRecord[] {
    return [...this.feeds.values()].sort((a, b) => a.id - b.id);
  }

  /** The feed with this id, if any. */
  get(id: number): FeedRecord | undefined {
    return this.feeds.get(id);
  }

  /** Attach a new feed (staged in the current unit of work); it is due at `now`. */
  add(spec: { channel: string; url: string; addedBy: string }, now: number): FeedRecord {
    if (!this.loaded) throw new EvenniaError("EV_ERR_INTERNAL", "feeds added before the feed store was loaded");
    const id = this.nextId++;
    const record: FeedRecord = { id, ...spec, addedAt: now, title: "", etag: null, lastModified: null, seen: [], primed: false, health: newFeedHealth(now) };
    this.feeds.set(id, record);
    const uow = unitOfWorkFor(this.db);
    uow.recordUndo(() => {
      this.feeds.delete(id);
      if (this.nextId === id + 1) this.nextId = id;
    });
    const next = this.nextId;
    uow.stage(`config:${NEXT_ID_KEY}`, () => [upsertRow(ServerConfigTable, { key: NEXT_ID_KEY, value: String(next) })]);
    this.stageRow(record);
    return record;
  }

  /** Replace a feed's stored state with `record` (staged in the current unit of work). */
  save(record: FeedRecord): void {
    if (!this.feeds.has(record.id)) return; // deleted meanwhile: stays deleted
    const previous = this.feeds.get(record.id)!;
    const snapshot = structuredClone(previous);
    this.feeds.set(record.id, record);
    unitOfWorkFor(this.db).recordUndo(() => this.feeds.set(record.id, snapshot));
    this.stageRow(record);
  }

  /** Detach a feed (staged); returns it, or undefined when there is none with this id. */
  remove(id: number): FeedRecord | undefined {
    const record = this.feeds.get(id);
    if (!record) return undefined;
    this.feeds.delete(id);
    const uow = unitOfWorkFor(this.db);
    uow.recordUndo(() => this.feeds.set(id, record));
    const key = `${KEY_PREFIX}${id}`;
    uow.stage(`config:${key}`, () => [deleteWhere(ServerConfigTable, ["key"], [key])]);
    return record;
  }

  private stageRow(record: FeedRecord): void {
    const key = `${KEY_PREFIX}${record.id}`;
    const value = JSON.stringify(record);
    unitOfWorkFor(this.db).stage(`config:${key}`, () => [upsertRow(ServerConfigTable, { key, value })]);
  }
}

/** A stored feed, or null (logged) when the row cannot be read. */
function decode(key: string, value: string): FeedRecord | null {
  const id = Number(key.slice(KEY_PREFIX.length));
  let data: FeedRecord;
  try {
    data = JSON.parse(value) as FeedRecord;
  } catch (err) {
    log.error(`stored feed ${key} is not JSON; it is ignored`, err);
    return null;
  }
  if (!Number.isInteger(id) || typeof data?.url !== "string" || typeof data.channel !== "string" || !data.health) {
    log.error(`stored feed ${key} lacks its url, channel or health; it is ignored`);
    return null;
  }
  return { ...data, id, seen: Array.isArray(data.seen) ? data.seen.map(String) : [] };
}
