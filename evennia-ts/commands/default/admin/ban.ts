/**
 * `ban` and `unban` (Developer): keep account names and IP addresses out of the
 * game. The bans themselves are the server's (`services.bans`): persistent, and
 * checked when a connection opens, at login and at account creation.
 */
import { EvTable } from "../../../utils/text/evtable.ts";
import { getLogger } from "../../../utils/logger.ts";
import type { BanEntry } from "../../command.ts";
import { getInput } from "../../input-prompt.ts";
import { MuxCommand } from "../../mux-command.ts";
import { callerName } from "./account-lookup.ts";

const securityLog = getLogger("security");

/** An IPv4 address or pattern with `*` wildcards (what makes a ban an IP ban). */
const IP_PATTERN = /[0-9*]{1,3}\.[0-9*]{1,3}\.[0-9*]{1,3}\.[0-9*]{1,3}/;

/** `2026-12-01 17:20` (UTC) from a ban's ISO date. */
function banDate(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/** The numbered table of bans, or "No active bans were found.". */
export function formatBanList(bans: readonly BanEntry[], width?: number): string {
  if (bans.length === 0) return "No active bans were found.";
  const table = new EvTable(["|wid", "|wname/ip", "|wdate", "|wreason"], { maxwidth: width });
  bans.forEach((ban, i) => table.addRow(String(i + 1), ban.name || ban.ip, banDate(ban.date), ban.reason));
  return `|wActive bans:|n\n${table.toString()}`;
}

/** Is the answer to a `[Y]/N` question a no? (Anything else, an empty line too, is a yes.) */
function saidNo(answer: string): boolean {
  return ["n", "no"].includes(answer.trim().toLowerCase());
}

/** `ban [<name or ip> [: reason]]`. */
export class CmdBan extends MuxCommand {
  override key = "ban";
  override aliases = ["bans"];
  override switchOptions = ["ip", "name"];
  override locks = "cmd:perm(ban) or perm(Developer)";
  override helpCategory = "admin";
  override help = `Ban an account name or an IP address from the server.

Usage:
  ban
  ban <name or ip> [: reason]

Switches:
  ip   - the argument must be an IP address or pattern
  name - ban it as an account name even if it looks like an address

Without arguments, lists the active bans with their ids (for unban).

A name ban stops that account from logging in. An IP ban refuses every
connection, login and account creation from the address; use * for any one
number of it, to ban a whole subnet. A reason helps you remember later why the
ban was made. You are asked to confirm.

Banning is often better than deleting an account (accounts/delete). Bear in mind
that an IP ban is easy to get around with another address, and that a wide
pattern may also lock out innocent players from the same provider.

Examples:
  ban thomas
  ban thomas : harassing other players
  ban 134.233.2.111
  ban 134.233.2.*
  ban/ip 134.233.*.* : botnet`;

  override async func(): Promise<void> {
    const bans = this.services.bans;
    if (!this.args.trim()) {
      this.msg(formatBanList(await bans.list(), this.clientWidth()));
      return;
    }
    const raw = this.args;
    const at = raw.lastIndexOf(":");
    const target = (at >= 0 ? raw.slice(0, at) : raw).trim();
    const reason = at >= 0 ? raw.slice(at + 1).trim() : "";
    if (!target) {
      this.msg("Usage: ban [<name or ip> [: reason]]");
      return;
    }
    const ip = this.switches.includes("name") ? null : (IP_PATTERN.exec(target)?.[0] ?? null);
    if (this.switches.includes("ip") && !ip) {
      this.msg(`'${target}' is not an IP address or pattern (such as 134.233.2.111 or 134.233.2.*).`);
      return;
    }
    const kind = ip ? "IP" : "Name";
    const banned = ip ?? target.toLowerCase();
    const { session, services } = this;
    const by = callerName(this);
    getInput(session, `Are you sure you want to ${kind}-ban '|w${banned}|n' [Y]/N?`, async (answer) => {
      if (saidNo(answer)) {
        session.msg("Aborted.");
        return;
      }
      await services.bans.add(ip ? { ip } : { name: banned }, reason);
      session.msg(`${kind}-ban '|w${banned}|n' was added. Use |wunban|n to reinstate.`);
      securityLog.info(`Banned ${kind}: ${banned} (Caller: ${by}, IP: ${session.address}).`);
    });
  }
}

/** `unban <banid>`. */
export class CmdUnban extends MuxCommand {
  override key = "unban";
  override locks = "cmd:perm(unban) or perm(Developer)";
  override helpCategory = "admin";
  override help = `Lift a ban.

Usage:
  unban
  unban <banid>

Without an argument, lists the bans with their ids; give the id of the one to
lift. You are asked to confirm.

Examples:
  unban
  unban 2`;

  override async func(): Promise<void> {
    const bans = await this.services.bans.list();
    const arg = this.args.trim();
    if (!arg) {
      this.msg(formatBanList(bans, this.clientWidth()));
      return;
    }
    if (!/^\d+$/.test(arg)) {
      this.msg("You must supply a valid ban id to clear.");
      return;
    }
    const id = Number(arg);
    if (bans.length === 0) {
      this.msg("There are no bans to clear.");
      return;
    }
    const ban = bans[id - 1];
    if (!ban) {
      this.msg(`Ban id |w${arg}|n was not found.`);
      return;
    }
    const value = ban.name || ban.ip;
    const { session, services } = this;
    const by = callerName(this);
    getInput(session, `Are you sure you want to unban ${id}: '|w${value}|n' [Y]/N?`, async (answer) => {
      if (saidNo(answer)) {
        session.msg("Aborted.");
        return;
      }
      // the list may have changed while the question waited: remove this ban, wherever it is now
      const now = await services.bans.list();
      const at = now.findIndex((b) => b.name === ban.name && b.ip === ban.ip && b.date === ban.date);
      if (at < 0) {
        session.msg(`Ban '${value}' is already gone.`);
        return;
      }
      await services.bans.remove(at + 1);
      session.msg(`Cleared ban ${id}: '${value}'`);
      securityLog.info(`Unbanned: ${value} (Caller: ${by}, IP: ${session.address}).`);
    });
  }
}
