/**
 * The identity map: one live instance per database row, so that loading the same row twice
 * gives the same object (`===`).
 *
 * Instances are held weakly (`Map<id, entry with a WeakRef>`); a `FinalizationRegistry` removes
 * the entries of collected ones. Two kinds of strong reference keep instances alive:
 *
 * - **pins**, each with one or more reasons (`"ndb"`, `"puppet"`, `"script"`, `"location"` ...);
 *   an instance stays pinned while any reason remains;
 * - an **LRU** of the most recently used unpinned instances (capacity `lruSize`, 0 for none),
 *   which keeps warm what was just used. {@link IdentityMap.flush} empties it.
 *
 * The caller keeps one map per table (objects, accounts, scripts, channels).
 *
 * Note: reading an instance through its WeakRef (as {@link IdentityMap.get}, iteration
 * and `stats()` do) keeps it alive until the current job (synchronous run) ends, as the
 * JavaScript spec requires.
 */
import { EvenniaError } from "../utils/errors.ts";
import { getLogger } from "../utils/logger.ts";

const log = getLogger("identity-map");

/** Options of an {@link IdentityMap}. */
export interface IdentityMapOptions<T extends object = object> {
  /** How many recently used unpinned instances are held strongly (0: none). */
  lruSize: number;
  /** Names an instance's type for {@link IdentityMap.stats} (e.g. its typeclass path); default: class name. */
  describe?: (obj: object) => string;
  /**
   * The row id of an instance. When given, the map needs no side table from instance to id
   * (less memory per instance); without it, a WeakMap is kept.
   */
  idOf?: (obj: T) => number;
}

/** Counts of one type (or of the whole map) in {@link IdentityMap.stats}. */
export interface IdentityMapCounts {
  /** Instances still alive (reachable through the map). */
  live: number;
  /** Instances pinned for at least one reason. */
  pinned: number;
  /** Instances held by the LRU. */
  strong: number;
}

/** What {@link IdentityMap.stats} returns. */
export interface IdentityMapStats extends IdentityMapCounts {
  /** The same counts by type name. */
  byType: Record<string, IdentityMapCounts>;
}

/**
 * One row's entry. It is also a node of the LRU list (most recent at the head) while
 * `strong` holds the instance, and it is what the finalization registry remembers, so a
 * finalizer only ever removes the very entry it was registered for.
 */
interface Entry<T extends object> {
  readonly id: number;
  readonly ref: WeakRef<T>;
  /** The instance, while the LRU holds it. */
  strong: T | null;
  prev: Entry<T> | null;
  next: Entry<T> | null;
  pinned: boolean;
}

/** One live instance per row id, held weakly, with pins and an LRU of strong references. */
export class IdentityMap<T extends object> {
  readonly #entries = new Map<number, Entry<T>>();
  /** instance → its id, only when no `idOf` was given. */
  readonly #ids: WeakMap<T, number> | null;
  readonly #idOf: ((obj: T) => number) | null;
  readonly #pins = new Map<T, Set<string>>();
  readonly #lruSize: number;
  readonly #describe: (obj: object) => string;
  readonly #registry: FinalizationRegistry<Entry<T>>;
  #head: Entry<T> | null = null;
  #tail: Entry<T> | null = null;
  #lruCount = 0;
  #additions = 0;

  constructor(options: IdentityMapOptions<T>) {
    if (!Number.isInteger(options.lruSize) || options.lruSize < 0) {
      throw new EvenniaError("EV_ERR_CONFIG", `identity map lruSize must be an integer >= 0, got ${options.lruSize}`);
    }
    this.#lruSize = options.lruSize;
    this.#describe = options.describe ?? defaultDescribe;
    this.#idOf = options.idOf ?? null;
    this.#ids = options.idOf ? null : new WeakMap();
    const entries = this.#entries;
    this.#registry = new FinalizationRegistry<Entry<T>>((entry) => {
      // Only the entry this registration was made for: the id may have been re-added since.
      if (entries.get(entry.id) === entry) entries.delete(entry.id);
    });
  }

  /** Grows each time an instance comes into the map (loaded or created): a cache of "what is in memory" compares it. */
  get additions(): number {
    return this.#additions;
  }

  /** The live instance for `id`, or undefined (never loaded, removed, or collected). Marks it recently used. */
  get(id: number): T | undefined {
    const entry = this.#entries.get(id);
    if (entry === undefined) return undefined;
    const obj = entry.strong ?? entry.ref.deref();
    if (obj === undefined) {
      this.#entries.delete(id);
      return undefined;
    }
    this.#touch(entry, obj);
    return obj;
  }

  /**
   * Register `obj` as the instance of row `id` and return it; if a live instance already exists
   * for `id`, return THAT one instead (there are never two instances of one row).
   *
   * @throws EvenniaError `EV_ERR_INTERNAL` if `obj` is already registered under another id.
   */
  add(id: number, obj: T): T {
    const existing = this.#entries.get(id);
    if (existing !== undefined) {
      const live = existing.strong ?? existing.ref.deref();
      if (live !== undefined) {
        this.#touch(existing, live);
        return live;
      }
      this.#unlink(existing);
    }
    const otherId = this.#ids ? this.#ids.get(obj) : undefined;
    if (otherId !== undefined && otherId !== id && this.#entries.get(otherId)?.ref.deref() === obj) {
      throw new EvenniaError("EV_ERR_INTERNAL", `identity map: instance of #${otherId} cannot also be added as #${id}`);
    }
    const entry: Entry<T> = { id, ref: new WeakRef(obj), strong: null, prev: null, next: null, pinned: this.#pins.has(obj) };
    this.#entries.set(id, entry);
    this.#additions++;
    this.#ids?.set(obj, id);
    this.#registry.register(obj, entry);
    this.#touch(entry, obj);
    return obj;
  }

  /** Forget row `id` (e.g. the row was deleted): its entry, its LRU slot and its pins. */
  remove(id: number): void {
    const entry = this.#entries.get(id);
    if (entry === undefined) return;
    this.#entries.delete(id);
    this.#unlink(entry);
    const obj = entry.ref.deref();
    if (obj !== undefined) {
      this.#ids?.delete(obj);
      this.#pins.delete(obj);
    }
    entry.pinned = false;
  }

  /** Hold `obj` strongly for `reason` (reasons are a set: pinning twice for one reason needs one unpin). */
  pin(obj: T, reason: string): void {
    const reasons = this.#pins.get(obj);
    if (reasons) {
      reasons.add(reason);
      return;
    }
    this.#pins.set(obj, new Set([reason]));
    const entry = this.#entryOf(obj);
    if (entry) {
      entry.pinned = true;
      this.#unlink(entry);
    }
  }

  /** Drop `reason`; when no reason remains `obj` is unpinned and goes to the front of the LRU. */
  unpin(obj: T, reason: string): void {
    const reasons = this.#pins.get(obj);
    if (!reasons || !reasons.delete(reason)) return;
    if (reasons.size > 0) return;
    this.#pins.delete(obj);
    const entry = this.#entryOf(obj);
    if (entry) {
      entry.pinned = false;
      this.#touch(entry, obj);
    }
  }

  /** True while `obj` is pinned for any reason. */
  isPinned(obj: T): boolean {
    return this.#pins.has(obj);
  }

  /** The reasons `obj` is pinned for (empty when it is not). */
  pinReasons(obj: T): string[] {
    return [...(this.#pins.get(obj) ?? [])];
  }

  /** Drop every LRU (unpinned strong) reference; returns how many were dropped. Pins are kept. */
  flush(): number {
    const dropped = this.#lruCount;
    for (let e = this.#head; e !== null; ) {
      const next = e.next;
      e.strong = null;
      e.prev = null;
      e.next = null;
      e = next;
    }
    this.#head = null;
    this.#tail = null;
    this.#lruCount = 0;
    return dropped;
  }

  /** Counts of live, pinned and LRU-held instances, in total and by type. */
  stats(): IdentityMapStats {
    const byType: Record<string, IdentityMapCounts> = {};
    const total: IdentityMapCounts = { live: 0, pinned: 0, strong: 0 };
    const countOf = (obj: T): IdentityMapCounts => {
      const type = this.#describe(obj);
      return (byType[type] ??= { live: 0, pinned: 0, strong: 0 });
    };
    for (const obj of this) {
      total.live++;
      countOf(obj).live++;
    }
    for (const obj of this.#pins.keys()) {
      total.pinned++;
      countOf(obj).pinned++;
    }
    for (let e = this.#head; e !== null; e = e.next) {
      total.strong++;
      countOf(e.strong!).strong++;
    }
    return { ...total, byType };
  }

  /** The live instances (entries of collected ones are dropped on the way). */
  *[Symbol.iterator](): IterableIterator<T> {
    for (const [id, entry] of this.#entries) {
      const obj = entry.strong ?? entry.ref.deref();
      if (obj === undefined) this.#entries.delete(id);
      else yield obj;
    }
  }

  /**
   * How many entries the map holds: instances that are alive, or collected so recently that the
   * finalization registry has not removed their entry yet (so this may lag GC). O(1); does not
   * read the weak references. {@link IdentityMap.stats} counts the instances actually alive.
   */
  get size(): number {
    return this.#entries.size;
  }

  #entryOf(obj: T): Entry<T> | undefined {
    const id = this.#idOf ? this.#idOf(obj) : this.#ids!.get(obj);
    if (id === undefined) return undefined;
    const entry = this.#entries.get(id);
    return entry !== undefined && (entry.strong ?? entry.ref.deref()) === obj ? entry : undefined;
  }

  /** Move an entry to the LRU front (unless pinned, or the LRU is disabled), evicting the oldest. O(1). */
  #touch(entry: Entry<T>, obj: T): void {
    if (this.#lruSize === 0 || entry.pinned) return;
    if (this.#head === entry) return;
    if (entry.strong !== null) {
      // already in the list: unhook it
      entry.prev!.next = entry.next;
      if (entry.next) entry.next.prev = entry.prev;
      else this.#tail = entry.prev;
    } else {
      entry.strong = obj;
      this.#lruCount++;
    }
    entry.prev = null;
    entry.next = this.#head;
    if (this.#head) this.#head.prev = entry;
    this.#head = entry;
    this.#tail ??= entry;
    if (this.#lruCount > this.#lruSize) this.#unlink(this.#tail!);
  }

  /** Take an entry out of the LRU (dropping its strong reference). */
  #unlink(entry: Entry<T>): void {
    if (entry.strong === null) return;
    if (entry.prev) entry.prev.next = entry.next;
    else this.#head = entry.next;
    if (entry.next) entry.next.prev = entry.prev;
    else this.#tail = entry.prev;
    entry.prev = null;
    entry.next = null;
    entry.strong = null;
    this.#lruCount--;
  }
}

function defaultDescribe(obj: object): string {
  const ctor: unknown = (obj as { constructor?: unknown }).constructor;
  return typeof ctor === "function" && ctor.name ? ctor.name : "Object";
}

/** Options of a {@link HeapWatcher}. */
export interface HeapWatcherOptions {
  /** Call `onThreshold` when `process.memoryUsage().heapUsed` exceeds this many MiB. */
  thresholdMb: number;
  /** How often to check. */
  intervalMs: number;
  /** What to do (typically: flush the identity maps). Errors are logged, never thrown. */
  onThreshold: () => void;
}

/** Checks the heap on an unref'd timer and calls back while it is above a threshold. */
export class HeapWatcher {
  #timer: NodeJS.Timeout | undefined;
  /** Whether the previous check was above the threshold (to log crossings, not every check). */
  #above = false;

  constructor(private readonly opts: HeapWatcherOptions) {
    if (!(opts.thresholdMb > 0) || !(opts.intervalMs > 0)) {
      throw new EvenniaError("EV_ERR_CONFIG", "heap watcher thresholdMb and intervalMs must be > 0");
    }
  }

  /** Start checking every `intervalMs` (idempotent). The timer does not keep the process alive. */
  start(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => this.check(), this.opts.intervalMs);
    this.#timer.unref();
  }

  /** Stop checking (idempotent). */
  stop(): void {
    if (!this.#timer) return;
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** True while started. */
  get running(): boolean {
    return this.#timer !== undefined;
  }

  /** Check once now; returns true when the heap was above the threshold (and the callback ran). */
  check(): boolean {
    const usedMb = process.memoryUsage().heapUsed / (1024 * 1024);
    if (usedMb <= this.opts.thresholdMb) {
      this.#above = false;
      return false;
    }
    if (!this.#above) log.info(`heap ${usedMb.toFixed(1)} MiB above ${this.opts.thresholdMb} MiB: flushing caches`);
    this.#above = true;
    try {
      this.opts.onThreshold();
    } catch (err) {
      log.error("heap threshold callback failed", err);
    }
    return true;
  }
}
