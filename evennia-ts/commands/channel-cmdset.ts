/**
 * Channel names as commands: once subscribed, `public Hello` (or an alias of the
 * channel, `pub Hello`, or one of your own from `channel/alias`) talks on the
 * channel, and `public` alone shows its recent history.
 *
 * Evennia 1.0 does this with a pair of nicks per alias; here each account has a
 * cmdset (key `ChannelCmdSet`, so `noChannels` removes it) with one command per
 * subscribed channel, built from the subscriptions in memory (no query) and rebuilt
 * only when they, the channels' names or the account's own aliases change; accounts
 * with the same channels under the same names share one set. It is
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

/** A subscriber's channel cmdset, with what it was built from. */
interface Cached {
  channels: readonly DefaultChannel[];
  /** Each channel's key and aliases when the set was built. */
  keys: readonly string[];
  aliases: readonly (readonly string[])[];
  /** The subscriber's own aliases, as `[alias, channelId]` pairs. */
  personal: readonly (readonly [string, number])[];
  set: CmdSet;
}

const cache = new WeakMap<TypedObject, Cached>();

function sameStrings(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** True when the set in `hit` was built from these channels, names and personal aliases. */
function stillBuiltFrom(hit: Cached, channels: readonly DefaultChannel[], personal: readonly (readonly [string, number])[]): boolean {
  if (hit.channels.length !== channels.length || hit.personal.length !== personal.length) return false;
  for (let i = 0; i < channels.length; i++) {
    const channel = channels[i]!;
    if (channel !== hit.channels[i] || channel.key !== hit.keys[i] || !sameStrings(channel.aliases.get(), hit.aliases[i]!)) return false;
  }
  for (let i = 0; i < personal.length; i++) if (personal[i]![0] !== hit.personal[i]![0] || personal[i]![1] !== hit.personal[i]![1]) return false;
  return true;
}

/** The channel cmdset of `subscriber` (null when it subscribes to nothing). */
export function channelCmdSetFor(subscriber: TypedObject): CmdSet | null {
  const channels = loadedSubscriptionsOf(subscriber).filter((c): c is DefaultChannel => c instanceof DefaultChannel);
  if (channels.length === 0) return null;
  const personalAliases = personalChannelAliases(subscriber);
  const personal = Object.entries(personalAliases);
  // asked on every command: rebuilt only when the channels, their names or the personal aliases changed
  const hit = cache.get(subscriber);
  if (hit && stillBuiltFrom(hit, channels, personal)) return hit.set;
  const parts = channels.map((channel) => {
    const own = personalAliasesOf(subscriber, channel, personalAliases);
    return { channel, key: channel.key.toLowerCase(), aliases: [...new Set([...channel.aliases.get(), ...own].map((a) => a.toLowerCase()))] };
  });
  // subscribers to the same channels under the same names share one set (and its commands):
  // a thousand players on the public channel hold one, not a thousand
  const signature = parts.map((p) => `${instanceToken(p.channel)}\u0001${p.key}\u0001${p.aliases.join("\u0001")}`).join("\u0002");
  let set = sharedSets.get(signature)?.deref();
  if (!set) {
    set = buildChannelCmdSet(parts);
    if (sharedSets.size >= SHARED_SETS_MAX) sharedSets.clear();
    sharedSets.set(signature, new WeakRef(set));
  }
  cache.set(subscriber, { channels, keys: channels.map((c) => c.key), aliases: channels.map((c) => c.aliases.get()), personal, set });
  return set;
}

/**
 * A number for each channel instance: sets are shared by instance, not by id (another
 * store, as in tests on two databases, or a channel made again, may reuse an id).
 */
const tokens = new WeakMap<DefaultChannel, number>();
let nextToken = 1;
function instanceToken(channel: DefaultChannel): number {
  let token = tokens.get(channel);
  if (token === undefined) tokens.set(channel, (token = nextToken++));
  return token;
}

/** Channel sets by what they hold (channel instances, names, aliases), shared by subscribers while any holds them. */
const sharedSets = new Map<string, WeakRef<CmdSet>>();
/** Past this many signatures the table starts again (the sets live on with their subscribers). */
const SHARED_SETS_MAX = 1000;

function buildChannelCmdSet(parts: readonly { channel: DefaultChannel; key: string; aliases: string[] }[]): CmdSet {
  const set = new CmdSet(null, CHANNEL_CMDSET_KEY);
  set.priority = CHANNEL_CMDSET_PRIORITY;
  set.duplicates = false;
  for (const { channel, key, aliases } of parts) {
    const cmd = new CmdChannelTalk();
    cmd.key = key;
    cmd.aliases = aliases;
    cmd.channel = channel;
    cmd.help = `Talk on the channel ${channel.key}.\n\nUsage:\n  ${key} <message>\n  ${key}\n\nThe second form shows the recent history.\n\nExamples:\n  ${key} Hello!\n  ${key} :waves`;
    set.add(cmd);
  }
  return set;
}

registerAccountCmdSets((account) => channelCmdSetFor(account));
