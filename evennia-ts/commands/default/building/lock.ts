/**
 * `lock` (alias `locks`): view, add and delete the locks of an object or account,
 * as Evennia's `CmdLock`. A lock string is checked with the lock parser before it
 * is stored: a bad one is refused with the parser's reason and nothing changes.
 */
import type { TypedObject } from "../../../typeclasses/typed-object.ts";
import { isEvenniaError } from "../../../utils/errors.ts";
import { MuxCommand } from "../../mux-command.ts";
import { findAccountFor, findObject, mayEdit } from "./target-search.ts";

const USAGE = "Usage: lock <object>[ = <lockstring>] or lock[/switch] <object>/<access_type>";

/** `lock`: manage locks. */
export class CmdLock extends MuxCommand {
  override key = "lock";
  override aliases = ["locks"];
  override locks = "cmd: perm(locks) or perm(Builder)";
  override helpCategory = "building";
  override switchOptions = ["del", "view"];
  override help = `Assign, view or delete the locks of an object.

Usage:
  lock <object or *account>[ = <lockstring>]
  lock[/switch] <object or *account>/<access_type>

Switches:
  del  - delete the lock of the given access type
  view - show the lock of the given access type (the default)

Without a lock string, shows every lock of the object. A lock string is
  access_type:[NOT] func1(args)[ AND|OR][ NOT] func2(args) ...
and several are separated by ';'. Adding a lock of an access type that is
already locked replaces it. You need control or edit access to the object, and
control access to change its 'control' lock. See "help locks" for the lock
functions.

Examples:
  lock box = get:perm(Builder) or id(25)
  lock box = get:false(); view:all()
  lock box
  lock box/get
  lock/del box/get
  lock *anna = boot:perm(Admin)`;

  override async func(): Promise<void> {
    if (!this.args || !this.lhs) {
      this.msg(USAGE);
      return;
    }
    if (this.lhs.includes("/")) {
      const at = this.lhs.indexOf("/");
      const name = this.lhs.slice(0, at).trim();
      const accessType = this.lhs.slice(at + 1).trim().toLowerCase();
      const obj = await this.findTarget(name);
      if (!obj) return;
      const control = obj.access(this.caller, "control");
      if (accessType === "control" && !control) {
        this.msg("You need 'control' access to change this type of lock.");
        return;
      }
      if (!(control || obj.access(this.caller, "edit"))) {
        this.msg("You are not allowed to do that.");
        return;
      }
      const lockdef = accessType ? obj.locks.get(accessType) : "";
      if (!lockdef) {
        this.msg(`${obj.key} has no lock of access type '${accessType}'.`);
        return;
      }
      if (this.switches.includes("del")) {
        obj.locks.remove(accessType);
        this.msg(`deleted lock ${lockdef}`);
      } else this.msg(lockdef);
      return;
    }
    if (this.rhs) {
      if (this.switches.length) {
        this.msg(`Switch(es) |w${this.switches.join(", ")}|n can not be used with a lock assignment. Use e.g. |wlock/del objname/locktype|n instead.`);
        return;
      }
      const obj = await this.findTarget(this.lhs);
      if (!obj) return;
      if (!mayEdit(obj, this.caller)) {
        this.msg("You are not allowed to do that.");
        return;
      }
      const lockdef = this.rhs.replace(/['"]/g, "");
      const problem = obj.locks.validate(lockdef);
      if (problem) {
        this.msg(problem);
        return;
      }
      if (/(^|;)\s*control\s*:/i.test(lockdef) && !obj.access(this.caller, "control")) {
        this.msg("You need 'control' access to change this type of lock.");
        return;
      }
      try {
        obj.locks.add(lockdef);
      } catch (err) {
        if (!isEvenniaError(err, "EV_ERR_BAD_LOCK")) throw err;
        this.msg((err as Error).message);
        return;
      }
      this.msg(`Added lock '${lockdef}' to ${obj.key}.`);
      return;
    }
    const obj = await this.findTarget(this.lhs);
    if (!obj) return;
    if (!mayEdit(obj, this.caller)) {
      this.msg("You are not allowed to do that.");
      return;
    }
    const all = obj.locks.all();
    this.msg(all.length ? all.join("\n") : `${obj.key} has no locks.`);
  }

  /** `*name` is an account (an object of that name when there is no such account), else an object. */
  private async findTarget(name: string): Promise<TypedObject | null> {
    if (name.startsWith("*")) {
      const account = await findAccountFor(this, name, { quiet: true });
      if (account) return account;
    }
    return findObject(this, name.replace(/^\*/, ""));
  }
}
