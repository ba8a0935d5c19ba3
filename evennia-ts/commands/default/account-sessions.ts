/**
 * Who is connected: `who` (alias `doing`), every account online, and `sessions`,
 * the sessions of your own account (Evennia puts `sessions` in the SessionCmdSet).
 */
import { hasPermission } from "../../locks/permissions.ts";
import { crop, timeFormat } from "../../utils/text/format.ts";
import { Command, type CommandSession } from "../command.ts";
import { styledTable } from "../styled-table.ts";

/** Seconds from `ms` to `now` (both ms since the epoch). */
function secondsBetween(ms: number, now: number): number {
  return Math.max(0, (now - ms) / 1000);
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
    // a game of 1,000 players lists 1,000 rows: each account's name read once, not per comparison
    const rows: { key: string; session: CommandSession; account: NonNullable<CommandSession["account"]> }[] = [];
    for (const session of this.services.sessions()) {
      const account = session.account;
      if (account !== null) rows.push({ key: account.key, session, account });
    }
    rows.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0) || a.session.sessid - b.session.sessid);
    const now = Date.now();
    const privileged = this.cmdstring.toLowerCase() !== "doing" && viewer !== null && (viewer.isSuperuser || hasPermission(viewer, "Admin"));
    let table;
    if (privileged) {
      table = styledTable(this, ["Account Name", "On for", "Idle", "Puppeting", "Room", "Cmds", "Protocol", "Host"]);
      for (const { key, session: s } of rows) {
        const puppet = s.puppet;
        table.addRow(
          crop(key, 25),
          timeFormat(secondsBetween(s.connectedAt, now), 0),
          timeFormat(secondsBetween(s.lastCommandAt, now), 1),
          crop(puppet ? puppet.getDisplayName() : "None", 25),
          crop(puppet?.location?.key ?? "None", 25),
          s.commandCount,
          s.protocolKey,
          s.address,
        );
      }
    } else {
      table = styledTable(this, ["Account name", "On for", "Idle"]);
      for (const { key, session: s } of rows) {
        table.addRow(crop(key, 25), timeFormat(secondsBetween(s.connectedAt, now), 0), timeFormat(secondsBetween(s.lastCommandAt, now), 1));
      }
    }
    const count = new Set(rows.map((r) => r.account)).size;
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
