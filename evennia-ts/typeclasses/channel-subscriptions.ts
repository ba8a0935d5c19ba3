/**
 * A channel's subscribers (accounts or objects) and which of them muted it, kept in
 * `channel_subscriptions`. The list is read once per channel (`await load()`; the
 * channel registry loads every channel's at start) and then answered from memory;
 * changes are staged in the current unit of work and undone if it fails.
 */
import { DB_REF, dbRefKey, type DbRef } from "../db/db-ref.ts";
import { ChannelSubscriptionTable } from "../db/entities/schemas.ts";
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

/** The subscriptions of one channel. */
export class ChannelSubscriptions {
  private entries: Map<string, Subscription> | null = null;
  private loading: Promise<void> | null = null;

  constructor(private readonly channel: TypedObject) {}

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
        this.entries = entries;
      })
      .finally(() => {
        this.loading = null;
      });
    return this.loading;
  }

  /** @internal fill the list from rows read elsewhere (the registry reads all channels' at once) */
  _fill(subscriptions: Subscription[]): void {
    this.entries = new Map(subscriptions.map((s) => [dbRefKey(s.ref), s]));
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
    this.stage(entry);
    this.channel._store.unitOfWork().recordUndo(() => {
      if (list.get(key) === entry) list.delete(key);
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
    const uow = this.channel._store.unitOfWork();
    uow.stage(`chansub:${this.channel.id}:${key}`, () => [deleteWhere(ChannelSubscriptionTable, KEY, [this.channel.id, ref.kind, ref.id])]);
    uow.recordUndo(() => {
      if (!list.has(key)) list.set(key, entry);
    });
    return true;
  }

  /** Mute or unmute the channel for a subscriber; false when it is not subscribed or already so. */
  setMuted(subscriber: TypedObject, muted: boolean): boolean {
    const entry = this.list().get(dbRefKey(subscriber[DB_REF]()));
    if (!entry || entry.muted === muted) return false;
    entry.muted = muted;
    this.stage(entry);
    this.channel._store.unitOfWork().recordUndo(() => {
      entry.muted = !muted;
    });
    return true;
  }

  /** Stage removing every subscription (the channel is being deleted). */
  clear(): void {
    const list = this.entries;
    const before = list ? new Map(list) : null;
    list?.clear();
    const uow = this.channel._store.unitOfWork();
    uow.stage(`chansub:${this.channel.id}:all`, () => [deleteWhere(ChannelSubscriptionTable, ["channel_id"], [this.channel.id])]);
    uow.recordUndo(() => {
      if (list && before) for (const [k, v] of before) list.set(k, v);
    });
  }

  private stage(entry: Subscription): void {
    const key = dbRefKey(entry.ref);
    this.channel._store.unitOfWork().stage(`chansub:${this.channel.id}:${key}`, () => {
      const current = this.entries?.get(key);
      if (current !== entry) return [];
      return [upsert(ChannelSubscriptionTable, SHAPE, [this.channel.id, entry.ref.kind, entry.ref.id, entry.muted, entry.dateCreated])];
    });
  }
}
