/**
 * The website's session store: express-session data kept in the game database
 * (`web_sessions`), so a website login survives a server reload, which restarts the
 * server process. Each session is one row: its id, its data as JSON and when it
 * expires (ms since the epoch). Expired rows read as absent and are pruned at start
 * and every `pruneIntervalMs`.
 */
import session from "express-session";
import type { Database } from "../db/database.ts";
import { WebSessionTable } from "../db/entities/schemas.ts";
import { deleteWhere, upsertRow } from "../db/writes.ts";
import { getLogger } from "../utils/logger.ts";
import { accountIdOfSession } from "./session-data.ts";

const log = getLogger("web-sessions");

/** Options of {@link DatabaseSessionStore}. */
export interface DatabaseSessionStoreOptions {
  /** Lifetime of a session whose cookie has no expiry of its own, in ms. */
  defaultTtlMs: number;
  /**
   * Longest life of a session nobody is logged in to (it holds only a form's CSRF
   * token), in ms; default one day. Keeps visitors and crawlers from filling the table.
   */
  anonymousTtlMs?: number;
  /** How often expired sessions are deleted (0: only by calling {@link DatabaseSessionStore.prune}). */
  pruneIntervalMs?: number;
  /**
   * Shortest time between two renewals of one session's expiry by visits alone, in ms
   * (default one minute): a page and its images, styles and scripts renew it once,
   * not once a request. Changed data is always written at once.
   */
  touchIntervalMs?: number;
  /** The clock (ms since the epoch); tests pass their own. */
  now?: () => number;
}

/** Most sessions whose last renewal is remembered (the oldest are forgotten first: they renew again). */
const MAX_TOUCHED_REMEMBERED = 10_000;

/** The session data express-session keeps, plus what the web app adds. */
type StoredSession = session.SessionData;

/** An express-session `Store` on the game database. */
export class DatabaseSessionStore extends session.Store {
  private readonly now: () => number;
  private timer: NodeJS.Timeout | null = null;
  /** When each session's expiry was last renewed, oldest first. */
  private readonly touched = new Map<string, number>();

  constructor(
    private readonly db: Database,
    private readonly options: DatabaseSessionStoreOptions,
  ) {
    super();
    this.now = options.now ?? Date.now;
    const every = options.pruneIntervalMs ?? 0;
    if (every > 0) {
      this.timer = setInterval(() => void this.prune().catch((err: unknown) => log.error("pruning web sessions failed", err)), every);
      this.timer.unref();
    }
  }

  /** The session `sid`, or null when there is none or it has expired. */
  async read(sid: string): Promise<StoredSession | null> {
    const [row] = await this.db.query<{ data: string; expires: number | string }>("SELECT data, expires FROM web_sessions WHERE sid = ?", [sid]);
    if (!row || Number(row.expires) <= this.now()) return null;
    try {
      return JSON.parse(row.data) as StoredSession;
    } catch (err) {
      log.warn(`web session ${sid.slice(0, 6)}… holds unreadable data; treated as absent (${String(err)})`);
      return null;
    }
  }

  /** Store (create or replace) the session `sid`. */
  async write(sid: string, data: StoredSession): Promise<void> {
    this.noteRenewed(sid);
    await this.db.write([upsertRow(WebSessionTable, { sid, data: JSON.stringify(data), expires: this.expiryOf(data) })]);
  }

  /** Delete the session `sid`. */
  async remove(sid: string): Promise<void> {
    this.touched.delete(sid);
    await this.db.write([deleteWhere(WebSessionTable, ["sid"], [sid])]);
  }

  /** Delete every expired session; returns how many went. */
  async prune(): Promise<number> {
    const now = this.now();
    const [row] = await this.db.query<{ n: number | string }>("SELECT COUNT(*) AS n FROM web_sessions WHERE expires <= ?", [now]);
    const count = Number(row?.n ?? 0);
    if (count > 0) await this.db.write([{ sql: "DELETE FROM web_sessions WHERE expires <= ?", params: [now] }]);
    return count;
  }

  /** Stop the pruning timer. */
  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private noteRenewed(sid: string): void {
    this.touched.delete(sid);
    this.touched.set(sid, this.now());
    if (this.touched.size > MAX_TOUCHED_REMEMBERED) this.touched.delete(this.touched.keys().next().value!);
  }

  private expiryOf(data: StoredSession): number {
    let at = this.now() + this.options.defaultTtlMs;
    const expires = data.cookie?.expires;
    if (expires) {
      const cookieAt = new Date(expires).getTime();
      if (Number.isFinite(cookieAt)) at = cookieAt;
    }
    if (accountIdOfSession(data) === null) at = Math.min(at, this.now() + (this.options.anonymousTtlMs ?? 24 * 3600_000));
    return at;
  }

  // express-session's callback interface

  override get(sid: string, callback: (err: unknown, session?: StoredSession | null) => void): void {
    this.read(sid).then((s) => callback(null, s), (err: unknown) => callback(err));
  }

  override set(sid: string, data: StoredSession, callback?: (err?: unknown) => void): void {
    this.write(sid, data).then(() => callback?.(), (err: unknown) => callback?.(err));
  }

  override destroy(sid: string, callback?: (err?: unknown) => void): void {
    this.remove(sid).then(() => callback?.(), (err: unknown) => callback?.(err));
  }

  override touch(sid: string, data: StoredSession, callback?: () => void): void {
    // a visit renews the expiry (rolling sessions), at most once a touch interval; the data is written as it is
    const last = this.touched.get(sid);
    if (last !== undefined && this.now() - last < (this.options.touchIntervalMs ?? 60_000)) {
      callback?.();
      return;
    }
    this.write(sid, data).then(() => callback?.(), (err: unknown) => {
      log.warn(`could not renew web session ${sid.slice(0, 6)}…: ${String(err)}`);
      callback?.();
    });
  }
}
