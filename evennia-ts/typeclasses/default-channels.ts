/**
 * The channels every game starts with (settings `defaultChannels` and
 * `channelMudInfo`, Evennia's `DEFAULT_CHANNELS` and `CHANNEL_MUDINFO`): made at
 * start when missing, and joined by new accounts.
 */
import type { ChannelSpec } from "../conf/default-settings.ts";
import type { Settings } from "../conf/settings.ts";
import { getLogger } from "../utils/logger.ts";
import type { DefaultChannel } from "./channels.ts";
import { findChannel } from "./channel-search.ts";
import { createChannel } from "./create.ts";
import { findTypeclass } from "./registry.ts";
import type { TypedObject } from "./typed-object.ts";

const log = getLogger("channels");

/** Every channel spec of the settings: the default channels, then MudInfo. */
function specs(settings: Pick<Settings, "defaultChannels" | "channelMudInfo">): ChannelSpec[] {
  return [...(settings.defaultChannels ?? []), ...(settings.channelMudInfo ? [settings.channelMudInfo] : [])];
}

/** Make each channel of the settings that does not exist (run inside a unit of work). Returns those made. */
export async function ensureDefaultChannels(settings: Settings): Promise<DefaultChannel[]> {
  const made: DefaultChannel[] = [];
  for (const spec of specs(settings)) {
    if (!spec.key?.trim() || (await findChannel(spec.key))) continue;
    const path = spec.typeclass ?? settings.baseChannelTypeclass;
    const channel = await createChannel(findTypeclass(path) ? path : undefined, { key: spec.key, aliases: spec.aliases ?? [], locks: spec.locks, desc: spec.desc });
    log.info(`created the channel ${channel.key}`);
    made.push(channel);
  }
  return made;
}

/**
 * Subscribe a new account to the default channels that auto-join (and, for the
 * superuser, to MudInfo). Channels its `listen` lock refuses are skipped.
 */
export async function joinDefaultChannels(account: TypedObject, settings: Pick<Settings, "defaultChannels" | "channelMudInfo">, options: { superuser?: boolean } = {}): Promise<void> {
  const wanted = (settings.defaultChannels ?? []).filter((s) => s.autoJoin !== false);
  if (settings.channelMudInfo && (options.superuser || settings.channelMudInfo.autoJoin === true)) wanted.push(settings.channelMudInfo);
  for (const spec of wanted) {
    const channel = await findChannel(spec.key);
    if (channel) await channel.connect(account);
  }
}

/** The MudInfo channel, if the game has one. */
export async function mudInfoChannel(settings: Pick<Settings, "channelMudInfo">): Promise<DefaultChannel | null> {
  return settings.channelMudInfo ? findChannel(settings.channelMudInfo.key) : null;
}
