/**
 * The `channels` resource. Reading a channel needs Builder (channels have no
 * `examine` lock by default); changing or deleting one its `control` lock (Admin
 * by default), as `channel/desc` and `channel/destroy` in-game.
 */
import type { Settings } from "../../conf/settings.ts";
import { DefaultChannel } from "../../typeclasses/channels.ts";
import { createChannel } from "../../typeclasses/create.ts";
import { findTypeclass, typeclassPathOf } from "../../typeclasses/registry.ts";
import { badRequest, conflict } from "./api-error.ts";
import { text, type BodyField } from "./body-fields.ts";
import { typedFilters } from "./list-query.ts";
import { sharedFields, type TypedResource } from "./typed-resource.ts";

async function assertKeyFree(channel: DefaultChannel | null, key: string, services: { db: { query<T>(sql: string, params: unknown[]): Promise<T[]> } }): Promise<void> {
  const rows = await services.db.query<{ id: number | string }>("SELECT id FROM channels WHERE key_lower = ?", [key.trim().toLowerCase()]);
  if (rows.some((r) => Number(r.id) !== channel?.id)) throw conflict(`a channel named "${key.trim()}" exists already`);
}

/** The channels resource. */
export function channelResource(settings: Settings, db: { query<T>(sql: string, params: unknown[]): Promise<T[]> }): TypedResource<DefaultChannel> {
  const fields: BodyField[] = [
    ...sharedFields(),
    { name: "description", type: text(2000, true), description: "What the channel is for." },
    { name: "typeclass", type: text(255), description: `Channel typeclass path (default \`${settings.baseChannelTypeclass}\`).`, createOnly: true },
  ];
  return {
    name: "channels",
    noun: "channel",
    kind: "channel",
    keyColumn: "key_lower",
    scope: () => null,
    includes: (o) => o instanceof DefaultChannel,
    filters: typedFilters("channel", "key_lower"),
    fields,
    readOnly: [],
    listPermission: "Builder",
    createPermission: "Builder",
    viewRule: { locks: ["examine"], fallback: "Builder" },
    changeRule: { locks: ["control"], fallback: "Admin" },
    deleteRule: { locks: ["delete", "control"], fallback: "Admin" },
    summary: (c, base) => ({ id: c.id, key: c.key, typeclass: c.typeclassPath, url: `${base}/channels/${c.id}` }),
    detail: (c) => ({ description: c.description }),
    detailSchema: { description: { type: "string" } },
    async create(values) {
      const given = values.get("typeclass") as string | undefined;
      const typeclass = given ?? (findTypeclass(settings.baseChannelTypeclass) ? settings.baseChannelTypeclass : typeclassPathOf(DefaultChannel));
      const cls = findTypeclass(typeclass);
      if (!cls || !(cls === (DefaultChannel as unknown) || cls.prototype instanceof DefaultChannel)) throw badRequest(`typeclass: "${typeclass}" is not a registered channel typeclass`);
      const key = values.get("key") as string;
      await assertKeyFree(null, key, { db });
      return createChannel(typeclass, { key, desc: values.get("description") as string | undefined });
    },
    async update(c, values) {
      const key = values.get("key") as string | undefined;
      if (key !== undefined && key.trim() !== c.key) {
        await assertKeyFree(c, key, { db });
        c.key = key;
      }
      const description = values.get("description") as string | undefined;
      if (description !== undefined) c.description = description;
    },
  };
}
