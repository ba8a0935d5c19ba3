/**
 * `channel`: use and manage channels, with Evennia's switches. Channels are used
 * by the account (not the character), as in Evennia's default.
 */
import type { PermissionHolder } from "../../../locks/permissions.ts";
import type { DefaultChannel } from "../../../typeclasses/channels.ts";
import { isOnline } from "../../../typeclasses/presence.ts";
import { allChannels, channelAnswersTo, searchChannels } from "../../../typeclasses/channel-search.ts";
import { createChannel } from "../../../typeclasses/create.ts";
import { findTypeclass } from "../../../typeclasses/registry.ts";
import type { TypedObject } from "../../../typeclasses/typed-object.ts";
import { NICK_LIMITS } from "../../../typeclasses/nick-template.ts";
import { isEvenniaError } from "../../../utils/errors.ts";
import { EvTable } from "../../../utils/text/evtable.ts";
import { askYesNo } from "../../ask-yes-no.ts";
import { personalAliasesOf, personalChannelAliases, setPersonalChannelAliases } from "../../channel-cmdset.ts";
import { sendToChannel, showChannelHistory } from "../../channel-talk.ts";
import { MuxCommand } from "../../mux-command.ts";

/** Most personal channel aliases one subscriber keeps (as many as nicks of one kind: Evennia keeps them as nicks). */
export const MAX_PERSONAL_ALIASES = NICK_LIMITS.perCategory;

/** Longest name or alias `channel/create` gives a channel: it prefixes every line said there. */
export const MAX_CHANNEL_NAME_LENGTH = 80;

const SWITCHES = ["list", "all", "history", "hist", "sub", "unsub", "mute", "unmute", "alias", "unalias", "create", "destroy", "delete", "desc", "lock", "unlock", "boot", "ban", "unban", "who"] as const;

/** `channel`: talk on, join, leave, list and manage channels. */
export class CmdChannel extends MuxCommand {
  override key = "channel";
  override aliases = ["chan", "channels"];
  override helpCategory = "comms";
  // `manage` guards create/destroy/desc, `admin` boot/ban/unban, `changelocks` lock/unlock
  override locks = "cmd:not pperm(channel_banned);admin:all();manage:all();changelocks:perm(Admin)";
  override switchOptions = SWITCHES;
  override help = `Use and manage channels.

Usage:
  channel                     (your subscriptions)
  channel/all                 (every channel you may join)
  channel <channel> <message> (or: channel <channel> = <message>)
  channel/history <channel> [= <lines back>]
  channel/sub <channel> [= alias[;alias...]]
  channel/unsub <channel>[, <channel>...]
  channel/mute <channel>[, <channel>...]
  channel/unmute <channel>[, <channel>...]
  channel/alias <channel> = alias[;alias...]
  channel/unalias <alias>
  channel/who <channel>
  channel/create <name>[;alias;alias][:typeclass] [= description]
  channel/destroy <channel> [= reason]
  channel/desc <channel> = <description>
  channel/lock <channel> = <lockstring>
  channel/unlock <channel> = <locktype>
  channel/boot <channel>[, <channel>...] = <subscriber> [: reason]
  channel/ban <channel>                   (list bans)
  channel/ban <channel>[, <channel>...] = <subscriber> [: reason]
  channel/unban <channel>[, <channel>...] = <subscriber>

Once subscribed, the channel's name and aliases (and your own, from
channel/alias) are commands: "public Hello" talks on Public, "pub :waves"
poses there, and "public" alone shows the last lines said. Muting keeps you
subscribed but silent; talking on a channel unmutes it. History shows 20
lines; "channel/history public = 20" goes 20 lines further back.

Channel locks: listen (join and hear), send (talk), control (destroy, desc,
lock, boot, ban).

Examples:
  channel/sub public = p
  p Hello everyone!
  channel/history public
  channel/create Guild;gd = The guild's own channel
  channel/lock guild = send:perm(Builder)
  channel/boot guild = Anna : spamming`;

  /** Who uses channels: the account, or the caller when there is none. */
  protected get subscriber(): TypedObject {
    return (this.account ?? this.caller) as TypedObject;
  }

  override async func(): Promise<void> {
    const sw = this.switches;
    const names = this.lhslist.filter(Boolean);
    if (sw.includes("all")) return this.listAll();
    if (sw.includes("list") || (names.length === 0 && sw.length === 0)) return this.listSubscribed();
    if (sw.includes("create")) return this.create();
    if (sw.includes("unalias")) return this.unalias();
    if (names.length === 0) {
      this.msg(`Usage: channel/${sw[0] ?? ""} <channel>${sw.length ? "" : " [= message]"}`);
      return;
    }
    // "channel public Hello" (no =): the first word may be the channel
    let message = "";
    if (sw.length === 0 && this.rhs === null && this.args.includes(" ")) {
      const [first] = this.args.split(/\s+/, 1);
      if (!(await this.findChannels(this.args, false)).length) {
        names.splice(0, names.length, first!);
        message = this.args.slice(first!.length).trim();
      }
    }
    const channels: DefaultChannel[] = [];
    for (const name of names) {
      const found = await this.findChannels(name, true);
      if (found.length === 1) channels.push(found[0]!);
      else if (found.length > 1) {
        this.msg(`Multiple possible channel matches/alias for '${name}':\n${found.map((c) => c.key).join(", ")}`);
        return;
      } else {
        this.msg(`No channel found matching '${name}' (could also be due to missing access).`);
        return;
      }
    }
    const channel = channels[0]!;
    if (sw.length === 0) {
      const text = this.rhs ?? message;
      if (text.trim()) await sendToChannel(this, channel, this.subscriber, text.trim());
      else await this.describeOne(channel);
      return;
    }
    const action = sw[0]!;
    switch (action) {
      case "history":
      case "hist":
        return this.history(channel);
      case "sub":
        return this.subscribe(channel);
      case "unsub":
        for (const c of channels) await this.unsubscribe(c);
        return;
      case "mute":
      case "unmute":
        for (const c of channels) await this.setMuted(c, action === "mute");
        return;
      case "alias":
        return this.alias(channel);
      case "who":
        return this.who(channel);
      case "destroy":
      case "delete":
        return this.destroy(channel);
      case "desc":
        return this.describe(channel);
      case "lock":
      case "unlock":
        return this.lock(channel, action === "lock");
      case "boot":
      case "ban":
      case "unban":
        return this.moderate(action, channels);
    }
  }

  /**
   * Channels `name` names that the caller may listen to or control: a personal
   * alias first, then keys and aliases (exact, else by prefix).
   */
  protected async findChannels(name: string, prefix: boolean): Promise<DefaultChannel[]> {
    const wanted = name.trim().toLowerCase();
    if (!wanted) return [];
    const own = personalChannelAliases(this.subscriber)[wanted];
    const visible = (c: DefaultChannel) => c.access(this.subscriber, "listen") || c.access(this.subscriber, "control");
    if (own !== undefined) {
      const mine = (await allChannels()).find((c) => c.id === own);
      if (mine && visible(mine)) return [mine];
    }
    const found = (await searchChannels(wanted)).filter(visible);
    if (!prefix) return found.filter((c) => c.key.toLowerCase() === wanted || c.aliases.get().includes(wanted));
    return found;
  }

  private myAliases(channel: DefaultChannel): string[] {
    return personalAliasesOf(this.subscriber, channel);
  }

  private table(headers: string[]): EvTable {
    return new EvTable(headers, { maxwidth: this.clientWidth(), border: "header" });
  }

  private async listSubscribed(): Promise<void> {
    const mine = [];
    for (const c of await allChannels()) if (await c.hasConnection(this.subscriber)) mine.push(c);
    const table = this.table(["id", "channel", "my aliases", "locks", "description"]);
    for (const c of mine) {
      const control = c.access(this.subscriber, "control");
      const aliases = c.aliases.get();
      table.addRow(control ? String(c.id) : "-", `${c.key}${aliases.length ? `;${aliases.join(";")}` : ""}`, this.myAliases(c).join(", "), control ? String(c.locks) : "-", c.description);
    }
    this.msg(`\n|wChannel subscriptions|n (use |w/all|n to see all available):\n${mine.length ? table.toString() : "You are not subscribed to any channel."}`);
  }

  private async listAll(): Promise<void> {
    const table = this.table(["sub", "channel", "aliases", "my aliases", "description"]);
    let shown = 0;
    for (const c of await allChannels()) {
      const subscribed = await c.hasConnection(this.subscriber);
      if (!subscribed && !c.access(this.subscriber, "listen")) continue;
      const status = !subscribed ? "|rNo|n" : c.subscriptions.isMuted(this.subscriber) ? "|rMuting|n" : "|gYes|n";
      table.addRow(status, c.key, c.aliases.get().join(","), this.myAliases(c).join(", "), c.description);
      shown++;
    }
    this.msg(`\n|wAvailable channels|n (use no argument to only show your subscriptions)\n${shown ? table.toString() : "There are no channels you may join."}`);
  }

  private async describeOne(channel: DefaultChannel): Promise<void> {
    if (await channel.hasConnection(this.subscriber)) {
      this.msg(`Channel |w${channel.key}|n (use |w${channel.key.toLowerCase()} <msg>|n (or a channel-alias) to chat and the 'channel' command to customize)\n${channel.description}`);
    } else {
      this.msg(`|wNot subscribed to this channel|n (use |wchannel/sub ${channel.key}|n to join)\n${channel.description}`);
    }
  }

  private async history(channel: DefaultChannel): Promise<void> {
    const back = this.rhs === null || this.rhs === "" ? 0 : Number(this.rhs);
    if (!Number.isInteger(back) || back < 0) {
      this.msg("The history index (describing how many lines to go back) must be an integer >= 0.");
      return;
    }
    await showChannelHistory(this, channel, back);
  }

  private async subscribe(channel: DefaultChannel): Promise<void> {
    if (await channel.hasConnection(this.subscriber)) {
      this.msg(`Already listening to channel ${channel.key}.`);
      return;
    }
    if (!(await channel.connect(this.subscriber))) {
      this.msg(`Were not allowed to subscribe to channel ${channel.key}`);
      return;
    }
    const aliases = (this.rhs ? await this.addAliases(channel, this.rhs) : null) ?? [];
    const aliasText = aliases.length ? ` using alias(es) ${aliases.join(", ")}` : "";
    this.msg(`You are now subscribed to the channel ${channel.key}${aliasText}. Use /alias to add additional aliases for referring to the channel.`);
  }

  private async unsubscribe(channel: DefaultChannel): Promise<void> {
    if (!(await channel.hasConnection(this.subscriber))) {
      this.msg(`Not listening to channel ${channel.key}.`);
      return;
    }
    if (!(await channel.disconnect(this.subscriber))) {
      this.msg(`Could not unsubscribe from channel ${channel.key}`);
      return;
    }
    const own = personalChannelAliases(this.subscriber);
    for (const alias of this.myAliases(channel)) delete own[alias];
    setPersonalChannelAliases(this.subscriber, own);
    this.msg(`You un-subscribed from channel ${channel.key}. All aliases were cleared.`);
  }

  /** Mute or unmute `channel`; one cannot mute what one does not listen to. */
  private async setMuted(channel: DefaultChannel, mute: boolean): Promise<void> {
    if (!channel.subscriptions.has(this.subscriber)) {
      this.msg(`You are not subscribed to channel ${channel.key}.`);
      return;
    }
    if (mute) this.msg((await channel.mute(this.subscriber)) ? `Muted channel ${channel.key}.` : `Channel ${channel.key} was already muted.`);
    else this.msg((await channel.unmute(this.subscriber)) ? `Un-muted channel ${channel.key}.` : `Channel ${channel.key} was already unmuted.`);
  }

  /**
   * Add `;`-separated personal aliases; returns those added. Aliases of channels that
   * are gone are dropped; past {@link MAX_PERSONAL_ALIASES} nothing is added (every
   * command a player types looks through them) and null is returned, after telling why.
   */
  private async addAliases(channel: DefaultChannel, text: string): Promise<string[] | null> {
    const added = [...new Set(text.split(";").map((a) => a.trim().toLowerCase()))].filter((a) => a && a.length <= 40 && !/\s{2,}|[=]/.test(a));
    if (added.length === 0) return [];
    const existing = new Set((await allChannels()).map((c) => c.id));
    const own = Object.fromEntries(Object.entries(personalChannelAliases(this.subscriber)).filter(([, id]) => existing.has(id)));
    const total = new Set([...Object.keys(own), ...added]).size;
    if (total > MAX_PERSONAL_ALIASES) {
      this.msg(`You can have at most ${MAX_PERSONAL_ALIASES} channel aliases of your own; remove some with channel/unalias first.`);
      return null;
    }
    for (const alias of added) own[alias] = channel.id;
    setPersonalChannelAliases(this.subscriber, own);
    return added;
  }

  private async alias(channel: DefaultChannel): Promise<void> {
    if (!this.rhs) {
      this.msg("Specify the alias as channel/alias channelname = alias");
      return;
    }
    const added = await this.addAliases(channel, this.rhs);
    if (added === null) return;
    if (added.length === 0) {
      this.msg("An alias is one to 40 characters without '='.");
      return;
    }
    this.msg(`Added/updated your alias '${added.join("', '")}' for channel ${channel.key}.`);
  }

  private unalias(): void {
    const alias = this.args.trim().toLowerCase();
    if (!alias) {
      this.msg("Specify the alias to remove as channel/unalias <alias>");
      return;
    }
    const own = personalChannelAliases(this.subscriber);
    if (!(alias in own)) {
      this.msg(`You have no channel alias '${alias}'.`);
      return;
    }
    delete own[alias];
    setPersonalChannelAliases(this.subscriber, own);
    this.msg(`Removed your channel alias '${alias}'.`);
  }

  private async who(channel: DefaultChannel): Promise<void> {
    const control = channel.access(this.subscriber, "control");
    const all = control ? await channel.subscriptions.all() : channel.subscriptions.inMemory();
    const lines: string[] = [];
    for (const sub of all) {
      const online = isOnline(sub);
      if (!online && !control) continue;
      const marks = [channel.subscriptions.isMuted(sub) ? "muting" : "", online ? "" : "offline"].filter(Boolean);
      lines.push(`${sub.key}${marks.length ? `(${marks.join(", ")})` : ""}`);
    }
    this.msg(`Subscribers of ${channel.key}:\n${lines.length ? lines.join(", ") : "<None>"}`);
  }

  private async create(): Promise<void> {
    if (!this.access(this.subscriber as unknown as PermissionHolder, "manage")) {
      this.msg("You don't have access to use channel/create.");
      return;
    }
    const config = this.lhs;
    if (!config) {
      this.msg("To create: channel/create name[;aliases][:typeclass] [= description]");
      return;
    }
    const colon = config.lastIndexOf(":");
    const typeclass = colon >= 0 ? config.slice(colon + 1).trim() : "";
    const [name, ...aliases] = (colon >= 0 ? config.slice(0, colon) : config).split(";").map((p) => p.trim());
    if (!name) {
      this.msg("To create: channel/create name[;aliases][:typeclass] [= description]");
      return;
    }
    if (typeclass && !findTypeclass(typeclass)) {
      this.msg(`No channel typeclass '${typeclass}' is registered.`);
      return;
    }
    const names = [...new Set([name, ...aliases.filter(Boolean)].map((n) => n.toLowerCase()))];
    if (names.some((n) => n.length > MAX_CHANNEL_NAME_LENGTH)) {
      this.msg(`A channel name or alias can be at most ${MAX_CHANNEL_NAME_LENGTH} characters long.`);
      return;
    }
    if (names.some((n) => n.includes("|"))) {
      this.msg("A channel name or alias cannot hold '||' (colour markup).");
      return;
    }
    // as Evennia: a new name may not be another channel's key or alias (nor may its aliases)
    const channels = await allChannels();
    const taken = names.find((n) => channels.some((c) => channelAnswersTo(c, n)));
    if (taken !== undefined) {
      this.msg(taken === name.toLowerCase() ? `Channel ${name} already exists.` : `The alias '${taken}' is already the name or an alias of a channel.`);
      return;
    }
    try {
      const channel = await createChannel(typeclass || undefined, {
        key: name,
        aliases: names.slice(1),
        desc: this.rhs ?? "",
        // an account's channel: pid(), so only that account (or its characters) controls it, not an
        // object whose number happens to be the account's (id() compares whoever asks)
        locks: `send:all();listen:all();control:${this.subscriber.kind === "account" ? "pid" : "id"}(${this.subscriber.id})`,
      });
      await channel.connect(this.subscriber);
      this.msg(`Created (and joined) new channel '${channel.key}'.`);
    } catch (err) {
      if (isEvenniaError(err, "EV_ERR_BAD_INPUT") || isEvenniaError(err, "EV_ERR_TYPECLASS")) this.msg(err.message);
      else throw err;
    }
  }

  private mayManage(channel: DefaultChannel, what: string, lock = "manage"): boolean {
    if (!this.access(this.subscriber as unknown as PermissionHolder, lock)) {
      this.msg(`You don't have access to use channel/${what}.`);
      return false;
    }
    if (!channel.access(this.subscriber, "control")) {
      this.msg(`You need 'control'-access to ${what} channel ${channel.key}.`);
      return false;
    }
    return true;
  }

  private destroy(channel: DefaultChannel): void {
    if (!this.mayManage(channel, "destroy")) return;
    const reason = this.rhs;
    askYesNo(this.session, `Are you sure you want to delete channel '${channel.key}' (make sure name is correct!)?\nThis will disconnect and remove all users' aliases. {options}?`, {
      yes: async () => {
        if (channel.isDeleted) {
          this.msg(`Channel ${channel.key} no longer exists: someone deleted it meanwhile.`);
          return;
        }
        // asked again: the locks may have changed while the question waited
        if (!this.mayManage(channel, "destroy")) return;
        await channel.msg(`|rChannel ${channel.key} is being destroyed. Make sure to clean any channel aliases.|n${reason ? ` Reason: ${reason}` : ""}`, { senders: [this.subscriber], bypassMute: true, emit: true });
        const key = channel.key;
        await channel.delete();
        this.msg(`Channel ${key} was successfully deleted.`);
      },
    });
  }

  private describe(channel: DefaultChannel): void {
    if (!this.mayManage(channel, "desc")) return;
    const desc = (this.rhs ?? "").trim();
    if (!desc) {
      this.msg("Usage: channel/desc channel = description");
      return;
    }
    channel.description = desc;
    this.msg("Updated channel description.");
  }

  private lock(channel: DefaultChannel, add: boolean): void {
    const what = add ? "lock" : "unlock";
    if (!this.mayManage(channel, what, "changelocks")) return;
    const text = (this.rhs ?? "").trim();
    if (!text) {
      this.msg(`Usage: channel/${what} channelname = ${add ? "lockstring" : "locktype"}`);
      return;
    }
    if (!add) {
      const type = text.split(":")[0]!.trim();
      this.msg(channel.locks.remove(type) ? "Removed lock from channel." : `Could not remove lock: no '${type}' lock on ${channel.key}.`);
      return;
    }
    try {
      channel.locks.add(text);
    } catch (err) {
      if (!isEvenniaError(err, "EV_ERR_BAD_LOCK")) throw err;
      this.msg(`Could not add/update lock: ${err.message}`);
      return;
    }
    this.msg("Added/updated lock on channel.");
  }

  private async moderate(action: "boot" | "ban" | "unban", channels: DefaultChannel[]): Promise<void> {
    if (!this.access(this.subscriber as unknown as PermissionHolder, "admin")) {
      this.msg(`You don't have access to use channel/${action}.`);
      return;
    }
    for (const c of channels) {
      if (!c.access(this.subscriber, "control") && !c.access(this.subscriber, "admin")) {
        this.msg(`You need 'control'-access to ${action} on channel ${c.key}.`);
        return;
      }
    }
    if (!this.rhs) {
      if (action === "ban") {
        const bans = channels[0]!.banlist.map((b) => b.key);
        this.msg(["Channel bans (to ban, use channel/ban channel[,channel,...] = username [:reason])", ...(bans.length ? bans : ["<None>"])].join("\n"));
      } else this.msg(`Usage: channel/${action} channel[,channel,...] = username${action === "unban" ? "" : " [:reason]"}`);
      return;
    }
    const colon = this.rhs.lastIndexOf(":");
    const targetName = (colon >= 0 ? this.rhs.slice(0, colon) : this.rhs).trim().toLowerCase();
    const reason = colon >= 0 ? this.rhs.slice(colon + 1).trim() : "";
    const quiet = this.switches.includes("quiet");
    for (const channel of channels) {
      const pool = action === "unban" ? channel.banlist : await channel.subscriptions.all();
      const target = pool.find((o) => o.key.toLowerCase() === targetName);
      if (!target) {
        this.msg(action === "unban" ? `${targetName} was not previously banned from this channel.` : `Cannot ${action} '${targetName}' - not in channel ${channel.key}.`);
        continue;
      }
      if (action === "unban") {
        channel.unban(target);
        this.msg(`Un-banned ${target.key} from channel ${channel.key}.`);
        continue;
      }
      if (action === "ban") channel.ban(target);
      await channel.disconnect(target);
      const why = reason ? ` Reason: ${reason}` : "";
      (target as unknown as { msg(text: string): void }).msg(`You were ${action === "ban" ? "banned" : "booted"} from channel ${channel.key} by ${this.subscriber.key}.${why}`);
      if (!quiet) await channel.msg(`${target.key} was ${action === "ban" ? "banned" : "booted"} from channel by ${this.subscriber.key}.${why}`, { emit: true });
      this.msg(`${action === "ban" ? "Banned" : "Booted"} ${target.key} from channel ${channel.key}.`);
    }
  }
}
