/**
 * `DefaultChannel`: a named channel that accounts (or objects) subscribe to.
 *
 * - Locks: `listen` (may subscribe and hear), `send` (may talk), `control`
 *   (may change, boot, ban, destroy) and `admin`.
 * - `connect`/`disconnect` subscribe and unsubscribe (`preJoinChannel`,
 *   `postJoinChannel`, `preLeaveChannel`, `postLeaveChannel` hooks); `mute`,
 *   `unmute`, `ban`, `unban`.
 * - `msg(text, {senders})` sends to every online, unmuted subscriber through its
 *   `atPreChannelMsg` → `channelMsg` → `atPostChannelMsg` hooks and stores the
 *   message (`channel/history`), unless the channel's `keepHistory` is false.
 *
 * Output carries `{type: "channel", channel: key}` for the webclient, and
 * GMCP clients also get `Comm.Channel.Text`.
 */
import type { ChannelRow } from "../db/entities/rows.ts";
import type { OutputSpec } from "../protocol/message.ts";
import { EvenniaError } from "../utils/errors.ts";
import { getLogger } from "../utils/logger.ts";
import { ChannelSubscriptions, type Subscription } from "./channel-subscriptions.ts";
import { classesEpoch, presenceEpoch } from "./change-epochs.ts";
import { isOnline, presenceFollowsSessions } from "./presence.ts";
import { channelHistory, deleteChannelMessages, storeMessage, type StoredMessage } from "./messages.ts";
import { registerDefaultTypeclass } from "./registry.ts";
import { TypedObject } from "./typed-object.ts";
import { signals } from "./signals.ts";
import { shareOutput } from "./shared-output.ts";

const log = getLogger("channels");

/** Anything a channel message can be sent by or to. */
export interface ChannelParty extends TypedObject {
  msg(spec: string | OutputSpec): void;
}

/** What channel hooks are told. */
export interface ChannelMsgOptions {
  /** Who sent the message (none: an announcement). */
  senders?: readonly TypedObject[];
  /** An outside sender's name (a feed, another game), when there are no `senders`. */
  externalSender?: string;
  /** Send to muted subscribers too (alerts). */
  bypassMute?: boolean;
  /** Leave out the `[Channel]` prefix. */
  noPrefix?: boolean;
  /** Show the text as it is, without the sender's name (an emit). */
  emit?: boolean;
}

/** What a subscriber can do with channel messages (accounts and objects have these hooks). */
export interface ChannelReceiver {
  atPreChannelMsg(message: string, channel: DefaultChannel, options: ChannelMsgOptions): string | null | false;
  channelMsg(message: string, channel: DefaultChannel, options: ChannelMsgOptions): void;
  atPostChannelMsg(message: string, channel: DefaultChannel, options: ChannelMsgOptions): void;
}

/**
 * Marks a receiver's default channel hooks whose result does not depend on the
 * receiver (the text and the output are the same for everyone): the channel then
 * formats a message once and sends the same frozen output to all such receivers,
 * instead of building it again for each of a thousand subscribers.
 */
export const SAME_FOR_EVERY_RECEIVER: unique symbol = Symbol("same for every receiver");

type Marked = { [SAME_FOR_EVERY_RECEIVER]?: true };

/** Mark hook functions as {@link SAME_FOR_EVERY_RECEIVER} (the framework's defaults do this). */
export function markSameForEveryReceiver(...hooks: unknown[]): void {
  for (const hook of hooks) (hook as Marked)[SAME_FOR_EVERY_RECEIVER] = true;
}

function sharesOutput(receiver: ChannelReceiver): boolean {
  return (
    (receiver.atPreChannelMsg as Marked)[SAME_FOR_EVERY_RECEIVER] === true &&
    (receiver.channelMsg as Marked)[SAME_FOR_EVERY_RECEIVER] === true &&
    typeof (receiver as unknown as ChannelParty).msg === "function"
  );
}

function isChannelReceiver(obj: unknown): obj is ChannelReceiver & TypedObject {
  return typeof (obj as ChannelReceiver | null)?.channelMsg === "function";
}

/** How many instances of `kinds` came into memory so far (see `Store.arrivals`). */
function arrivalsOf(store: TypedObject["_store"], kinds: readonly string[]): number {
  let sum = 0;
  for (const kind of kinds) sum += store.arrivals(kind);
  return sum;
}

/**
 * A subscriber that was online when the list was made, with its subscription (its `muted`
 * is read for each line). Held weakly: a list kept while nobody talks does not keep players
 * who logged out since in memory (while online, their sessions hold them).
 */
interface OnlineListener {
  readonly subscription: Subscription;
  readonly receiver: WeakRef<ChannelReceiver & TypedObject>;
}

/** A channel's online subscribers and the counters they were worked out at (see `DefaultChannel.onlineListeners`). */
interface OnlineListeners {
  readonly subscriptions: number;
  readonly presence: number;
  readonly classes: number;
  /** Sum of the arrivals in memory of the kinds of subscribers that were not in memory. */
  readonly arrivals: number;
  readonly absentKinds: readonly string[];
  readonly listeners: readonly OnlineListener[];
}

/** A channel. */
export class DefaultChannel extends TypedObject<ChannelRow> {
  static override readonly kind = "channel" as const;

  /** Template of the prefix shown before each message (`{channelname}` is replaced). */
  channelPrefixString = "[{channelname}] ";
  /** Send only to subscribers with a session (the rest read the history). */
  sendToOnlineOnly = true;
  /** Store each message for `channel/history`. */
  keepHistory = true;

  private subscriptionsHandler: ChannelSubscriptions | undefined;
  private onlineListenersKept: OnlineListeners | null = null;
  /** Each subscription's listener entry, made once and reused by every list while its subscriber is the same instance. */
  private readonly listenerOf = new WeakMap<Subscription, OnlineListener>();

  /** Anyone may listen and send; Admins control the channel (Evennia's locks). */
  override basetypeSetup(): void {
    super.basetypeSetup();
    this.locks.add("send:all();listen:all();control:perm(Admin)");
  }

  override get key(): string {
    return this._row.key;
  }
  override set key(value: string) {
    const key = String(value).trim();
    if (!key) throw new EvenniaError("EV_ERR_BAD_INPUT", "a channel key cannot be empty");
    this._setField("key", key);
    this._setField("key_lower", key.toLowerCase());
  }

  /** The subscribers. */
  get subscriptions(): ChannelSubscriptions {
    return (this.subscriptionsHandler ??= new ChannelSubscriptions(this));
  }

  /** The channel's description (`channel/desc`). */
  get description(): string {
    const desc = this.db.desc;
    return typeof desc === "string" ? desc : "";
  }
  set description(value: string) {
    this.db.desc = value;
  }

  /** Who is banned from subscribing. */
  get banlist(): TypedObject[] {
    const list: unknown = this.db.ban_list;
    return Array.isArray(list) ? list.filter((o): o is TypedObject => o instanceof TypedObject && !o.isDeleted) : [];
  }

  /** Subscribers who muted the channel (the subscriptions must be loaded). */
  get mutelist(): TypedObject[] {
    return this.subscriptions.inMemory().filter((s) => this.subscriptions.isMuted(s));
  }

  /** Is `subscriber` subscribed (an object counts when its account is)? */
  async hasConnection(subscriber: TypedObject): Promise<boolean> {
    await this.subscriptions.load();
    if (this.subscriptions.has(subscriber)) return true;
    const account = (subscriber as unknown as { account?: TypedObject | null }).account;
    return account instanceof TypedObject ? this.subscriptions.has(account) : false;
  }

  /** Subscribe `subscriber`; false when banned, refused by the `listen` lock or a hook, or already subscribed. */
  async connect(subscriber: TypedObject): Promise<boolean> {
    await this.subscriptions.load();
    if (this.isBanned(subscriber) || !this.access(subscriber, "listen")) return false;
    if (this.subscriptions.has(subscriber)) return false;
    if ((await this.preJoinChannel(subscriber)) === false) return false;
    this.subscriptions.add(subscriber);
    await this.postJoinChannel(subscriber);
    return true;
  }

  /** Unsubscribe `subscriber`; false when it was not subscribed or a hook refused. */
  async disconnect(subscriber: TypedObject): Promise<boolean> {
    await this.subscriptions.load();
    if (!this.subscriptions.has(subscriber)) return false;
    if ((await this.preLeaveChannel(subscriber)) === false) return false;
    this.subscriptions.remove(subscriber);
    await this.postLeaveChannel(subscriber);
    return true;
  }

  /** Stop sending to `subscriber` (it stays subscribed); false when not subscribed or already muted. */
  async mute(subscriber: TypedObject): Promise<boolean> {
    await this.subscriptions.load();
    return this.subscriptions.setMuted(subscriber, true);
  }

  /** Send to `subscriber` again; false when not subscribed or not muted. */
  async unmute(subscriber: TypedObject): Promise<boolean> {
    await this.subscriptions.load();
    return this.subscriptions.setMuted(subscriber, false);
  }

  /** Is `target` banned? */
  isBanned(target: TypedObject): boolean {
    return this.banlist.includes(target);
  }

  /** Ban `target` from subscribing (it is not unsubscribed: boot it too). False when already banned. */
  ban(target: TypedObject): boolean {
    const list = this.banlist;
    if (list.includes(target)) return false;
    this.db.ban_list = [...list, target];
    return true;
  }

  /** Lift a ban; false when `target` was not banned. */
  unban(target: TypedObject): boolean {
    const list = this.banlist;
    if (!list.includes(target)) return false;
    this.db.ban_list = list.filter((o) => o !== target);
    return true;
  }

  /** The prefix shown before each message: `[Public] `. */
  channelPrefix(): string {
    return this.channelPrefixString.replaceAll("{channelname}", this.key);
  }

  /**
   * Send `message` to the online, unmuted subscribers and store it. Hooks:
   * `atPreMsg` (return null/false to cancel), each receiver's `atPreChannelMsg` →
   * `channelMsg` → `atPostChannelMsg`, then `atPostMsg`. A receiver whose hooks
   * throw is logged and skipped; the others still hear.
   */
  async msg(message: string, options: ChannelMsgOptions = {}): Promise<void> {
    await this.subscriptions.load();
    const pre = this.atPreMsg(message, options);
    if (pre === null || pre === false) return;
    const text = pre;
    const withMuted = options.bypassMute === true;
    const receivers = this.sendToOnlineOnly ? this.onlineReceivers(withMuted) : this.subscriptions.listeners(withMuted).filter(isChannelReceiver);
    /** Text and output of the marked default hooks, by hook: made once per message. */
    const shared = new Map<unknown, { own: string | null | false; output: OutputSpec | null }>();
    for (const receiver of receivers) {
      try {
        if (sharesOutput(receiver)) {
          let once = shared.get(receiver.atPreChannelMsg);
          if (!once) {
            const own = receiver.atPreChannelMsg(text, this, options);
            once = { own, output: own === null || own === false ? null : (shareOutput(channelOutput(own, this, options)) ?? channelOutput(own, this, options)) };
            shared.set(receiver.atPreChannelMsg, once);
          }
          if (once.output === null || typeof once.own !== "string") continue;
          (receiver as unknown as ChannelParty).msg(once.output);
          receiver.atPostChannelMsg(once.own, this, options);
          continue;
        }
        const own = receiver.atPreChannelMsg(text, this, options);
        if (own === null || own === false) continue;
        receiver.channelMsg(own, this, options);
        receiver.atPostChannelMsg(own, this, options);
      } catch (err) {
        log.error(`sending a message of channel ${this.key} to ${receiver.dbref} failed`, err);
      }
    }
    this.atPostMsg(text, options);
    // signal (typeclasses/signals.ts): heard after the unit of work commits
    signals.emit("channelMessage", { channel: this, message: text, senders: options.senders ?? [] });
  }

  /** The online subscribers with the channel hooks a line reaches now (muted ones only `withMuted`). */
  private onlineReceivers(withMuted: boolean): (ChannelReceiver & TypedObject)[] {
    const out: (ChannelReceiver & TypedObject)[] = [];
    for (const { subscription, receiver: ref } of this.onlineListeners()) {
      if (subscription.muted && !withMuted) continue;
      const receiver = ref.deref();
      if (receiver && !receiver.isDeleted) out.push(receiver);
    }
    return out;
  }

  /**
   * The subscribers that are online, with their subscriptions. Kept between lines while
   * the subscriptions, everyone's presence (`presenceEpoch`: logins, logouts, puppeting),
   * every class, and what is in memory of the kinds of the offline subscribers stay as they
   * were: a line to 1,000 subscribers then does not look each one up and ask whether it
   * is online. Worked out for every line while a subscriber's class decides its presence
   * its own way (see `presence.ts`).
   */
  private onlineListeners(): readonly OnlineListener[] {
    const subscriptions = this.subscriptions;
    const store = this._store;
    const kept = this.onlineListenersKept;
    if (
      kept &&
      kept.subscriptions === subscriptions.version &&
      kept.presence === presenceEpoch() &&
      kept.classes === classesEpoch() &&
      kept.arrivals === arrivalsOf(store, kept.absentKinds)
    ) {
      return kept.listeners;
    }
    const stamp = { subscriptions: subscriptions.version, presence: presenceEpoch(), classes: classesEpoch() };
    const listeners: OnlineListener[] = [];
    let keep = true;
    const absentKinds = subscriptions.forEachInMemory((subscription, subscriber) => {
      if (!presenceFollowsSessions(subscriber)) keep = false;
      if (!isOnline(subscriber) || !isChannelReceiver(subscriber)) return;
      let listener = this.listenerOf.get(subscription);
      if (listener?.receiver.deref() !== subscriber) {
        listener = { subscription, receiver: new WeakRef(subscriber) };
        this.listenerOf.set(subscription, listener);
      }
      listeners.push(listener);
    });
    const kinds = [...absentKinds];
    this.onlineListenersKept = keep ? { ...stamp, arrivals: arrivalsOf(store, kinds), absentKinds: kinds, listeners } : null;
    return listeners;
  }

  /** Hook: change the message before anyone gets it; null or false cancels it. */
  atPreMsg(message: string, _options: ChannelMsgOptions): string | null | false {
    return message;
  }

  /** Hook: after every receiver got the message; stores it by default. */
  atPostMsg(message: string, options: ChannelMsgOptions): void {
    if (!this.keepHistory) return;
    const senders = options.senders ?? [];
    storeMessage(
      {
        category: "channel",
        channel: this,
        text: message,
        senders: senders.length ? senders : options.externalSender ? [options.externalSender] : [],
        header: options.emit ? "emit" : "",
      },
      this._store,
    );
  }

  /** The latest `limit` stored messages (skipping the `skip` newest), oldest first. */
  history(limit = 20, skip = 0): Promise<StoredMessage[]> {
    return channelHistory(this._store.db, this.id, limit, skip);
  }

  /** Hook before `subscriber` joins; return false to refuse. */
  async preJoinChannel(_subscriber: TypedObject): Promise<boolean | void> {}
  /** Hook after `subscriber` joined. */
  async postJoinChannel(_subscriber: TypedObject): Promise<void> {}
  /** Hook before `subscriber` leaves; return false to refuse. */
  async preLeaveChannel(_subscriber: TypedObject): Promise<boolean | void> {}
  /** Hook after `subscriber` left. */
  async postLeaveChannel(_subscriber: TypedObject): Promise<void> {}

  /** Delete the channel with its subscriptions and stored messages. */
  override async delete(): Promise<boolean> {
    if (this.isDeleted) return false;
    if ((await this.atObjectDelete()) === false) return false;
    await this.subscriptions.load();
    this.subscriptions.clear();
    deleteChannelMessages(this.id, this._store);
    await this._store.deleteObject(this);
    return true;
  }
}

/**
 * A channel message with its senders' names, as Evennia shows it: `Anna: hello`,
 * a pose (`:waves` → `Anna waves`, `:'s hat` → `Anna's hat`), or the bare text
 * for an emit or when there is no name.
 */
export function withSenderNames(message: string, names: string, emit = false): string {
  if (emit || !names) return message;
  const trimmed = message.trimStart();
  if (trimmed.startsWith(":") || trimmed.startsWith(";")) {
    const rest = trimmed.slice(1);
    return `${names}${/^[:',]/.test(rest) ? "" : " "}${rest.trimStart()}`;
  }
  return `${names}: ${message}`;
}

/**
 * The text a receiver is shown for a channel message: `[Public] Anna: hello`, or a
 * pose (`:waves` → `[Public] Anna waves`), or the bare text for an emit. Accounts
 * and objects use it in their `atPreChannelMsg`.
 */
export function formatChannelMessage(message: string, channel: DefaultChannel, options: ChannelMsgOptions, nameFor: (sender: TypedObject) => string): string {
  const senders = options.senders ?? [];
  const names = senders.length ? senders.map(nameFor).join(", ") : (options.externalSender ?? "");
  const text = withSenderNames(message, names, options.emit);
  return options.noPrefix ? text : channel.channelPrefix() + text;
}

/** The output a receiver is sent for a channel message (text tagged for clients, and GMCP `Comm.Channel.Text`). */
export function channelOutput(text: string, channel: DefaultChannel, options: ChannelMsgOptions): OutputSpec {
  const talker = options.senders?.[0]?.key ?? options.externalSender ?? "";
  return {
    text: [text, { type: "channel", channel: channel.key, from_channel: channel.id }],
    comm_channel_text: [[], { channel: channel.key, talker, text }],
  } as OutputSpec;
}

registerDefaultTypeclass("evennia.channels.DefaultChannel", DefaultChannel);
