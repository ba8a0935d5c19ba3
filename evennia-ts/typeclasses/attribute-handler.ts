/**
 * Attributes: persistent values on any typeclassed object, stored as tagged JSON
 * (numbers, strings, booleans, null, arrays, plain objects, Map, Set, Date and
 * references to other typeclassed objects). Keys are case-insensitive, as in
 * Evennia. Reading is synchronous; writes are staged in the current unit of work.
 * Nested changes (`obj.db.inventory.push(x)`) are saved without reassigning.
 */
import type { DbRef } from "../db/db-ref.ts";
import { AttributeTable } from "../db/entities/schemas.ts";
import { collectRefs, decodeValue, encodeValue } from "../db/tagged-json.ts";
import { track, untrack } from "../db/tracked-value.ts";
import type { UnitOfWork } from "../db/unit-of-work.ts";
import { EvenniaError } from "../utils/errors.ts";
import { deleteWhere, upsert } from "../db/writes.ts";
import { hasAttributeListeners, notifyAttributeChange } from "./attribute-monitor.ts";
import type { TypedObject } from "./typed-object.ts";
import { bypassesLocks, checkLockString } from "../locks/lock-handler.ts";
import { parseLockDefinition, splitLockString } from "../locks/lock-string.ts";

/** Options of attribute calls. */
export interface AttributeOptions {
  /** Category; attributes with the same key in different categories are different. */
  category?: string;
}

/**
 * Checked access: given an `accessor`, reading needs the attribute's `attrread`
 * lock, changing it its `attredit` lock, and making a new one the owner's
 * `attrcreate` lock. Without an accessor nothing is checked (game code trusts itself).
 */
export interface AttributeAccessOptions {
  /** Who reads or writes (an object, account or session); omit for unchecked access. */
  accessor?: unknown;
  /** The answer when the lock has no definition of the access type (default true, as Evennia). */
  defaultAccess?: boolean;
}

/** Options of {@link AttributeHandler.add}. */
export interface AddAttributeOptions extends AttributeOptions, AttributeAccessOptions {
  /** Lock string controlling access to this attribute (`attrread:...;attredit:...`). */
  lockstring?: string;
}

/** A stored attribute as listed by {@link AttributeHandler.all}. */
export interface AttributeInfo {
  key: string;
  category: string;
  value: unknown;
  lockstring: string;
}

/** A raw attribute row, as loaded. */
export interface AttributeData {
  key: string;
  category: string;
  value: string;
  lock_string: string;
}

interface Entry {
  key: string;
  category: string;
  /** The value as last encoded (what the database has, or will have at commit). */
  json: string;
  /** The decoded, tracked value handed to game code (once {@link Entry.decoded}). */
  value: unknown;
  /** False until the value is first read (values without references decode lazily). */
  decoded: boolean;
  lockstring: string;
  hasRefs: boolean;
  /**
   * References in the value that are not in memory yet (beyond a load's closure bound):
   * the value stays undecoded until they are loaded, so that nothing is written back without them.
   */
  missing: DbRef[] | null;
  /** Store deletion epoch when `value` was decoded; re-decoded when deletions happen. */
  epoch: number;
  /**
   * The objects the value refers to, held strongly — deleted ones too, while the value
   * still names them: a rolled-back delete brings them back, and a flush must not have
   * lost them meanwhile.
   */
  held: object[] | null;
  /**
   * Serial of the unit of work that already recorded an undo for nested changes (0: none).
   * Serials, not the units: an entry outlives the unit that wrote it, and holding the
   * unit kept each one alive (about 300 bytes an object a builder made: docs/perf.md).
   */
  undoFor: number;
  /** Serial of the unit of work that changed this entry last (its undo applies only while it still is; 0: none). */
  lastWriter: number;
}

const SEP = "\u0000";

/**
 * Raised when something read synchronously is not in memory yet: an attribute whose value
 * refers to objects beyond a load's closure bound (`await obj.attributes.fetch(key)` waits
 * for them instead of raising), or the contents of a room reached only through a reference
 * (`await obj.loadContents()`). `ready` settles once they are loaded.
 */
export class NotLoadedError extends EvenniaError {
  constructor(
    message: string,
    /** Settles when the referenced objects have been loaded (never rejects). */
    readonly ready: Promise<void>,
  ) {
    super("EV_ERR_NOT_LOADED", message);
  }
}
/** The columns that identify one attribute (its unique constraint). */
const ATTRIBUTE_KEY = ["owner_kind", "owner_id", "key", "category"] as const;
/** Writing one attribute: its value and lock string change, its creation date stays. */
const ATTRIBUTE_UPSERT = {
  columns: [...ATTRIBUTE_KEY, "value", "lock_string", "date_created"],
  conflictKey: ATTRIBUTE_KEY,
  update: ["value", "lock_string"],
} as const;

/** The attributes of one object. */
export class AttributeHandler {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly owner: TypedObject) {}

  /**
   * The value of `key`, or `options.default` when there is none (or when
   * `options.accessor` may not read it: its `attrread` lock).
   *
   * @throws NotLoadedError (`EV_ERR_NOT_LOADED`) when the value refers to objects still
   * loading; {@link fetch} waits for them instead.
   */
  get<T = any>(key: string, options: AttributeOptions & AttributeAccessOptions & { default?: T } = {}): T | undefined {
    const entry = this.entries.get(entryId(key, options.category));
    if (!entry) return options.default;
    if (options.accessor !== undefined && !this.entryAccess(entry, options.accessor, "attrread", options.defaultAccess)) return options.default;
    if (!entry.decoded) {
      const missing = this.decode(entry);
      if (missing) {
        const store = this.owner._store;
        const ready = store.loadRefs(missing).catch(() => undefined);
        const names = missing.slice(0, 3).map((r) => `${r.kind}#${r.id}`).join(", ");
        throw new NotLoadedError(
          `${this.owner.dbref}.attributes "${entry.key}" refers to ${names}${missing.length > 3 ? " ..." : ""}, not loaded yet: ` +
            `await ${this.owner.dbref}.attributes.fetch("${entry.key}") to wait for it`,
          ready,
        );
      }
    } else if (entry.hasRefs && entry.epoch !== this.owner._store.deletionEpoch) this.redecode(entry);
    return entry.value as T;
  }

  /**
   * The value of `key` like {@link get}, first loading the objects it refers to when
   * they are not in memory yet (references beyond a load's closure bound).
   */
  async fetch<T = any>(key: string, options: AttributeOptions & { default?: T } = {}): Promise<T | undefined> {
    for (let attempt = 0; ; attempt++) {
      const entry = this.entries.get(entryId(key, options.category));
      if (!entry || entry.decoded) return this.get<T>(key, options);
      const missing = this.decode(entry);
      if (!missing) return entry.value as T;
      if (attempt >= 3) return this.get<T>(key, options); // raises, naming what is missing
      await this.owner._store.loadRefs(missing);
    }
  }

  /** True when `key` has a value. */
  has(key: string, options: AttributeOptions = {}): boolean {
    return this.entries.has(entryId(key, options.category));
  }

  /**
   * Set `key` to `value`. The value is checked and encoded now: a value that cannot
   * be stored raises `EV_ERR_SERIALIZE` and nothing is changed.
   */
  add(key: string, value: unknown, options: AddAttributeOptions = {}): void {
    const category = normCategory(options.category);
    const k = normKey(key);
    const id = k + SEP + category;
    const previous = this.entries.get(id);
    if (options.accessor !== undefined) this.assertWriteAccess(k, previous, options);
    if (options.lockstring) for (const part of splitLockString(options.lockstring)) parseLockDefinition(part, true);
    const json = encodeValue(untrack(value), `${this.owner.dbref}.attributes.${k}`);
    const entry = this.buildEntry(k, category, json, options.lockstring ?? previous?.lockstring ?? "");
    const uow = this.owner._store.unitOfWork();
    entry.lastWriter = uow.serial;
    this.entries.set(id, entry);
    uow.recordUndo(() => {
      // another unit of work changed it since: its value stands (and is what it commits)
      if (this.entries.get(id) !== entry || entry.lastWriter !== uow.serial) return;
      if (previous) this.entries.set(id, previous);
      else this.entries.delete(id);
    });
    this.stage(k, category, uow);
  }

  /** Remove `key`; returns whether it existed. With `accessor`, needs its `attredit` lock. */
  remove(key: string, options: AttributeOptions & AttributeAccessOptions = {}): boolean {
    const id = entryId(key, options.category);
    const previous = this.entries.get(id);
    if (!previous) return false;
    if (options.accessor !== undefined) this.assertWriteAccess(previous.key, previous, options);
    this.entries.delete(id);
    const uow = this.owner._store.unitOfWork();
    uow.recordUndo(() => {
      if (!this.entries.has(id)) this.entries.set(id, previous);
    });
    this.stage(previous.key, previous.category, uow);
    return true;
  }

  /** Remove every attribute (of one category, when given). */
  clear(options: AttributeOptions = {}): void {
    for (const entry of [...this.entries.values()]) {
      if (options.category === undefined || entry.category === normCategory(options.category)) {
        this.remove(entry.key, { category: entry.category });
      }
    }
  }

  /** Every attribute (of one category, when given; those `options.accessor` may read, when given). */
  all(options: AttributeOptions & AttributeAccessOptions = {}): AttributeInfo[] {
    const out: AttributeInfo[] = [];
    for (const entry of this.entries.values()) {
      if (options.category !== undefined && entry.category !== normCategory(options.category)) continue;
      if (options.accessor !== undefined && !this.entryAccess(entry, options.accessor, "attrread", options.defaultAccess)) continue;
      out.push({ key: entry.key, category: entry.category, value: this.get(entry.key, { category: entry.category }), lockstring: entry.lockstring });
    }
    return out;
  }

  /** Keys of every attribute (of one category, when given). */
  keys(options: AttributeOptions = {}): string[] {
    // straight from the entries: listing keys must not decode every value
    const category = options.category === undefined ? undefined : normCategory(options.category);
    const out: string[] = [];
    for (const entry of this.entries.values()) if (category === undefined || entry.category === category) out.push(entry.key);
    return out;
  }

  /**
   * May `accessor` have `accessType` (`attrread`, `attredit`) access to attribute
   * `key`? No such attribute: false. No lock of that type: `defaultAccess` (true).
   */
  access(key: string, accessor: unknown, accessType: "attrread" | "attredit", options: AttributeOptions & { defaultAccess?: boolean } = {}): boolean {
    const entry = this.entries.get(entryId(key, options.category));
    return entry ? this.entryAccess(entry, accessor, accessType, options.defaultAccess) : false;
  }

  private entryAccess(entry: Entry, accessor: unknown, accessType: string, defaultAccess = true): boolean {
    if (!entry.lockstring) return defaultAccess || bypassesLocks(accessor);
    return checkLockString(accessor, entry.lockstring, accessType, { accessed: this.owner, default: defaultAccess });
  }

  private assertWriteAccess(key: string, existing: Entry | undefined, options: AttributeAccessOptions): void {
    const allowed = existing
      ? this.entryAccess(existing, options.accessor, "attredit", options.defaultAccess)
      : this.owner.access(options.accessor, "attrcreate", { default: options.defaultAccess ?? true });
    if (!allowed) throw new EvenniaError("EV_ERR_LOCK_DENIED", `You are not allowed to ${existing ? "change" : "create"} the attribute '${key}' on ${this.owner.key}.`);
  }

  /** The lock string of an attribute ("" when none or absent). */
  lockstring(key: string, options: AttributeOptions = {}): string {
    return this.entries.get(entryId(key, options.category))?.lockstring ?? "";
  }

  /** @internal references inside loaded rows (the store loads them before {@link _load}) */
  static _refsOf(rows: AttributeData[], collect: (json: string) => DbRef[]): DbRef[] {
    const refs: DbRef[] = [];
    for (const row of rows) if (row.value.includes('"$t":"ref"')) refs.push(...collect(row.value));
    return refs;
  }

  /**
   * @internal fill from loaded rows (replaces what is in memory); returns true when some
   * value refers to objects not in memory yet (see {@link _resolvePending})
   */
  _load(rows: AttributeData[]): boolean {
    this.entries.clear();
    let pending = false;
    for (const row of rows) {
      const entry = this.buildEntry(row.key, row.category, row.value, row.lock_string);
      if (entry.missing) pending = true;
      this.entries.set(row.key + SEP + row.category, entry);
    }
    return pending;
  }

  /**
   * @internal decode the values whose references were not loaded, now that they may be
   * (so the objects they refer to stay in memory with their owner); returns true while some remain
   */
  _resolvePending(): boolean {
    let pending = false;
    for (const entry of this.entries.values()) if (!entry.decoded && entry.missing && this.decode(entry)) pending = true;
    return pending;
  }

  /** @internal forget everything (object deleted) */
  _drop(): void {
    this.entries.clear();
  }

  private buildEntry(key: string, category: string, json: string, lockstring: string): Entry {
    const entry: Entry = {
      key,
      category,
      json,
      value: undefined,
      decoded: false,
      lockstring,
      hasRefs: json.includes('"$t":"ref"'),
      missing: null,
      epoch: this.owner._store.deletionEpoch,
      held: null,
      undoFor: 0,
      lastWriter: 0,
    };
    // values holding references are decoded at once, so the objects they refer to stay in
    // memory with their owner; the others are decoded on first read (most never are)
    if (entry.hasRefs) this.decode(entry);
    return entry;
  }

  /**
   * Decode an entry's stored text. When it refers to objects that are neither in memory nor
   * gone, the entry stays undecoded and those references are returned.
   */
  private decode(entry: Entry): DbRef[] | null {
    const missing: DbRef[] = [];
    const value = this.trackedDecode(entry, entry.json, missing);
    if (missing.length > 0) {
      entry.missing = missing;
      return missing;
    }
    entry.value = value;
    entry.missing = null;
    entry.decoded = true;
    entry.epoch = this.owner._store.deletionEpoch;
    return null;
  }

  private trackedDecode(entry: Entry, json: string, missing?: DbRef[]): unknown {
    const store = this.owner._store;
    const found: object[] = [];
    const value = decodeValue(json, (ref) => {
      const obj = store.peek(ref);
      if (obj) found.push(obj);
      else if (missing && !store.isGone(ref)) missing.push(ref);
      return obj;
    });
    if (missing && missing.length > 0) return undefined;
    const before = entry.held;
    let kept: object[] = [];
    if (before) {
      const named = new Set(collectRefs(json).map((r) => `${r.kind}:${r.id}`));
      kept = before.filter((o) => {
        const t = o as TypedObject;
        return t.isDeleted && !found.includes(o) && named.has(`${t.kind}:${t.id}`);
      });
    }
    entry.held = found.length > 0 || kept.length > 0 ? [...found, ...kept] : null;
    if (typeof value !== "object" || value === null) return value;
    return track(value, () => this.nestedChange(entry));
  }

  private redecode(entry: Entry): void {
    // from the encoded value: it keeps the references of deleted objects, so a rolled-back
    // delete reads them again (re-encoding the decoded value would have turned them to null)
    entry.value = this.trackedDecode(entry, entry.json);
    entry.epoch = this.owner._store.deletionEpoch;
  }

  /**
   * A tracked value was mutated in place: check it can still be stored, then stage
   * its write. A mutation that makes it unstorable (a function, a class instance, a
   * cycle) raises `EV_ERR_SERIALIZE` at the assignment and the value goes back to
   * what it was before (containers read before keep the refused change: read again).
   */
  private nestedChange(entry: Entry): void {
    if (this.entries.get(entry.key + SEP + entry.category) !== entry) return; // replaced or removed since
    let json: string;
    try {
      json = encodeValue(untrack(entry.value), `${this.owner.dbref}.attributes.${entry.key}`);
    } catch (err) {
      entry.value = this.trackedDecode(entry, entry.json);
      throw err;
    }
    const uow = this.owner._store.unitOfWork();
    if (entry.undoFor !== uow.serial) {
      entry.undoFor = uow.serial;
      const before = entry.json;
      const writerBefore = entry.lastWriter;
      uow.recordUndo(() => {
        if (entry.lastWriter !== uow.serial) return; // changed since by another unit of work: its value stands
        entry.json = before;
        entry.hasRefs = before.includes('"$t":"ref"');
        entry.value = this.trackedDecode(entry, before);
        entry.decoded = true;
        entry.lastWriter = writerBefore;
      });
    }
    entry.json = json;
    entry.lastWriter = uow.serial;
    // a reference may have come in (or gone): reads re-check deleted targets only when there is one
    entry.hasRefs = json.includes('"$t":"ref"');
    this.stage(entry.key, entry.category, uow);
  }

  /**
   * Stage writing attribute `key`/`category` as memory has it at commit time (its
   * value, or its absence), so that whichever unit of work commits last writes what
   * memory holds, never an older value of its own.
   */
  private stage(key: string, category: string, uow: UnitOfWork): void {
    const owner = this.owner;
    owner._store.markUncommitted(owner, uow);
    const build = () => {
      if (owner.isDeleted) return [];
      announce(uow, owner, key, category);
      const entry = this.entries.get(key + SEP + category);
      if (!entry) return [deleteWhere(AttributeTable, ATTRIBUTE_KEY, [owner.kind, owner.id, key, category])];
      // entry.json is kept current: encoded at every assignment and nested change
      return [upsert(AttributeTable, ATTRIBUTE_UPSERT, [owner.kind, owner.id, entry.key, entry.category, entry.json, entry.lockstring, Date.now()])];
    };
    uow.stage(writeKey(owner, { key, category }), build, (again) => this.stage(key, category, again));
  }
}

/** After the commit, tell attribute listeners (built at commit time: once per attribute per unit). */
function announce(uow: UnitOfWork, owner: TypedObject, key: string, category: string): void {
  if (hasAttributeListeners()) uow.afterCommit(() => notifyAttributeChange(owner, key, category));
}

function normKey(key: string): string {
  return String(key).trim().toLowerCase();
}

function normCategory(category: string | undefined | null): string {
  return category ? String(category).trim().toLowerCase() : "";
}

function entryId(key: string, category?: string): string {
  return normKey(key) + SEP + normCategory(category);
}

/** The staging key of one attribute; category and key are quoted, so a `:` in either cannot make two attributes share one. */
function writeKey(owner: TypedObject, entry: { key: string; category: string }): string {
  return `attr:${owner.kind}:${owner.id}:${JSON.stringify([entry.category, entry.key])}`;
}

const HANDLER_PROPS = new Set(["then", "toJSON", "constructor"]);
const HANDLER = Symbol("attributes");

type DbTarget = { [HANDLER]: AttributeHandler };

/** One trap object shared by every `obj.db` proxy (no closures per object). */
const dbTraps: ProxyHandler<DbTarget> = {
  get(t, prop) {
    if (typeof prop !== "string" || HANDLER_PROPS.has(prop)) return undefined;
    return t[HANDLER].get(prop);
  },
  set(t, prop, value) {
    if (typeof prop !== "string") return false;
    t[HANDLER].add(prop, value);
    return true;
  },
  deleteProperty(t, prop) {
    if (typeof prop === "string") t[HANDLER].remove(prop);
    return true;
  },
  has(t, prop) {
    return typeof prop === "string" && t[HANDLER].has(prop);
  },
  ownKeys(t) {
    return t[HANDLER].keys({ category: "" });
  },
  getOwnPropertyDescriptor(t, prop) {
    if (typeof prop !== "string" || !t[HANDLER].has(prop)) return undefined;
    return { value: t[HANDLER].get(prop), writable: true, enumerable: true, configurable: true };
  },
};

/**
 * `obj.db`: attributes without a category as properties. `obj.db.hp = 10`,
 * `obj.db.hp`, `delete obj.db.hp`, `"hp" in obj.db`.
 */
export function createDbProxy(handler: AttributeHandler): Record<string, any> {
  const target = Object.create(null) as DbTarget;
  Object.defineProperty(target, HANDLER, { value: handler, configurable: true });
  return new Proxy(target, dbTraps) as unknown as Record<string, any>;
}
