/**
 * `perm` (Developer): list, give and take permission strings of an object or an
 * account. Nobody gives a permission of the hierarchy (Guest < Player < Helper <
 * Builder < Admin < Developer) above what they have themselves.
 */
import { checkLockString } from "../../../locks/lock-handler.ts";
import { permissionRank } from "../../../locks/permissions.ts";
import { DefaultAccount } from "../../../typeclasses/accounts.ts";
import { DefaultObject } from "../../../typeclasses/objects.ts";
import { getLogger } from "../../../utils/logger.ts";
import { MuxCommand } from "../../mux-command.ts";
import { callerName, lookUpAccount } from "./account-lookup.ts";

const securityLog = getLogger("security");

/** `perm[/del][/account] <object or *account> [= <permission>[,<permission>...]]`. */
export class CmdPerm extends MuxCommand {
  override key = "perm";
  override aliases = ["setperm"];
  override switchOptions = ["del", "account"];
  override locks = "cmd:perm(perm) or perm(Developer)";
  override helpCategory = "admin";
  override help = `Set or remove permissions of an object or account.

Usage:
  perm[/switch] <object> [= <permission>[,<permission>,...]]
  perm[/switch] *<account> [= <permission>[,<permission>,...]]

Switches:
  del     - remove the given permissions instead of adding them
  account - work on an account (the same as putting * before the name)

Without a permission, lists the permissions on the object or account. You
cannot give a permission of the hierarchy (Guest, Player, Helper, Builder,
Admin, Developer) higher than your own. Editing needs the target's control lock
(objects) or edit lock (accounts).

Examples:
  perm Char2
  perm *Anna = Builder
  perm/account Anna = Helper, storyteller
  perm/del *Anna = Builder`;

  override async func(): Promise<void> {
    if (!this.args.trim() || !this.lhs) {
      this.msg("Usage: perm[/switch] object [ = permission, permission, ...]");
      return;
    }
    const accountMode = this.switches.includes("account") || this.lhs.startsWith("*");
    const name = this.lhs.replace(/^\*/, "").trim();
    let target: DefaultAccount | DefaultObject | null;
    if (accountMode) target = await lookUpAccount(this, name);
    else if (this.caller instanceof DefaultObject) target = await this.caller.search(name, { global: true });
    else {
      this.msg("You must be playing a character to find objects; use *<account> for an account.");
      return;
    }
    if (!target) return;

    if (this.rhs === null) {
      if (!target.access(this.caller, "examine")) {
        this.msg("You are not allowed to examine this object.");
        return;
      }
      const perms = target.permissions.get();
      let text = `Permissions on |w${target.key}|n: ${perms.length ? perms.join(", ") : "<None>"}`;
      const controller = target instanceof DefaultObject ? target.account : target;
      if (perms.length && controller?.isSuperuser) {
        text += "\n(... but this object is currently controlled by a SUPERUSER! All access checks are passed automatically.)";
      }
      this.msg(text);
      return;
    }

    const perms = this.rhslist.filter(Boolean);
    if (perms.length === 0) {
      this.msg("Usage: perm[/switch] object [ = permission, permission, ...]");
      return;
    }
    if (!target.access(this.caller, accountMode ? "edit" : "control")) {
      this.msg(`You are not allowed to edit this ${accountMode ? "account" : "object"}'s permissions.`);
      return;
    }
    const by = callerName(this);
    const forCaller: string[] = [];
    const forTarget: string[] = [];
    if (this.switches.includes("del")) {
      for (const perm of perms) {
        target.permissions.remove(perm);
        if (target.permissions.has(perm)) {
          forCaller.push(`Permissions ${perm} could not be removed from ${target.key}.`);
          continue;
        }
        forCaller.push(`Permission ${perm} removed from ${target.key} (if they existed).`);
        forTarget.push(`${by} revokes the permission(s) ${perm} from you.`);
        securityLog.info(`Permissions Deleted: ${perm}, ${target.key} (Caller: ${by}, IP: ${this.session.address}).`);
      }
    } else {
      // no self-promotion: every hierarchy permission must be one the caller passes itself
      const tooHigh = perms.find((perm) => permissionRank(perm) >= 0 && !checkLockString(this.caller, `dummy:perm(${perm})`, "dummy"));
      if (tooHigh) {
        this.msg("You cannot assign a permission higher than the one you have yourself.");
        return;
      }
      const kind = accountMode ? "the Account" : "the Object/Character";
      for (const perm of perms) {
        if (target.permissions.has(perm)) {
          forCaller.push(`Permission '${perm}' is already defined on ${target.key}.`);
          continue;
        }
        target.permissions.add(perm);
        forCaller.push(`Permission '${perm}' given to ${target.key} (${kind}).`);
        forTarget.push(`${by} gives you (${target.key}, ${kind}) the permission '${perm}'.`);
        securityLog.info(`Permissions Added: ${perm}, ${target.key} (Caller: ${by}, IP: ${this.session.address}).`);
      }
    }
    this.msg(forCaller.join("\n"));
    if (forTarget.length && target !== this.caller && target !== this.account) target.msg(forTarget.join("\n"));
  }
}
