/**
 * The store: the one place typeclassed objects are loaded, created and deleted.
 * It keeps one live instance per row (the identity map), loads related rows
 * together (an object's location, home, destination and account, and the objects
 * its attributes refer to, up to a bound) so that reading them stays synchronous,
 * and stages writes in units of work.
 *
 * Loads run concurrently: two loads of disjoint rows never wait on each other, and
 * two loads of the same row share one fetch (one promise per row in flight). A load
 * yields to the event loop between its batched queries, so a large load never
 * holds up the commands of other players.
 */
import type { Database } from "../db/database.ts";
import { dbRefKey, type DbRef } from "../db/db-ref.ts";
import type { AttributeRow, TagKind, TagRow } from "../db/entities/rows.ts";
import { AttributeTable, TagTable } from "../db/entities/schemas.ts";
import { IdAllocator } from "../db/id-allocator.ts";
import { IdentityMap, type IdentityMapStats } from "../db/identity-map.ts";
import { decodeRow, deleteRow, newRow, rowCodecs, selectColumns, upsertRow, type RowCodec, type TypedKind, type TypedRow } from "../db/row-codecs.ts";
import { collectRefs } from "../db/tagged-json.ts";
import { unitOfWorkFor, type UnitOfWork } from "../db/unit-of-work.ts";
import { deleteWhere, type Write } from "../db/writes.ts";
import { EvenniaError } from "../utils/errors.ts";
import { getLogger } from "../utils/logger.ts";
import { RepeatedErrorLog } from "../utils/repeated-error-log.ts";
import { AttributeHandler, type AttributeData } from "./attribute-handler.ts";
import { GoneRows } from "./gone-rows.ts";
import { defaultTypeclass, resolveTypeclass, typeclassPathOf, type TypeclassConstructor } from "./registry.ts";
import { internLockString } from "../locks/lock-string.ts";
import type { TagInfo } from "./tag-handler.ts";
import type { TypedObject } from "./typed-object.ts";
import type { DefaultAccount } from "./accounts.ts";
import type { DefaultObject } from "./objects.ts";
import { signals } from "./signals.ts";

/** The largest id a row can have: the id columns are 32-bit integers. */
export const MAX_ROW_ID = 2 ** 31 - 1;

/** True when `id` could be a row's id (a whole number from 1 to {@link MAX_ROW_ID}). */
export function isPossibleRowId(id: number): boolean {
  return Number.isInteger(id) && id >= 1 && id <= MAX_ROW_ID;
}

const log = getLogger("store");

const KINDS: TypedKind[] = ["object", "account", "script", "channel"];
const CHUNK = 100;
/** Default of {@link StoreOptions.closureLimit}. */
export const DEFAULT_CLOSURE_LIMIT = 2000;

/** Options of the store. */
export interface StoreOptions {
  /** Recently used objects kept in memory per kind. */
  lruSize: number;
  /**
   * How many objects one load brings in by following attribute references (the
   * objects asked for and their row references always load). References beyond it
   * are loaded in the background right after, and on access; see {@link Store.load}.
   */
  closureLimit?: number;
}

/** One row fetched from the database, shared by every load waiting for it. */
interface Fetched {
  obj: TypedObject;
  attrs: AttributeData[];
  tags: TagRow[];
  /** References of the row itself (location, home ...): always loaded with it. */
  rowRefs: DbRef[];
  /** References inside its attributes: loaded up to the closure bound. */
  attrRefs: DbRef[];
  /** Set once some load has put it in the identity map, or dropped it (it is published once). */
  published: boolean;
  /** The fetch that brought it ({@link GoneRows.beginFetch}): settled there once published or dropped. */
  fetch: number;
}

/** Let timers and I/O run (a SQLite query is synchronous: a load must yield between batches). */
const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Anything a kind's row points at that must be in memory with it. */
function rowRefs(kind: TypedKind, row: Record<string, unknown>): DbRef[] {
  const refs: DbRef[] = [];
  const add = (k: TypedKind, id: unknown) => {
    if (typeof id === "number") refs.push({ kind: k, id });
  };
  if (kind === "object") {
    add("object", row.location_id);
    add("object", row.home_id);
    add("object", row.destination_id);
    add("account", row.account_id);
  } else if (kind === "script") {
    add("object", row.obj_id);
    add("account", row.account_id);
  }
  return refs;
}

/**
 * Hooks a typeclass may implement: linking itself to related objects after loading
 * (and after a delete or create is undone), and, for objects that can hold others,
 * its contents list.
 */
interface Linkable {
  _linkRelations?(): void;
  _hasCompleteContents?(): boolean;
  _markContentsComplete?(): void;
}

/** True for an object whose contents list is not complete yet. */
function lacksContents(obj: TypedObject | null): boolean {
  const l = obj as Linkable | null;
  return l !== null && l._hasCompleteContents !== undefined && !l._hasCompleteContents();
}

/** Tables without a typeclass whose ids the server hands out ({@link Store.allocateId}). */
export const PLAIN_ID_TABLES = ["messages"] as const;

/** The store of typeclassed objects. */
export class Store {
  private readonly maps: Record<TypedKind, IdentityMap<TypedObject>>;
  private readonly ids: IdAllocator;
  /** Rows being fetched now, by {@link dbRefKey}: a second load of one waits for the same fetch. */
  private readonly inflight = new Map<string, Promise<Fetched | null>>();
  /** Background loads of references beyond a closure bound, still running. */
  private readonly backgroundLoads = new Set<Promise<void>>();
  /** Rows deleted, or asked for and not found (ids are never reused): reading a reference to one gives null. */
  private readonly gone = new GoneRows();
  /** See {@link StoreOptions.closureLimit}. */
  readonly closureLimit: number;
  /** Grows by one on every delete; attribute values holding references re-check then. */
  deletionEpoch = 0;
  /** Objects with row, tag or attribute changes not committed yet (so queries can see them), with the units that made them. */
  private readonly uncommitted = new Map<TypedObject, Set<UnitOfWork>>();

  constructor(
    readonly db: Database,
    options: StoreOptions,
  ) {
    const describe = (obj: object) => (obj as TypedObject).typeclassPath;
    const idOf = (obj: TypedObject) => obj.id;
    this.maps = {
      object: new IdentityMap({ lruSize: options.lruSize, describe, idOf }),
      account: new IdentityMap({ lruSize: Math.min(options.lruSize, 1000), describe, idOf }),
      script: new IdentityMap({ lruSize: Math.min(options.lruSize, 1000), describe, idOf }),
      channel: new IdentityMap({ lruSize: Math.min(options.lruSize, 1000), describe, idOf }),
    };
    this.ids = new IdAllocator(db);
    this.closureLimit = options.closureLimit ?? DEFAULT_CLOSURE_LIMIT;
    if (!Number.isInteger(this.closureLimit) || this.closureLimit < 0) {
      throw new EvenniaError("EV_ERR_CONFIG", `closureLimit must be an integer >= 0, got ${options.closureLimit}`);
    }
  }

  /** Read id counters; call once before use. */
  async init(): Promise<void> {
    await this.ids.init([...KINDS.map((k) => rowCodecs[k].table), ...PLAIN_ID_TABLES]);
  }

  /**
   * A fresh id for a new row of `table` (one of the typeclassed tables or
   * {@link PLAIN_ID_TABLES}), never handed out before; its high-water mark commits
   * with the current unit of work.
   */
  allocateId(table: string): number {
    const id = this.ids.allocate(table);
    this.ids.stageHighWater(this.unitOfWork(), table);
    return id;
  }

  /** The unit of work writes go to now. */
  unitOfWork(): UnitOfWork {
    return unitOfWorkFor(this.db);
  }

  /** The live, loaded instance of a row, or null (not in memory, deleted or missing). Synchronous. */
  peek(ref: DbRef): TypedObject | null {
    const map = this.maps[ref.kind as TypedKind];
    const obj = map?.get(ref.id);
    return obj && !obj.isDeleted ? obj : null;
  }

  /** Grows each time an instance of `kind` comes into memory (loaded or created): see {@link IdentityMap.additions}. */
  arrivals(kind: string): number {
    return this.maps[kind as TypedKind]?.additions ?? 0;
  }

  /**
   * True when a reference can never resolve: its row was deleted, or was asked for and
   * does not exist. A reference that is neither live ({@link peek}) nor gone is simply not
   * loaded yet.
   */
  isGone(ref: DbRef): boolean {
    const key = dbRefKey(ref);
    return this.gone.has(key);
  }

  /**
   * Load rows into memory; returns the instances, null where missing.
   *
   * With each row come its row references (an object's location, home, destination and
   * account; a script's object and account) and, breadth first, the objects its attributes
   * refer to until {@link closureLimit} objects are staged; all of them are published at
   * once, so reading them is synchronous. References beyond the bound are loaded in the
   * background right after (in bounded steps of their own), and an attribute that holds one
   * not loaded yet raises `EV_ERR_NOT_LOADED` when read: `await obj.attributes.fetch(key)`
   * waits for it (the command handler does so and runs the command again).
   */
  async load(kind: TypedKind, ids: number[]): Promise<(TypedObject | null)[]> {
    const refs = ids.map((id) => ({ kind, id }));
    // an id no row can have (a typed `#99999999999` past the integer column) is not asked for: PostgreSQL would refuse the query
    const possible = refs.filter((r) => isPossibleRowId(r.id));
    if (possible.some((r) => lacksContents(this.peek(r)) || !this.peek(r))) await this.ensureLoaded(possible, kind === "object" ? possible.map((r) => r.id) : []);
    return refs.map((r) => (isPossibleRowId(r.id) ? this.peek(r) : null));
  }

  /**
   * Load one row; null when there is no such row. An object comes with its contents
   * (and its location's), so `obj.contents` and `obj.location.contents` are synchronous.
   */
  get(kind: TypedKind, id: number): Promise<TypedObject | null> {
    const hit = this.peek({ kind, id });
    if (hit && !lacksContents(hit)) return Promise.resolve(hit);
    return this.load(kind, [id]).then((found) => found[0] ?? null);
  }

  /**
   * Load the rows of `kind` matching a WHERE clause (with `?` placeholders), in the
   * order the query returns them.
   */
  async where(kind: TypedKind, where: string, params: unknown[] = [], suffix = ""): Promise<TypedObject[]> {
    const table = rowCodecs[kind].table;
    const rows = await this.db.query<{ id: number | string }>(`SELECT id FROM ${table} WHERE ${where} ${suffix}`, params);
    const found = await this.load(kind, rows.map((r) => Number(r.id)));
    return found.filter((o): o is TypedObject => o !== null);
  }

  /**
   * Create a row of the class's kind. The row is written when the unit of work
   * commits; `atObjectCreation` runs before that.
   */
  async create<T extends TypedObject>(cls: TypeclassConstructor<T>, fields: Record<string, unknown>): Promise<T> {
    const kind = cls.kind;
    const codec = rowCodecs[kind];
    const id = this.ids.allocate(codec.table);
    const row = newRow(codec);
    Object.assign(row, fields, { id, typeclass_path: typeclassPathOf(cls), date_created: Date.now() });
    this.gone.created(dbRefKey({ kind, id }));
    const Cls = cls as unknown as new (store: Store, row: TypedRow) => T;
    const obj = new Cls(this, row as unknown as TypedRow);
    this.maps[kind].add(id, obj);
    // nothing can be inside a new object yet: its contents list is complete from the start
    (obj as Linkable)._markContentsComplete?.();
    (obj as Linkable)._linkRelations?.();
    const uow = this.unitOfWork();
    uow.recordUndo(() => {
      this.maps[kind].remove(id);
      obj._markDeleted(true);
      (obj as Linkable)._linkRelations?.();
    });
    this.stageRow(obj, uow);
    // the id's high-water mark commits with the row: the id is never handed out again
    this.ids.stageHighWater(uow, codec.table);
    obj.basetypeSetup();
    obj.atInit();
    await obj.atObjectCreation();
    // signals (typeclasses/signals.ts): heard after the unit of work commits
    if (kind === "object") signals.emit("objectCreated", { object: obj as unknown as DefaultObject }, uow);
    else if (kind === "account") signals.emit("accountCreated", { account: obj as unknown as DefaultAccount }, uow);
    return obj;
  }

  /** Stage writing an object's whole row. */
  stageRow(obj: TypedObject, uow: UnitOfWork = this.unitOfWork()): void {
    const codec = rowCodecs[obj.kind];
    this.markUncommitted(obj, uow);
    uow.stage(
      `row:${obj.kind}:${obj.id}`,
      () => (obj.isDeleted ? [] : [upsertRow(codec, obj._row)]),
      (again) => this.stageRow(obj, again),
    );
    // the row may point at an object whose create has not committed (or never will): its id's
    // mark commits with this row, so a restart does not give that id to another object
    for (const table of this.ids.tablesAhead()) this.ids.stageHighWater(uow, table);
  }

  /**
   * Note that `obj` (its row, tags or attributes) differs from the database until
   * `uow` commits or rolls back, so that queries re-check it in memory.
   */
  markUncommitted(obj: TypedObject, uow: UnitOfWork = this.unitOfWork()): void {
    // a set per unit of work: the object stays pending until every unit that changed it has settled
    let units = this.uncommitted.get(obj);
    if (!units) this.uncommitted.set(obj, (units = new Set()));
    if (units.has(uow)) return;
    units.add(uow);
    const settle = () => {
      const left = this.uncommitted.get(obj);
      if (!left) return;
      left.delete(uow);
      if (left.size === 0) this.uncommitted.delete(obj);
    };
    uow.afterCommit(settle);
    uow.recordUndo(settle);
  }

  /** How many objects of `kind` differ from the database now (deleted ones included). */
  pendingCount(kind: TypedKind): number {
    let n = 0;
    for (const o of this.uncommitted.keys()) if (o.kind === kind) n++;
    return n;
  }

  /**
   * Objects in memory whose row, tag or attribute changes are not committed yet. Queries that filter
   * on a column (contents by location ...) merge these so they see this unit of
   * work's own changes.
   */
  pendingChanges(kind: TypedKind): TypedObject[] {
    return [...this.uncommitted.keys()].filter((o) => o.kind === kind && !o.isDeleted);
  }

  /** Delete an object's row, attributes and tags (staged). */
  async deleteObject(obj: TypedObject): Promise<void> {
    const kind = obj.kind;
    const id = obj.id;
    const uow = this.unitOfWork();
    obj._markDeleted(true);
    (obj as Linkable)._linkRelations?.();
    this.deletionEpoch++;
    const key = dbRefKey({ kind, id });
    this.gone.deletedNow(key);
    uow.afterCommit(() => this.gone.deleteCommitted(key));
    this.markUncommitted(obj, uow);
    const pins = this.maps[kind].pinReasons(obj);
    this.maps[kind].remove(id);
    uow.recordUndo(() => {
      obj._markDeleted(false);
      this.gone.deleteUndone(key);
      this.maps[kind].add(id, obj);
      for (const reason of pins) this.maps[kind].pin(obj, reason);
      (obj as Linkable)._linkRelations?.();
      this.deletionEpoch++;
    });
    const writes: Write[] = [
      deleteRow(rowCodecs[kind], id),
      deleteWhere(AttributeTable, ["owner_kind", "owner_id"], [kind, id]),
      deleteWhere(TagTable, ["owner_kind", "owner_id"], [kind, id]),
    ];
    uow.stage(`row:${kind}:${id}`, () => writes);
    // signal (typeclasses/signals.ts): heard after the unit of work commits
    if (kind === "object") signals.emit("objectDeleted", { object: obj as unknown as DefaultObject }, uow);
  }

  /** Keep an object in memory for a reason ("puppet", "script", "ndb" ...). */
  pin(obj: TypedObject, reason: string): void {
    this.maps[obj.kind].pin(obj, reason);
  }

  /** Drop one reason to keep an object in memory. */
  unpin(obj: TypedObject, reason: string): void {
    this.maps[obj.kind].unpin(obj, reason);
  }

  /** True when pinned for any reason. */
  isPinned(obj: TypedObject): boolean {
    return this.maps[obj.kind].isPinned(obj);
  }

  /** Drop every unpinned strong reference; returns how many were dropped. */
  flush(): number {
    let dropped = 0;
    for (const kind of KINDS) dropped += this.maps[kind].flush();
    return dropped;
  }

  /** How many rows are remembered as deleted and as absent, and row fetches not settled (see {@link GoneRows}). */
  goneRowsSizes(): ReturnType<GoneRows["sizes"]> {
    return this.gone.sizes();
  }

  /** Identity-map counts per kind. */
  stats(): Record<TypedKind, IdentityMapStats> {
    return Object.fromEntries(KINDS.map((k) => [k, this.maps[k].stats()])) as Record<TypedKind, IdentityMapStats>;
  }

  /** Every live instance of a kind (what is in memory, not the database). */
  *live(kind: TypedKind): IterableIterator<TypedObject> {
    for (const obj of this.maps[kind]) if (!obj.isDeleted) yield obj;
  }

  /**
   * Wait for loads in the background (references beyond a closure bound) to finish,
   * including those they start in turn.
   */
  async settled(): Promise<void> {
    while (this.backgroundLoads.size > 0) await Promise.allSettled([...this.backgroundLoads]);
  }

  /**
   * Load the objects `refs` point at that are neither in memory nor gone (bounded like
   * {@link load}); used to read an attribute whose references are not loaded yet.
   */
  async loadRefs(refs: DbRef[]): Promise<void> {
    const missing = refs.filter((r) => r.kind in rowCodecs && !this.peek(r) && !this.isGone(r));
    if (missing.length > 0) await this.ensureLoaded(missing);
  }

  /** Load every object located in `obj` (and what they need), so `obj.contents` is synchronous. */
  async loadContents(obj: TypedObject): Promise<void> {
    if (obj.kind !== "object" || !lacksContents(obj) || obj.isDeleted) return;
    await this.ensureLoaded([], [obj.id]);
  }

  private ensureLoaded(refs: DbRef[], contentsOf: number[] = []): Promise<void> {
    return this.loadClosure(refs, contentsOf);
  }

  /**
   * Start loading `refs` without waiting (references beyond a closure bound); then decode the
   * attributes of `waiting` that refer to them, so those objects stay in memory with their owners.
   */
  private loadInBackground(refs: DbRef[], waiting: TypedObject[]): void {
    const run: Promise<void> = this.loadClosure(refs)
      .then(() => {
        for (const obj of waiting) if (!obj.isDeleted) obj.attributes._resolvePending();
      })
      .catch((err: unknown) => log.error(`loading ${refs.length} referenced object(s) in the background failed`, err))
      .finally(() => this.backgroundLoads.delete(run));
    this.backgroundLoads.add(run);
  }

  /**
   * Load `refs` and, within the closure bound, what they reach that is not in memory
   * yet, then publish them at once. Rows another load is fetching are awaited, not
   * fetched again, and published by whichever load gets there first.
   */
  private async loadClosure(refs: DbRef[], contentsOf: number[] = []): Promise<void> {
    const staged = new Map<string, Fetched>();
    try {
      await this.walk(refs, contentsOf, staged);
    } catch (err) {
      // what this load fetched and cannot publish must not stay "in flight" for later loads; a load
      // that already waits for one of them drops it too (after this, nothing would notice a delete of it)
      for (const [key, item] of staged) {
        if (item.published) continue;
        this.inflight.delete(key);
        this.settle(item);
      }
      throw err;
    }
  }

  /**
   * The breadth-first walk of {@link loadClosure}: fetch, stage, publish.
   *
   * Contents come along: the contents of `contentsOf`, of the location of every object
   * loaded, and of every object found inside those (the whole containment tree of a
   * room, one query per level); like row references they do not count against the
   * closure bound. Objects reached only through a reference (a home, a destination, an
   * attribute) whose location is null (rooms) are loaded without.
   */
  private async walk(refs: DbRef[], contentsOf: number[], staged: Map<string, Fetched>): Promise<void> {
    const seen = new Set<string>();
    const beyond: DbRef[] = [];
    /** Objects the attribute walk may still add (row references do not count against it). */
    let budget = this.closureLimit;
    let frontier: { ref: DbRef; viaAttribute: boolean }[] = refs.map((ref) => ({ ref, viaAttribute: false }));
    /** object id → the ids the contents query found located there */
    const contentsFound = new Map<number, number[]>();
    let wanted = new Set<number>(contentsOf);
    let first = true;
    while (frontier.length > 0 || wanted.size > 0) {
      const waits: Promise<Fetched | null>[] = [];
      const byKind = new Map<TypedKind, number[]>();
      for (const { ref, viaAttribute } of frontier) {
        const key = dbRefKey(ref);
        if (seen.has(key) || this.isGone(ref) || this.peek(ref) || !(ref.kind in rowCodecs)) continue;
        if (viaAttribute) {
          if (budget <= 0) {
            beyond.push(ref);
            continue;
          }
          budget--;
        }
        seen.add(key);
        const pending = this.inflight.get(key);
        if (pending) {
          waits.push(pending);
          continue;
        }
        const list = byKind.get(ref.kind as TypedKind) ?? [];
        list.push(ref.id);
        byKind.set(ref.kind as TypedKind, list);
      }
      const next: { ref: DbRef; viaAttribute: boolean }[] = [];
      const take = (item: Fetched | null) => {
        if (item === null) return;
        staged.set(dbRefKey(item.obj), item);
        for (const ref of item.rowRefs) next.push({ ref, viaAttribute: false });
        for (const ref of item.attrRefs) next.push({ ref, viaAttribute: true });
        const locationId = (item.obj._row as unknown as Record<string, unknown>).location_id;
        if (item.obj.kind === "object" && typeof locationId === "number") wanted.add(locationId);
      };
      for (const [kind, ids] of byKind) {
        for (let i = 0; i < ids.length; i += CHUNK) {
          if (!first) await yieldToEventLoop();
          first = false;
          for (const item of await this.fetchShared(kind, ids.slice(i, i + CHUNK))) take(item);
        }
      }
      for (const item of await Promise.all(waits)) take(item);
      // contents of the wanted locations not queried yet (and not complete in memory)
      const queryIds = [...wanted].filter((id) => {
        if (contentsFound.has(id) || this.isGone({ kind: "object", id })) return false;
        const inMemory = this.peek({ kind: "object", id });
        return inMemory === null || lacksContents(inMemory);
      });
      wanted = new Set();
      for (let i = 0; i < queryIds.length; i += CHUNK) {
        if (!first) await yieldToEventLoop();
        first = false;
        const chunk = queryIds.slice(i, i + CHUNK);
        for (const id of chunk) contentsFound.set(id, []);
        const marks = chunk.map(() => "?").join(", ");
        const rows = await this.db.query<{ id: number | string; location_id: number | string }>(
          `SELECT id, location_id FROM objects WHERE location_id IN (${marks})`,
          chunk,
        );
        for (const row of rows) {
          const id = Number(row.id);
          contentsFound.get(Number(row.location_id))?.push(id);
          next.push({ ref: { kind: "object", id }, viaAttribute: false });
          // the containment tree: what is inside a content comes too
          wanted.add(id);
        }
      }
      frontier = next;
    }
    const pending = this.publish(staged, contentsFound);
    const later = beyond.filter((r) => !this.peek(r) && !this.isGone(r));
    if (later.length > 0) this.loadInBackground(later, pending);
    // what they wait for came in meanwhile (another load): decode now, so it stays with them
    else for (const obj of pending) obj.attributes._resolvePending();
  }

  /** Fetch one batch of rows, registering each as in flight until it is published (or missing). */
  private async fetchShared(kind: TypedKind, ids: number[]): Promise<(Fetched | null)[]> {
    // open from before the query is sent: a delete committed meanwhile stays known until its rows are settled
    const fetch = this.gone.beginFetch();
    const batch = this.fetchRows(kind, ids, fetch).then(
      (items) => {
        this.gone.fetched(fetch, items.length);
        return items;
      },
      (err: unknown) => {
        this.gone.settled(fetch);
        throw err;
      },
    );
    const keys = ids.map((id) => dbRefKey({ kind, id }));
    const perRow = ids.map((id, i) => {
      const p = batch.then((items) => items.find((it) => it.obj.id === id) ?? null);
      const key = keys[i]!;
      this.inflight.set(key, p);
      // a failed or missing fetch stops being in flight at once; a found row once it is published
      const forget = () => {
        if (this.inflight.get(key) === p) this.inflight.delete(key);
      };
      p.then((item) => {
        if (item === null) {
          this.gone.notFound(key);
          forget();
        }
      }, forget);
      return p;
    });
    return Promise.all(perRow);
  }

  /**
   * Put staged rows in the identity maps and fill them; each row is published by one load
   * only. Returns the objects with attribute values whose references are not loaded yet.
   */
  private publish(staged: Map<string, Fetched>, contentsFound: Map<number, number[]>): TypedObject[] {
    const pending: TypedObject[] = [];
    // identity maps first (so references resolve), then attributes, tags and links
    const published: TypedObject[] = [];
    const fresh: Fetched[] = [];
    for (const [key, item] of staged) {
      if (item.published) continue;
      this.settle(item);
      this.inflight.delete(key);
      const { obj } = item;
      if (this.isGone(obj)) continue; // deleted while it was loading
      const winner = this.maps[obj.kind].add(obj.id, obj);
      if (winner !== obj) continue;
      published.push(obj);
      fresh.push(item);
    }
    for (const { obj, attrs, tags } of fresh) {
      if (attrs.length > 0 && obj.attributes._load(attrs)) pending.push(obj);
      const byTagKind: Record<TagKind, TagInfo[]> = { tag: [], alias: [], permission: [] };
      for (const t of tags) byTagKind[t.kind]?.push({ key: t.key, category: t.category });
      if (byTagKind.tag.length > 0) obj.tags._load(byTagKind.tag);
      if (byTagKind.alias.length > 0) obj.aliases._load(byTagKind.alias);
      if (byTagKind.permission.length > 0) obj.permissions._load(byTagKind.permission);
    }
    for (const obj of published) (obj as Linkable)._linkRelations?.();
    // a contents list is complete once every row found located there is in memory (a
    // concurrent load may still hold one: then it stays incomplete and loads again later)
    for (const [id, found] of contentsFound) {
      const holder = this.peek({ kind: "object", id });
      if (!holder || !lacksContents(holder)) continue;
      if (found.every((c) => this.peek({ kind: "object", id: c }) !== null || this.isGone({ kind: "object", id: c }))) {
        (holder as Linkable)._markContentsComplete?.();
      }
    }
    for (const obj of published) {
      try {
        obj.atInit();
      } catch (err) {
        log.error(`atInit of ${obj.dbref} (${obj.typeclassPath}) failed`, err);
      }
    }
    return pending;
  }

  /** Mark a fetched row published (or dropped): no load publishes it after this. */
  private settle(item: Fetched): void {
    item.published = true;
    this.gone.settled(item.fetch);
  }

  /**
   * Build the instance of a fetched row with its typeclass. When that class's constructor
   * throws (game code: a field initializer reading what is not loaded yet) the row is built
   * with the nearest class it extends whose constructor works, or the kind's default, and
   * the error is logged: one broken class must not fail the load of every row fetched with
   * it (a room and all in it, or the server's start). The row keeps its typeclass path, so
   * the object comes back as its class once the class is fixed.
   */
  /** Rows loaded with a fallback class: each broken typeclass's stack is logged once a store, then its rows are counted. */
  private readonly brokenTypeclassLog = new RepeatedErrorLog(log);
  /** Typeclass paths whose constructor's error this store logged with its stack. */
  private readonly brokenTypeclassesTraced = new Set<string>();

  private instantiate(kind: TypedKind, row: TypedRow): TypedObject {
    const cls = resolveTypeclass(kind, row.typeclass_path) as unknown as RowClass;
    // the class, then the classes it extends, then the kind's default
    const candidates = new Set<RowClass>();
    for (let c: RowClass | null = cls; c; c = parentTypeclass(c, kind)) candidates.add(c);
    candidates.add(defaultTypeclass(kind) as unknown as RowClass);
    let firstError: unknown;
    for (const c of candidates) {
      try {
        const obj = new c(this, row);
        if (c !== cls) {
          const line =
            `${kind} #${row.id}: the constructor of its typeclass "${row.typeclass_path}" failed; loaded as ${c.name} instead ` +
            `(fix the class and reload; the stored typeclass path is kept)`;
          // a room full of one broken class: its stack once, then a line or a count per minute
          if (this.brokenTypeclassesTraced.has(row.typeclass_path)) this.brokenTypeclassLog.report(row.typeclass_path, line);
          else {
            this.brokenTypeclassesTraced.add(row.typeclass_path);
            log.error(line, firstError);
          }
        }
        return obj;
      } catch (err) {
        firstError ??= err;
      }
    }
    throw new EvenniaError("EV_ERR_TYPECLASS", `${kind} #${row.id} could not be built with its typeclass "${row.typeclass_path}" nor any fallback`, { cause: firstError });
  }

  private async fetchRows(kind: TypedKind, ids: number[], fetch: number): Promise<Fetched[]> {
    const codec = rowCodecs[kind];
    const marks = ids.map(() => "?").join(", ");
    const rows = await this.db.query<Record<string, unknown>>(`SELECT ${selectColumns(codec)} FROM ${codec.table} WHERE id IN (${marks})`, ids);
    if (rows.length === 0) return [];
    const foundIds = rows.map((r) => Number(r.id));
    const idMarks = foundIds.map(() => "?").join(", ");
    const attrRows = await this.db.query<AttributeRow>(
      `SELECT owner_id, key, category, value, lock_string FROM attributes WHERE owner_kind = ? AND owner_id IN (${idMarks})`,
      [kind, ...foundIds],
    );
    const tagRows = await this.db.query<TagRow>(`SELECT owner_id, key, category, kind FROM tags WHERE owner_kind = ? AND owner_id IN (${idMarks})`, [
      kind,
      ...foundIds,
    ]);
    const attrsBy = groupBy(attrRows, (r) => Number(r.owner_id));
    const tagsBy = groupBy(tagRows, (r) => Number(r.owner_id));
    return rows.map((raw) => {
      const row = decodeRow(codec as RowCodec<TypedRow>, raw);
      // one shared instance of each lock string (most objects of a typeclass store the same one)
      row.lock_storage = internLockString(row.lock_storage);
      const attrs = attrsBy.get(row.id) ?? [];
      return {
        obj: this.instantiate(kind, row),
        attrs,
        tags: tagsBy.get(row.id) ?? [],
        rowRefs: rowRefs(kind, raw),
        attrRefs: AttributeHandler._refsOf(attrs, collectRefs),
        published: false,
        fetch,
      };
    });
  }
}

/** A typeclass as the store builds it from a row. */
type RowClass = new (store: Store, row: TypedRow) => TypedObject;

/** The class `cls` extends, when it is a typeclass of the same kind (null past the kind's classes). */
function parentTypeclass(cls: RowClass, kind: TypedKind): RowClass | null {
  const parent = Object.getPrototypeOf(cls) as (RowClass & { kind?: TypedKind }) | null;
  return parent && typeof parent === "function" && parent.kind === kind ? parent : null;
}

function groupBy<T>(items: T[], key: (item: T) => number): Map<number, T[]> {
  const out = new Map<number, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}
