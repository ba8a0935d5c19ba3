/**
 * `DefaultAccount`: a player's login, and what happens around it. Passwords are
 * hashed with scrypt; names are unique case-insensitively.
 *
 * Login, logout, puppeting and character creation are methods and hooks of the
 * account (Evennia's names in camelCase), so a game changes them by overriding
 * them in its own `typeclasses/accounts.ts`:
 *
 * - creation: `DefaultAccount.create()` → `atAccountCreation` → (setting
 *   `autoCreateCharacterWithAccount`) `createCharacter()` → `atPostCreateCharacter`;
 * - login: `atFirstLogin` (once) → `atPreLogin` → (mode 0: older sessions are
 *   disconnected) → `atPostLogin`, which puppets the last character
 *   (setting `autoPuppetOnLogin`) or shows the out-of-character screen;
 * - a wrong password: `atFailedLogin`;
 * - puppeting: `puppetObject(session, obj)` → the object's `atPrePuppet` and
 *   `atPostPuppet`; `unpuppetObject(session)` → `atPreUnpuppet`, `atPostUnpuppet`;
 * - logout: `unpuppetObject` → `atDisconnect(reason)` → `atPostDisconnect`.
 */
import { randomBytes, scrypt as scryptCb, timingSafeEqual } from "node:crypto";
import { promisify } from "node:util";
import { activeSettings } from "../conf/active-settings.ts";
import type { AccountRow } from "../db/entities/rows.ts";
import { hasPermission } from "../locks/permissions.ts";
import type { OutputSpec } from "../protocol/message.ts";
import { looksLikeAnotherName, normalizeAccountName } from "./account-names.ts";
import { unsubscribeEverywhere } from "./channel-subscriptions.ts";
import { EvenniaError } from "../utils/errors.ts";
import { stripMarkup } from "../utils/text/markup.ts";
import { getLogger } from "../utils/logger.ts";
import { channelOutput, formatChannelMessage, markSameForEveryReceiver, type ChannelMsgOptions, type DefaultChannel } from "./channels.ts";
import { markPresenceFromSessions } from "./presence.ts";
import { createAccount, createObject } from "./create.ts";
import { joinDefaultChannels, mudInfoChannel } from "./default-channels.ts";
import { deliverPendingPages } from "./pages.ts";
import { DefaultObject } from "./objects.ts";
import { findTypeclass, registerDefaultTypeclass } from "./registry.ts";
import { OptionHandler } from "./option-handler.ts";
import { ScriptHandler } from "./script-handler.ts";
import { getStore } from "./store-context.ts";
import { accountIsLoggedIn, sessionRegistry, sessionsFromAccount, setSessionLink, type Session } from "./sessions.ts";
import { TypedObject } from "./typed-object.ts";
import { signals } from "./signals.ts";
import { onePuppetingAtATime } from "./puppet-lock.ts";

const log = getLogger("accounts");
/** Unregistered character typeclasses already warned about (once each). */
const warnedTypeclasses = new Set<string>();

/** Letters, digits, spaces and `. @ + - _ '`. */
const USERNAME_RE = /^[\p{L}\p{N}_. @+\-']+$/u;

/** Attribute holding the characters an account owns (Evennia's `_playable_characters`). */
const CHARACTERS_ATTR = "_playable_characters";
/** Attribute holding the character puppeted last (Evennia's `_last_puppet`). */
const LAST_PUPPET_ATTR = "_last_puppet";
/** Attribute holding the client options saved with `option/save` (Evennia's `_saved_protocol_flags`). */
const SAVED_CLIENT_OPTIONS_ATTR = "_saved_protocol_flags";

/** Options of {@link DefaultAccount.create}. */
export interface AccountCreateOptions {
  username: string;
  password: string;
  email?: string | null;
  /** The creating client's address; kept as `db.creator_ip`. */
  ip?: string;
  /** Permissions (default: setting `permissionAccountDefault`; the first account is the superuser with `Developer`). */
  permissions?: string[];
  /** Typeclass path of the account (default: the class `create` is called on). */
  typeclass?: string;
  /** Typeclass path of the auto-created character (default: setting `baseCharacterTypeclass`). */
  characterTypeclass?: string;
  /** A guest account: no name rules, and a character regardless of `autoCreateCharacterWithAccount`. */
  guest?: boolean;
}

/** Options of {@link DefaultAccount.createCharacter}. */
export interface CharacterCreateOptions {
  /** Name (default: the account's name). */
  key?: string;
  /** Typeclass path (default: setting `baseCharacterTypeclass`). */
  typeclass?: string;
  /** Home (default: the default home). */
  home?: DefaultObject | null;
  /** Where the character appears when first puppeted (default: the start location). */
  location?: DefaultObject | null;
  /** Permissions (default: the account's). */
  permissions?: string[];
}

/**
 * True when `account` may puppet `obj`: the object's `puppet` lock decides, as in
 * Evennia (a player's characters let their owner and Developers in; superusers pass).
 */
function mayPuppet(account: DefaultAccount, obj: DefaultObject): boolean {
  return obj.access(account, "puppet");
}

const scrypt = promisify(scryptCb) as (password: string, salt: Buffer, keylen: number, options: object) => Promise<Buffer>;
const SCRYPT_R = 8;
const SCRYPT_P = 1;
/** Largest memory scrypt may use: enough for the largest allowed cost (128 · N · r bytes, with room). */
const SCRYPT_MAXMEM = 2 * 128 * 1048576 * SCRYPT_R;
const KEYLEN = 32;

/** Hash a password as `scrypt$N$r$p$salt$hash` (base64), N from the setting `passwordHashCost`. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const N = activeSettings().passwordHashCost;
  const hash = await scrypt(password.normalize("NFKC"), salt, KEYLEN, { N, r: SCRYPT_R, p: SCRYPT_P, maxmem: SCRYPT_MAXMEM });
  return ["scrypt", N, SCRYPT_R, SCRYPT_P, salt.toString("base64"), hash.toString("base64")].join("$");
}

/** Check a password against a stored hash, in constant time. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split("$");
  if (parts.length !== 6 || parts[0] !== "scrypt") return false;
  const [, n, r, p, saltB64, hashB64] = parts as [string, string, string, string, string, string];
  const expected = Buffer.from(hashB64, "base64");
  const [N, R, P] = [Number(n), Number(r), Number(p)];
  // a hash from elsewhere (or tampered with) must not make a login eat the machine's memory
  if (!(Number.isInteger(N) && N >= 2 && N <= 1048576 && R === SCRYPT_R && P === SCRYPT_P && expected.length >= 16)) return false;
  const actual = await scrypt(password.normalize("NFKC"), Buffer.from(saltB64, "base64"), expected.length, { N, r: R, p: P, maxmem: SCRYPT_MAXMEM });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** A player account. */
export class DefaultAccount extends TypedObject<AccountRow> {
  static override readonly kind = "account" as const;

  /** The account name (same as `username`). */
  override get key(): string {
    return this._row.username;
  }
  override set key(value: string) {
    this.username = value;
  }

  /** The login name. */
  get username(): string {
    return this._row.username;
  }
  set username(value: string) {
    const name = String(value).trim();
    if (!name) throw new EvenniaError("EV_ERR_BAD_INPUT", "a username cannot be empty");
    this._setField("username", name);
    this._setField("username_lower", name.toLowerCase());
  }

  /** True for the superuser (the first account created). */
  get isSuperuser(): boolean {
    return this._row.is_superuser;
  }
  set isSuperuser(value: boolean) {
    this._setField("is_superuser", Boolean(value));
  }

  /**
   * True while the account has quelled its permissions: its puppet is judged by the
   * lower of the account's and the puppet's permissions, and a superuser loses the
   * lock bypass in character (Evennia's `_quell` attribute).
   */
  get quelled(): boolean {
    return Boolean(this.attributes.get("_quell"));
  }
  set quelled(value: boolean) {
    if (value) this.attributes.add("_quell", true);
    else this.attributes.remove("_quell");
  }

  /** The account's display style options (`style`): colours of borders and headers, fill characters, time zone. */
  get options(): OptionHandler {
    return (this.optionHandler ??= new OptionHandler(this.attributes));
  }
  private optionHandler: OptionHandler | null = null;

  /** The scripts on this account (see docs/scripts.md). */
  get scripts(): ScriptHandler {
    return (this.scriptHandler ??= new ScriptHandler(this, "account_id"));
  }
  private scriptHandler: ScriptHandler | null = null;

  /**
   * Delete this account (a hook may refuse), as Evennia's: its sessions are logged out
   * (their connections close once the deletion commits), the objects it owned stay in
   * the world owned by nobody, and its scripts and channel subscriptions go with it.
   */
  override async delete(): Promise<boolean> {
    if (this.isDeleted) return false;
    if ((await this.atObjectDelete()) === false) return false;
    const registry = sessionRegistry();
    if (registry) for (const session of sessionsFromAccount(this)) await registry.disconnect(session, "Account being deleted.");
    await this.releaseOwnedObjects();
    unsubscribeEverywhere(this);
    await this.scripts.delete();
    await this._store.deleteObject(this);
    return true;
  }

  /**
   * Let go of every object this account owns (`account` becomes null, loaded or not, as
   * Evennia's database does when an account row goes): no row is left pointing at it.
   */
  private async releaseOwnedObjects(): Promise<void> {
    const owned = new Set((await this._store.where("object", "account_id = ?", [this.id])) as DefaultObject[]);
    // owned since the last commit (and not yet in the table)
    for (const obj of this._store.pendingChanges("object") as DefaultObject[]) if (obj._row.account_id === this.id) owned.add(obj);
    for (const obj of owned) if (!obj.isDeleted && obj._row.account_id === this.id) obj.account = null;
  }

  /**
   * Client options the account saved with `option/save` (Evennia's
   * `_saved_protocol_flags`): applied to each session it logs in on.
   */
  get savedClientOptions(): Record<string, unknown> {
    const saved: unknown = this.attributes.get(SAVED_CLIENT_OPTIONS_ATTR);
    return saved && typeof saved === "object" && !Array.isArray(saved) ? { ...(saved as Record<string, unknown>) } : {};
  }
  set savedClientOptions(options: Record<string, unknown>) {
    if (Object.keys(options).length === 0) this.attributes.remove(SAVED_CLIENT_OPTIONS_ATTR);
    else this.attributes.add(SAVED_CLIENT_OPTIONS_ATTR, { ...options });
  }

  /** Admins examine, edit, delete and boot an account; anyone may message it (Evennia's locks). */
  override basetypeSetup(): void {
    super.basetypeSetup();
    this.locks.add(
      "examine:perm(Admin);edit:perm(Admin);delete:perm(Admin);boot:perm(Admin);msg:all();noidletimeout:perm(Builder) or perm(noidletimeout)",
    );
  }

  /** The account's email address, or null (the column Evennia's `email` is). */
  get email(): string | null {
    return this._row.email;
  }
  set email(value: string | null) {
    this._setField("email", value === null || value === "" ? null : String(value));
  }

  /** Last successful login, if any. */
  get lastLogin(): Date | null {
    return this._row.last_login === null ? null : new Date(this._row.last_login);
  }

  /** Set a new password (hashed with scrypt). */
  async setPassword(password: string): Promise<void> {
    const hash = await hashPassword(password);
    this._setField("password_hash", hash);
  }

  /** True when `password` is this account's password. */
  checkPassword(password: string): Promise<boolean> {
    return verifyPassword(password, this._row.password_hash);
  }

  /** @internal record a login */
  _touchLogin(): void {
    this._setField("last_login", Date.now());
  }

  // ---- creation -------------------------------------------------------------

  /**
   * A name new accounts may take, or throws `EV_ERR_BAD_INPUT` with the reason.
   * Override to change the rules.
   */
  static validateUsername(username: string): string {
    // kept in compatibility form (a full-width `Ｔest` is `Test`), on every path: the login screen, the website, the admin
    const name = normalizeAccountName(String(username ?? ""));
    if (name.length < 3 || name.length > 30 || !USERNAME_RE.test(name)) {
      throw new EvenniaError("EV_ERR_BAD_INPUT", "A name must be 3 to 30 characters: letters, digits, spaces and . @ + - _ ' only.");
    }
    if (looksLikeAnotherName(name)) {
      throw new EvenniaError("EV_ERR_BAD_INPUT", "A name cannot mix letters of different alphabets (such as Latin and Cyrillic), nor hold letters that show as nothing.");
    }
    return name;
  }

  /** Throws `EV_ERR_BAD_INPUT` when `password` is not acceptable. Override to change the rules. */
  static validatePassword(password: string): void {
    const min = activeSettings().passwordMinLength;
    if (String(password ?? "").length < min) {
      throw new EvenniaError("EV_ERR_BAD_INPUT", `A password must be at least ${min} characters long.`);
    }
  }

  /**
   * Create an account (Evennia's `DefaultAccount.create`): checks the name and
   * password, makes the first account the superuser, runs `atAccountCreation`
   * and, when the setting `autoCreateCharacterWithAccount` is on (or for guests),
   * creates its character. Throws `EV_ERR_BAD_INPUT` with a message for the player.
   */
  static async create(options: AccountCreateOptions): Promise<DefaultAccount> {
    const settings = activeSettings();
    const username = options.guest ? String(options.username).trim() : this.validateUsername(options.username);
    this.validatePassword(options.password);
    const typeclass = options.typeclass && findTypeclass(options.typeclass) ? options.typeclass : this;
    if (settings.autoCreateCharacterWithAccount && !options.guest) {
      // the character will carry the account's name: refuse the account, not leave it without one
      // (loaded on use: characters.ts extends DefaultObject, which is still loading when this file is)
      const { characterTypeclass } = await import("./characters.ts");
      const taken = await characterTypeclass(options.characterTypeclass).validateName(username, null);
      // plain: the web's registration page shows it too
      if (taken) throw new EvenniaError("EV_ERR_BAD_INPUT", stripMarkup(taken));
    }
    const store = getStore();
    const existing = await store.db.query("SELECT id FROM accounts LIMIT 1");
    const first = !options.guest && existing.length === 0 && store.pendingChanges("account").length === 0;
    const account = await createAccount(typeclass, {
      username,
      password: options.password,
      email: options.email ?? null,
      isSuperuser: first,
      permissions: options.permissions ?? [first ? "Developer" : settings.permissionAccountDefault],
    });
    account.db.FIRST_LOGIN = true;
    if (options.ip) account.db.creator_ip = options.ip;
    if (first) log.info(`created the superuser account "${username}"`);
    await joinDefaultChannels(account, settings, { superuser: first });
    if (settings.autoCreateCharacterWithAccount || options.guest) {
      await account.createCharacter({ typeclass: options.characterTypeclass });
    }
    return account;
  }

  /** @internal Evennia's accounts run `atAccountCreation` when created */
  override async atObjectCreation(): Promise<void> {
    await this.atAccountCreation();
  }

  /** Hook: the account was just created (before its first save). */
  async atAccountCreation(): Promise<void> {}

  // ---- characters -----------------------------------------------------------

  /** The characters this account owns and may play (`charcreate` adds to them). */
  get characters(): DefaultObject[] {
    const list: unknown = this.attributes.get(CHARACTERS_ATTR);
    if (!Array.isArray(list)) return [];
    return list.filter((o): o is DefaultObject => o instanceof DefaultObject && !o.isDeleted);
  }

  /** Add `character` to the characters this account may play. */
  addCharacter(character: DefaultObject): void {
    const current = this.characters;
    if (!current.includes(character)) this.attributes.add(CHARACTERS_ATTR, [...current, character]);
  }

  /** Remove `character` from the characters this account may play. */
  removeCharacter(character: DefaultObject): void {
    const current = this.characters;
    if (current.includes(character)) this.attributes.add(CHARACTERS_ATTR, current.filter((c) => c !== character));
  }

  /** Characters this account may own; null for no limit (default: setting `maxNrCharacters`). */
  getCharacterSlots(): number | null {
    return activeSettings().maxNrCharacters;
  }

  /** Character slots left, or null for no limit. */
  getAvailableCharacterSlots(): number | null {
    const slots = this.getCharacterSlots();
    return slots === null ? null : Math.max(0, slots - this.characters.length);
  }

  /** Why this account may not create another character, or null when it may. */
  checkAvailableSlots(): string | null {
    const left = this.getAvailableCharacterSlots();
    if (left === null || left > 0 || this.isSuperuser || hasPermission(this, "Developer")) return null;
    const max = this.getCharacterSlots()!;
    return `You may only have a maximum of ${max} character${max === 1 ? "" : "s"}.`;
  }

  /**
   * Create a character this account owns: out of the world until first puppeted
   * (it then appears in `location`, the start location by default). Throws
   * `EV_ERR_BAD_INPUT` when no character slot is left.
   */
  async createCharacter(options: CharacterCreateOptions = {}): Promise<DefaultObject> {
    const refused = this.checkAvailableSlots();
    if (refused) throw new EvenniaError("EV_ERR_BAD_INPUT", refused);
    const settings = activeSettings();
    const wanted = options.typeclass ?? settings.baseCharacterTypeclass;
    const typeclass = findTypeclass(wanted) ? wanted : "evennia.objects.DefaultCharacter";
    if (typeclass !== wanted && !warnedTypeclasses.has(wanted)) {
      warnedTypeclasses.add(wanted);
      log.warn(`character typeclass "${wanted}" is not registered; using ${typeclass}`);
    }
    const registry = sessionRegistry();
    const start = options.location !== undefined ? options.location : ((await registry?.startLocation()) ?? null);
    const home = options.home !== undefined ? options.home : ((await registry?.defaultHome()) ?? start);
    const key = options.key ?? this.key;
    const character = await createObject(typeclass, { key, location: null, home });
    // Evennia's locks of a player's character: its owner (and Developers) may puppet it; the
    // character's other default locks stay. Evennia writes `id(<character>)` into the puppet lock and
    // `id(<account>)` into the delete lock, but object and account ids are separate sequences that
    // collide: account #7 passed `id(7)` of character #7, a builder's character #3 passed the delete
    // lock of account #3's character. `pid` compares accounts with accounts, whoever asks.
    character.locks.add(`puppet:pid(${this.id}) or perm(Developer) or pperm(Developer);delete:pid(${this.id}) or perm(Admin)`);
    for (const perm of options.permissions ?? this.permissions.get()) character.permissions.add(perm);
    if (start) character.db.prelogout_location = start;
    await this.atPostCreateCharacter(character);
    return character;
  }

  /**
   * Hook: `character` was just created for this account. By default it joins the
   * account's characters and, if it is the only one, becomes the one to puppet at login.
   */
  async atPostCreateCharacter(character: DefaultObject): Promise<void> {
    this.addCharacter(character);
    if (this.characters.length === 1) this.db[LAST_PUPPET_ATTR] = character;
    log.info(`character ${character.key} (${character.dbref}) created for account ${this.key}`);
  }

  // ---- sessions and output ----------------------------------------------------

  /** The sessions this account is logged in on. */
  get sessions(): Session[] {
    return sessionsFromAccount(this);
  }

  /** True while logged in on at least one session. */
  get isConnected(): boolean {
    return accountIsLoggedIn(this);
  }

  /**
   * Send output to this account's sessions (all of them, or `options.session`).
   * Nothing happens when the account is not logged in.
   */
  msg(spec: string | OutputSpec, options?: { session?: Session | Session[] | null }): void {
    // a channel line calls this once per subscriber: no options object or list made for the usual call
    const chosen = options?.session;
    if (!chosen) for (const session of this.sessions) session.msg(spec);
    else if (Array.isArray(chosen)) for (const session of chosen) session.msg(spec);
    else chosen.msg(spec);
  }

  /** Hook: how this account is shown a channel message (`[Public] Anna: hi`); null or false: not at all. */
  atPreChannelMsg(message: string, channel: DefaultChannel, options: ChannelMsgOptions): string | null | false {
    return formatChannelMessage(message, channel, options, (sender) => sender.key);
  }

  /** Hook: deliver a channel message to this account's sessions. */
  channelMsg(message: string, channel: DefaultChannel, options: ChannelMsgOptions): void {
    this.msg(channelOutput(message, channel, options));
  }

  /** Hook: after this account was sent a channel message. */
  atPostChannelMsg(_message: string, _channel: DefaultChannel, _options: ChannelMsgOptions): void {}

  /** Disconnect `session` (logout hooks run now, the connection closes after the commit). */
  async disconnectSession(session: Session, reason?: string): Promise<void> {
    await sessionRegistry()?.disconnect(session, reason);
  }

  // ---- puppeting ----------------------------------------------------------------

  /** What `session` puppets through this account, if anything. */
  getPuppet(session: Session): DefaultObject | null {
    return session.account === this ? session.puppet : null;
  }

  /** Every object this account puppets, on any session. */
  getAllPuppets(): DefaultObject[] {
    return [...new Set(this.sessions.map((s) => s.puppet).filter((p): p is DefaultObject => p !== null))];
  }

  /** The puppet in modes 0 and 1 (where there is at most one); the first one otherwise. */
  get puppet(): DefaultObject | null {
    return this.getAllPuppets()[0] ?? null;
  }

  /** The character puppeted last (it is puppeted again at login). */
  get lastPuppet(): DefaultObject | null {
    const last: unknown = this.db[LAST_PUPPET_ATTR];
    return last instanceof DefaultObject && !last.isDeleted ? last : null;
  }

  /**
   * Make `session` control `obj` (Evennia's `puppet_object`). Refuses, with a
   * message to the session, when the `puppet` lock does not allow it, when
   * another connected account plays it, or when too many puppets are played at
   * once. In modes 1 and 3 a character played on another session of this
   * account is shared; in modes 0 and 2 it is taken over. Runs the object's
   * `atPrePuppet` and `atPostPuppet`. Returns whether `session` now puppets `obj`.
   */
  async puppetObject(session: Session, obj: DefaultObject | null): Promise<boolean> {
    // the checks below and the taking over are one step for the account (puppet-lock.ts)
    return onePuppetingAtATime(this, () => this.puppetNow(session, obj));
  }

  private async puppetNow(session: Session, obj: DefaultObject | null): Promise<boolean> {
    if (!obj || obj.isDeleted) throw new EvenniaError("EV_ERR_NOT_FOUND", "Object not found");
    if (session.account !== this) throw new EvenniaError("EV_ERR_BAD_INPUT", `session ${session.sessid} is not logged in as ${this.key}`);
    const settings = activeSettings();
    if (session.puppet === obj) {
      this.msg("You are already puppeting this object.", { session });
      return true;
    }
    if (!mayPuppet(this, obj)) {
      this.msg(`You don't have permission to puppet '${obj.key}'.`, { session });
      return false;
    }
    const controller = obj.account;
    if (controller === this && obj.hasSessions) {
      const others = [...obj.sessions] as Session[];
      if (settings.multisessionMode === 1 || settings.multisessionMode === 3) {
        this.msg(`Sharing |c${obj.key}|n with another of your sessions.`, { session });
        this.msg(`|c${obj.key}|n|G is now shared from another of your sessions.|n`, { session: others });
      } else {
        this.msg(`Taking over |c${obj.key}|n from another of your sessions.`, { session });
        this.msg(`|c${obj.key}|n|R is now acted from another of your sessions.|n`, { session: others });
        await this.unpuppetObject(others);
      }
    } else if (controller && controller !== this && controller.isConnected) {
      this.msg(`|c${obj.key}|R is already puppeted by another Account.`, { session });
      return false;
    }
    const max = settings.maxNrSimultaneousPuppets;
    if (max !== null && !this.isSuperuser && !hasPermission(this, "Developer")) {
      const playing = this.getAllPuppets().filter((p) => p !== session.puppet);
      if (!playing.includes(obj) && playing.length >= max) {
        this.msg(`You cannot control any more puppets (max ${max})`, { session });
        return false;
      }
    }
    if (session.puppet) await this.unpuppetObject(session);
    await obj.atPrePuppet(this, session);
    // the hooks awaited: another account may have taken it meanwhile (the turn above is
    // this account's only), or it may be gone; checked again with nothing awaited before taking it
    if (obj.isDeleted) throw new EvenniaError("EV_ERR_NOT_FOUND", "Object not found");
    const taker = obj.account;
    if (taker && taker !== this && taker.isConnected) {
      this.msg(`|c${obj.key}|R is already puppeted by another Account.`, { session });
      return false;
    }
    obj._attachSession(session);
    obj.account = this;
    setSessionLink(session, "puppet", obj);
    sessionRegistry()?.sync(session);
    if (this.lastPuppet !== obj) this.db[LAST_PUPPET_ATTR] = obj;
    await obj.atPostPuppet();
    // signal (typeclasses/signals.ts): heard after the unit of work commits
    signals.emit("accountPuppeted", { account: this, session, object: obj });
    return true;
  }

  /**
   * Stop `session` (or each of several) from controlling its puppet (Evennia's
   * `unpuppet_object`): the object's `atPreUnpuppet`, then `atPostUnpuppet`.
   * The object's `account` is cleared when its last session leaves.
   */
  async unpuppetObject(session: Session | Session[]): Promise<void> {
    await onePuppetingAtATime(this, () => this.unpuppetNow(session));
  }

  private async unpuppetNow(session: Session | Session[]): Promise<void> {
    for (const s of Array.isArray(session) ? session : [session]) {
      const obj = s.puppet;
      if (obj) {
        await obj.atPreUnpuppet();
        obj._detachSession(s);
        if (!obj.hasSessions && obj.account === this) obj.account = null;
        setSessionLink(s, "puppet", null);
        await obj.atPostUnpuppet(this, s);
        // signal (typeclasses/signals.ts): heard after the unit of work commits
        signals.emit("accountUnpuppeted", { account: this, session: s, object: obj });
      }
      setSessionLink(s, "puppet", null);
      sessionRegistry()?.sync(s);
    }
  }

  /** Unpuppet on every session (before a reset or shutdown). */
  async unpuppetAll(): Promise<void> {
    await this.unpuppetObject(this.sessions);
  }

  /**
   * The prompt sent to `session` after each of its commands (telnet marks it with
   * EOR or GA, as the client negotiated; the webclient shows it under the output),
   * or null for none (the default). Override it to show hit points, a location...
   */
  getPrompt(_session: Session): string | null {
    return null;
  }

  // ---- login hooks ----------------------------------------------------------------

  /** Hook: the first login ever of this account (before `atPreLogin`). */
  async atFirstLogin(_session?: Session): Promise<void> {}

  /** Hook: a login is about to complete (the session is not yet counted as logged in elsewhere). */
  async atPreLogin(_session?: Session): Promise<void> {}

  /**
   * Hook: `session` has logged in. By default: the client options saved with
   * `option/save` are applied to the session, the MudInfo channel is told, a welcome, then the character
   * played last is puppeted (setting `autoPuppetOnLogin`), or the
   * out-of-character screen is shown.
   */
  async atPostLogin(session?: Session): Promise<void> {
    if (!session) return;
    const saved = this.savedClientOptions;
    if (Object.keys(saved).length > 0) session.updateClientOptions(saved);
    // the client hears it logged in (Evennia's OOB `logged_in`; its webclient then asks for its options)
    session.msg({ logged_in: [[], {}] });
    await this.sendToConnectChannel(`|G${this.key} connected|n`);
    this.msg(`|gWelcome to ${activeSettings().serverName}, ${this.key}!|n`, { session });
    let puppeted = false;
    if (activeSettings().autoPuppetOnLogin) {
      const target = this.lastPuppet ?? this.characters[0] ?? null;
      if (target) {
        await this.puppetObject(session, target);
        puppeted = true;
      }
    }
    if (!puppeted) this.msg(this.atLook(session), { session });
    await deliverPendingPages(this);
  }

  /** Hook: someone gave this account's name with a wrong password. */
  async atFailedLogin(_session: Session): Promise<void> {}

  /** Hook: `session` is logging out (its puppet is already put away). Tells MudInfo by default. */
  async atDisconnect(reason?: string, _session?: Session): Promise<void> {
    await this.sendToConnectChannel(`|R${this.key} disconnected${reason ? ` (${reason})` : ""}|n`);
  }

  /**
   * Tell the admins' channel (setting `channelMudInfo`) about this account, with
   * the time: `[2026-12-01(17:30)]: Anna connected`. Nothing happens without one.
   */
  async sendToConnectChannel(message: string): Promise<void> {
    const channel = await mudInfoChannel(activeSettings());
    if (!channel) return;
    const now = new Date();
    const two = (n: number) => String(n).padStart(2, "0");
    const stamp = `${now.getFullYear()}-${two(now.getMonth() + 1)}-${two(now.getDate())}(${two(now.getHours())}:${two(now.getMinutes())})`;
    await channel.msg(`[${stamp}]: ${message}`);
  }

  /** Hook: the logout is complete; nothing can be sent to the session any more. */
  async atPostDisconnect(_session?: Session): Promise<void> {}

  /**
   * The out-of-character screen: the account's sessions and the characters it may
   * play (`ic <name>`).
   */
  atLook(session?: Session): string {
    const lines = [`|wAccount |g${this.key}|n (you are Out-of-Character)`];
    const sessions = this.sessions;
    if (sessions.length > 0) {
      lines.push(`|wConnected session(s):|n`);
      for (const s of sessions) {
        const mark = s === session ? "|g*|n" : " ";
        lines.push(` ${mark} ${s.sessid} ${s.protocolKey} (${s.address})${s.puppet ? ` playing |c${s.puppet.key}|n` : ""}`);
      }
    }
    const chars = this.characters;
    const slots = this.getCharacterSlots();
    const limit = slots === null || this.isSuperuser ? "unlimited" : String(slots);
    if (chars.length === 0) {
      lines.push(`You have no characters yet (${limit} allowed). Use |wcharcreate <name>|n to make one.`);
    } else {
      lines.push(`|wAvailable character(s) (${chars.length}/${limit}, |wic <name>|w to play):|n`);
      for (const c of chars) {
        const by = sessionsOfPuppet(c);
        lines.push(` - |c${c.key}|n${by.length ? ` (played on session ${by.map((s) => s.sessid).join(", ")})` : ""}`);
      }
    }
    return lines.join("\n");
  }
}

function sessionsOfPuppet(obj: DefaultObject): Session[] {
  return [...obj.sessions] as Session[];
}

/** The account class registered at `path`, or `DefaultAccount` when there is none (or it is no account class). */
export function accountTypeclass(path: string): typeof DefaultAccount {
  const cls = findTypeclass(path);
  return cls && (cls === DefaultAccount || cls.prototype instanceof DefaultAccount) ? (cls as typeof DefaultAccount) : DefaultAccount;
}

// the default channel hooks show everyone the same text: a channel formats it once
markSameForEveryReceiver(DefaultAccount.prototype.atPreChannelMsg, DefaultAccount.prototype.channelMsg);
// logged in or not follows the sessions alone (channels keep their online subscribers while none changes)
markPresenceFromSessions(DefaultAccount.prototype, "isConnected");

registerDefaultTypeclass("evennia.accounts.DefaultAccount", DefaultAccount);
