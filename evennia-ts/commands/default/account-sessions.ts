/**
 * Who is connected: `who` (alias `doing`), every account online, and `sessions`,
 * the sessions of your own account (Evennia puts `sessions` in the SessionCmdSet).
 */
import { hasPermission } from "../../locks/permissions.ts";
import { crop, timeFormat } from "../../utils/text/format.ts";
import { Command, type CommandSession } from "../command.ts";
import { styledTable, styleOption } from "../styled-table.ts";

/** Seconds from `ms` to `now` (both ms since the epoch). */
function secondsBetween(ms: number, now: number): number {
  return Math.max(0, (now - ms) / 1000);
}

/**
 * The players' list `who` drew last, reused within the same second while the same
 * sessions of the same accounts are on and the viewer's table style is the same: a
 * game of 1,000 players drew its 1,000-row table dozens of times a second (about
 * 1.5 ms each on a slow host). Its idle times are then up to a second old, as they
 * would be a second later anyway. The admins' list (with each session's command
 * count and room) is drawn every time.
 */
let lastPlayersList: { second: number; style: string; sessions: CommandSession[]; keys: string[]; text: string } | null = null;

/**
 * The cached list when it still fits `sessions` (the logged-in ones, in the order they
 * came, by account name), else null. Checked before any row is made: a cached `who` of
 * 1,000 players makes no per-row objects.
 */
function cachedPlayersList(second: number, style: string, sessions: readonly CommandSession[]): string | null {
  const last = lastPlayersList;
  if (!last || last.second !== second || last.style !== style) return null;
  let i = 0;
  for (const session of sessions) {
    const account = session.account;
    if (account === null) continue;
    if (last.sessions[i] !== session || last.keys[i] !== account.key) return null;
    i++;
  }
  return i === last.sessions.length ? last.text : null;
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
    const sessions = this.services.sessions();
    const now = Date.now();
    const privileged = this.cmdstring.toLowerCase() !== "doing" && viewer !== null && (viewer.isSuperuser || hasPermission(viewer, "Admin"));
    const second = Math.floor(now / 1000);
    const style = `${styleOption(this, "border_color")} ${styleOption(this, "column_names_color")}`;
    if (!privileged) {
      const cached = cachedPlayersList(second, style, sessions);
      if (cached !== null) {
        this.msg(cached);
        return;
      }
    }
    // a game of 1,000 players lists 1,000 rows: each account's name read once, not per comparison
    const rows: { key: string; session: CommandSession; account: NonNullable<CommandSession["account"]> }[] = [];
    for (const session of sessions) {
      const account = session.account;
      if (account !== null) rows.push({ key: account.key, session, account });
    }
    const arrival = privileged ? null : { sessions: rows.map((r) => r.session), keys: rows.map((r) => r.key) };
    rows.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0) || a.session.sessid - b.session.sessid);
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
    const text = `|wAccounts:|n\n${table.toString()}\n${summary}`;
    if (arrival) lastPlayersList = { second, style, ...arrival, text };
    this.msg(text);
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
