/**
 * The base of every typeclassed object: one database row wrapped in a class that
 * game code subclasses. Reading is synchronous (`obj.key`, `obj.db.hp`); changes
 * are staged in the current unit of work and undone if it fails.
 */
import { DB_REF, type DbRef, type Referenceable } from "../db/db-ref.ts";
import type { TypedKind, TypedRow } from "../db/row-codecs.ts";
import { EvenniaError } from "../utils/errors.ts";
import { AttributeHandler, createDbProxy } from "./attribute-handler.ts";
import { noteClassChange, noteNameChange } from "./change-epochs.ts";
import { hasFieldListeners, noteFieldChange } from "./field-monitor.ts";
import { createNdbProxy } from "./ndb.ts";
import { resolveTypeclass, typeclassPathOf, type TypeclassConstructor } from "./registry.ts";
import type { Store } from "./store.ts";
import { NickHandler } from "./nick-handler.ts";
import { TagHandler } from "./tag-handler.ts";
import { LockHandler, type LockCheckOptions } from "../locks/lock-handler.ts";

/** Something that can receive output: a session, or anything that forwards to sessions. */
export interface MessageReceiver {
  msg(spec: string | Record<string, unknown>): void;
}

/** Columns whose change moves `namesEpoch()` (change-epochs.ts): what objects are called and where exits lead. */
const NAME_FIELDS: ReadonlySet<string> = new Set(["key", "destination_id"]);

/** The base class of every typeclass. */
export abstract class TypedObject<R extends TypedRow = TypedRow> implements Referenceable {
  /** The table this class's rows live in. */
  static readonly kind: TypedKind;

  /** @internal the row; change it only through setters */
  _row: R;
  /** @internal */
  readonly _store: Store;
  private attributesHandler: AttributeHandler | undefined;
  private tagsHandler: TagHandler | undefined;
  private aliasesHandler: TagHandler | undefined;
  private permissionsHandler: TagHandler | undefined;
  private locksHandler: LockHandler | undefined;
  private nicksHandler: NickHandler | undefined;
  private dbProxy: Record<string, any> | undefined;
  private ndbProxy: Record<string, any> | undefined;
  private deletedFlag = false;

  /** @internal built by the store; game code uses `create...()` and `search...()` */
  constructor(store: Store, row: R) {
    this._store = store;
    this._row = row;
  }

  // The handlers are made on first use: most objects in memory never touch most of them.

  /** Persistent attributes: `obj.attributes.add("hp", 10, {category: "stats"})`. */
  get attributes(): AttributeHandler {
    return (this.attributesHandler ??= new AttributeHandler(this));
  }

  /** Tags (key and category). */
  get tags(): TagHandler {
    return (this.tagsHandler ??= new TagHandler(this, "tag"));
  }

  /** Alternative names the object can be found by. */
  get aliases(): TagHandler {
    return (this.aliasesHandler ??= new TagHandler(this, "alias"));
  }

  /** Permission strings (`Builder`, `Admin` ...). */
  get permissions(): TagHandler {
    return (this.permissionsHandler ??= new TagHandler(this, "permission"));
  }

  /** Personal replacements of typed lines and searched names: `obj.nicks.add("hi", "say Hello!")` (see `nick-handler.ts`). */
  get nicks(): NickHandler {
    return (this.nicksHandler ??= new NickHandler(this));
  }

  /** Locks: `obj.locks.add("get:perm(Builder)")`, `obj.locks.check(caller, "get")`. */
  get locks(): LockHandler {
    return (this.locksHandler ??= new LockHandler(this));
  }

  /**
   * May `accessor` (an object, account or session) have `accessType` access to this
   * object? Checks this object's lock of that type; with no such lock the answer
   * is `options.default` (false). Superusers pass unless `noSuperuserBypass`.
   */
  access(accessor: unknown, accessType = "read", options: LockCheckOptions = {}): boolean {
    return this.locks.check(accessor, accessType, options);
  }

  /**
   * Hook: set the locks (and other basics) every object of this typeclass starts
   * with. Runs once at creation, before {@link atObjectCreation}; subclasses call
   * `super.basetypeSetup()` and add their own, as Evennia's `basetype_setup`.
   */
  basetypeSetup(): void {}

  /** Shortcut to attributes without category: `obj.db.hp = 10`. */
  get db(): Record<string, any> {
    return (this.dbProxy ??= createDbProxy(this.attributes));
  }

  /** Non-persistent data: `obj.ndb.target = other` (lost on reload; pins the object in memory). */
  get ndb(): Record<string, any> {
    return (this.ndbProxy ??= createNdbProxy(this));
  }

  /** Which table this object lives in. */
  get kind(): TypedKind {
    return (this.constructor as TypeclassConstructor).kind;
  }

  /** Database id. */
  get id(): number {
    return this._row.id;
  }

  /** `#id`, as Evennia writes it. */
  get dbref(): string {
    return `#${this._row.id}`;
  }

  /** The object's name. */
  get key(): string {
    return this._row.key ?? "";
  }
  set key(value: string) {
    const key = String(value).trim();
    if (!key) throw new EvenniaError("EV_ERR_BAD_INPUT", "a key cannot be empty");
    this._setField("key" as keyof R, key as R[keyof R]);
  }

  /** The path of this object's typeclass. */
  get typeclassPath(): string {
    return this._row.typeclass_path;
  }

  /** When the row was created. */
  get dateCreated(): Date {
    return new Date(this._row.date_created);
  }

  /** True once deleted; a deleted object must not be used. */
  get isDeleted(): boolean {
    return this.deletedFlag;
  }

  [DB_REF](): DbRef {
    return { kind: this.kind, id: this._row.id, created: this._row.date_created };
  }

  /** Hook: the object was loaded into memory (also after every reload). */
  atInit(): void {}

  /** Hook: the object was created (runs once, before its first save). */
  async atObjectCreation(): Promise<void> {}

  /** Hook: the object is about to be deleted; return false to refuse. */
  async atObjectDelete(): Promise<boolean | void> {}

  /**
   * Change this object's class in place: the same instance (`===`) now behaves as
   * the class registered for `path`. `atObjectCreation` is not run again.
   */
  swapTypeclass(path: string): void {
    const cls = resolveTypeclass(this.kind, path);
    const newPath = typeclassPathOf(cls) === path ? path : typeclassPathOf(cls);
    if (newPath !== path) throw new EvenniaError("EV_ERR_TYPECLASS", `no ${this.kind} typeclass is registered as "${path}"`);
    const oldProto = Object.getPrototypeOf(this) as object;
    Object.setPrototypeOf(this, cls.prototype);
    noteClassChange();
    this._store.unitOfWork().recordUndo(() => {
      if (Object.getPrototypeOf(this) !== cls.prototype) return;
      Object.setPrototypeOf(this, oldProto);
      noteClassChange();
    });
    this._setField("typeclass_path" as keyof R, path as R[keyof R]);
    this.atInit();
  }

  /** Delete this object, its attributes and tags. Returns false if a hook refused. */
  async delete(): Promise<boolean> {
    if (this.deletedFlag) return false;
    if ((await this.atObjectDelete()) === false) return false;
    await this._store.deleteObject(this);
    return true;
  }

  /** @internal mark deleted (store use) */
  _markDeleted(deleted: boolean): void {
    this.deletedFlag = deleted;
  }

  /** @internal change one column, staged in the current unit of work */
  _setField<K extends keyof R>(field: K, value: R[K]): void {
    this.assertAlive();
    const old = this._row[field];
    if (old === value) return;
    this._row[field] = value;
    const naming = NAME_FIELDS.has(field as string);
    if (naming) noteNameChange();
    const uow = this._store.unitOfWork();
    uow.recordUndo(() => {
      // changed again since (by another unit of work): that value stands
      if (this._row[field] !== value) return;
      this._row[field] = old;
      if (naming) noteNameChange();
    });
    this._store.stageRow(this, uow);
    if (hasFieldListeners()) noteFieldChange(uow, this, field as string);
  }

  /** @internal */
  protected assertAlive(): void {
    if (this.deletedFlag) throw new EvenniaError("EV_ERR_NOT_FOUND", `${this.dbref} has been deleted`);
  }

  toString(): string {
    return this.key;
  }
}
