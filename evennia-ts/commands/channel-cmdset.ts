/**
 * Channel names as commands: once subscribed, `public Hello` (or an alias of the
 * channel, `pub Hello`, or one of your own from `channel/alias`) talks on the
 * channel, and `public` alone shows its recent history.
 *
 * Evennia 1.0 does this with a pair of nicks per alias; here each account gets a
 * cmdset (key `ChannelCmdSet`, so `noChannels` removes it) with one command per
 * subscribed channel, built from the subscriptions in memory (no query) and rebuilt
 * only when they, the channels' names or the account's own aliases change. It is
 * cheaper than running every line through a nick regex per channel and needs no
 * cleanup when a channel is renamed.
 */
import { DefaultChannel } from "../typeclasses/channels.ts";
import { loadedSubscriptionsOf } from "../typeclasses/channel-subscriptions.ts";
import type { TypedObject } from "../typeclasses/typed-object.ts";
import { CmdSet } from "./cmdset.ts";
import { CHANNEL_CMDSET_KEY, registerAccountCmdSets } from "./cmdset-gather.ts";
import { Command } from "./command.ts";
import { sendToChannel, showChannelHistory } from "./channel-talk.ts";

/** Evennia's priority of channel cmdsets (as exits'). */
export const CHANNEL_CMDSET_PRIORITY = 101;

/** Attribute (category `comms`) holding a subscriber's own channel aliases: `{alias: channelId}`. */
export const CHANNEL_ALIASES_ATTR = "channel_aliases";

/** A subscriber's own aliases of channels, `{alias: channelId}`. */
export function personalChannelAliases(subscriber: TypedObject): Record<string, number> {
  const value: unknown = subscriber.attributes.get(CHANNEL_ALIASES_ATTR, { category: "comms" });
  if (!value || typeof value !== "object" || Array.isArray(value)) return {};
  const out: Record<string, number> = {};
  for (const [alias, id] of Object.entries(value as Record<string, unknown>)) if (typeof id === "number") out[alias] = id;
  return out;
}

/** The aliases `subscriber` gave `channel` itself (`channel/alias`). */
export function personalAliasesOf(subscriber: TypedObject, channel: { id: number }, aliases = personalChannelAliases(subscriber)): string[] {
  return Object.entries(aliases)
    .filter(([, id]) => id === channel.id)
    .map(([alias]) => alias);
}

/** Replace a subscriber's own channel aliases. */
export function setPersonalChannelAliases(subscriber: TypedObject, aliases: Record<string, number>): void {
  if (Object.keys(aliases).length === 0) subscriber.attributes.remove(CHANNEL_ALIASES_ATTR, { category: "comms" });
  else subscriber.attributes.add(CHANNEL_ALIASES_ATTR, aliases, { category: "comms" });
}

/** Base of the command each subscribed channel becomes. */
export class CmdChannelTalk extends Command {
  /** The channel this command talks on. */
  channel!: DefaultChannel;
  override helpCategory = "channel names";
  override autoHelp = false;
  override isChannel = true;
  override argRegex = "\\s|$";

  override async func(): Promise<void> {
    const subscriber = this.account ?? (this.caller as TypedObject);
    const text = this.args.trim();
    if (!text) await showChannelHistory(this, this.channel, 0);
    else await sendToChannel(this, this.channel, subscriber, text);
  }
}

interface Cached {
  signature: string;
  set: CmdSet;
}

const cache = new WeakMap<TypedObject, Cached>();

/** The channel cmdset of `subscriber` (null when it subscribes to nothing). */
export function channelCmdSetFor(subscriber: TypedObject): CmdSet | null {
  const channels = loadedSubscriptionsOf(subscriber).filter((c): c is DefaultChannel => c instanceof DefaultChannel);
  if (channels.length === 0) return null;
  const personal = personalChannelAliases(subscriber);
  const names = channels.map((c) => {
    const own = personalAliasesOf(subscriber, c, personal);
    return { channel: c, key: c.key.toLowerCase(), aliases: [...new Set([...c.aliases.get(), ...own].map((a) => a.toLowerCase()))] };
  });
  const signature = names.map((n) => `${n.channel.id}:${n.key}:${n.aliases.join(";")}`).join("|");
  const hit = cache.get(subscriber);
  if (hit?.signature === signature) return hit.set;
  const set = new CmdSet(null, CHANNEL_CMDSET_KEY);
  set.priority = CHANNEL_CMDSET_PRIORITY;
  set.duplicates = false;
  for (const n of names) {
    class CmdThisChannel extends CmdChannelTalk {
      override key = n.key;
      override aliases = n.aliases;
      override channel = n.channel;
      override help = `Talk on the channel ${n.channel.key}.\n\nUsage:\n  ${n.key} <message>\n  ${n.key}\n\nThe second form shows the recent history.\n\nExamples:\n  ${n.key} Hello!\n  ${n.key} :waves`;
    }
    set.add(CmdThisChannel);
  }
  cache.set(subscriber, { signature, set });
  return set;
}

registerAccountCmdSets((account) => channelCmdSetFor(account));
