/**
 * `userpassword` (Admin): set another account's password.
 */
import { checkLockString } from "../../../locks/lock-handler.ts";
import { permissionRank } from "../../../locks/permissions.ts";
import type { DefaultAccount } from "../../../typeclasses/accounts.ts";
import { isEvenniaError } from "../../../utils/errors.ts";
import { getLogger } from "../../../utils/logger.ts";
import { MuxCommand } from "../../mux-command.ts";
import { callerName, lookUpAccount } from "./account-lookup.ts";

const securityLog = getLogger("security");

/** `userpassword <account> = <new password>`. */
export class CmdNewPassword extends MuxCommand {
  override key = "userpassword";
  override locks = "cmd:perm(newpassword) or perm(Admin)";
  override helpCategory = "admin";
  override help = `Change the password of an account.

Usage:
  userpassword <user obj> = <new password>

Sets the account's password; the usual password rules apply. You cannot change
the password of a superuser, or of an account whose permissions are above yours.

Examples:
  userpassword Anna = correct-horse-battery
  userpassword #5 = new-secret`;

  override async func(): Promise<void> {
    if (!this.lhs || !this.rhs) {
      this.msg("Usage: userpassword <user obj> = <new password>");
      return;
    }
    const account = await lookUpAccount(this, this.lhs);
    if (!account) return;
    if (account !== this.account && !this.outranks(account)) {
      this.msg(`You cannot change the password of ${account.key}: their permissions are above yours.`);
      return;
    }
    const password = this.rhs;
    try {
      (account.constructor as typeof DefaultAccount).validatePassword(password);
    } catch (err) {
      if (isEvenniaError(err, "EV_ERR_BAD_INPUT")) {
        this.msg(err.message);
        return;
      }
      throw err;
    }
    await account.setPassword(password);
    this.msg(`${account.key} - new password set to '${password}'.`);
    if (account !== this.account) account.msg(`${callerName(this)} has changed your password to '${password}'.`);
    securityLog.info(`Password Changed: ${account.key} (Caller: ${callerName(this)}, IP: ${this.session.address}).`);
  }

  /** Does the caller pass every hierarchy permission `account` holds (and is it a superuser when the account is)? */
  private outranks(account: DefaultAccount): boolean {
    if (account.isSuperuser) return checkLockString(this.caller, "dummy:superuser()", "dummy");
    return account.permissions.get().every((perm) => permissionRank(perm) < 0 || checkLockString(this.caller, `dummy:perm(${perm})`, "dummy"));
  }
}
