/**
 * A channel's subscribers (accounts or objects) and which of them muted it, kept in
 * `channel_subscriptions`. The list is read once per channel (`await load()`; the
 * channel registry loads every channel's at start) and then answered from memory;
 * changes are staged in the current unit of work and undone if it fails.
 */
import { DB_REF, dbRefKey, type DbRef } from "../db/db-ref.ts";
import { ChannelSubscriptionTable } from "../db/entities/schemas.ts";
import type { UnitOfWork } from "../db/unit-of-work.ts";
import { deleteWhere, upsert } from "../db/writes.ts";
import { EvenniaError } from "../utils/errors.ts";
import type { TypedObject } from "./typed-object.ts";

/** One subscription. */
export interface Subscription {
  ref: DbRef;
  muted: boolean;
  dateCreated: number;
}

const SHAPE = {
  columns: ["channel_id", "subscriber_kind", "subscriber_id", "muted", "date_created"],
  conflictKey: ["channel_id", "subscriber_kind", "subscriber_id"],
  update: ["muted"],
} as const;
const KEY = ["channel_id", "subscriber_kind", "subscriber_id"] as const;

/**
 * Which loaded channels each subscriber is in, by store: answers "my channels"
 * synchronously (the channel commands are built from it on every line). Every
 * channel whose subscriptions are loaded is indexed; the server loads them all at start.
 */
const indexes = new WeakMap<object, Map<string, Set<TypedObject>>>();

function indexOf(channel: TypedObject): Map<string, Set<TypedObject>> {
  let index = indexes.get(channel._store);
  if (!index) {
    index = new Map();
    indexes.set(channel._store, index);
  }
  return index;
}

function indexAdd(channel: TypedObject, key: string): void {
  const index = indexOf(channel);
  let set = index.get(key);
  if (!set) index.set(key, (set = new Set()));
  set.add(channel);
}

function indexDelete(channel: TypedObject, key: string): void {
  const index = indexOf(channel);
  const set = index.get(key);
  if (!set) return;
  set.delete(channel);
  if (set.size === 0) index.delete(key);
}

/**
 * The loaded channels `subscriber` subscribes to (deleted channels left out), in
 * the order they were first indexed. Synchronous: no query.
 */
export function loadedSubscriptionsOf(subscriber: TypedObject): TypedObject[] {
  const set = indexes.get(subscriber._store)?.get(dbRefKey(subscriber[DB_REF]()));
  return set ? [...set].filter((c) => !c.isDeleted) : [];
}

/**
 * Stage removing every subscription of `subscriber`, which is being deleted (as Evennia's
 * database drops a deleted account's subscriptions): from the lists of the loaded
 * channels, undone with them if the unit of work fails, and from the table, for
 * channels not loaded too. Counts of subscribers then leave it out.
 */
export function unsubscribeEverywhere(subscriber: TypedObject): void {
  const ref = subscriber[DB_REF]();
  const key = dbRefKey(ref);
  for (const channel of [...(indexes.get(subscriber._store)?.get(key) ?? [])]) {
    const subscriptions = (channel as { subscriptions?: unknown }).subscriptions;
    if (subscriptions instanceof ChannelSubscriptions) subscriptions.remove(subscriber);
  }
  subscriber._store.unitOfWork().stage(`chansub:subscriber:${key}`, () => [deleteWhere(ChannelSubscriptionTable, ["subscriber_kind", "subscriber_id"], [ref.kind, ref.id])]);
}

/** The subscriptions of one channel. */
export class ChannelSubscriptions {
  private entries: Map<string, Subscription> | null = null;
  private loading: Promise<void> | null = null;
  private changes = 0;

  constructor(private readonly channel: TypedObject) {}

  /** Grows with every change of the list (a subscription added, removed, muted or unmuted, or one of those undone). */
  get version(): number {
    return this.changes;
  }

  /** True once the list was read. */
  get loaded(): boolean {
    return this.entries !== null;
  }

  /** Read the list from the database (once; later calls return at once). */
  load(): Promise<void> {
    if (this.entries) return Promise.resolve();
    this.loading ??= this.channel._store.db
      .query<{ subscriber_kind: string; subscriber_id: number | string; muted: number | string; date_created: number | string }>(
        "SELECT subscriber_kind, subscriber_id, muted, date_created FROM channel_subscriptions WHERE channel_id = ? ORDER BY id",
        [this.channel.id],
      )
      .then((rows) => {
        const entries = new Map<string, Subscription>();
        for (const r of rows) {
          const ref = { kind: r.subscriber_kind, id: Number(r.subscriber_id) } as DbRef;
          entries.set(dbRefKey(ref), { ref, muted: Number(r.muted) === 1, dateCreated: Number(r.date_created) });
        }
        this.setEntries(entries);
      })
      .finally(() => {
        this.loading = null;
      });
    return this.loading;
  }

  /** @internal fill the list from rows read elsewhere (the registry reads all channels' at once) */
  _fill(subscriptions: Subscription[]): void {
    this.setEntries(new Map(subscriptions.map((s) => [dbRefKey(s.ref), s])));
  }

  private setEntries(entries: Map<string, Subscription>): void {
    for (const key of this.entries?.keys() ?? []) indexDelete(this.channel, key);
    this.entries = entries;
    this.changes++;
    for (const key of entries.keys()) indexAdd(this.channel, key);
  }

  private list(): Map<string, Subscription> {
    if (!this.entries) throw new EvenniaError("EV_ERR_NOT_LOADED", `the subscriptions of channel ${this.channel.key} are not loaded: await channel.subscriptions.load()`);
    return this.entries;
  }

  /** Is `subscriber` subscribed? */
  has(subscriber: TypedObject): boolean {
    return this.list().has(dbRefKey(subscriber[DB_REF]()));
  }

  /** Has `subscriber` muted the channel? */
  isMuted(subscriber: TypedObject): boolean {
    return this.list().get(dbRefKey(subscriber[DB_REF]()))?.muted ?? false;
  }

  /** Every subscription, oldest first. */
  entriesList(): Subscription[] {
    return [...this.list().values()];
  }

  /** How many subscribe. */
  get count(): number {
    return this.list().size;
  }

  /** Every subscriber that is in memory now (the rest are offline), deleted ones left out. */
  inMemory(): TypedObject[] {
    const store = this.channel._store;
    const out: TypedObject[] = [];
    for (const s of this.list().values()) {
      const obj = store.peek(s.ref);
      if (obj) out.push(obj);
    }
    return out;
  }

  /**
   * The subscribers a message reaches now: in memory (the rest are offline), deleted
   * ones left out, and those who muted the channel too unless `withMuted`. One pass
   * over the list: a channel of 1,000 subscribers is read once a message.
   */
  listeners(withMuted = false): TypedObject[] {
    const store = this.channel._store;
    const out: TypedObject[] = [];
    for (const s of this.list().values()) {
      if (s.muted && !withMuted) continue;
      const obj = store.peek(s.ref);
      if (obj) out.push(obj);
    }
    return out;
  }

  /**
   * Call `each` with every subscription whose subscriber is in memory (muted ones too,
   * deleted ones left out) and that subscriber; returns the kinds of the subscribers that
   * are not in memory (offline).
   */
  forEachInMemory(each: (subscription: Subscription, subscriber: TypedObject) => void): Set<string> {
    const store = this.channel._store;
    const absentKinds = new Set<string>();
    for (const subscription of this.list().values()) {
      const subscriber = store.peek(subscription.ref);
      if (subscriber) each(subscription, subscriber);
      else absentKinds.add(subscription.ref.kind);
    }
    return absentKinds;
  }

  /** Every subscriber, loaded from the database when needed (deleted ones are dropped from the list). */
  async all(): Promise<TypedObject[]> {
    const store = this.channel._store;
    const out: TypedObject[] = [];
    for (const s of this.list().values()) {
      const obj = store.peek(s.ref) ?? (await store.get(s.ref.kind as never, s.ref.id));
      if (obj && !obj.isDeleted) out.push(obj);
      else if (store.isGone(s.ref)) this.removeRef(s.ref);
    }
    return out;
  }

  /** Subscribe `subscriber` (unmuted); false when it already was. */
  add(subscriber: TypedObject): boolean {
    const list = this.list();
    const key = dbRefKey(subscriber[DB_REF]());
    if (list.has(key)) return false;
    const entry: Subscription = { ref: subscriber[DB_REF](), muted: false, dateCreated: Date.now() };
    list.set(key, entry);
    this.changes++;
    indexAdd(this.channel, key);
    this.stage(entry.ref);
    this.channel._store.unitOfWork().recordUndo(() => {
      if (list.get(key) !== entry) return;
      list.delete(key);
      this.changes++;
      indexDelete(this.channel, key);
    });
    return true;
  }

  /** Unsubscribe `subscriber`; false when it was not subscribed. */
  remove(subscriber: TypedObject): boolean {
    return this.removeRef(subscriber[DB_REF]());
  }

  private removeRef(ref: DbRef): boolean {
    const list = this.list();
    const key = dbRefKey(ref);
    const entry = list.get(key);
    if (!entry) return false;
    list.delete(key);
    this.changes++;
    indexDelete(this.channel, key);
    const uow = this.channel._store.unitOfWork();
    this.stage(ref, uow);
    uow.recordUndo(() => {
      if (list.has(key)) return;
      list.set(key, entry);
      this.changes++;
      indexAdd(this.channel, key);
    });
    return true;
  }

  /** Mute or unmute the channel for a subscriber; false when it is not subscribed or already so. */
  setMuted(subscriber: TypedObject, muted: boolean): boolean {
    const entry = this.list().get(dbRefKey(subscriber[DB_REF]()));
    if (!entry || entry.muted === muted) return false;
    entry.muted = muted;
    this.changes++;
    this.stage(entry.ref);
    this.channel._store.unitOfWork().recordUndo(() => {
      entry.muted = !muted;
      this.changes++;
    });
    return true;
  }

  /** Stage removing every subscription (the channel is being deleted). */
  clear(): void {
    const list = this.entries;
    const before = list ? new Map(list) : null;
    for (const key of list?.keys() ?? []) indexDelete(this.channel, key);
    list?.clear();
    this.changes++;
    const uow = this.channel._store.unitOfWork();
    uow.stage(`chansub:${this.channel.id}:all`, () => [deleteWhere(ChannelSubscriptionTable, ["channel_id"], [this.channel.id])]);
    uow.recordUndo(() => {
      if (!list || !before) return;
      this.changes++;
      for (const [k, v] of before) {
        list.set(k, v);
        indexAdd(this.channel, k);
      }
    });
  }

  /**
   * Stage writing the subscription of `ref` as memory holds it at commit time (present,
   * muted or not, or absent), so that whichever unit commits last writes what memory
   * holds; restaged if another unit's commit wrote it while this one rolls back.
   */
  private stage(ref: DbRef, uow: UnitOfWork = this.channel._store.unitOfWork()): void {
    const key = dbRefKey(ref);
    uow.stage(
      `chansub:${this.channel.id}:${key}`,
      () => {
        // a subscription made while its channel was being destroyed is not written for a channel that is gone
        if (this.channel.isDeleted) return [];
        const current = this.entries?.get(key);
        if (!current) return [deleteWhere(ChannelSubscriptionTable, KEY, [this.channel.id, ref.kind, ref.id])];
        return [upsert(ChannelSubscriptionTable, SHAPE, [this.channel.id, current.ref.kind, current.ref.id, current.muted, current.dateCreated])];
      },
      (again) => this.stage(ref, again),
    );
  }

}
