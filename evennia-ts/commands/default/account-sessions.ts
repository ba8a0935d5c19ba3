/**
 * Who is connected: `who` (alias `doing`), every account online, and `sessions`,
 * the sessions of your own account (Evennia puts `sessions` in the SessionCmdSet).
 */
import { hasPermission } from "../../locks/permissions.ts";
import { crop, timeFormat } from "../../utils/text/format.ts";
import { Command, type CommandSession } from "../command.ts";
import { styledTable } from "../styled-table.ts";

/** Seconds since `ms` (ms since the epoch). */
function secondsSince(ms: number): number {
  return Math.max(0, (Date.now() - ms) / 1000);
}

/** `who` / `doing`: the accounts online; admins (not with `doing`) see where and how they are connected. */
export class CmdWho extends Command {
  override key = "who";
  override aliases = ["doing"];
  override helpCategory = "general";
  override help = `List who is currently online.

Usage:
  who
  doing

Shows the accounts connected now, how long they have been on and how long
since they last typed something. Admins also see what each session puppets,
where, how many commands it sent, its protocol and address; doing shows
everyone the short list.

Examples:
  who
  doing`;

  override async func(): Promise<void> {
    const viewer = this.account;
    const sessions = this.services
      .sessions()
      .filter((s): s is CommandSession & { account: NonNullable<CommandSession["account"]> } => s.account !== null)
      .sort((a, b) => a.account.key.localeCompare(b.account.key) || a.sessid - b.sessid);
    const privileged = this.cmdstring.toLowerCase() !== "doing" && viewer !== null && (viewer.isSuperuser || hasPermission(viewer, "Admin"));
    let table;
    if (privileged) {
      table = styledTable(this, ["Account Name", "On for", "Idle", "Puppeting", "Room", "Cmds", "Protocol", "Host"]);
      for (const s of sessions) {
        const puppet = s.puppet;
        table.addRow(
          crop(s.account.key, 25),
          timeFormat(secondsSince(s.connectedAt), 0),
          timeFormat(secondsSince(s.lastCommandAt), 1),
          crop(puppet ? puppet.getDisplayName() : "None", 25),
          crop(puppet?.location?.key ?? "None", 25),
          s.commandCount,
          s.protocolKey,
          s.address,
        );
      }
    } else {
      table = styledTable(this, ["Account name", "On for", "Idle"]);
      for (const s of sessions) {
        table.addRow(crop(s.account.key, 25), timeFormat(secondsSince(s.connectedAt), 0), timeFormat(secondsSince(s.lastCommandAt), 1));
      }
    }
    const count = new Set(sessions.map((s) => s.account)).size;
    const summary = count === 1 ? "One unique account logged in." : `${count} unique accounts logged in.`;
    this.msg(`|wAccounts:|n\n${table.toString()}\n${summary}`);
  }
}

/** `sessions`: the sessions your account is connected on. */
export class CmdSessions extends Command {
  override key = "sessions";
  override helpCategory = "general";
  override help = `Check your connected session(s).

Usage:
  sessions

Lists the sessions your account is connected on: their id, protocol, address,
the character each one puppets and where that character is.

Examples:
  sessions`;

  override async func(): Promise<void> {
    const account = this.account;
    if (!account) return;
    const table = styledTable(this, ["sessid", "protocol", "host", "puppet/character", "location"]);
    for (const s of [...account.sessions].sort((a, b) => a.sessid - b.sessid)) {
      const puppet = account.getPuppet(s);
      table.addRow(s.sessid, s.protocolKey, s.address, puppet ? puppet.key : "None", puppet ? (puppet.location?.key ?? "None") : "N/A");
    }
    this.msg(`|wYour current session(s):|n\n${table.toString()}`);
  }
}
