/**
 * The framework's tables, declared once. Each declaration gives the TypeORM entity
 * schema (migrations are checked against it by `test/db/schema-sync.test.ts`), the
 * row type (`entities/rows.ts`), how raw rows are read (`row-codecs.ts`) and the
 * upserts that write them (`writes.ts`). Adding a column is a change here plus a
 * migration. A game may add its own entity schemas through `registerGameSchema`.
 */
import { createRequire } from "node:module";
import type { EntitySchema } from "typeorm";
import { flag, idColumn, integer, nullableText, nullableTimestamp, ref, text, textKey, timestamp, typeormColumn, type ColumnSpec, type ColumnValue } from "./columns.ts";

/** The columns of a table, by name. */
export type ColumnMap = Record<string, ColumnSpec>;

/** A row of a table with columns `C`. */
export type RowOf<C extends ColumnMap> = { -readonly [K in keyof C]: ColumnValue<C[K]> };

/** A named list of columns (an index or a unique constraint). */
export interface ColumnGroup {
  name: string;
  columns: string[];
}

/** One table: its columns and constraints, and the TypeORM entity schema made from them. */
export interface TableDef<C extends ColumnMap = ColumnMap> {
  /** The TypeORM entity name. */
  readonly entityName: string;
  readonly table: string;
  readonly columns: C;
  /** Column names in declaration order. */
  readonly columnNames: readonly (keyof C & string)[];
  /** The primary-key columns. */
  readonly primaryKey: readonly (keyof C & string)[];
  readonly uniques: readonly ColumnGroup[];
  readonly indices: readonly ColumnGroup[];
  readonly entitySchema: EntitySchema<RowOf<C>>;
}

/**
 * TypeORM's `EntitySchema` class, loaded when first asked for: a server whose
 * schema is up to date never loads TypeORM (about 20 MiB of resident memory), so the
 * tables' entity schemas are made on first use (`Database` asks when it opens TypeORM).
 */
function entitySchemaClass(): typeof EntitySchema {
  return (createRequire(import.meta.url)("typeorm") as typeof import("typeorm")).EntitySchema;
}

/** Declare a table. */
export function defineTable<C extends ColumnMap>(spec: { entityName: string; table: string; columns: C; uniques?: ColumnGroup[]; indices?: ColumnGroup[] }): TableDef<C> {
  const columnNames = Object.keys(spec.columns) as (keyof C & string)[];
  const uniques = spec.uniques ?? [];
  const indices = spec.indices ?? [];
  let entitySchema: EntitySchema<RowOf<C>> | null = null;
  return {
    entityName: spec.entityName,
    table: spec.table,
    columns: spec.columns,
    columnNames,
    primaryKey: columnNames.filter((n) => spec.columns[n]!.primary),
    uniques,
    indices,
    get entitySchema(): EntitySchema<RowOf<C>> {
      return (entitySchema ??= new (entitySchemaClass())<RowOf<C>>({
        name: spec.entityName,
        tableName: spec.table,
        columns: Object.fromEntries(columnNames.map((n) => [n, typeormColumn(spec.columns[n]!)])) as never,
        uniques: uniques.length > 0 ? uniques.map((u) => ({ name: u.name, columns: u.columns })) : undefined,
        indices: indices.length > 0 ? indices.map((i) => ({ name: i.name, columns: i.columns })) : undefined,
      }));
    },
  };
}

/** `accounts` */
export const AccountTable = defineTable({
  entityName: "Account",
  table: "accounts",
  columns: {
    id: idColumn,
    username: text(),
    username_lower: text({ unique: true }),
    password_hash: text(),
    email: nullableText(),
    typeclass_path: text(),
    is_superuser: flag(false),
    lock_storage: text({ default: "" }),
    date_created: timestamp(),
    last_login: nullableTimestamp(),
  },
});

/** `objects`: rooms, characters, exits and things. */
export const ObjectTable = defineTable({
  entityName: "Object",
  table: "objects",
  columns: {
    id: idColumn,
    key: text(),
    key_lower: text(),
    typeclass_path: text(),
    location_id: ref(),
    home_id: ref(),
    destination_id: ref(),
    account_id: ref(),
    lock_storage: text({ default: "" }),
    date_created: timestamp(),
  },
  indices: [
    { name: "idx_objects_key_lower", columns: ["key_lower"] },
    { name: "idx_objects_location", columns: ["location_id"] },
    { name: "idx_objects_account", columns: ["account_id"] },
    { name: "idx_objects_typeclass", columns: ["typeclass_path"] },
    { name: "idx_objects_destination", columns: ["destination_id"] },
    { name: "idx_objects_home", columns: ["home_id"] },
  ],
});

/** `scripts` */
export const ScriptTable = defineTable({
  entityName: "Script",
  table: "scripts",
  columns: {
    id: idColumn,
    key: text(),
    typeclass_path: text(),
    obj_id: ref(),
    account_id: ref(),
    description: text({ default: "" }),
    interval: integer({ default: 0 }),
    start_delay: flag(false),
    repeats: integer({ default: 0 }),
    persistent: flag(true),
    is_active: flag(false),
    lock_storage: text({ default: "" }),
    date_created: timestamp(),
  },
  indices: [{ name: "idx_scripts_obj", columns: ["obj_id"] }],
});

/** `channels` */
export const ChannelTable = defineTable({
  entityName: "Channel",
  table: "channels",
  columns: {
    id: idColumn,
    key: text(),
    key_lower: text({ unique: true }),
    typeclass_path: text(),
    lock_storage: text({ default: "" }),
    date_created: timestamp(),
  },
});

/** `messages`: channel history and other stored messages. */
export const MessageTable = defineTable({
  entityName: "Message",
  table: "messages",
  columns: {
    id: idColumn,
    senders: text({ default: "[]" }),
    receivers: text({ default: "[]" }),
    channel_id: ref(),
    header: text({ default: "" }),
    message: text(),
    date_created: timestamp(),
    /** What kind of message: `channel`, `page`, or a game's own. */
    category: text({ default: "" }),
  },
  indices: [
    { name: "idx_messages_channel", columns: ["channel_id", "date_created"] },
    { name: "idx_messages_category", columns: ["category", "date_created"] },
  ],
});

/** Party roles of a stored message. */
export type MessageRole = "sender" | "receiver";

/**
 * `message_parties`: who sent and who received each stored message (accounts or
 * objects), so a player's messages are found by an index; `pending` marks a
 * message not yet delivered to a receiver who was offline.
 */
export const MessagePartyTable = defineTable({
  entityName: "MessageParty",
  table: "message_parties",
  columns: {
    id: idColumn,
    message_id: integer(),
    role: text<MessageRole>(),
    party_kind: text(),
    party_id: integer(),
    pending: flag(false),
  },
  indices: [
    { name: "idx_message_parties_party", columns: ["party_kind", "party_id", "role"] },
    { name: "idx_message_parties_message", columns: ["message_id"] },
  ],
});

/** `channel_subscriptions`: the accounts and objects listening to each channel, and whether they muted it. */
export const ChannelSubscriptionTable = defineTable({
  entityName: "ChannelSubscription",
  table: "channel_subscriptions",
  columns: {
    id: idColumn,
    channel_id: integer(),
    subscriber_kind: text(),
    subscriber_id: integer(),
    muted: flag(false),
    date_created: timestamp(),
  },
  uniques: [{ name: "uq_channel_subscriptions", columns: ["channel_id", "subscriber_kind", "subscriber_id"] }],
  indices: [{ name: "idx_channel_subscriptions_subscriber", columns: ["subscriber_kind", "subscriber_id"] }],
});

/** `help_entries` */
export const HelpEntryTable = defineTable({
  entityName: "HelpEntry",
  table: "help_entries",
  columns: {
    id: idColumn,
    key: text(),
    key_lower: text({ unique: true }),
    category: text({ default: "general" }),
    text: text(),
    lock_storage: text({ default: "" }),
    date_created: timestamp(),
  },
});

/** `attributes`: typed values attached to any typeclassed row. */
export const AttributeTable = defineTable({
  entityName: "Attribute",
  table: "attributes",
  columns: {
    id: idColumn,
    owner_kind: text(),
    owner_id: integer(),
    key: text(),
    category: text({ default: "" }),
    value: text(),
    lock_string: text({ default: "" }),
    date_created: timestamp(),
  },
  uniques: [{ name: "uq_attributes_owner_key", columns: ["owner_kind", "owner_id", "key", "category"] }],
  indices: [{ name: "idx_attributes_key", columns: ["key", "category"] }],
});

/** Tag kinds: plain tags, aliases and permissions share one table. */
export type TagKind = "tag" | "alias" | "permission";

/** `tags` */
export const TagTable = defineTable({
  entityName: "Tag",
  table: "tags",
  columns: {
    id: idColumn,
    owner_kind: text(),
    owner_id: integer(),
    key: text(),
    category: text({ default: "" }),
    kind: text<TagKind>({ default: "tag" }),
  },
  uniques: [{ name: "uq_tags_owner_key", columns: ["owner_kind", "owner_id", "key", "category", "kind"] }],
  indices: [{ name: "idx_tags_lookup", columns: ["key", "category", "kind"] }],
});

/** `server_config`: key/value settings the server persists. */
export const ServerConfigTable = defineTable({
  entityName: "ServerConfig",
  table: "server_config",
  columns: {
    key: textKey,
    value: text(),
  },
});

/**
 * `id_high_water`: the highest id ever handed out per table. It is advanced in the
 * same transaction as the insert, so an id is never handed out twice, even after the
 * newest row is deleted and the server restarts (`id-allocator.ts`).
 */
export const IdHighWaterTable = defineTable({
  entityName: "IdHighWater",
  table: "id_high_water",
  columns: {
    table_name: textKey,
    high_water: integer(),
  },
});

/**
 * `web_sessions`: the website's browser sessions (express-session data as JSON),
 * kept in the game database so that logins survive a server reload
 * (`web/session-store.ts`).
 */
export const WebSessionTable = defineTable({
  entityName: "WebSession",
  table: "web_sessions",
  columns: {
    sid: textKey,
    data: text(),
    expires: timestamp(),
  },
  indices: [{ name: "idx_web_sessions_expires", columns: ["expires"] }],
});

/** Every framework table. */
export const frameworkTables = [
  AccountTable,
  ObjectTable,
  ScriptTable,
  ChannelTable,
  MessageTable,
  MessagePartyTable,
  ChannelSubscriptionTable,
  HelpEntryTable,
  AttributeTable,
  TagTable,
  ServerConfigTable,
  IdHighWaterTable,
  WebSessionTable,
] as const;

/** Every framework entity schema (what TypeORM is given; made, and TypeORM loaded, on the first call). */
export function frameworkEntities(): EntitySchema<any>[] {
  return frameworkTables.map((t) => t.entitySchema as EntitySchema<any>);
}
