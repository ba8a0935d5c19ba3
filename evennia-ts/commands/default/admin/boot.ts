/**
 * `boot` (Admin): disconnect an account's sessions, or one session by its id.
 */
import { getLogger } from "../../../utils/logger.ts";
import type { CommandSession } from "../../command.ts";
import { MuxCommand } from "../../mux-command.ts";
import { callerName, lookUpAccount } from "./account-lookup.ts";

const securityLog = getLogger("security");

/** `boot[/quiet][/sid] <account or session id> [: reason]`. */
export class CmdBoot extends MuxCommand {
  override key = "boot";
  override switchOptions = ["quiet", "sid"];
  override locks = "cmd:perm(boot) or perm(Admin)";
  override helpCategory = "admin";
  override help = `Kick an account off the server.

Usage:
  boot[/switches] <account> [: reason]

Switches:
  quiet - boot without telling the account anything
  sid   - name a session id (see who) instead of an account

Every session of the account is disconnected. A reason, when given, is shown
to the booted player unless /quiet is used. You need the right to boot that
account (its boot lock; Admins by default).

Examples:
  boot Anna
  boot Anna : spamming the channels
  boot/sid 12
  boot/quiet Anna`;

  override async func(): Promise<void> {
    const raw = this.args.trim();
    if (!raw) {
      this.msg("Usage: boot[/switches] <account> [:reason]");
      return;
    }
    const at = raw.indexOf(":");
    const target = (at >= 0 ? raw.slice(0, at) : raw).trim();
    const reason = at >= 0 ? raw.slice(at + 1).trim() : "";
    let bootList: CommandSession[] = [];
    let who = target;
    if (this.switches.includes("sid")) {
      const sessid = Number(target);
      if (!/^\d+$/.test(target) || !Number.isSafeInteger(sessid)) {
        this.msg("Usage: boot/sid <session id> [:reason] (a number, as who shows it)");
        return;
      }
      const session = this.services.allSessions().find((s) => s.sessid === sessid);
      if (session) bootList = [session];
      who = session?.account?.key ?? `session ${sessid}`;
    } else {
      const account = await lookUpAccount(this, target);
      if (!account) return;
      if (!account.access(this.caller, "boot")) {
        this.msg(`You don't have the permission to boot ${account.key}.`);
        return;
      }
      who = account.key;
      bootList = this.services.allSessions().filter((s) => s.account === account);
    }
    if (bootList.length === 0) {
      this.msg("No matching sessions found. The Account does not seem to be online.");
      return;
    }
    let feedback = "";
    if (!this.switches.includes("quiet")) {
      feedback = `You have been disconnected by ${callerName(this)}.`;
      if (reason) feedback += `\nReason given: ${reason}`;
    }
    for (const session of bootList) await this.services.disconnect(session, feedback);
    this.msg(`Booted ${who} (${bootList.length} session${bootList.length === 1 ? "" : "s"}).`);
    securityLog.info(`Booted: ${who} (Reason: ${reason}, Caller: ${callerName(this)}, IP: ${this.session.address}).`);
  }
}
