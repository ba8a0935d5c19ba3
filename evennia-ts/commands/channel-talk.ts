/**
 * Talking on a channel and reading its history, shared by the `channel` command
 * and the channel-name commands (`public Hello`, `public`).
 */
import { activeSettings } from "../conf/active-settings.ts";
import { hasPermission } from "../locks/permissions.ts";
import { withSenderNames, type DefaultChannel } from "../typeclasses/channels.ts";
import { messageTime, type StoredMessage } from "../typeclasses/messages.ts";
import type { TypedObject } from "../typeclasses/typed-object.ts";
import type { Command } from "./command.ts";
import { evmore } from "./evmore.ts";
import { stripUnsafeInput } from "../utils/text/markup.ts";

/** Lines `channel/history` shows at a time (Evennia's 20). */
export const HISTORY_LINES = 20;

/**
 * Send `text` from `sender` to `channel`: refused without the `send` lock (or
 * when not subscribed); a muted sender is unmuted first, as in Evennia. Line
 * breaks, tabs and HTML tags are stripped unless the caller's account holds one of
 * `inputCleanupBypassPermissions` (see {@link cleanChannelInput}).
 */
export async function sendToChannel(cmd: Command, channel: DefaultChannel, sender: TypedObject, text: string): Promise<boolean> {
  if (!channel.access(sender, "send")) {
    cmd.msg(`You are not allowed to send messages to channel ${channel.key}`);
    return false;
  }
  if (!(await channel.hasConnection(sender))) {
    cmd.msg(`You are not subscribed to channel ${channel.key}. Use |wchannel/sub ${channel.key}|n first.`);
    return false;
  }
  if (channel.subscriptions.isMuted(sender)) await channel.unmute(sender);
  await channel.msg(cleanChannelInput(cmd, text), { senders: [sender] });
  return true;
}

/**
 * `text` as it may go to a channel from `cmd`'s caller: stripped of what could fake
 * a line from someone else ({@link stripUnsafeInput}) unless the caller's account (or
 * the caller, without one) holds a permission of `inputCleanupBypassPermissions`.
 */
export function cleanChannelInput(cmd: Command, text: string): string {
  const who = (cmd.account ?? cmd.caller) as Parameters<typeof hasPermission>[0];
  if (activeSettings().inputCleanupBypassPermissions.some((perm) => hasPermission(who, perm))) return text;
  return stripUnsafeInput(text);
}

/** One history line: `[2026-12-01 17:30] Anna: hello` (poses and emits as they were shown). */
export function historyLine(message: StoredMessage): string {
  const when = messageTime(message);
  const body = withSenderNames(message.text, message.senders.map((s) => s.name).join(", "), message.header === "emit");
  return `|x[${when}]|n ${body}`;
}

/** Show the {@link HISTORY_LINES} lines before the `skip` newest, paged. Needs the `listen` lock. */
export async function showChannelHistory(cmd: Command, channel: DefaultChannel, skip: number): Promise<void> {
  const reader = cmd.account ?? (cmd.caller as TypedObject);
  if (!channel.access(reader, "listen")) {
    cmd.msg(`You are not allowed to listen to channel ${channel.key}.`);
    return;
  }
  const messages = await channel.history(HISTORY_LINES, skip);
  if (messages.length === 0) {
    cmd.msg(skip > 0 ? `No history of channel ${channel.key} that far back.` : `No history of channel ${channel.key} yet.`);
    return;
  }
  evmore(cmd, [`|wHistory of ${channel.key}|n:`, ...messages.map(historyLine)].join("\n"));
}
