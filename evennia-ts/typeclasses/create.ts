/**
 * Creating typeclassed objects: `createObject`, `createAccount`, `createScript`,
 * `createChannel`. Each accepts a class or a registered typeclass path.
 */
import { parseLockDefinition, splitLockString } from "../locks/lock-string.ts";
import { EvenniaError } from "../utils/errors.ts";
import { DefaultAccount } from "./accounts.ts";
import { DefaultChannel } from "./channels.ts";
import { DefaultObject } from "./objects.ts";
import { findTypeclass, type TypeclassConstructor } from "./registry.ts";
import type { DefaultScript } from "./scripts.ts";
import { createScriptInstance, type CreateScriptOptions } from "./script-creation.ts";
import { getStore } from "./store-context.ts";
import type { Store } from "./store.ts";
import type { TypedObject } from "./typed-object.ts";

/** Raise `EV_ERR_BAD_LOCK` unless every definition of `locks` parses. */
function validateLocks(locks: string): void {
  for (const part of splitLockString(locks)) parseLockDefinition(part, true);
}

/** A class, or the path it is registered under. */
export type TypeclassRef<T extends TypedObject> = TypeclassConstructor<T> | string;

function resolve<T extends TypedObject>(ref: TypeclassRef<T> | undefined, base: TypeclassConstructor<T>): TypeclassConstructor<T> {
  if (ref === undefined) return base;
  const cls = typeof ref === "string" ? (findTypeclass(ref) as TypeclassConstructor<T> | undefined) : ref;
  if (!cls) throw new EvenniaError("EV_ERR_TYPECLASS", `no typeclass is registered as "${String(ref)}"`);
  if (cls !== base && !(cls.prototype instanceof (base as unknown as new () => T))) {
    throw new EvenniaError("EV_ERR_TYPECLASS", `${cls.name} is not a subclass of ${base.name}`);
  }
  return cls;
}

/** Options of {@link createObject}. */
export interface CreateObjectOptions {
  key: string;
  location?: DefaultObject | null;
  home?: DefaultObject | null;
  destination?: DefaultObject | null;
  account?: DefaultAccount | null;
  aliases?: string[];
  tags?: (string | [string, string])[];
  attributes?: Record<string, unknown>;
  /**
   * Lock definitions added on top of the typeclass's defaults (after
   * `atObjectCreation`, as Evennia). Checked before anything is created: a bad
   * one raises `EV_ERR_BAD_LOCK`.
   */
  locks?: string;
  /** Who creates it: with `account`, gives the object its class's `getDefaultLockstring` when `locks` is not given. */
  caller?: DefaultObject | null;
}

/** Create an object (room, character, exit, thing). */
export async function createObject<T extends DefaultObject = DefaultObject>(
  typeclass: TypeclassRef<T> | undefined,
  options: CreateObjectOptions,
): Promise<T> {
  const key = String(options.key ?? "").trim();
  if (!key) throw new EvenniaError("EV_ERR_BAD_INPUT", "an object needs a key");
  const cls = resolve(typeclass, DefaultObject as unknown as TypeclassConstructor<T>);
  if (options.locks !== undefined) validateLocks(options.locks);
  for (const [field, target] of [["location", options.location], ["home", options.home], ["destination", options.destination]] as const) {
    if (target?.isDeleted) throw new EvenniaError("EV_ERR_NOT_FOUND", `the ${field} ${target.dbref} has been deleted`);
  }
  // the new object's location lists it: that list must be complete (a room reached only
  // through a reference is not yet), so obj.location.contents stays readable
  if (options.location && !options.location.contentsLoaded) await options.location.loadContents();
  const obj = await getStore().create(cls, {
    key,
    key_lower: key.toLowerCase(),
    location_id: options.location?.id ?? null,
    home_id: options.home?.id ?? null,
    destination_id: options.destination?.id ?? null,
    account_id: options.account?.id ?? null,
  });
  obj._linkRelations();
  const account = options.account ?? null;
  const caller = options.caller ?? null;
  const defaults = cls as unknown as typeof DefaultObject;
  const locks = options.locks ?? (account || caller ? defaults.getDefaultLockstring({ account, caller, obj }) : "");
  if (locks.trim()) obj.locks.add(locks);
  for (const alias of options.aliases ?? []) obj.aliases.add(alias);
  for (const tag of options.tags ?? []) {
    if (typeof tag === "string") obj.tags.add(tag);
    else obj.tags.add(tag[0], tag[1]);
  }
  for (const [k, v] of Object.entries(options.attributes ?? {})) obj.attributes.add(k, v);
  return obj;
}

/** Options of {@link createAccount}. */
export interface CreateAccountOptions {
  username: string;
  password: string;
  email?: string | null;
  isSuperuser?: boolean;
  permissions?: string[];
}

/** Create an account. Fails with `EV_ERR_BAD_INPUT` when the name is taken (any case). */
export async function createAccount<T extends DefaultAccount = DefaultAccount>(
  typeclass: TypeclassRef<T> | undefined,
  options: CreateAccountOptions,
): Promise<T> {
  const username = String(options.username ?? "").trim();
  if (!username) throw new EvenniaError("EV_ERR_BAD_INPUT", "an account needs a username");
  const store = getStore();
  const rows = await store.db.query<{ id: number | string }>("SELECT id FROM accounts WHERE username_lower = ?", [username.toLowerCase()]);
  const taken = stillNamed(store, "account", rows, username);
  const pendingTaken = store.pendingChanges("account").some((a) => (a as DefaultAccount).username.toLowerCase() === username.toLowerCase());
  if (taken || pendingTaken) throw new EvenniaError("EV_ERR_BAD_INPUT", `Sorry, there is already an account with the name '${username}'.`);
  const cls = resolve(typeclass, DefaultAccount as unknown as TypeclassConstructor<T>);
  const account = await store.create(cls, {
    username,
    username_lower: username.toLowerCase(),
    email: options.email ?? null,
    is_superuser: options.isSuperuser ?? false,
  });
  await account.setPassword(options.password);
  for (const perm of options.permissions ?? []) account.permissions.add(perm);
  return account;
}

/**
 * Create a script: global, or on `obj` or `account`; started unless
 * `autostart: false` (see docs/scripts.md).
 */
export function createScript<T extends DefaultScript = DefaultScript>(typeclass: TypeclassRef<T> | undefined, options: CreateScriptOptions = {}): Promise<T> {
  return createScriptInstance(typeclass, options);
}

/** Create a channel; fails when the key is taken (any case). */
export async function createChannel<T extends DefaultChannel = DefaultChannel>(
  typeclass: TypeclassRef<T> | undefined,
  options: { key: string; aliases?: string[]; locks?: string; desc?: string },
): Promise<T> {
  const key = String(options.key ?? "").trim();
  if (!key) throw new EvenniaError("EV_ERR_BAD_INPUT", "a channel needs a key");
  const store = getStore();
  const rows = await store.db.query<{ id: number | string }>("SELECT id FROM channels WHERE key_lower = ?", [key.toLowerCase()]);
  const taken = stillNamed(store, "channel", rows, key);
  // one created meanwhile by another unit of work, not committed yet, counts too (as for accounts)
  const pendingTaken = store.pendingChanges("channel").some((c) => c instanceof DefaultChannel && !c.isDeleted && c.key.toLowerCase() === key.toLowerCase());
  if (taken || pendingTaken) throw new EvenniaError("EV_ERR_BAD_INPUT", `a channel named "${key}" exists already`);
  const cls = resolve(typeclass, DefaultChannel as unknown as TypeclassConstructor<T>);
  if (options.locks !== undefined) validateLocks(options.locks);
  const channel = await store.create(cls, { key, key_lower: key.toLowerCase() });
  if (options.locks?.trim()) channel.locks.add(options.locks);
  for (const alias of options.aliases ?? []) channel.aliases.add(alias);
  if (options.desc) channel.description = options.desc;
  return channel;
}

/**
 * True when a stored row the database found under `name` still holds it: one deleted or
 * renamed in memory by a unit of work not committed yet has let it go (the commit writes
 * that before the new row, and the unique column refuses the new one if it rolls back).
 */
function stillNamed(store: Store, kind: "account" | "channel", rows: { id: number | string }[], name: string): boolean {
  const wanted = name.toLowerCase();
  return rows.some((row) => {
    const ref = { kind, id: Number(row.id) };
    if (store.isGone(ref)) return false;
    const live = store.peek(ref);
    return !live || live.key.toLowerCase() === wanted;
  });
}
