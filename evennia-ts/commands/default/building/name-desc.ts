/**
 * `name` (`rename`) and `desc`: change what an object is called and how it looks.
 */
import { DefaultAccount } from "../../../typeclasses/accounts.ts";
import { DefaultObject as ObjectClass } from "../../../typeclasses/objects.ts";
import { EvEditor } from "../../eveditor/editor.ts";
import { registerEditorFunction, type EditorCaller, type EditorHandle } from "../../eveditor/editor-hooks.ts";
import { findAccount } from "../../../typeclasses/search.ts";
import { isEvenniaError } from "../../../utils/errors.ts";
import type { DefaultObject } from "../../../typeclasses/objects.ts";
import { mayBuild, noPermission } from "./access.ts";
import { ObjManipCommand } from "./obj-manip-command.ts";
import { objectNameProblem } from "./object-spec.ts";

/** `name <obj> = <newname>;alias1;alias2`, or `name *<account> = <newname>`. */
export class CmdName extends ObjManipCommand {
  override key = "name";
  override aliases = ["rename"];
  override locks = "cmd:perm(rename) or perm(Builder)";
  override help = `Change the name and/or aliases of an object.

Usage:
  name <obj> = <newname>;alias1;alias2

Renames an object; aliases after the new name, each after a semicolon, are
added to those it has. Leave the name out ("name box = ;crate") to only add
aliases. Use *<account> to rename an account (no aliases). You need the
object's "control" or "edit" lock.

Examples:
  name sword = Excalibur;blade
  rename north = north gate;gate
  name *anna = Annabel`;

  override async func(): Promise<void> {
    const caller = this.builder();
    if (!caller) return;
    const objname = this.lhsObjs[0]?.name ?? "";
    if (!this.args.trim() || !objname) {
      this.msg("Usage: name <obj> = <newname>[;alias;alias;...]");
      return;
    }
    // the new name is everything before the first ";" (a ":" or "," in it is kept)
    const [newname = "", ...rest] = (this.rhs ?? "").split(";").map((part) => part.trim());
    const aliases = rest.filter(Boolean);
    if (objname.startsWith("*") && caller.account) {
      await this.renameAccount(objname.slice(1).trim(), newname, aliases);
      return;
    }
    const obj = await caller.search(objname);
    if (!obj) return;
    if (!newname && aliases.length === 0) {
      this.msg("No names or aliases defined!");
      return;
    }
    if (!mayBuild(obj, caller, "edit")) {
      this.msg(`You don't have the right to edit ${obj.key}.`);
      return;
    }
    const badName = newname ? objectNameProblem(newname) : null;
    if (badName) {
      this.msg(badName);
      return;
    }
    if (newname) obj.key = newname;
    for (const alias of aliases) obj.aliases.add(alias);
    const aliasText = aliases.length ? ` (${aliases.join(", ")})` : "";
    this.msg(newname ? `Object's name changed to '${newname}'${aliasText}.` : `Aliases added to ${obj.key}:${aliasText}.`);
  }

  private async renameAccount(name: string, newname: string, aliases: string[]): Promise<void> {
    const account = name ? await findAccount(name) : null;
    if (!(account instanceof DefaultAccount)) {
      this.msg(`Could not find account '${name}'.`);
      return;
    }
    if (aliases.length) {
      this.msg("Accounts can't have aliases.");
      return;
    }
    if (!newname) {
      this.msg("No name defined!");
      return;
    }
    if (!(account.access(this.caller, "control") || account.access(this.caller, "edit"))) {
      this.msg(`You don't have right to edit this account ${account.key}.`);
      return;
    }
    // the rules a new account's name follows (length, letters, no look-alikes), in the same normal form
    let username: string;
    try {
      username = (account.constructor as typeof DefaultAccount).validateUsername(newname);
    } catch (err) {
      if (!isEvenniaError(err, "EV_ERR_BAD_INPUT")) throw err;
      this.msg(err.message);
      return;
    }
    const taken = await findAccount(username);
    if (taken && taken !== account) {
      this.msg(`There is already an account named '${taken.key}'.`);
      return;
    }
    account.username = username;
    this.msg(`Account's name changed to '${username}'.`);
  }
}

/** `desc [<obj> =] <description>`: set the `desc` attribute (of the room when no object is named). */
export class CmdDesc extends ObjManipCommand {
  override key = "desc";
  override switchOptions = ["edit"];
  override locks = "cmd:perm(desc) or perm(Builder)";
  override help = `Describe an object or the current room.

Usage:
  desc [<obj> =] <description>

  desc/edit [<obj>]

Switches:
  edit - open the line editor (EvEditor) on the description; ':wq' saves
         and leaves it, ':h' lists its commands. It survives a reload.

Sets the "desc" attribute of an object, or of your location when no object
is named. You need the object's "control" or "edit" lock.

Examples:
  desc A sunny meadow, full of flowers.
  desc sword = A sharp, shiny blade.
  desc/edit sword`;

  override async func(): Promise<void> {
    const caller = this.builder();
    if (!caller) return;
    if (this.switches.includes("edit")) {
      await this.editDesc(caller);
      return;
    }
    if (!this.args.trim()) {
      this.msg("Usage: desc [<obj> =] <description>");
      return;
    }
    let desc: string;
    let obj: DefaultObject | null;
    if (this.rhs !== null) {
      obj = await caller.search(this.lhs);
      if (!obj) return;
      desc = this.rhs;
    } else {
      obj = caller.location;
      if (!obj) {
        this.msg("|rYou don't have a location to describe.|n");
        return;
      }
      desc = this.args.trim();
    }
    if (!mayBuild(obj, caller, "edit")) {
      this.msg(noPermission("edit the description of", obj));
      return;
    }
    obj.db.desc = desc;
    this.msg(`The description was set on ${obj.getDisplayName(caller)}.`);
  }

  /** `desc/edit [<obj>]`: the description in the line editor. */
  private async editDesc(caller: DefaultObject): Promise<void> {
    if (this.rhs !== null) {
      this.msg("|rYou may specify a value, or use the edit switch, but not both.|n");
      return;
    }
    const target = this.args.trim();
    const obj = target ? await caller.search(target) : caller.location;
    if (!obj) {
      if (!target) this.msg("|rYou can't describe oblivion.|n");
      return;
    }
    if (!mayBuild(obj, caller, "edit")) {
      this.msg(`You don't have permission to edit the description of ${obj.key}.`);
      return;
    }
    await EvEditor.start(this, { key: "desc", loadfunc: DESC_LOAD, savefunc: DESC_SAVE, quitfunc: DESC_QUIT, persistent: true, data: { target: obj } });
  }
}

/** Names of the desc editor's hooks (registered, so the editor survives a reload). */
const DESC_LOAD = "evennia.building.desc.load";
const DESC_SAVE = "evennia.building.desc.save";
const DESC_QUIT = "evennia.building.desc.quit";

function descTarget(editor: EditorHandle): DefaultObject | null {
  const target = editor.data.target;
  return target instanceof ObjectClass && !target.isDeleted ? target : null;
}

registerEditorFunction(DESC_LOAD, (_caller: EditorCaller, editor: EditorHandle) => {
  const desc = descTarget(editor)?.db.desc;
  return typeof desc === "string" ? desc : "";
});
registerEditorFunction(DESC_SAVE, (caller: EditorCaller, buffer: string, editor: EditorHandle) => {
  const target = descTarget(editor);
  if (!target) {
    caller.msg("|rThe object being described is gone; nothing was saved.|n");
    return false;
  }
  target.db.desc = buffer;
  caller.msg("Saved.");
  return true;
});
registerEditorFunction(DESC_QUIT, (caller: EditorCaller) => {
  caller.msg("Exited editor.");
});
