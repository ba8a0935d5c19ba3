/**
 * Plain row shapes of every table, as read from and written to the database.
 * Typeclassed objects wrap one row each. Derived from the table declarations in
 * `schemas.ts`: a column added there appears here.
 */
import type {
  AccountTable,
  AttributeTable,
  ChannelSubscriptionTable,
  ChannelTable,
  HelpEntryTable,
  IdHighWaterTable,
  MessagePartyTable,
  MessageTable,
  ObjectTable,
  RowOf,
  ScriptTable,
  ServerConfigTable,
  TagTable,
} from "./schemas.ts";

export type { TagKind } from "./schemas.ts";

/** `accounts` */
export type AccountRow = RowOf<typeof AccountTable.columns>;
/** `objects`: rooms, characters, exits and things. */
export type ObjectRow = RowOf<typeof ObjectTable.columns>;
/** `scripts` */
export type ScriptRow = RowOf<typeof ScriptTable.columns>;
/** `channels` */
export type ChannelRow = RowOf<typeof ChannelTable.columns>;
/** `messages`: channel history and other stored messages. */
export type MessageRow = RowOf<typeof MessageTable.columns>;
/** `message_parties`: senders and receivers of stored messages. */
export type MessagePartyRow = RowOf<typeof MessagePartyTable.columns>;
/** `channel_subscriptions` */
export type ChannelSubscriptionRow = RowOf<typeof ChannelSubscriptionTable.columns>;
/** `help_entries` */
export type HelpEntryRow = RowOf<typeof HelpEntryTable.columns>;
/** `attributes`: typed values attached to any typeclassed row. */
export type AttributeRow = RowOf<typeof AttributeTable.columns>;
/** `tags` */
export type TagRow = RowOf<typeof TagTable.columns>;
/** `server_config`: key/value settings the server persists. */
export type ServerConfigRow = RowOf<typeof ServerConfigTable.columns>;
/** `id_high_water`: the highest id handed out per table. */
export type IdHighWaterRow = RowOf<typeof IdHighWaterTable.columns>;
