/**
 * Plain row shapes of every table, as read from and written to the database.
 * Typeclassed objects wrap one row each.
 */

/** `accounts` */
export interface AccountRow {
  id: number;
  username: string;
  username_lower: string;
  password_hash: string;
  email: string | null;
  typeclass_path: string;
  is_superuser: boolean;
  lock_storage: string;
  date_created: number;
  last_login: number | null;
}

/** `objects`: rooms, characters, exits and things. */
export interface ObjectRow {
  id: number;
  key: string;
  key_lower: string;
  typeclass_path: string;
  location_id: number | null;
  home_id: number | null;
  destination_id: number | null;
  account_id: number | null;
  lock_storage: string;
  date_created: number;
}

/** `scripts` */
export interface ScriptRow {
  id: number;
  key: string;
  typeclass_path: string;
  obj_id: number | null;
  account_id: number | null;
  description: string;
  interval: number;
  start_delay: boolean;
  repeats: number;
  persistent: boolean;
  is_active: boolean;
  lock_storage: string;
  date_created: number;
}

/** `channels` */
export interface ChannelRow {
  id: number;
  key: string;
  key_lower: string;
  typeclass_path: string;
  lock_storage: string;
  date_created: number;
}

/** `messages`: channel history and other stored messages. */
export interface MessageRow {
  id: number;
  senders: string;
  receivers: string;
  channel_id: number | null;
  header: string;
  message: string;
  date_created: number;
}

/** `help_entries` */
export interface HelpEntryRow {
  id: number;
  key: string;
  key_lower: string;
  category: string;
  text: string;
  lock_storage: string;
  date_created: number;
}

/** `attributes`: typed values attached to any typeclassed row. */
export interface AttributeRow {
  id: number;
  owner_kind: string;
  owner_id: number;
  key: string;
  category: string;
  value: string;
  lock_string: string;
  date_created: number;
}

/** Tag kinds: plain tags, aliases and permissions share one table. */
export type TagKind = "tag" | "alias" | "permission";

/** `tags` */
export interface TagRow {
  id: number;
  owner_kind: string;
  owner_id: number;
  key: string;
  category: string;
  kind: TagKind;
}

/** `server_config`: key/value settings the server persists. */
export interface ServerConfigRow {
  key: string;
  value: string;
}
