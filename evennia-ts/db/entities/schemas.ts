/**
 * TypeORM entity schemas of the framework's tables. A game may add its own
 * schemas through `gameEntities` of the data source options.
 */
import { EntitySchema } from "typeorm";
import { flag, idColumn, ref, text, timestamp } from "./columns.ts";
import type {
  AccountRow,
  AttributeRow,
  ChannelRow,
  HelpEntryRow,
  MessageRow,
  ObjectRow,
  ScriptRow,
  ServerConfigRow,
  TagRow,
} from "./rows.ts";

export const AccountEntity = new EntitySchema<AccountRow>({
  name: "Account",
  tableName: "accounts",
  columns: {
    id: idColumn,
    username: text(),
    username_lower: text({ unique: true }),
    password_hash: text(),
    email: text({ nullable: true }),
    typeclass_path: text(),
    is_superuser: flag(false),
    lock_storage: text({ default: "" }),
    date_created: timestamp(),
    last_login: timestamp({ nullable: true }),
  },
});

export const ObjectEntity = new EntitySchema<ObjectRow>({
  name: "Object",
  tableName: "objects",
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
  ],
});

export const ScriptEntity = new EntitySchema<ScriptRow>({
  name: "Script",
  tableName: "scripts",
  columns: {
    id: idColumn,
    key: text(),
    typeclass_path: text(),
    obj_id: ref(),
    account_id: ref(),
    description: text({ default: "" }),
    interval: { type: "integer", default: 0 },
    start_delay: flag(false),
    repeats: { type: "integer", default: 0 },
    persistent: flag(true),
    is_active: flag(false),
    lock_storage: text({ default: "" }),
    date_created: timestamp(),
  },
  indices: [{ name: "idx_scripts_obj", columns: ["obj_id"] }],
});

export const ChannelEntity = new EntitySchema<ChannelRow>({
  name: "Channel",
  tableName: "channels",
  columns: {
    id: idColumn,
    key: text(),
    key_lower: text({ unique: true }),
    typeclass_path: text(),
    lock_storage: text({ default: "" }),
    date_created: timestamp(),
  },
});

export const MessageEntity = new EntitySchema<MessageRow>({
  name: "Message",
  tableName: "messages",
  columns: {
    id: idColumn,
    senders: text({ default: "[]" }),
    receivers: text({ default: "[]" }),
    channel_id: ref(),
    header: text({ default: "" }),
    message: text(),
    date_created: timestamp(),
  },
  indices: [{ name: "idx_messages_channel", columns: ["channel_id", "date_created"] }],
});

export const HelpEntryEntity = new EntitySchema<HelpEntryRow>({
  name: "HelpEntry",
  tableName: "help_entries",
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

export const AttributeEntity = new EntitySchema<AttributeRow>({
  name: "Attribute",
  tableName: "attributes",
  columns: {
    id: idColumn,
    owner_kind: text(),
    owner_id: { type: "integer" },
    key: text(),
    category: text({ default: "" }),
    value: text(),
    lock_string: text({ default: "" }),
    date_created: timestamp(),
  },
  uniques: [{ name: "uq_attributes_owner_key", columns: ["owner_kind", "owner_id", "key", "category"] }],
  indices: [{ name: "idx_attributes_key", columns: ["key", "category"] }],
});

export const TagEntity = new EntitySchema<TagRow>({
  name: "Tag",
  tableName: "tags",
  columns: {
    id: idColumn,
    owner_kind: text(),
    owner_id: { type: "integer" },
    key: text(),
    category: text({ default: "" }),
    kind: text({ default: "tag" }),
  },
  uniques: [{ name: "uq_tags_owner_key", columns: ["owner_kind", "owner_id", "key", "category", "kind"] }],
  indices: [{ name: "idx_tags_lookup", columns: ["key", "category", "kind"] }],
});

export const ServerConfigEntity = new EntitySchema<ServerConfigRow>({
  name: "ServerConfig",
  tableName: "server_config",
  columns: {
    key: { type: "text", primary: true },
    value: text(),
  },
});

/** Every framework entity. */
export const frameworkEntities = [
  AccountEntity,
  ObjectEntity,
  ScriptEntity,
  ChannelEntity,
  MessageEntity,
  HelpEntryEntity,
  AttributeEntity,
  TagEntity,
  ServerConfigEntity,
];
