/**
 * The store: the one place typeclassed objects are loaded, created and deleted.
 * It keeps one live instance per row (the identity map), loads related rows
 * together (an object's location, home, destination and account, and every object
 * its attributes refer to) so that reading them stays synchronous, and stages
 * writes in units of work.
 */
import type { Database, Statement } from "../db/database.ts";
import { dbRefKey, type DbRef } from "../db/db-ref.ts";
import type { AttributeRow, TagKind, TagRow } from "../db/entities/rows.ts";
import { IdAllocator } from "../db/id-allocator.ts";
import { IdentityMap, type IdentityMapStats } from "../db/identity-map.ts";
import { decodeRow, deleteRow, rowCodecs, selectColumns, upsertRow, type RowCodec, type TypedKind, type TypedRow } from "../db/row-codecs.ts";
import { collectRefs } from "../db/tagged-json.ts";
import { unitOfWorkFor, type UnitOfWork } from "../db/unit-of-work.ts";
import { EvenniaError } from "../utils/errors.ts";
import { getLogger } from "../utils/logger.ts";
import { AttributeHandler, type AttributeData } from "./attribute-handler.ts";
import { resolveTypeclass, typeclassPathOf, type TypeclassConstructor } from "./registry.ts";
import { internLockString } from "../locks/lock-string.ts";
import type { TagInfo } from "./tag-handler.ts";
import type { TypedObject } from "./typed-object.ts";

const log = getLogger("store");
const KINDS: TypedKind[] = ["object", "account", "script", "channel"];
const CHUNK = 500;

/** Options of the store. */
export interface StoreOptions {
  /** Recently used objects kept in memory per kind. */
  lruSize: number;
}

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

/** The store of typeclassed objects. */
export class Store {
  private readonly maps: Record<TypedKind, IdentityMap<TypedObject>>;
  private readonly ids: IdAllocator;
  private loadChain: Promise<unknown> = Promise.resolve();
  /** Grows by one on every delete; attribute values holding references re-check then. */
  deletionEpoch = 0;
  /** Rows deleted in memory (perhaps not committed yet): never loaded again. */
  private readonly deleted = new Set<string>();
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
  }

  /** Read id counters; call once before use. */
  async init(): Promise<void> {
    await this.ids.init(KINDS.map((k) => rowCodecs[k].table));
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

  /** Load rows (and everything they need) into memory; returns the instances, null where missing. */
  async load(kind: TypedKind, ids: number[]): Promise<(TypedObject | null)[]> {
    const refs = ids.map((id) => ({ kind, id }));
    if (refs.some((r) => lacksContents(this.peek(r)) || !this.peek(r))) await this.ensureLoaded(refs, kind === "object" ? ids : []);
    return refs.map((r) => this.peek(r));
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
    const row: Record<string, unknown> = {};
    for (const [name, type] of Object.entries(codec.columns)) {
      row[name] = type === "ref" || type === "ntext" || type === "ntime" ? null : type === "bool" ? false : type === "text" ? "" : 0;
    }
    Object.assign(row, fields, { id, typeclass_path: typeclassPathOf(cls), date_created: Date.now() });
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
    obj.basetypeSetup();
    obj.atInit();
    await obj.atObjectCreation();
    return obj;
  }

  /** Stage writing an object's whole row. */
  stageRow(obj: TypedObject, uow: UnitOfWork = this.unitOfWork()): void {
    const codec = rowCodecs[obj.kind];
    this.markUncommitted(obj, uow);
    uow.stage(`row:${obj.kind}:${obj.id}`, () => (obj.isDeleted ? [] : [upsertRow(codec, obj._row)]));
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
    this.deleted.add(dbRefKey({ kind, id }));
    this.markUncommitted(obj, uow);
    const pins = this.maps[kind].pinReasons(obj);
    this.maps[kind].remove(id);
    uow.recordUndo(() => {
      obj._markDeleted(false);
      this.deleted.delete(dbRefKey({ kind, id }));
      this.maps[kind].add(id, obj);
      for (const reason of pins) this.maps[kind].pin(obj, reason);
      (obj as Linkable)._linkRelations?.();
      this.deletionEpoch++;
    });
    const statements: Statement[] = [
      deleteRow(rowCodecs[kind], id),
      { sql: "DELETE FROM attributes WHERE owner_kind = ? AND owner_id = ?", params: [kind, id] },
      { sql: "DELETE FROM tags WHERE owner_kind = ? AND owner_id = ?", params: [kind, id] },
    ];
    uow.stage(`row:${kind}:${id}`, () => statements);
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

  /** Identity-map counts per kind. */
  stats(): Record<TypedKind, IdentityMapStats> {
    return Object.fromEntries(KINDS.map((k) => [k, this.maps[k].stats()])) as Record<TypedKind, IdentityMapStats>;
  }

  /** Every live instance of a kind (what is in memory, not the database). */
  *live(kind: TypedKind): IterableIterator<TypedObject> {
    for (const obj of this.maps[kind]) if (!obj.isDeleted) yield obj;
  }

  /** Load every object located in `obj` (and what they need), so `obj.contents` is synchronous. */
  async loadContents(obj: TypedObject): Promise<void> {
    if (obj.kind !== "object" || !lacksContents(obj) || obj.isDeleted) return;
    await this.ensureLoaded([], [obj.id]);
  }

  private ensureLoaded(refs: DbRef[], contentsOf: number[] = []): Promise<void> {
    // Loads run one after another, so two loads never wait on each other's half-loaded rows.
    const run = this.loadChain.then(() => this.loadClosure(refs, contentsOf));
    this.loadChain = run.catch(() => undefined);
    return run;
  }

  /**
   * Load `refs` and everything they reach that is not in memory yet, then publish them at once.
   *
   * Contents come along: the contents of `contentsOf`, of the location of every object
   * loaded, and of every object found inside those (the whole containment tree of a
   * room, one query per level). Objects reached only through a reference (a home, a
   * destination, an attribute) whose location is null (rooms) are loaded without.
   */
  private async loadClosure(refs: DbRef[], contentsOf: number[]): Promise<void> {
    const staged = new Map<string, { obj: TypedObject; attrs: AttributeData[]; tags: TagRow[] }>();
    const seen = new Set<string>();
    /** object id → the ids the contents query found located there */
    const contentsFound = new Map<number, number[]>();
    let wanted = new Set<number>(contentsOf);
    let frontier = refs.filter((r) => !this.peek(r));
    while (frontier.length > 0 || wanted.size > 0) {
      const byKind = new Map<TypedKind, number[]>();
      for (const ref of frontier) {
        const key = dbRefKey(ref);
        if (seen.has(key) || this.deleted.has(key) || this.peek(ref) || !(ref.kind in rowCodecs)) continue;
        seen.add(key);
        const list = byKind.get(ref.kind as TypedKind) ?? [];
        list.push(ref.id);
        byKind.set(ref.kind as TypedKind, list);
      }
      const next: DbRef[] = [];
      for (const [kind, ids] of byKind) {
        for (let i = 0; i < ids.length; i += CHUNK) {
          const chunk = ids.slice(i, i + CHUNK);
          const loaded = await this.fetchRows(kind, chunk);
          for (const item of loaded) {
            staged.set(dbRefKey({ kind, id: item.obj.id }), item);
            next.push(...rowRefs(kind, item.obj._row as unknown as Record<string, unknown>));
            next.push(...AttributeHandler._refsOf(item.attrs, collectRefs));
            const locationId = (item.obj._row as unknown as Record<string, unknown>).location_id;
            if (kind === "object" && typeof locationId === "number") wanted.add(locationId);
          }
        }
      }
      // contents of the wanted locations not queried yet (and not complete in memory)
      const queryIds = [...wanted].filter((id) => {
        if (contentsFound.has(id) || this.deleted.has(dbRefKey({ kind: "object", id }))) return false;
        const inMemory = this.peek({ kind: "object", id });
        return inMemory === null || lacksContents(inMemory);
      });
      wanted = new Set();
      for (let i = 0; i < queryIds.length; i += CHUNK) {
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
          next.push({ kind: "object", id });
          // the containment tree: what is inside a content comes too
          wanted.add(id);
        }
      }
      frontier = next.filter((r) => !seen.has(dbRefKey(r)) && !this.peek(r));
    }
    // publish: identity maps first (so references resolve), then attributes, tags and links
    const published: TypedObject[] = [];
    for (const { obj } of staged.values()) {
      const winner = this.maps[obj.kind].add(obj.id, obj);
      if (winner === obj) published.push(obj);
    }
    const isNew = new Set(published);
    for (const { obj, attrs, tags } of staged.values()) {
      if (!isNew.has(obj)) continue;
      if (attrs.length > 0) obj.attributes._load(attrs);
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
      if (found.every((c) => this.peek({ kind: "object", id: c }) !== null || this.deleted.has(dbRefKey({ kind: "object", id: c })))) {
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
  }

  private async fetchRows(kind: TypedKind, ids: number[]): Promise<{ obj: TypedObject; attrs: AttributeData[]; tags: TagRow[] }[]> {
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
      const cls = resolveTypeclass(kind, row.typeclass_path) as unknown as new (store: Store, row: TypedRow) => TypedObject;
      return { obj: new cls(this, row), attrs: attrsBy.get(row.id) ?? [], tags: tagsBy.get(row.id) ?? [] };
    });
  }
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

/** @internal raise when the store is used before the server set it up */
export function noStore(): never {
  throw new EvenniaError("EV_ERR_INTERNAL", "the store is not initialised: is the server (or a test fixture) running?");
}
