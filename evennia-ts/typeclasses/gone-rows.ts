/**
 * The rows the store knows can never be loaded: rows deleted in memory, and rows asked
 * for and not found. Ids are never reused, so both answers hold for ever; what must
 * not grow for ever is the memory that holds them (a game that makes and destroys
 * things all day — mobs, loot, a builder's tries — deletes millions of rows).
 *
 * A deleted row is remembered by name for as long as a fetch could still bring it
 * back: until its delete is committed and every row fetch begun before that commit
 * has been published or dropped. Past that point it joins the rows known absent,
 * which keep the most recent {@link DEFAULT_ABSENT_LIMIT} only. A row forgotten there
 * is not loaded by mistake: it is simply not known to be gone any more, and the next
 * load asks the database again and finds nothing.
 */

/** How many absent rows are remembered (the oldest are forgotten first). */
export const DEFAULT_ABSENT_LIMIT = 10_000;

/** Deleted and absent rows, by {@link dbRefKey}-style key (see the module comment). */
export class GoneRows {
  /** Deleted rows: the number of the last fetch begun before the delete committed, or -1 until it has. */
  private readonly deleted = new Map<string, number>();
  /** Rows asked for and not found (and deleted rows no fetch can bring back), oldest first. */
  private readonly absent = new Set<string>();
  /** Row fetches begun so far (each takes the next number). */
  private fetches = 0;
  /** Per fetch not settled yet, oldest first: its rows not yet published or dropped (1 while the fetch runs). */
  private readonly open = new Map<number, number>();

  /** @param absentLimit how many absent rows to remember. */
  constructor(private readonly absentLimit = DEFAULT_ABSENT_LIMIT) {}

  /** True when the row can never be loaded. */
  has(key: string): boolean {
    return this.deleted.has(key) || this.absent.has(key);
  }

  /** The row was deleted in memory (its delete is not committed yet). */
  deletedNow(key: string): void {
    this.deleted.set(key, -1);
  }

  /** The delete of the row was undone (its unit of work rolled back). */
  deleteUndone(key: string): void {
    this.deleted.delete(key);
  }

  /** The delete of the row is committed: once no fetch begun before now can bring it back, it is forgotten as deleted. */
  deleteCommitted(key: string): void {
    if (this.deleted.get(key) !== -1) return;
    this.deleted.set(key, this.fetches);
    this.prune();
  }

  /** The row was asked for and not found. */
  notFound(key: string): void {
    this.absent.delete(key);
    this.absent.add(key);
    if (this.absent.size > this.absentLimit) {
      for (const oldest of this.absent) {
        this.absent.delete(oldest);
        break;
      }
    }
  }

  /** The row was created (its id was handed out): it is no longer absent. */
  created(key: string): void {
    this.absent.delete(key);
  }

  /** A row fetch begins: its number, for {@link fetched} and {@link settled}. */
  beginFetch(): number {
    const fetch = ++this.fetches;
    this.open.set(fetch, 1);
    return fetch;
  }

  /** Fetch `fetch` is done and brought `rows` rows, each to be {@link settled} once published or dropped. */
  fetched(fetch: number, rows: number): void {
    if (rows > 0) this.open.set(fetch, (this.open.get(fetch) ?? 0) + rows);
    this.settled(fetch);
  }

  /** One row of fetch `fetch` was published or dropped (or the fetch failed: its own count). */
  settled(fetch: number): void {
    const left = (this.open.get(fetch) ?? 0) - 1;
    if (left > 0) {
      this.open.set(fetch, left);
      return;
    }
    this.open.delete(fetch);
    this.prune();
  }

  /** Figures for tests and diagnostics. */
  sizes(): { deleted: number; absent: number; openFetches: number } {
    return { deleted: this.deleted.size, absent: this.absent.size, openFetches: this.open.size };
  }

  /** Move committed deletes that no open fetch began before to the absent rows (oldest deletes first). */
  private prune(): void {
    let oldestOpen = Infinity;
    for (const fetch of this.open.keys()) {
      oldestOpen = fetch; // numbers are added in order: the first key is the oldest
      break;
    }
    for (const [key, committedAfter] of this.deleted) {
      // a delete not committed yet (or one a running fetch may still hold) stops the walk
      if (committedAfter < 0 || committedAfter >= oldestOpen) break;
      this.deleted.delete(key);
      this.notFound(key);
    }
  }
}
