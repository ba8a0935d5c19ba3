/**
 * `create`: make new things, in the builder's hands or (with /drop) on the floor.
 */
import { createObject } from "../../../typeclasses/create.ts";
import type { DefaultObject } from "../../../typeclasses/objects.ts";
import { ObjManipCommand } from "./obj-manip-command.ts";
import { objectNameProblem, resolveObjectTypeclass, typenameOf } from "./object-spec.ts";

/** `create[/drop] name[;alias...][:typeclass], ...`: create one or more objects. */
export class CmdCreate extends ObjManipCommand {
  override key = "create";
  override switchOptions = ["drop"];
  override locks = "cmd:perm(create) or perm(Builder)";
  override help = `Create new objects.

Usage:
  create[/drop] <objname>[;alias;alias...][:typeclass], <objname>...

Switches:
  drop - put the new object down in your location (quietly) and make that
         location its home, instead of keeping it in your inventory with you
         as its home.

Creates one or more objects, separated by commas. Aliases follow the name,
each after a semicolon. A typeclass, after a colon, is a registered typeclass
path; a short path is also looked for under "typeclasses." and
"evennia.objects." (so "objects.Object" finds typeclasses.objects.Object).
Without one, the typeclass is the baseObjectTypeclass setting.

Examples:
  create sword
  create/drop button;red:typeclasses.objects.Object
  create box;crate, lid`;

  override async func(): Promise<void> {
    const caller = this.builder();
    if (!caller) return;
    if (!this.args.trim() || this.lhsObjs.length === 0) {
      this.msg("Usage: create[/drop] <newname>[;alias;alias...] [:typeclass.path]");
      return;
    }
    const drop = this.switches.includes("drop");
    for (const spec of this.lhsObjs) {
      if (!spec.name) {
        this.msg("You must give each new object a name (create <name>[;alias...][:typeclass]).");
        continue;
      }
      const badName = objectNameProblem(spec.name);
      if (badName) {
        this.msg(badName);
        continue;
      }
      const found = resolveObjectTypeclass(spec.option, "object");
      if (!found.ok) {
        this.msg(`|r${found.error}|n`);
        continue;
      }
      const obj = await createObject(found.typeclass.cls, { key: spec.name, location: caller, home: caller, aliases: spec.aliases, caller });
      // as Evennia's DefaultObject.create(account=...): the builder's account owns it too
      // (in its locks, and as creator) without the object becoming that account's character
      const account = caller.account;
      if (account) {
        obj.locks.add((found.typeclass.cls as unknown as typeof DefaultObject).getDefaultLockstring({ account, caller, obj }));
        obj.db.creator_id = account.id;
      }
      const aliasText = spec.aliases.length ? ` (aliases: ${spec.aliases.join(", ")})` : "";
      this.msg(`You create a new ${typenameOf(obj)}: ${obj.key}${aliasText}.`);
      const location = caller.location;
      if (drop && location) {
        obj.home = location;
        await obj.moveTo(location, { quiet: true, moveType: "drop" });
      }
    }
  }
}
