/**
 * `DefaultObject`: everything in the game world — rooms, characters, exits and
 * things share one table. An object has a location, a home, a destination (exits)
 * and, when puppeted, an account and sessions.
 */
import type { ObjectRow } from "../db/entities/rows.ts";
import { currentUnitOfWork } from "../db/unit-of-work.ts";
import { hasPermission } from "../locks/permissions.ts";
import type { MessageKwargs, OutputSpec } from "../protocol/message.ts";
import { joinList, numberedName } from "../utils/inflect.ts";
import { EvenniaError } from "../utils/errors.ts";
import { getLogger } from "../utils/logger.ts";
import type { DefaultAccount } from "./accounts.ts";
import { channelOutput, formatChannelMessage, type ChannelMsgOptions, type DefaultChannel } from "./channels.ts";
import { unsubscribeEverywhere } from "./channel-subscriptions.ts";
import { NotLoadedError } from "./attribute-handler.ts";
import { ContentsList } from "./contents-list.ts";
import { canAccess } from "./object-access.ts";
import { registerDefaultTypeclass } from "./registry.ts";
import { TypedObject } from "./typed-object.ts";
import type { LockCheckOptions } from "../locks/lock-handler.ts";
import { searchFor, type ObjectSearchOptions } from "./object-search.ts";
import { shareOutput } from "./shared-output.ts";
import { ScriptHandler } from "./script-handler.ts";
import { signals } from "./signals.ts";
import { notePresenceChange } from "./change-epochs.ts";
import { markPresenceFromSessions } from "./presence.ts";
import { inlineFunctions } from "../utils/funcparser/index.ts";

const log = getLogger("objects");

/** A connected session as objects see it: something to send messages to. */
export interface ObjectSession {
  readonly sessid: number;
  /** Send output (`"text"` or `{text: ..., prompt: ..., oob_name: [[args], {kwargs}]}`). */
  msg(spec: string | OutputSpec): void;
  /** The object the session puppets (server sessions have it). */
  puppet?: DefaultObject | null;
  /** Save the session's data for reloads (server sessions have it). */
  persist?(): void;
}

/** Evennia's content types: how an object is sorted when its location lists its contents. */
export type ContentType = "exit" | "character" | "room" | "object";

/** What every move hook is told. */
export interface MoveHookOptions {
  /** What kind of move: "move" (default), "traverse", "teleport", "give", "get", "drop" ... */
  moveType?: string;
  /** The exit traversed, for moves through one. */
  exitObj?: DefaultObject | null;
  /** Anything else a game passes along to its hooks. */
  [extra: string]: unknown;
}

/** Options of {@link DefaultObject.moveTo}. */
export interface MoveOptions extends MoveHookOptions {
  /** Do not announce the move. */
  quiet?: boolean;
  /** Skip the veto hooks (`atPreMove`, `atPreObjectLeave`, `atPreObjectReceive`). */
  force?: boolean;
  /** Run no hooks at all (announcements still follow `quiet`). */
  moveHooks?: boolean;
  /** Moving into an exit moves to where it leads (default true). */
  useDestination?: boolean;
  /** Allow `null` as the destination (no hooks then). */
  toNone?: boolean;
}

/** Options of {@link DefaultObject.atPreSay} and {@link DefaultObject.atSay}. */
export interface SayOptions {
  /** A whisper to `receivers` rather than a say to the room. */
  whisper?: boolean;
  /** Whom it is said or whispered to. */
  receivers?: DefaultObject[];
  /** Echo to the speaker: true for the default text, or the text to send. */
  msgSelf?: boolean | string;
  /** The text for the others in the location (not for whispers). */
  msgLocation?: string;
  /** The text for each receiver. */
  msgReceivers?: string;
  /** More `{key}` placeholders. */
  mapping?: Mapping;
  /** Echo to the speaker on this session only (a command passes its own, as its `msg` does); default: all its sessions. */
  session?: ObjectSession | null;
}

/** Values for `{key}` placeholders: objects are shown by `getDisplayName(receiver)`. */
export type Mapping = Record<string, unknown>;

/** Options of {@link DefaultObject.msg}. */
export interface MsgOptions {
  /** Who sends it (their `atMsgSend` runs). */
  fromObj?: DefaultObject | DefaultObject[] | null;
  /** Only this session (default: every session puppeting the object). */
  session?: ObjectSession | null;
  /** Kwargs of the text (`{type: "say"}`). */
  options?: MessageKwargs;
}

/** Options of {@link DefaultObject.msgContents}. */
export interface MsgContentsOptions {
  /** Receivers left out. */
  exclude?: DefaultObject | DefaultObject[];
  /** Who sends it. */
  fromObj?: DefaultObject | null;
  /** Values for `{key}` placeholders, shown per receiver. */
  mapping?: Mapping;
  /** Kwargs of the text (`{type: "say"}`). */
  options?: MessageKwargs;
  /** Run inline functions (`$You() $conj(smile)`, docs/funcparser.md) for each receiver; default true, as Evennia. */
  inlineFunctions?: boolean;
}

/**
 * Run the inline functions of `text` for `receiver` (`$You()` is "You" to `caller`
 * and the caller's name to the others); text without `$` is returned as it is.
 * `budget` is the parsing work the message's receivers share (see `ParseOptions.budget`).
 */
export function parseForReceiver(
  text: string | OutputSpec,
  caller: DefaultObject,
  receiver: DefaultObject,
  mapping: Mapping = {},
  budget?: { steps: number },
): string | OutputSpec {
  const run = (template: string): string => (template.includes("$") ? inlineFunctions.parse(template, { caller, receiver, mapping }, { budget }) : template);
  if (typeof text === "string") return run(text);
  const value = text.text;
  if (typeof value === "string") return { ...text, text: run(value) };
  if (Array.isArray(value) && typeof value[0] === "string") return { ...text, text: [run(value[0]), ...value.slice(1)] as never };
  return text;
}

/** The template strings of an output spec (its text), or null when its text is not a string. */
function templatesOf(text: string | OutputSpec): string[] | null {
  if (typeof text === "string") return [text];
  const value = text.text;
  if (typeof value === "string") return [value];
  if (Array.isArray(value) && typeof value[0] === "string") return [value[0]];
  return value === undefined ? [] : null;
}

/** Keys of `{key}` placeholders in `templates` whose mapping value is an object (shown per viewer). */
function placeholdersNamingObjects(templates: readonly string[], mapping: Mapping): string[] {
  const keys = new Set<string>();
  for (const template of templates) {
    for (const match of template.matchAll(/\{(\w+)\}/g)) {
      const key = match[1]!;
      if (key in mapping && mapping[key] instanceof DefaultObject) keys.add(key);
    }
  }
  return [...keys];
}

/** Fill `{key}` placeholders of `text` for `receiver` (unknown keys are left as they are). */
export function formatForReceiver(text: string | OutputSpec, mapping: Mapping, receiver: DefaultObject): string | OutputSpec {
  const fill = (template: string): string =>
    template.replace(/\{(\w+)\}/g, (whole, key: string) => {
      if (!(key in mapping)) return whole;
      const value = mapping[key];
      if (value instanceof DefaultObject) return value.getDisplayName(receiver);
      return String(value);
    });
  if (typeof text === "string") return fill(text);
  const value = text.text;
  if (typeof value === "string") return { ...text, text: fill(value) };
  if (Array.isArray(value) && typeof value[0] === "string") return { ...text, text: [fill(value[0]), ...value.slice(1)] as never };
  return text;
}

/** The default home (server setting `default_home`), if it exists. */
async function defaultHome(of: DefaultObject): Promise<DefaultObject | null> {
  const [row] = await of._store.db.query<{ value: string }>("SELECT value FROM server_config WHERE key = ?", ["default_home"]);
  const id = Number(row?.value);
  if (!Number.isInteger(id) || id <= 0) return null;
  const home = await of._store.get("object", id);
  return home instanceof DefaultObject && !home.isDeleted ? home : null;
}

/** True when `looker` (or its account) may build: Evennia shows dbrefs to Builders. */
function canSeeDbrefs(looker: DefaultObject): boolean {
  const holder = looker.account ?? looker;
  return Boolean((holder as { isSuperuser?: boolean }).isSuperuser) || hasPermission(holder, "Builder");
}

/** The base of every in-world object. */
export class DefaultObject extends TypedObject<ObjectRow> {
  static override readonly kind = "object" as const;

  private sessionSet: Set<ObjectSession> | undefined;
  private scriptHandler: ScriptHandler | undefined;

  /** The scripts on this object: `await obj.scripts.add(Weather, {key: "weather"})` (see docs/scripts.md). */
  get scripts(): ScriptHandler {
    return (this.scriptHandler ??= new ScriptHandler(this, "obj_id"));
  }

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

  /** True when `target` is this object or inside it (at any depth). */
  isAncestorOf(target: DefaultObject | null): boolean {
    for (let d = target, depth = 0; d; d = d.location, depth++) if (d === this || depth > 10_000) return true;
    return false;
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
    const cached = this.accountRef;
    // held while deleted, in case the delete is rolled back (see `related`)
    if (cached?.id === id) return cached.isDeleted ? null : cached;
    const found = this._store.peek({ kind: "account", id }) as DefaultAccount | null;
    if (found) this.accountRef = found;
    return found;
  }
  set account(account: DefaultAccount | null) {
    this._setField("account_id", account ? account.id : null);
    this.accountRef = account;
  }

  /** @internal a session starts puppeting this object (kept in memory while puppeted) */
  _attachSession(session: ObjectSession): void {
    if (this.sessions.has(session)) return;
    this.sessions.add(session);
    notePresenceChange();
    this._store.pin(this, "puppet");
    currentUnitOfWork()?.recordUndo(() => this._detachSession(session));
  }

  /** @internal a session stops puppeting this object */
  _detachSession(session: ObjectSession): void {
    if (!this.sessionSet?.delete(session)) return;
    notePresenceChange();
    if (!this.hasSessions) this._store.unpin(this, "puppet");
    currentUnitOfWork()?.recordUndo(() => this._attachSession(session));
  }

  /** Hook: `account` is about to puppet this object on `session`. */
  async atPrePuppet(_account: DefaultAccount, _session?: ObjectSession): Promise<void> {}

  /** Hook: puppeting is done (`this.account` and `this.sessions` are set). */
  async atPostPuppet(): Promise<void> {}

  /** Hook: a session is about to stop puppeting this object. */
  async atPreUnpuppet(): Promise<void> {}

  /** Hook: `session` of `account` stopped puppeting this object (`this.sessions` no longer holds it). */
  async atPostUnpuppet(_account: DefaultAccount | null, _session?: ObjectSession): Promise<void> {}

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
    return this.completeContents() as DefaultObject[]; // a new array each time: the caller's to keep
  }

  /** The contents without `exclude`, optionally only those of one {@link contentType}. */
  contentsGet(options: { exclude?: DefaultObject | Iterable<DefaultObject>; contentType?: ContentType } = {}): DefaultObject[] {
    // one pass over the list, no copies (a look asks three times in a room of 200)
    const members = this.memberList();
    const excluded = options.exclude;
    const single = excluded instanceof DefaultObject ? excluded : null;
    const several = excluded === undefined || excluded instanceof DefaultObject ? null : new Set(excluded);
    const type = options.contentType;
    const out: DefaultObject[] = [];
    for (const o of members) {
      if (o.isDeleted || o === single || several?.has(o) || (type !== undefined && o.contentType !== type)) continue;
      out.push(o);
    }
    return out;
  }

  /** Exits in this location (objects with a destination). */
  get exits(): DefaultObject[] {
    const out: DefaultObject[] = [];
    for (const o of this.memberList()) if (!o.isDeleted && o._row.destination_id !== null) out.push(o);
    return out;
  }

  /** Characters in this location. */
  get characters(): DefaultObject[] {
    return this.contentsGet({ contentType: "character" });
  }

  /** Things in this location: neither exits nor characters (nor rooms). */
  get things(): DefaultObject[] {
    return this.contentsGet({ contentType: "object" });
  }

  /**
   * Grows whenever something arrives here or leaves (or is deleted, or a deletion is
   * undone); -1 while nothing was ever listed here. Caches built from the contents compare it.
   */
  get contentsVersion(): number {
    return this.contentsList?.version ?? -1;
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

  /** The members that are not deleted, as a new array. */
  private completeContents(): readonly DefaultObject[] {
    return this.memberList().filter((o) => !o.isDeleted);
  }

  /** The complete contents list's members, deleted ones included (a shared array: do not change it). */
  private memberList(): readonly DefaultObject[] {
    const list = this.contentsList;
    if (list?.complete) return list.list();
    if (this.isDeleted) return [];
    // they start loading now; a command that read them runs again once they are in (see CommandHandler)
    throw new NotLoadedError(
      `the contents of ${this.key} (${this.dbref}) are not in memory yet: await obj.loadContents() first (a room reached only through a reference loads them on first request)`,
      this._store.loadContents(this).catch(() => undefined),
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

  // ---- messages ------------------------------------------------------------

  /**
   * Send output to every session puppeting this object (or only `session`).
   * `fromObj.atMsgSend` hears of it first, then this object's `atMsgReceive`, which
   * may return false to drop it. `options` become the text's kwargs (`{type: "say"}`).
   */
  msg(text: string | OutputSpec, options: MsgOptions = {}): void {
    let spec: OutputSpec = typeof text === "string" ? { text } : text;
    if (options.options && typeof spec.text === "string") spec = { ...spec, text: [spec.text, { ...options.options }] as [string, MessageKwargs] as never };
    // (a room's say calls this once per receiver: no array for the usual single sender)
    const from = options.fromObj;
    let firstSender: DefaultObject | null = null;
    if (Array.isArray(from)) {
      for (const sender of from) this.tellSender(sender, spec);
      firstSender = from[0] ?? null;
    } else if (from) {
      this.tellSender(from, spec);
      firstSender = from;
    }
    try {
      if (this.atMsgReceive(spec, firstSender) === false) return;
    } catch (err) {
      log.error(`atMsgReceive of ${this.dbref} failed`, err);
    }
    if (options.session) {
      options.session.msg(spec);
      return;
    }
    if (!this.sessionSet) return;
    for (const session of this.sessionSet) session.msg(spec);
  }

  /** Run `sender`'s {@link atMsgSend} for `spec` on its way to this object (a failing hook is logged). */
  private tellSender(sender: DefaultObject, spec: OutputSpec): void {
    try {
      sender.atMsgSend(spec, this);
    } catch (err) {
      log.error(`atMsgSend of ${sender.dbref} failed`, err);
    }
  }

  /** Hook: `text` is about to reach this object's sessions; return false to drop it. */
  atMsgReceive(_text: OutputSpec, _fromObj: DefaultObject | null): boolean | void {
    return true;
  }

  /** Hook: this object is sending `text` to `toObj` (it was named as `fromObj`). */
  atMsgSend(_text: OutputSpec, _toObj: DefaultObject): void {}

  // ---- channel messages (the object subscribes to a channel) ----------------

  /** Hook: how this object is shown a channel message (`[Public] Anna: hi`); null or false: not at all. */
  atPreChannelMsg(message: string, channel: DefaultChannel, options: ChannelMsgOptions): string | null | false {
    return formatChannelMessage(message, channel, options, (sender) => (sender instanceof DefaultObject ? sender.getDisplayName(this) : sender.key));
  }

  /** Hook: deliver a channel message to this object's sessions. */
  channelMsg(message: string, channel: DefaultChannel, options: ChannelMsgOptions): void {
    this.msg(channelOutput(message, channel, options));
  }

  /** Hook: after this object was sent a channel message. */
  atPostChannelMsg(_message: string, _channel: DefaultChannel, _options: ChannelMsgOptions): void {}

  /**
   * Send output to everything inside this object (a room's occupants), except `exclude`.
   * `{key}` placeholders are filled from `mapping` for each receiver: an object value
   * is shown as its `getDisplayName(receiver)`, anything else as text.
   *
   * First, inline functions run for each receiver (docs/funcparser.md), with
   * `fromObj` (else this object) as the actor: `"$You() $conj(smile)."` is "You
   * smile." to the actor and "Anna smiles." to the others. Placeholders are filled
   * after, so text in `mapping` (what a player said) is never run.
   */
  msgContents(text: string | OutputSpec, options: MsgContentsOptions = {}): void {
    const excluded = options.exclude instanceof DefaultObject ? [options.exclude] : (options.exclude ?? []);
    const exclude = new Set(excluded);
    const mapping = options.mapping;
    const actor = options.fromObj ?? this;
    const inline = options.inlineFunctions !== false;
    const templates = templatesOf(text);
    if (templates === null || (inline && templates.some((t) => t.includes("$")))) {
      // inline functions run per receiver ($You() is "You" to the actor only), on one
      // work budget for them all: a full parse's worth, then about a read of the text
      // each. A pose a player tuned to cost the most parsing short of the limit cost that
      // much for every one in the room (and every thing); now a string too costly for
      // it is shown as written to the receivers the budget does not reach.
      const length = (templates ?? []).reduce((sum, t) => sum + t.length, 0);
      const budget = { steps: inlineFunctions.maxSteps + this.contents.length * (2 * length + 1000) };
      for (const receiver of this.contents) {
        if (exclude.has(receiver)) continue;
        const parsed = inline ? parseForReceiver(text, actor, receiver, mapping, budget) : text;
        const out = mapping ? formatForReceiver(parsed, mapping, receiver) : parsed;
        receiver.msg(out, { fromObj: options.fromObj ?? null, options: options.options });
      }
      return;
    }
    // Fast path (a room's say to 200 players): no inline functions, so a receiver's text
    // depends only on how it sees the objects its placeholders name. It is formatted once
    // per distinct set of those names (usually once), and receivers that would do nothing
    // with it (default hooks, no session) are skipped.
    // Receivers on the default path (default `msg` and `atMsgReceive`, a sender with the default
    // `atMsgSend`) run no game code with the text: they get one frozen copy of it, turned into
    // message triples once (shared-output.ts), so their sessions all send the same triples.
    const objectKeys = mapping ? placeholdersNamingObjects(templates, mapping) : [];
    const formatted = new Map<string, { out: string | OutputSpec; shared: OutputSpec | null }>();
    const fromObj = options.fromObj ?? null;
    const senderHooksDefault = fromObj === null || fromObj.atMsgSend === DEFAULT_AT_MSG_SEND;
    /** The text when no placeholder names an object (the same for every receiver). */
    let onlyEntry: { out: string | OutputSpec; shared: OutputSpec | null } | undefined;
    // (the default msg reads its options and keeps nothing of them)
    const sharedOptions: MsgOptions = { fromObj };
    for (const receiver of this.contents) {
      if (exclude.has(receiver)) continue;
      const plain = senderHooksDefault && receiver.msg === DEFAULT_MSG && receiver.atMsgReceive === DEFAULT_AT_MSG_RECEIVE;
      if (plain && !receiver.hasSessions) continue;
      let seenAs = "";
      let names: string[] | null = null;
      if (objectKeys.length) {
        names = objectKeys.map((key) => (mapping![key] as DefaultObject).getDisplayName(receiver));
        seenAs = names.join("\u0000");
      }
      let entry = seenAs === "" ? onlyEntry : formatted.get(seenAs);
      if (entry === undefined) {
        const view: Mapping | undefined = mapping && { ...mapping };
        objectKeys.forEach((key, i) => (view![key] = names![i]));
        const out = view ? formatForReceiver(text, view, receiver) : text;
        // copied before any receiver's hook sees (and perhaps changes) the text
        entry = { out, shared: shareOutput(out, options.options) };
        if (seenAs === "") onlyEntry = entry;
        else formatted.set(seenAs, entry);
      }
      if (plain && entry.shared) {
        receiver.msg(entry.shared, sharedOptions);
        continue;
      }
      receiver.msg(entry.out, { fromObj, options: options.options });
    }
  }

  // ---- locks and search ----------------------------------------------------

  /**
   * Default locks of every object, as Evennia's: only Developers control it,
   * Builders examine, Admins edit, delete and emit to it; anyone sees it, picks it
   * up and calls its commands; only its holder drops it; only Developer accounts
   * puppet it.
   */
  override basetypeSetup(): void {
    super.basetypeSetup();
    this.locks.add(
      "control:perm(Developer);examine:perm(Builder);view:all();edit:perm(Admin);delete:perm(Admin);" +
        "get:all();drop:holds();call:true();tell:perm(Admin);puppet:pperm(Developer);teleport:true();teleport_here:true()",
    );
  }

  /**
   * The locks an object gets when it is created on behalf of someone (`createObject`
   * with `account` or `caller` and no `locks`): that account, that caller and
   * Admins control, edit and delete it (Evennia's `get_default_lockstring`).
   */
  static getDefaultLockstring(who: { account?: DefaultAccount | null; caller?: DefaultObject | null; obj: DefaultObject }): string {
    const trio = [who.account ? `pid(${who.account.id})` : null, who.caller ? `id(${who.caller.id})` : null, "perm(Admin)"].filter(Boolean).join(" or ");
    return ["control", "delete", "edit"].map((type) => `${type}:${trio}`).join(";");
  }

  /** True when a superuser account puppets this object and has not quelled. */
  get isSuperuser(): boolean {
    const account = this.account;
    return Boolean(account?.isSuperuser) && !account!.quelled;
  }

  /**
   * May `accessor` have `accessType` access to this object? As
   * {@link TypedObject.access}, then the {@link atAccess} hook hears the result.
   */
  override access(accessor: unknown, accessType = "read", options: LockCheckOptions = {}): boolean {
    const result = super.access(accessor, accessType, options);
    this.atAccess(result, accessor, accessType, options);
    return result;
  }

  /** Hook: an access check on this object was made (for logging or side effects; it cannot change the result). */
  atAccess(_result: boolean, _accessor: unknown, _accessType: string, _options: LockCheckOptions): void {}

  /**
   * Find an object the way a player names it: see {@link searchFor}. Unless
   * `quiet`, tells this object "Could not find 'x'." or lists the matches and
   * returns null; with `quiet`, returns every match.
   */
  search(query: string, options: ObjectSearchOptions & { quiet: true }): Promise<DefaultObject[]>;
  search(query: string, options?: ObjectSearchOptions & { quiet?: false }): Promise<DefaultObject | null>;
  search(query: string, options: ObjectSearchOptions = {}): Promise<DefaultObject[] | DefaultObject | null> {
    return searchFor(this, query, options);
  }

  /**
   * Hook: rewrite a search query before it is used (`search` calls it unless
   * `useNicks` is false). The default applies this object's (and its account's)
   * `object` and `account` nicks, as Evennia; override to expand your own shorthands.
   */
  getSearchQueryReplacement(query: string, _options: ObjectSearchOptions): string {
    return this.nicks.nickreplace(query, ["object", "account"], true);
  }

  /**
   * Hook: the words after this object's name in a multi-match list, with a leading
   * space: " (carried)" for what `looker` carries, " (here)" for what is in its
   * room, " (in Anna's inventory)" for what a character carries, " (in chest)"
   * for what is inside something else.
   */
  getExtraInfo(looker: DefaultObject): string {
    const where = this.location;
    if (!where) return "";
    if (where === looker) return " (carried)";
    if (where === looker.location) return " (here)";
    const name = where.getDisplayName(looker);
    return where.contentType === "character" ? ` (in ${name}'s inventory)` : ` (in ${name})`;
  }

  // ---- movement ------------------------------------------------------------

  /** Hook: may this object move to `destination`? Return false to veto. */
  async atPreMove(_destination: DefaultObject | null, _options: MoveHookOptions): Promise<boolean | void> {}

  /** Hook on the old location: may `movingObj` leave for `destination`? Return false to veto. */
  async atPreObjectLeave(_movingObj: DefaultObject, _destination: DefaultObject | null, _options: MoveHookOptions): Promise<boolean | void> {}

  /** Hook on the new location: may `movingObj` come in from `source`? Return false to veto. */
  async atPreObjectReceive(_movingObj: DefaultObject, _source: DefaultObject | null, _options: MoveHookOptions): Promise<boolean | void> {}

  /** Hook on the old location: `movingObj` has left for `destination`. */
  async atObjectLeave(_movingObj: DefaultObject, _destination: DefaultObject | null, _options: MoveHookOptions): Promise<void> {}

  /** Hook: this object has moved from `source`. */
  async atPostMove(_source: DefaultObject | null, _options: MoveHookOptions): Promise<void> {}

  /** Hook on the new location: `movingObj` has arrived from `source`. */
  async atObjectReceive(_movingObj: DefaultObject, _source: DefaultObject | null, _options: MoveHookOptions): Promise<void> {}

  /**
   * Tell the room being left (called while still in it). Through an exit: "Anna leaves
   * north."; otherwise Evennia's "Anna is leaving Hall, heading for Yard." Placeholders:
   * `{object}`, `{exit}`, `{origin}`, `{destination}`.
   */
  announceMoveFrom(destination: DefaultObject | null, options: MoveHookOptions & { msg?: string; mapping?: Mapping } = {}): void {
    const location = this.location;
    if (!location) return;
    const exit = options.exitObj ?? location.exits.find((e) => e.destination === destination) ?? null;
    const template = options.msg ?? (exit && options.moveType === "traverse" ? "{object} leaves {exit}." : "{object} is leaving {origin}, heading for {destination}.");
    const mapping: Mapping = { ...options.mapping, object: this, exit: exit ?? "somewhere", origin: location, destination: destination ?? "nowhere" };
    location.msgContents(template, { exclude: [this], fromObj: this, mapping, options: { type: options.moveType ?? "move" } });
  }

  /**
   * Tell the room arrived in (called once there). Through an exit: "Anna arrives from
   * the south." (naming the exit back); otherwise Evennia's "Anna arrives to Yard from
   * Hall." An object created into a character's hands tells its holder instead.
   */
  announceMoveTo(source: DefaultObject | null, options: MoveHookOptions & { msg?: string; mapping?: Mapping } = {}): void {
    const destination = this.location;
    if (!destination) return;
    if (!source && destination.hasSessions) {
      destination.msg(`You now have ${this.getDisplayName(destination)} in your possession.`);
      return;
    }
    const back = source ? (destination.exits.find((e) => e.destination === source) ?? null) : null;
    let template: string;
    if (options.msg) template = options.msg;
    else if (!source) template = "{object} arrives to {destination}.";
    else if (options.moveType === "traverse") template = back ? "{object} arrives from the {exit}." : "{object} arrives from {origin}.";
    else template = "{object} arrives to {destination} from {origin}.";
    const mapping: Mapping = { ...options.mapping, object: this, exit: back ?? "somewhere", origin: source ?? "nowhere", destination };
    destination.msgContents(template, { exclude: [this], fromObj: this, mapping, options: { type: options.moveType ?? "move" } });
  }

  /**
   * Move into `destination` with Evennia's hooks, in this order: `atPreMove`,
   * the old location's `atPreObjectLeave`, the new one's `atPreObjectReceive` (each
   * may veto by returning false), `announceMoveFrom`, the move, `announceMoveTo`,
   * then the old location's `atObjectLeave`, `atPostMove` and the new location's
   * `atObjectReceive`. `moveType` reaches every hook. Returns false when vetoed.
   *
   * Moving into itself or its own contents throws `EV_ERR_BAD_INPUT`; a missing
   * destination throws `EV_ERR_NOT_FOUND` (unless `toNone`). A hook that throws
   * undoes the move and the error goes on (the command fails with its error id).
   */
  async moveTo(target: DefaultObject | null, options: MoveOptions = {}): Promise<boolean> {
    const hookOptions: MoveHookOptions = { ...options, moveType: options.moveType ?? "move" };
    let destination = target;
    if (!destination || destination.isDeleted) {
      if (options.toNone && !destination) {
        this.location = null;
        return true;
      }
      throw new EvenniaError("EV_ERR_NOT_FOUND", "The destination doesn't exist.");
    }
    if (destination.destination && options.useDestination !== false) destination = destination.destination;
    this.assertNotInside(destination);
    if (!destination.contentsLoaded) await destination.loadContents();
    const source = this.location;
    // the announcement and hooks read the room being left too (it may have been reached by reference)
    if (source && !source.contentsLoaded) await source.loadContents();
    const runHooks = options.moveHooks !== false;
    if (runHooks && !options.force) {
      if ((await this.atPreMove(destination, hookOptions)) === false) return false;
      if (source && (await source.atPreObjectLeave(this, destination, hookOptions)) === false) return false;
      if ((await destination.atPreObjectReceive(this, source, hookOptions)) === false) return false;
    }
    if (!options.quiet) this.announceMoveFrom(destination, hookOptions);
    this.location = destination;
    try {
      if (!options.quiet) this.announceMoveTo(source, hookOptions);
      if (runHooks) {
        if (source) await source.atObjectLeave(this, destination, hookOptions);
        await this.atPostMove(source, hookOptions);
        await destination.atObjectReceive(this, source, hookOptions);
      }
    } catch (err) {
      // put it back where it was before the error goes on
      if (this.location === destination && !this.isDeleted && (!source || !source.isDeleted)) this.location = source;
      throw err;
    }
    // signal (typeclasses/signals.ts): heard after the unit of work commits
    signals.emit("objectMoved", { object: this, source, destination, moveType: hookOptions.moveType ?? "move" });
    return true;
  }

  // ---- get, drop, delete ------------------------------------------------------

  /** Hook before `getter` picks this up (`get`); return false to stop it (say why yourself). */
  async atPreGet(_getter: DefaultObject): Promise<boolean | void> {}

  /** Hook: `getter` picked this up. */
  async atGet(_getter: DefaultObject): Promise<void> {}

  /** Hook before `dropper` drops this (`drop`); return false to stop it. */
  async atPreDrop(_dropper: DefaultObject): Promise<boolean | void> {}

  /** Hook: `dropper` dropped this. */
  async atDrop(_dropper: DefaultObject): Promise<void> {}

  /** Hook before `giver` gives this to `getter` (`give`); return false to stop it (say why yourself). */
  async atPreGive(_giver: DefaultObject, _getter: DefaultObject): Promise<boolean | void> {}

  /** Hook: `giver` gave this to `getter` (it cannot stop the give: use the `give` lock or {@link atPreGive}). */
  async atGive(_giver: DefaultObject, _getter: DefaultObject): Promise<void> {}

  // ---- speech ------------------------------------------------------------------

  /**
   * Hook before this object says or whispers `message` (`say`, `whisper`): return the
   * text to speak (changed as you like), or null or "" to say nothing.
   */
  async atPreSay(message: string, _options: SayOptions = {}): Promise<string | null> {
    return message;
  }

  /**
   * Show what this object says (or whispers, with `whisper`), as Evennia's `at_say`:
   * to itself when `msgSelf` (true: the default text; a string: that text), to
   * each of `receivers`, and — unless whispering — to the others in its location.
   * Texts may hold the placeholders `{self}` ("You"), `{object}` (the speaker),
   * `{speech}`, `{location}`, `{receiver}` and `{all_receivers}`, plus `mapping`'s.
   */
  atSay(message: string, options: SayOptions = {}): void {
    const whisper = Boolean(options.whisper);
    const type = whisper ? "whisper" : "say";
    const receivers = options.receivers ?? [];
    const location = this.location;
    const msgSelf = options.msgSelf === true ? (whisper ? '{self} whisper to {all_receivers}, "|n{speech}|n"' : '{self} say, "|n{speech}|n"') : options.msgSelf;
    const msgReceivers = options.msgReceivers ?? (whisper ? '{object} whispers: "|n{speech}|n"' : message);
    const msgLocation = whisper ? null : (options.msgLocation ?? '{object} says, "{speech}|n"');
    const base: Mapping = { self: "You", speech: message, receiver: "None", ...options.mapping };
    const allReceivers = (viewer: DefaultObject | null) => (receivers.length ? receivers.map((r) => r.getDisplayName(viewer ?? r)).join(", ") : "None");
    if (msgSelf) {
      const mapping: Mapping = { ...base, object: this, location: location ?? "None", all_receivers: allReceivers(this), ...options.mapping };
      this.msg(formatForReceiver({ text: [msgSelf, { type }] }, mapping, this), { fromObj: this, session: options.session ?? null });
    }
    for (const receiver of receivers) {
      const mapping: Mapping = { ...base, object: this, location: location ?? "None", receiver, all_receivers: allReceivers(null), ...options.mapping };
      receiver.msg(formatForReceiver({ text: [msgReceivers, { type }] }, mapping, receiver), { fromObj: this });
    }
    if (location && msgLocation) {
      const exclude = [...(msgSelf ? [this] : []), ...receivers];
      const mapping: Mapping = { ...base, object: this, location, all_receivers: receivers.map((r) => r.key).join(", ") || "None", ...options.mapping };
      location.msgContents({ text: [msgLocation, { type }] }, { exclude, fromObj: this, mapping });
    }
  }

  /**
   * Delete this object as Evennia does: `atObjectDelete` may refuse; sessions
   * puppeting it are told and let go; its exits and every exit leading to it are
   * deleted; what is inside goes home (or to the default home, or nowhere with a
   * logged error when there is none); then its channel subscriptions, the row,
   * attributes and tags go.
   * Attributes elsewhere that referred to it read null from then on.
   */
  override async delete(): Promise<boolean> {
    if (this.isDeleted) return false;
    if ((await this.atObjectDelete()) === false) return false;
    for (const session of [...this.sessions]) {
      session.msg(`Your character ${this.key} has been destroyed.`);
      this.releaseSession(session);
    }
    await this.loadContents();
    for (const exit of this.exits) await exit.delete();
    const incoming = (await this._store.where("object", "destination_id = ?", [this.id])) as DefaultObject[];
    for (const obj of this._store.live("object") as IterableIterator<DefaultObject>) if (obj.destination === this && !incoming.includes(obj)) incoming.push(obj);
    for (const exit of incoming) if (!exit.isDeleted && exit._row.destination_id === this.id) await exit.delete();
    await this.clearContents();
    await this.releaseAsHome();
    if (this.location) this.location = null;
    unsubscribeEverywhere(this);
    await this.scripts.delete();
    // another unit of work may have moved something in while the awaits above ran: it goes
    // home too (checked in the same turn as the delete below), so nothing stays inside a deleted object
    for (let round = 0; round < 3 && (await this.loadContents()).length > 0; round++) await this.clearContents();
    await this._store.deleteObject(this);
    return true;
  }

  /**
   * Objects whose home this was have none from now on, loaded or not (as Evennia's
   * database does when the row goes): no row is left pointing at a deleted object.
   */
  private async releaseAsHome(): Promise<void> {
    const homed = new Set((await this._store.where("object", "home_id = ?", [this.id])) as DefaultObject[]);
    // made home here since the last commit (and not yet in the table)
    for (const obj of this._store.pendingChanges("object") as DefaultObject[]) if (obj._row.home_id === this.id) homed.add(obj);
    for (const obj of homed) if (obj !== this && !obj.isDeleted && obj._row.home_id === this.id) obj.home = null;
  }

  /** Send everything inside this object to its home (or the default home). */
  async clearContents(): Promise<void> {
    const contents = await this.loadContents();
    if (contents.length === 0) return;
    let fallback = await defaultHome(this);
    if (fallback === this) fallback = null;
    for (const obj of contents) {
      let home = obj.home;
      // a home that is gone, is the object being deleted, or is the content itself (or
      // inside it: a move there is refused) counts as none
      if (!home || home === this || home.isDeleted || obj.isAncestorOf(home)) home = fallback;
      if (home && obj.isAncestorOf(home)) home = null;
      let moved = false;
      if (home) {
        if (obj.hasSessions) obj.msg(`Your current location has ceased to exist, moving you to (${home.dbref}).`);
        try {
          moved = await obj.moveTo(home, { moveType: "teleport", force: true });
        } catch (err) {
          log.error(`could not send ${obj.dbref} home to ${home.dbref}`, err);
        }
      }
      if (!moved) {
        obj.location = null;
        obj.msg("Something went wrong! You are dumped into nowhere. Contact an admin.");
        log.error(`Missing default home - '${obj.key}(${obj.dbref})' now has a null location.`);
      }
    }
  }

  /** Stop `session` puppeting this object (used when it is deleted). */
  private releaseSession(session: ObjectSession): void {
    const wasPuppet = session.puppet === this;
    this._detachSession(session);
    if (wasPuppet) session.puppet = null;
    session.persist?.();
    // a rolled-back delete gives the session its puppet back (the detach undoes itself)
    currentUnitOfWork()?.recordUndo(() => {
      if (wasPuppet && session.puppet === null) session.puppet = this;
      session.persist?.();
    });
  }

  // ---- appearance ------------------------------------------------------------

  /** The name `looker` sees. */
  getDisplayName(_looker?: DefaultObject | null): string {
    return this.key;
  }

  /** Extra text after the name in the appearance: the dbref, for lookers who may build. */
  getExtraDisplayNameInfo(looker?: DefaultObject | null): string {
    return looker && looker !== this && canSeeDbrefs(looker) ? `(${this.dbref})` : "";
  }

  /** The first part of the appearance (empty by default). */
  getDisplayHeader(_looker: DefaultObject): string {
    return "";
  }

  /** The description `looker` sees. */
  getDisplayDesc(_looker?: DefaultObject | null): string {
    const desc = this.db.desc;
    return typeof desc === "string" && desc ? desc : "You see nothing special.";
  }

  /** The objects of `objects` that `looker` may see (`view` lock), the looker left out. */
  filterVisible(objects: Iterable<DefaultObject>, looker: DefaultObject): DefaultObject[] {
    const out: DefaultObject[] = [];
    for (const o of objects) if (o !== looker && canAccess(o, looker, "view", true)) out.push(o);
    return out;
  }

  /** "Exits: north, south, and west" (empty when there are none). */
  getDisplayExits(looker: DefaultObject): string {
    const names = this.filterVisible(this.contentsGet({ contentType: "exit" }), looker).map((e) => e.getDisplayName(looker));
    return names.length ? `|wExits:|n ${joinList(names)}` : "";
  }

  /** "Characters: Anna and Bob" (the looker left out). */
  getDisplayCharacters(looker: DefaultObject): string {
    const names = this.filterVisible(this.contentsGet({ contentType: "character" }), looker).map((c) => c.getDisplayName(looker));
    return names.length ? `|wCharacters:|n ${joinList(names)}` : "";
  }

  /** "You see: a lamp and three swords": things grouped by the name the looker sees. */
  getDisplayThings(looker: DefaultObject): string {
    const groups = new Map<string, number>();
    for (const thing of this.filterVisible(this.contentsGet({ contentType: "object" }), looker)) {
      const name = thing.getDisplayName(looker);
      groups.set(name, (groups.get(name) ?? 0) + 1);
    }
    const names = [...groups.keys()].sort().map((name) => numberedName(name, groups.get(name)!));
    return names.length ? `|wYou see:|n ${joinList(names)}` : "";
  }

  /** The last part of the appearance (empty by default). */
  getDisplayFooter(_looker: DefaultObject): string {
    return "";
  }

  /** Final touch on the whole appearance: empty lines and trailing spaces go. */
  formatAppearance(appearance: string, _looker: DefaultObject): string {
    const lines: string[] = [];
    for (const line of appearance.split("\n")) {
      const trimmed = line.trimEnd();
      if (trimmed !== "") lines.push(trimmed);
    }
    return lines.join("\n");
  }

  /**
   * The text shown when `looker` looks at this object: header, name, description,
   * exits, characters, things and footer, each from its `getDisplay...` method, put
   * together by `formatAppearance`. Synchronous: it reads nothing from the database.
   */
  returnAppearance(looker: DefaultObject): string {
    const parts = [
      this.getDisplayHeader(looker),
      `|c${this.getDisplayName(looker)}${this.getExtraDisplayNameInfo(looker)}|n`,
      this.getDisplayDesc(looker),
      this.getDisplayExits(looker),
      this.getDisplayCharacters(looker),
      this.getDisplayThings(looker),
      this.getDisplayFooter(looker),
    ];
    return this.formatAppearance(parts.join("\n"), looker);
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
    // a deleted target stays held: its delete may still be rolled back, and then this
    // reference must still keep it in memory (a flush would otherwise lose it)
    if (cached && cached.id === id) return cached.isDeleted ? null : cached;
    const found = this._store.peek({ kind: "object", id }) as DefaultObject | null;
    if (found) this[field] = found;
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

// puppeted or not follows the sessions alone (channels keep their online subscribers while none changes)
markPresenceFromSessions(DefaultObject.prototype, "hasSessions");
registerDefaultTypeclass("evennia.objects.DefaultObject", DefaultObject);

/** The default message hooks: a receiver that keeps them and has no session does nothing with a message. */
const DEFAULT_MSG = DefaultObject.prototype.msg;
const DEFAULT_AT_MSG_RECEIVE = DefaultObject.prototype.atMsgReceive;
const DEFAULT_AT_MSG_SEND = DefaultObject.prototype.atMsgSend;
