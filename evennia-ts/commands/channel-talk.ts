/**
 * Talking on a channel and reading its history, shared by the `channel` command
 * and the channel-name commands (`public Hello`, `public`).
 */
import { withSenderNames, type DefaultChannel } from "../typeclasses/channels.ts";
import { messageTime, type StoredMessage } from "../typeclasses/messages.ts";
import type { TypedObject } from "../typeclasses/typed-object.ts";
import type { Command } from "./command.ts";
import { evmore } from "./evmore.ts";

/** Lines `channel/history` shows at a time (Evennia's 20). */
export const HISTORY_LINES = 20;

/**
 * Send `text` from `sender` to `channel`: refused without the `send` lock (or
 * when not subscribed); a muted sender is unmuted first, as in Evennia.
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
  await channel.msg(text, { senders: [sender] });
  return true;
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
