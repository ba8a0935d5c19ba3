/**
 * `quell` / `unquell`: act with the puppet's permissions instead of the account's
 * (for testing what players see), and back. Quelling only ever lowers: the lower of
 * the account's and the puppet's ranks counts, and a superuser's puppet loses the
 * lock bypass (see docs/locks.md).
 */
import { Command } from "../command.ts";

/** `quell` and `unquell`. */
export class CmdQuell extends Command {
  override key = "quell";
  override aliases = ["unquell"];
  override locks = "cmd:pperm(Player)";
  override helpCategory = "general";
  override help = `Act with your character's permissions instead of your account's.

Usage:
  quell
  unquell

While quelled, locks see the permissions of the character you puppet, not those
of your account: handy to check what an ordinary player can do. It only ever
lowers what you may do (the lower of the two ranks counts), and a superuser
loses the lock bypass while quelled. unquell puts your account's permissions back.

Examples:
  quell
  unquell`;

  override async func(): Promise<void> {
    const account = this.account;
    if (!account) return;
    const accountPerms = account.isSuperuser ? "(superuser)" : `(${account.permissions.get().join(", ")})`;
    if (this.cmdstring.toLowerCase() === "unquell") {
      if (!account.quelled) {
        this.msg(`Already using normal Account permissions ${accountPerms}.`);
        return;
      }
      account.quelled = false;
      this.msg(`Account permissions ${accountPerms} restored.`);
      return;
    }
    if (account.quelled) {
      this.msg(`Already quelling Account ${accountPerms} permissions.`);
      return;
    }
    account.quelled = true;
    const puppet = this.session.puppet;
    if (!puppet) {
      this.msg(`Quelling Account permissions ${accountPerms}. Use unquell to get them back.`);
      return;
    }
    this.msg(
      [
        `Quelling to current puppet's permissions (${puppet.permissions.get().join(", ")}).`,
        `(Note: If this is higher than Account permissions ${accountPerms}, the lowest of the two will be used.)`,
        "Use unquell to return to normal permission usage.",
      ].join("\n"),
    );
  }
}
