/**
 * `accounts` (Admin): how many accounts there are, of which typeclasses, and the
 * latest ones created; `accounts/delete` (Developer) removes one for good.
 */
import { hasPermission } from "../../locks/permissions.ts";
import type { DefaultAccount } from "../../typeclasses/accounts.ts";
import { getStore } from "../../typeclasses/store-context.ts";
import { EvTable } from "../../utils/text/evtable.ts";
import { getLogger } from "../../utils/logger.ts";
import { getInput } from "../input-prompt.ts";
import { MuxCommand } from "../mux-command.ts";
import { callerName, lookUpAccount } from "./admin/account-lookup.ts";

const securityLog = getLogger("security");

/** How many of the latest accounts are listed without a number. */
const DEFAULT_LATEST = 10;

/** `2026-12-01 17:20` (UTC). */
function shortDate(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace("T", " ")}`;
}

/** `accounts [nr]`, `accounts/delete <name or #id> [: reason]`. */
export class CmdAccounts extends MuxCommand {
  override key = "accounts";
  override aliases = ["account", "listaccounts"];
  override switchOptions = ["delete"];
  override locks = "cmd:perm(listaccounts) or perm(Admin)";
  override helpCategory = "system";
  override help = `List and manage the registered accounts.

Usage:
  accounts [nr]
  accounts/delete <name or #id> [: reason]

Switches:
  delete - delete an account for good (Developers only; you are asked first)

Shows how many accounts there are of each typeclass and the <nr> latest
created (10 when not given). Deleting disconnects the account first and tells
it the reason; banning (ban) is often the better choice.

Examples:
  accounts
  accounts 25
  accounts/delete Spammer : advertising`;

  override async func(): Promise<void> {
    if (this.switches.includes("delete")) {
      await this.deleteAccount();
      return;
    }
    const arg = this.args.trim();
    if (arg && !/^\d+$/.test(arg)) {
      this.msg("Usage: accounts [nr] (how many of the latest accounts to list)");
      return;
    }
    const limit = arg ? Math.max(1, Math.min(Number(arg), 1000)) : DEFAULT_LATEST;
    const store = getStore();
    const totals = await store.db.query<{ typeclass_path: string; n: number | string }>(
      "SELECT typeclass_path, COUNT(*) AS n FROM accounts GROUP BY typeclass_path ORDER BY typeclass_path",
    );
    const count = totals.reduce((sum, row) => sum + Number(row.n), 0);
    const typeTable = new EvTable(["|wtypeclass|n", "|wcount|n", "|w%|n"], { border: "cells", maxwidth: this.clientWidth() });
    for (const row of totals) typeTable.addRow(row.typeclass_path, String(row.n), count ? ((Number(row.n) / count) * 100).toFixed(2) : "0.00");
    const latest = (await store.where("account", "1 = 1", [], `ORDER BY date_created DESC, id DESC LIMIT ${limit}`)).reverse();
    const latestTable = new EvTable(["|wcreated|n", "|wdbref|n", "|wname|n", "|wtypeclass|n"], { border: "cells", maxwidth: this.clientWidth() });
    for (const account of latest) latestTable.addRow(shortDate(account.dateCreated), account.dbref, account.key, account.typeclassPath);
    this.msg(
      [
        `|wAccount typeclass distribution:|n (${count} account${count === 1 ? "" : "s"} in all)`,
        typeTable.toString(),
        `|wLast ${latest.length} Accounts created:|n`,
        latestTable.toString(),
      ].join("\n"),
    );
  }

  private async deleteAccount(): Promise<void> {
    if (!this.account || !hasPermission(this.account, "Developer")) {
      this.msg("You are not allowed to delete accounts.");
      return;
    }
    const raw = this.args.trim();
    if (!raw) {
      this.msg("Usage: accounts/delete <name or #id> [: reason]");
      return;
    }
    const at = raw.indexOf(":");
    const name = (at >= 0 ? raw.slice(0, at) : raw).trim();
    const reason = at >= 0 ? raw.slice(at + 1).trim() : "";
    const account = await lookUpAccount(this, name);
    if (!account) return;
    if (!account.access(this.caller, "delete")) {
      this.msg("You don't have the permissions to delete that account.");
      return;
    }
    if (account === this.account) {
      this.msg("You cannot delete your own account while logged in with it.");
      return;
    }
    const { session, services } = this;
    const by = callerName(this);
    const username = account.key;
    getInput(
      session,
      `It is often better to block access to an account rather than to delete it. |yAre you sure you want to permanently delete account '|n${username}|y'|n yes/[no]?`,
      async (answer) => {
        if (!["y", "yes"].includes(answer.trim().toLowerCase())) {
          session.msg("Canceled deletion.");
          return;
        }
        if (account.isDeleted) {
          session.msg(`Account ${username} is already gone.`);
          return;
        }
        session.msg("Informing and disconnecting account ...");
        let farewell = `Your account '${username}' is being *permanently* deleted.`;
        if (reason) farewell += ` Reason given:\n  '${reason}'`;
        for (const other of services.allSessions().filter((s) => s.account === account)) await services.disconnect(other, farewell);
        await deleteWithCharacters(account);
        securityLog.info(`Account Deleted: ${username} (Reason: ${reason}, Caller: ${by}, IP: ${session.address}).`);
        session.msg(`Account ${username} was successfully deleted.`);
      },
    );
  }
}

/** Delete an account; its characters stay in the world, played by nobody (as Evennia's). */
export async function deleteWithCharacters(account: DefaultAccount): Promise<void> {
  for (const character of account.characters) if (character.account === account) character.account = null;
  await account.delete();
}
