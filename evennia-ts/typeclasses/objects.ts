/**
 * `DefaultObject`: everything in the game world — rooms, characters, exits and
 * things share one table. An object has a location, a home, a destination (exits)
 * and, when puppeted, an account and sessions.
 */
import type { ObjectRow } from "../db/entities/rows.ts";
import type { OutputSpec } from "../protocol/message.ts";
import { EvenniaError } from "../utils/errors.ts";
import { getLogger } from "../utils/logger.ts";
import type { DefaultAccount } from "./accounts.ts";
import { ContentsList } from "./contents-list.ts";
import { registerDefaultTypeclass } from "./registry.ts";
import { TypedObject } from "./typed-object.ts";

const log = getLogger("objects");

/** A connected session as objects see it: something to send messages to. */
export interface ObjectSession {
  readonly sessid: number;
  /** Send output (`"text"` or `{text: ..., prompt: ..., oob_name: [[args], {kwargs}]}`). */
  msg(spec: string | OutputSpec): void;
}

/** Evennia's content types: how an object is sorted when its location lists its contents. */
export type ContentType = "exit" | "character" | "room" | "object";

/** Options of {@link DefaultObject.moveTo}. */
export interface MoveOptions {
  /** Do not announce the move. */
  quiet?: boolean;
  /** Move even if hooks would veto. */
  force?: boolean;
}

/** The base of every in-world object. */
export class DefaultObject extends TypedObject<ObjectRow> {
  static override readonly kind = "object" as const;

  private sessionSet: Set<ObjectSession> | undefined;

  /** Sessions puppeting this object (empty for things nobody controls). Not persistent. */
  get sessions(): Set<ObjectSession> {
    return (this.sessionSet ??= new Set());
  }
  // strong references so that what `location` etc. return stays in memory with us
  private locationRef: DefaultObject | null = null;
  private homeRef: DefaultObject | null = null;
  private destinationRef: DefaultObject | null = null;
  private accountRef: DefaultAccount | null = null;
  /** The objects located here that are in memory (complete once loaded; see {@link contents}). */
  private contentsList: ContentsList<DefaultObject> | undefined;
  /** The location whose contents list holds this object. */
  private memberOf: DefaultObject | null = null;

  override get key(): string {
    return this._row.key;
  }
  override set key(value: string) {
    const key = String(value).trim();
    if (!key) throw new EvenniaError("EV_ERR_BAD_INPUT", "a key cannot be empty");
    this._setField("key", key);
    this._setField("key_lower", key.toLowerCase());
  }

  /** Where this object is (null for rooms and things in nowhere). */
  get location(): DefaultObject | null {
    return this.related("location_id", "locationRef");
  }
  /**
   * Move without hooks or announcements; use {@link moveTo} for game moves. Refuses
   * (`EV_ERR_BAD_INPUT`) to put an object inside itself or inside its own contents.
   */
  set location(target: DefaultObject | null) {
    this.assertNotInside(target);
    // recorded first, so on rollback it runs after the row is restored and follows it
    this._store.unitOfWork().recordUndo(() => this._syncMembership());
    this.setRelation("location_id", "locationRef", target);
    this._syncMembership();
  }

  /** Throw when `target` is this object or inside it (a location loop). */
  private assertNotInside(target: DefaultObject | null): void {
    for (let d = target, depth = 0; d; d = d.location, depth++) {
      if (d === this || depth > 10_000) {
        throw new EvenniaError("EV_ERR_BAD_INPUT", `${this.key} cannot be moved into ${d === target ? "itself" : `${target!.key}, which is inside it`}.`);
      }
    }
  }

  /** Where this object returns to ("home"). */
  get home(): DefaultObject | null {
    return this.related("home_id", "homeRef");
  }
  set home(target: DefaultObject | null) {
    this.setRelation("home_id", "homeRef", target);
  }

  /** Where an exit leads. */
  get destination(): DefaultObject | null {
    return this.related("destination_id", "destinationRef");
  }
  set destination(target: DefaultObject | null) {
    this.setRelation("destination_id", "destinationRef", target);
  }

  /** The account this object belongs to (a character's player), if any. */
  get account(): DefaultAccount | null {
    const id = this._row.account_id;
    if (id === null) return null;
    if (this.accountRef?.id === id && !this.accountRef.isDeleted) return this.accountRef;
    this.accountRef = this._store.peek({ kind: "account", id }) as DefaultAccount | null;
    return this.accountRef;
  }
  set account(account: DefaultAccount | null) {
    this._setField("account_id", account ? account.id : null);
    this.accountRef = account;
  }

  /** True while one or more sessions puppet this object. */
  get hasSessions(): boolean {
    return (this.sessionSet?.size ?? 0) > 0;
  }

  /**
   * Objects inside this one, in id order. Synchronous: it answers from memory. The
   * store loads a location's contents with it (the location of anything loaded, and
   * anything loaded by id or search); a room reached only through a reference (an
   * exit's destination, a home, an attribute) has them loaded on first request or by
   * `await obj.loadContents()`. Reading them before that throws `EV_ERR_NOT_LOADED`.
   */
  get contents(): DefaultObject[] {
    return [...this.completeContents()];
  }

  /** The contents without `exclude`, optionally only those of one {@link contentType}. */
  contentsGet(options: { exclude?: DefaultObject | Iterable<DefaultObject>; contentType?: ContentType } = {}): DefaultObject[] {
    const exclude = options.exclude instanceof DefaultObject ? new Set([options.exclude]) : new Set(options.exclude ?? []);
    const type = options.contentType;
    return this.completeContents().filter((o) => !exclude.has(o) && (type === undefined || o.contentType === type));
  }

  /** Exits in this location (objects with a destination). */
  get exits(): DefaultObject[] {
    return this.completeContents().filter((o) => o._row.destination_id !== null);
  }

  /** Characters in this location. */
  get characters(): DefaultObject[] {
    return this.contentsGet({ contentType: "character" });
  }

  /** Things in this location: neither exits nor characters (nor rooms). */
  get things(): DefaultObject[] {
    return this.contentsGet({ contentType: "object" });
  }

  /** True when {@link contents} can be read (everything located here is in memory). */
  get contentsLoaded(): boolean {
    return this.contentsList?.complete ?? false;
  }

  /** Make sure the contents are in memory (a query only the first time); returns them. */
  async loadContents(): Promise<DefaultObject[]> {
    if (!this.contentsLoaded) await this._store.loadContents(this);
    return this.contents;
  }

  /**
   * What kind of content this is, as Evennia's `content_types`: "exit" for objects with a
   * destination, "character", "room" or "object". Subclasses override it.
   */
  get contentType(): ContentType {
    return this._row.destination_id !== null ? "exit" : "object";
  }

  private completeContents(): readonly DefaultObject[] {
    const list = this.contentsList;
    if (list?.complete) return list.list().filter((o) => !o.isDeleted);
    if (this.isDeleted) return [];
    throw new EvenniaError(
      "EV_ERR_NOT_LOADED",
      `the contents of ${this.key} (${this.dbref}) are not in memory yet: await obj.loadContents() first (a room reached only through a reference loads them on first request)`,
    );
  }

  /** @internal the store loaded every row located here (or the object is new) */
  _markContentsComplete(): void {
    (this.contentsList ??= new ContentsList()).complete = true;
  }

  /** @internal true when the contents list is complete */
  _hasCompleteContents(): boolean {
    return this.contentsList?.complete ?? false;
  }

  /** @internal put this object in the contents list of the location its row names (none when deleted) */
  _syncMembership(): void {
    const target = this.isDeleted ? null : this.location;
    if (target === this.memberOf) return;
    this.memberOf?.contentsList?.delete(this);
    this.memberOf = target;
    if (target) (target.contentsList ??= new ContentsList()).add(this);
  }

  /** Send output to every session puppeting this object. */
  msg(spec: string | OutputSpec): void {
    if (!this.sessionSet) return;
    for (const session of this.sessionSet) session.msg(spec);
  }

  /** Send output to everything inside this object (a room's occupants), except `exclude`. */
  msgContents(spec: string | OutputSpec, options: { exclude?: DefaultObject[] } = {}): void {
    const exclude = new Set(options.exclude ?? []);
    for (const obj of this.contents) if (!exclude.has(obj)) obj.msg(spec);
  }

  /** Hook: may this object move to `destination`? Return false to veto. */
  async atPreMove(_destination: DefaultObject | null, _options: MoveOptions): Promise<boolean | void> {}

  /** Hook: this object has moved from `source`. */
  async atPostMove(_source: DefaultObject | null, _options: MoveOptions): Promise<void> {}

  /**
   * Move into `destination`, running the move hooks; returns false if a hook vetoed
   * or the move would put the object inside itself.
   */
  async moveTo(destination: DefaultObject | null, options: MoveOptions = {}): Promise<boolean> {
    for (let d = destination; d; d = d.location) {
      if (d === this) {
        log.warn(`refused to move ${this.dbref} into itself (via ${destination?.dbref})`);
        return false;
      }
    }
    if (destination && !destination.contentsLoaded) await destination.loadContents();
    if (!options.force && (await this.atPreMove(destination, options)) === false) return false;
    const source = this.location;
    this.location = destination;
    await this.atPostMove(source, options);
    return true;
  }

  /** The name `looker` sees. */
  getDisplayName(_looker?: DefaultObject): string {
    return this.key;
  }

  /** The description `looker` sees. */
  getDisplayDesc(_looker?: DefaultObject): string {
    const desc = this.db.desc;
    return typeof desc === "string" && desc ? desc : "You see nothing special.";
  }

  /**
   * The text shown when `looker` looks at this object: name, description, then the
   * exits, characters and things inside (the looker left out), as Evennia shows them.
   */
  returnAppearance(looker: DefaultObject): string {
    const groups: Record<ContentType, string[]> = { exit: [], character: [], object: [], room: [] };
    for (const obj of this.contents) {
      if (obj === looker) continue;
      groups[obj.contentType].push(obj.getDisplayName(looker));
    }
    const lines = [`|c${this.getDisplayName(looker)}|n`, this.getDisplayDesc(looker)];
    if (groups.exit.length) lines.push(`|wExits:|n ${groups.exit.join(", ")}`);
    if (groups.character.length) lines.push(`|wCharacters:|n ${groups.character.join(", ")}`);
    if (groups.object.length) lines.push(`|wYou see:|n ${groups.object.join(", ")}`);
    return lines.join("\n");
  }

  /** @internal pick up related objects after loading */
  _linkRelations(): void {
    void this.location;
    void this.home;
    void this.destination;
    void this.account;
    this._syncMembership();
  }

  private related(column: "location_id" | "home_id" | "destination_id", field: "locationRef" | "homeRef" | "destinationRef"): DefaultObject | null {
    const id = this._row[column];
    if (id === null) return null;
    const cached = this[field];
    if (cached && cached.id === id && !cached.isDeleted) return cached;
    const found = this._store.peek({ kind: "object", id }) as DefaultObject | null;
    this[field] = found;
    return found;
  }

  private setRelation(column: "location_id" | "home_id" | "destination_id", field: "locationRef" | "homeRef" | "destinationRef", target: DefaultObject | null): void {
    if (target && !(target instanceof DefaultObject)) throw new EvenniaError("EV_ERR_BAD_INPUT", `${column} must be an object`);
    if (target?.isDeleted) throw new EvenniaError("EV_ERR_NOT_FOUND", `${target.dbref} has been deleted`);
    const old = this[field];
    this._setField(column, target ? target.id : null);
    this[field] = target;
    this._store.unitOfWork().recordUndo(() => {
      if (this[field] === target) this[field] = old;
    });
  }
}

/** Send text to a list of objects (no-op for those without sessions). */
export function msgAll(objects: Iterable<DefaultObject>, spec: string | OutputSpec): void {
  for (const o of objects) o.msg(spec);
}

registerDefaultTypeclass("evennia.objects.DefaultObject", DefaultObject);
