/**
 * Stored messages (Evennia's `Msg`): channel history, pages, and any game's own
 * kinds, in the `messages` table, with who sent and received each one in
 * `message_parties` so a player's messages are found by an index.
 *
 * Writing is staged in the current unit of work (the message exists once the
 * command that sent it commits); reading queries the database. A receiver who was
 * offline has the message marked `pending` until {@link takePending} hands it over.
 */
import type { Database } from "../db/database.ts";
import { MessageTable, type MessageRole } from "../db/entities/schemas.ts";
import { upsert } from "../db/writes.ts";
import type { Store } from "./store.ts";
import { getStore } from "./store-context.ts";
import type { TypedObject } from "./typed-object.ts";

/** Who took part in a message, as it was when the message was sent. */
export interface MessageParty {
  /** `account` or `object`; `external` for a sender outside the game (a feed, a bot). */
  kind: string;
  /** The row id (0 for an external sender). */
  id: number;
  /** The name at the time. */
  name: string;
}

/** A stored message. */
export interface StoredMessage {
  id: number;
  /** `channel`, `page`, or a game's own. */
  category: string;
  /** The channel's id, for channel messages. */
  channelId: number | null;
  header: string;
  text: string;
  /** Milliseconds since the epoch. */
  date: number;
  senders: MessageParty[];
  receivers: MessageParty[];
}

/** What {@link storeMessage} is given. */
export interface NewMessage {
  category: string;
  text: string;
  header?: string;
  /** Typeclassed senders, or an external sender's name. */
  senders?: readonly (TypedObject | string)[];
  receivers?: readonly TypedObject[];
  /** The channel of a channel message. */
  channel?: TypedObject | null;
  /** Receivers who are offline now: the message waits for them ({@link takePending}). */
  pendingFor?: readonly TypedObject[];
}

const MESSAGE_SHAPE = {
  columns: ["id", "senders", "receivers", "channel_id", "header", "message", "date_created", "category"],
  conflictKey: ["id"],
  update: [],
} as const;

/** `YYYY-MM-DD HH:MM` of a stored message, in the server's time zone. */
export function messageTime(message: StoredMessage): string {
  const d = new Date(message.date);
  const two = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}`;
}

/** A party record of a typeclassed object or an external name. */
export function partyOf(who: TypedObject | string): MessageParty {
  if (typeof who === "string") return { kind: "external", id: 0, name: who };
  return { kind: who.kind, id: who.id, name: who.key };
}

/**
 * Store a message; it is written when the current unit of work commits. Returns the
 * message as it will be read back.
 */
export function storeMessage(message: NewMessage, store: Store = getStore()): StoredMessage {
  const id = store.allocateId("messages");
  const senders = (message.senders ?? []).map(partyOf);
  const receivers = (message.receivers ?? []).map(partyOf);
  const pending = new Set((message.pendingFor ?? []).map((p) => `${p.kind}:${p.id}`));
  const stored: StoredMessage = {
    id,
    category: message.category,
    channelId: message.channel ? message.channel.id : null,
    header: message.header ?? "",
    text: message.text,
    date: Date.now(),
    senders,
    receivers,
  };
  const channel = message.channel ?? null;
  store.unitOfWork().stage(`message:${id}`, () => {
    // a line sent while its channel was being destroyed is not kept for a channel that is gone
    if (channel?.isDeleted) return [];
    return [
      upsert(MessageTable, MESSAGE_SHAPE, [
        id,
        JSON.stringify(senders),
        JSON.stringify(receivers),
        stored.channelId,
        stored.header,
        stored.text,
        stored.date,
        stored.category,
      ]),
      ...partyWrites(id, "sender", senders, pending),
      ...partyWrites(id, "receiver", receivers, pending),
    ];
  });
  return stored;
}

function partyWrites(messageId: number, role: MessageRole, parties: MessageParty[], pending: Set<string>) {
  return parties
    .filter((p) => p.kind !== "external")
    .map((p) => ({
      sql: "INSERT INTO message_parties (message_id, role, party_kind, party_id, pending) VALUES (?, ?, ?, ?, ?)",
      params: [messageId, role, p.kind, p.id, role === "receiver" && pending.has(`${p.kind}:${p.id}`) ? 1 : 0],
    }));
}

interface MessageDbRow {
  id: number | string;
  senders: string;
  receivers: string;
  channel_id: number | string | null;
  header: string;
  message: string;
  date_created: number | string;
  category: string;
}

const COLUMNS = "m.id, m.senders, m.receivers, m.channel_id, m.header, m.message, m.date_created, m.category";

function parseParties(json: string): MessageParty[] {
  try {
    const value: unknown = JSON.parse(json);
    return Array.isArray(value) ? (value.filter((p) => p && typeof p === "object") as MessageParty[]) : [];
  } catch {
    return [];
  }
}

function fromRow(r: MessageDbRow): StoredMessage {
  return {
    id: Number(r.id),
    category: r.category,
    channelId: r.channel_id === null ? null : Number(r.channel_id),
    header: r.header,
    text: r.message,
    date: Number(r.date_created),
    senders: parseParties(r.senders),
    receivers: parseParties(r.receivers),
  };
}

/** Oldest first from a newest-first query. */
function chronological(rows: MessageDbRow[]): StoredMessage[] {
  return rows.map(fromRow).reverse();
}

function clampCount(n: number, max = 1000): number {
  return Math.max(0, Math.min(Number.isFinite(n) ? Math.floor(n) : 0, max));
}

/** A channel's latest `limit` messages (skipping the `skip` newest), oldest first. */
export async function channelHistory(db: Database, channelId: number, limit: number, skip = 0): Promise<StoredMessage[]> {
  const rows = await db.query<MessageDbRow>(
    `SELECT ${COLUMNS} FROM messages m WHERE m.channel_id = ? ORDER BY m.date_created DESC, m.id DESC LIMIT ${clampCount(limit)} OFFSET ${clampCount(skip, 1_000_000)}`,
    [channelId],
  );
  return chronological(rows);
}

/** How many messages a channel has stored. */
export async function channelMessageCount(db: Database, channelId: number): Promise<number> {
  const [row] = await db.query<{ n: number | string }>("SELECT COUNT(*) AS n FROM messages WHERE channel_id = ?", [channelId]);
  return Number(row?.n ?? 0);
}

/** The latest `limit` messages of `category` that `party` sent or received, oldest first. */
export async function messagesOf(db: Database, party: TypedObject, category: string, limit: number): Promise<StoredMessage[]> {
  const rows = await db.query<MessageDbRow>(
    `SELECT ${COLUMNS} FROM messages m WHERE m.category = ? AND m.id IN ` +
      "(SELECT p.message_id FROM message_parties p WHERE p.party_kind = ? AND p.party_id = ?) " +
      `ORDER BY m.date_created DESC, m.id DESC LIMIT ${clampCount(limit)}`,
    [category, party.kind, party.id],
  );
  return chronological(rows);
}

/**
 * The messages of `category` waiting for `receiver` (sent while it was offline),
 * oldest first; they stop waiting when the current unit of work commits.
 */
export async function takePending(db: Database, receiver: TypedObject, category: string, store: Store = getStore()): Promise<StoredMessage[]> {
  const rows = await db.query<MessageDbRow>(
    `SELECT ${COLUMNS} FROM messages m WHERE m.category = ? AND m.id IN ` +
      "(SELECT p.message_id FROM message_parties p WHERE p.party_kind = ? AND p.party_id = ? AND p.role = 'receiver' AND p.pending = 1) " +
      "ORDER BY m.date_created, m.id",
    [category, receiver.kind, receiver.id],
  );
  if (rows.length === 0) return [];
  const ids = rows.map((r) => Number(r.id));
  store.unitOfWork().stage(`pending:${receiver.kind}:${receiver.id}:${category}:${ids[ids.length - 1]}`, () => [
    {
      sql: `UPDATE message_parties SET pending = 0 WHERE party_kind = ? AND party_id = ? AND role = 'receiver' AND message_id IN (${ids.map(() => "?").join(", ")})`,
      params: [receiver.kind, receiver.id, ...ids],
    },
  ]);
  return rows.map(fromRow);
}

/** Delete a channel's stored messages (when the channel is destroyed). */
export function deleteChannelMessages(channelId: number, store: Store = getStore()): void {
  store.unitOfWork().stage(`channel-messages:${channelId}`, () => [
    { sql: "DELETE FROM message_parties WHERE message_id IN (SELECT id FROM messages WHERE channel_id = ?)", params: [channelId] },
    { sql: "DELETE FROM messages WHERE channel_id = ?", params: [channelId] },
  ]);
}
