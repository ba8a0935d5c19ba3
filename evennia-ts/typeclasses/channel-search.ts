/**
 * Finding channels (Evennia's `search_channel`): by key or alias, case-insensitive.
 * Channels are few, so every lookup works on the full list: the ids come from one
 * small query (plus channels created in this unit of work and not committed yet),
 * the channels themselves and their subscriptions from memory once loaded. The ids
 * read are kept while no channel comes into memory or is deleted (a channel is
 * created only by this process, and comes into memory as it is), so a `channel`
 * command or a line to a channel asks the database nothing (on PostgreSQL, a round
 * trip saved).
 */
import { dbRefKey } from "../db/db-ref.ts";
import { DefaultChannel } from "./channels.ts";
import type { Subscription } from "./channel-subscriptions.ts";
import type { Store } from "./store.ts";
import { getStore } from "./store-context.ts";

/** The committed channel ids last read, with what they were read after. */
interface KeptIds {
  ids: number[];
  /** `store.arrivals("channel")` and `store.deletionEpoch` before they were read. */
  arrivals: number;
  deletions: number;
}

const keptIds = new WeakMap<Store, KeptIds>();

/**
 * The ids of the committed channels: read again once a channel has come into memory
 * (created, or loaded) or anything was deleted since they were last read. Not kept
 * when a channel in memory was missing from them (created, not committed yet): it
 * must be found in the table once it is.
 */
async function committedChannelIds(store: Store): Promise<number[]> {
  const arrivals = store.arrivals("channel");
  const deletions = store.deletionEpoch;
  const kept = keptIds.get(store);
  if (kept && kept.arrivals === arrivals && kept.deletions === deletions) return kept.ids;
  // taken before the query: one committed while it runs may be missing from it, and no longer pending after
  const uncommitted = store.pendingChanges("channel");
  const rows = await store.db.query<{ id: number | string }>("SELECT id FROM channels ORDER BY id");
  const ids = rows.map((r) => Number(r.id));
  const read = new Set(ids);
  if (uncommitted.every((c) => read.has(c.id))) keptIds.set(store, { ids, arrivals, deletions });
  else keptIds.delete(store);
  return ids;
}

/** Every channel, oldest first, each with its subscriptions loaded. */
export async function allChannels(store: Store = getStore()): Promise<DefaultChannel[]> {
  const ids = await committedChannelIds(store);
  const loaded = (await store.load("channel", ids)).filter((c): c is DefaultChannel => c instanceof DefaultChannel && !c.isDeleted);
  const seen = new Set(loaded.map((c) => c.id));
  for (const pending of store.pendingChanges("channel")) {
    if (pending instanceof DefaultChannel && !seen.has(pending.id)) loaded.push(pending);
  }
  await loadSubscriptions(store, loaded);
  return loaded.sort((a, b) => a.id - b.id);
}

/** Read the subscriptions of the channels that have not read theirs, in one query. */
async function loadSubscriptions(store: Store, channels: DefaultChannel[]): Promise<void> {
  const missing = channels.filter((c) => !c.subscriptions.loaded);
  if (missing.length === 0) return;
  const rows = await store.db.query<{ channel_id: number | string; subscriber_kind: string; subscriber_id: number | string; muted: number | string; date_created: number | string }>(
    `SELECT channel_id, subscriber_kind, subscriber_id, muted, date_created FROM channel_subscriptions WHERE channel_id IN (${missing.map(() => "?").join(", ")}) ORDER BY id`,
    missing.map((c) => c.id),
  );
  const byChannel = new Map<number, Subscription[]>();
  for (const r of rows) {
    const list = byChannel.get(Number(r.channel_id)) ?? [];
    list.push({ ref: { kind: r.subscriber_kind, id: Number(r.subscriber_id) }, muted: Number(r.muted) === 1, dateCreated: Number(r.date_created) });
    byChannel.set(Number(r.channel_id), list);
  }
  // a channel that loaded its own meanwhile keeps it
  for (const c of missing) if (!c.subscriptions.loaded) c.subscriptions._fill(byChannel.get(c.id) ?? []);
}

/** Does `channel` answer to `name` (its key or an alias, any case)? */
export function channelAnswersTo(channel: DefaultChannel, name: string): boolean {
  const wanted = name.trim().toLowerCase();
  return channel.key.toLowerCase() === wanted || channel.aliases.get().includes(wanted);
}

/** The channel named `name` (key or alias, any case), or null. */
export async function findChannel(name: string, store: Store = getStore()): Promise<DefaultChannel | null> {
  const wanted = name.trim().toLowerCase();
  if (!wanted) return null;
  const channels = await allChannels(store);
  return channels.find((c) => c.key.toLowerCase() === wanted) ?? channels.find((c) => channelAnswersTo(c, wanted)) ?? null;
}

/**
 * Channels matching `name`: exact key or alias matches if there are any, else those
 * whose key or an alias starts with it.
 */
export async function searchChannels(name: string, store: Store = getStore()): Promise<DefaultChannel[]> {
  const wanted = name.trim().toLowerCase();
  if (!wanted) return [];
  const channels = await allChannels(store);
  const exact = channels.filter((c) => channelAnswersTo(c, wanted));
  if (exact.length) return exact;
  return channels.filter((c) => [c.key, ...c.aliases.get()].some((n) => n.toLowerCase().startsWith(wanted)));
}

/** The channels `subscriber` subscribes to. */
export async function subscribedChannels(subscriber: { kind: string; id: number }, store: Store = getStore()): Promise<DefaultChannel[]> {
  const key = dbRefKey({ kind: subscriber.kind, id: subscriber.id });
  return (await allChannels(store)).filter((c) => c.subscriptions.entriesList().some((s) => dbRefKey(s.ref) === key));
}
