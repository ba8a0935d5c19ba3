/**
 * `open`, `link` and `unlink`: make exits and point them somewhere (or nowhere).
 */
import { createObject } from "../../../typeclasses/create.ts";
import type { DefaultObject } from "../../../typeclasses/objects.ts";
import { sessionRegistry } from "../../../typeclasses/sessions.ts";
import { ObjManipCommand } from "./obj-manip-command.ts";
import { objectNameProblem, resolveObjectTypeclass, type ObjectSpec } from "./object-spec.ts";

/**
 * Find what `link`/`unlink` act on: a match near `caller` first (several are
 * reported), else an exact name anywhere (reported when none).
 */
async function findLinkSubject(caller: DefaultObject, name: string): Promise<DefaultObject | null> {
  const local = await caller.search(name, { quiet: true });
  if (local.length === 1) return local[0]!;
  if (local.length > 1) return caller.search(name);
  return caller.search(name, { global: true });
}

/**
 * `open <exit>[;alias][:typeclass] [, <return exit>[;alias][:typeclass]] = <destination>`:
 * open an exit from the current room (and optionally one back).
 */
export class CmdOpen extends ObjManipCommand {
  override key = "open";
  override locks = "cmd:perm(open) or perm(Builder)";
  override help = `Open a new exit from the current room.

Usage:
  open <new exit>[;alias;alias..][:typeclass] [,<return exit>[;alias;..][:typeclass]] = <destination>

Creates an exit in your location leading to <destination>, a room named by
#dbref or by a name no other object has. With a second exit after a comma,
that one is made in the destination leading back here. An exit of that
name already in the room is pointed at the new destination instead.

Examples:
  open north;n = Kitchen
  open door;d, door;d = #12
  open gate:typeclasses.exits.Exit = Courtyard`;

  override async func(): Promise<void> {
    const caller = this.builder();
    if (!caller) return;
    if (!this.args.trim() || !this.rhs) {
      this.msg("Usage: open <new exit>[;alias...][:typeclass][,<return exit>[;alias..][:typeclass]]] = <destination>");
      return;
    }
    const location = caller.location;
    if (!location) {
      this.msg("You cannot create an exit from a None-location.");
      return;
    }
    const destination = await caller.search(this.rhs, { global: true });
    if (!destination) return;
    const there = this.lhsObjs[0];
    if (!there?.name) {
      this.msg("You must give the new exit a name.");
      return;
    }
    if (!(await this.createExit(caller, there, location, destination))) return;
    const back = this.lhsObjs[1];
    if (back) {
      if (!back.name) this.msg("No back exit created.");
      else await this.createExit(caller, back, destination, location);
    }
  }

  /**
   * Make the exit `spec` in `location` leading to `destination`, or re-point the
   * exit of that name already there. Returns the exit, or null after saying why not.
   */
  async createExit(caller: DefaultObject, spec: ObjectSpec, location: DefaultObject, destination: DefaultObject): Promise<DefaultObject | null> {
    const existing = await caller.search(spec.name, { location, quiet: true, exact: true });
    if (existing.length > 1) {
      await caller.search(spec.name, { location, exact: true });
      return null;
    }
    const found = existing[0];
    if (found === destination) {
      // as `link` refuses: traversing it would move into the exit itself
      this.msg(`Exit ${spec.name} cannot lead to itself.`);
      return null;
    }
    if (found) {
      const old = found.destination;
      if (!old) {
        this.msg(
          `'${spec.name}' already exists and is not an exit!\nIf you want to convert it to an exit, you must assign an object to the 'destination' property first.`,
        );
        return null;
      }
      let text = `Exit ${spec.name} already exists.`;
      if (old !== destination) {
        found.destination = destination;
        for (const alias of spec.aliases) found.aliases.add(alias);
        text += ` Rerouted its old destination '${old.key}' to '${destination.key}' and changed aliases.`;
      } else {
        text += " It already points to the correct place.";
      }
      this.msg(text);
      return found;
    }
    const badName = objectNameProblem(spec.name);
    if (badName) {
      this.msg(badName);
      return null;
    }
    const typeclass = resolveObjectTypeclass(spec.option, "exit");
    if (!typeclass.ok) {
      this.msg(`|rError creating exit:|n ${typeclass.error}`);
      return null;
    }
    const home = (await sessionRegistry()?.defaultHome()) ?? null;
    const exit = await createObject(typeclass.typeclass.cls, { key: spec.name, aliases: spec.aliases, location, destination, home, caller });
    const aliasText = spec.aliases.length ? ` (aliases: ${spec.aliases.join(", ")})` : "";
    this.msg(`Created new Exit '${spec.name}' from ${location.key} to ${destination.key}${aliasText}.`);
    return exit;
  }
}

/** `link[/twoway] <object> = <target>`, `link <object> =` (clear), `link <object>` (show). */
export class CmdLink extends ObjManipCommand {
  override key = "link";
  override switchOptions = ["twoway"];
  override locks = "cmd:perm(link) or perm(Builder)";
  override help = `Link existing rooms together with exits.

Usage:
  link[/switches] <object> = <target>
  link[/switches] <object> =
  link[/switches] <object>

Switch:
  twoway - link two exits to each other's rooms: both <object> and <target>
           must be exits (objects with a location).

The first form makes <target> the destination of <object> (usually an exit).
With /twoway, each exit leads to the room the other one is in. The second form,
a lone "=", clears the destination (as unlink does); the third just shows it.
<object> is looked for around you first, then anywhere by its exact name.

Examples:
  link north = Kitchen
  link/twoway door = #21
  link north =
  link north`;

  override async func(): Promise<void> {
    const caller = this.builder();
    if (!caller) return;
    if (!this.args.trim() || !this.lhs) {
      this.msg("Usage: link[/twoway] <object> = <target>");
      return;
    }
    await this.link(caller, this.lhs, this.rhs);
  }

  /** Link, clear (`rhs` "") or show (`rhs` null) the destination of the object named `name`. */
  protected async link(caller: DefaultObject, name: string, rhs: string | null): Promise<void> {
    const obj = await findLinkSubject(caller, name);
    if (!obj) return;
    if (rhs === null) {
      const dest = obj.destination;
      this.msg(dest ? `${obj.key} is an exit to ${dest.key}.` : `${obj.key} is not an exit. Its home location is ${obj.home?.key ?? "None"}.`);
      return;
    }
    if (rhs === "") {
      if (obj.destination) {
        obj.destination = null;
        this.msg(`Former exit ${obj.key} no longer links anywhere.`);
      } else {
        this.msg(`${obj.key} had no destination to unlink.`);
      }
      return;
    }
    const target = await caller.search(rhs, { global: true });
    if (!target) return;
    if (target === obj) {
      this.msg("Cannot link an object to itself.");
      return;
    }
    const notes: string[] = [];
    const note = (o: DefaultObject) => `Note: ${o.key}(${o.dbref}) did not have a destination set before. Make sure you linked the right thing.`;
    if (!obj.destination) notes.push(note(obj));
    if (this.switches.includes("twoway")) {
      const objLocation = obj.location;
      const targetLocation = target.location;
      if (!objLocation || !targetLocation) {
        this.msg(`To create a two-way link, ${obj.key} and ${target.key} must both have a location (i.e. they cannot be rooms, but should be exits).`);
        return;
      }
      if (!target.destination) notes.push(note(target));
      obj.destination = targetLocation;
      target.destination = objLocation;
      notes.push(`Link created ${obj.key} (in ${objLocation.key}) <-> ${target.key} (in ${targetLocation.key}) (two-way).`);
    } else {
      obj.destination = target;
      notes.push(`Link created ${obj.key} -> ${target.key} (one way).`);
    }
    this.msg(notes.join("\n"));
  }
}

/** `unlink <object>`: clear an exit's destination (the same as `link <object> =`). */
export class CmdUnlink extends CmdLink {
  override key = "unlink";
  override switchOptions = [];
  override locks = "cmd:perm(unlink) or perm(Builder)";
  override help = `Remove the link of an exit.

Usage:
  unlink <object>

Clears the destination of <object> (usually an exit), disconnecting it from
wherever it led. The same as "link <object> =".

Examples:
  unlink north`;

  override async func(): Promise<void> {
    const caller = this.builder();
    if (!caller) return;
    if (!this.args.trim()) {
      this.msg("Usage: unlink <object>");
      return;
    }
    await this.link(caller, this.lhs || this.args.trim(), "");
  }
}
