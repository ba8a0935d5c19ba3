/**
 * `teleport` (`tel`): move yourself or something else anywhere, past exits, with
 * the `teleport` and `teleport_here` locks deciding who and what may go where.
 */
import type { DefaultObject } from "../../../typeclasses/objects.ts";
import { isAdmin } from "./access.ts";
import { ObjManipCommand } from "./obj-manip-command.ts";

/** `tel/switch [<object> to||=] <target location>`. */
export class CmdTeleport extends ObjManipCommand {
  override key = "teleport";
  override aliases = ["tel"];
  override switchOptions = ["quiet", "intoexit", "tonone", "loc"];
  override rhsSplit = ["=", " to "];
  override locks = "cmd:perm(teleport) or perm(Builder)";
  override help = `Teleport an object to another location.

Usage:
  tel/switch [<object> to||=] <target location>

Switches:
  quiet    - do not tell the rooms left and entered about the move.
  intoexit - when the target is an exit, go into the exit object itself
             instead of to where it leads.
  tonone   - move the object to no location at all (the target is ignored).
             It can only be found again by #dbref. A puppeted object cannot
             be sent there.
  loc      - go to the target's location instead of into the target.

Moves an object, or yourself when no object is given, to the target. Both
are looked for anywhere in the game (exact name or #dbref). The object's
"teleport" lock is checked against you, and the target's "teleport_here"
lock against the object; Admins pass both.

Examples:
  tel Limbo
  tel/quiet box = Limbo
  tel box to Kitchen
  tel/tonone box
  tel/loc me = Anna`;

  override async func(): Promise<void> {
    const caller = this.builder();
    if (!caller) return;
    const quiet = this.switches.includes("quiet");
    if (this.switches.includes("tonone")) {
      await this.teleportToNone(caller, quiet);
      return;
    }
    let obj: DefaultObject = caller;
    let destination: DefaultObject | null = null;
    if (this.rhs) {
      const found = await caller.search(this.lhs, { global: true });
      if (!found) {
        this.msg("Did not find object to teleport.");
        return;
      }
      obj = found;
      destination = await caller.search(this.rhs, { global: true });
    } else if (this.lhs) {
      destination = await caller.search(this.lhs, { global: true });
    }

    if (!this.args.trim()) {
      this.msg("Usage: teleport[/switches] [<obj> =] <target location>");
      return;
    }
    if (!destination) return; // the search said why
    if (this.switches.includes("loc")) {
      destination = destination.location;
      if (!destination) {
        this.msg("Destination has no location.");
        return;
      }
    }
    const intoExit = this.switches.includes("intoexit");
    // where the object ends up: an exit leads on to its destination (unless /intoexit)
    const arrival = !intoExit && destination.destination ? destination.destination : destination;
    if (obj === arrival) {
      this.msg("You can't teleport an object inside of itself!");
      return;
    }
    if (obj.isAncestorOf(arrival)) {
      this.msg("You can't teleport an object inside something it holds!");
      return;
    }
    if (obj.location && obj.location === arrival) {
      this.msg(`${obj.key} is already at ${arrival.key}.`);
      return;
    }
    const admin = isAdmin(caller);
    if (!admin && !obj.access(caller, "teleport")) {
      this.msg(`${obj.key} 'teleport'-lock blocks you from teleporting it anywhere.`);
      return;
    }
    if (!admin && !destination.access(obj, "teleport_here")) {
      this.msg(`${destination.key} 'teleport_here'-lock blocks ${obj.key} from moving there.`);
      return;
    }
    if (!obj.location) {
      await arrival.loadContents();
      obj.location = arrival;
      this.msg(`Teleported ${obj.key} None -> ${arrival.key}.`);
      return;
    }
    const moved = await obj.moveTo(destination, { quiet, useDestination: !intoExit, moveType: "teleport" });
    if (!moved) {
      this.msg("Teleportation failed.");
      return;
    }
    const arrived = obj.location ?? destination;
    this.msg(obj === caller ? `Teleported to ${arrived.key}.` : `Teleported ${obj.key} -> ${arrived.key}.`);
  }

  /**
   * `/tonone`: take the named object (or the caller) out of the world. The object is
   * the left side (a target after "=" is ignored); its `teleport` lock applies.
   */
  private async teleportToNone(caller: DefaultObject, quiet: boolean): Promise<void> {
    const obj = this.lhs ? await caller.search(this.lhs, { global: true }) : caller;
    if (!obj) return;
    if (obj.hasSessions) {
      this.msg(`Cannot teleport a puppeted object (${obj.key}, puppeted by ${obj.account?.key ?? "a session"}) to a None-location.`);
      return;
    }
    if (!isAdmin(caller) && !obj.access(caller, "teleport")) {
      this.msg(`${obj.key} 'teleport'-lock blocks you from teleporting it anywhere.`);
      return;
    }
    this.msg(`Teleported ${obj.key} -> None-location.`);
    const from = obj.location;
    if (from && !quiet) from.msgContents(`${caller.key} teleported ${obj.key} into nothingness.`, { exclude: [caller] });
    obj.location = null;
  }
}
