/**
 * `dig` and `tunnel`: build a new room and, optionally, exits between it and the
 * builder's room.
 */
import { createObject } from "../../../typeclasses/create.ts";
import type { DefaultObject } from "../../../typeclasses/objects.ts";
import { sessionRegistry } from "../../../typeclasses/sessions.ts";
import { ObjManipCommand } from "./obj-manip-command.ts";
import { objectNameProblem, parseObjectSpec, resolveObjectTypeclass, type ObjectSpec, type ResolvedTypeclass } from "./object-spec.ts";

/** What {@link digRoom} builds: the room, and optionally an exit there and one back. */
export interface DigPlan {
  room: ObjectSpec;
  /** The exit from the builder's room to the new one (no name: none). */
  exitThere?: ObjectSpec | null;
  /** The exit from the new room back (no name: none). */
  exitBack?: ObjectSpec | null;
  /** Move the builder into the new room afterwards. */
  teleport?: boolean;
}

/** " (a, b)" for a list of aliases, "" for none (the way dig reports them). */
function aliasSuffix(obj: DefaultObject): string {
  const aliases = obj.aliases.get();
  return aliases.length ? ` (${aliases.join(", ")})` : "";
}

/**
 * Build what `plan` describes for `caller`, and report it as Evennia's dig does:
 * "Created room Kitchen(#12) (k) of type evennia.objects.DefaultRoom." with a
 * line for each exit. Every typeclass is checked before anything is made, so a
 * bad one leaves nothing half-built. Rooms and exits get the default home and
 * the caller's owner locks (`control`, `delete`, `edit` for the caller and Admins).
 */
export async function digRoom(cmd: { msg(text: string): void }, caller: DefaultObject, plan: DigPlan): Promise<DefaultObject | null> {
  const { room } = plan;
  if (!room.name) {
    cmd.msg("You must supply a new room name.");
    return null;
  }
  // every name is checked before anything is made
  for (const spec of [room, plan.exitThere, plan.exitBack]) {
    const badName = spec?.name ? objectNameProblem(spec.name) : null;
    if (badName) {
      cmd.msg(badName);
      return null;
    }
  }
  const roomClass = resolveObjectTypeclass(room.option, "room");
  if (!roomClass.ok) {
    cmd.msg(`|rError creating room:|n ${roomClass.error}`);
    return null;
  }
  const location = caller.location;
  const exitClass = (spec: ObjectSpec | null | undefined): ResolvedTypeclass | null | false => {
    if (!spec?.name || !location) return null;
    const found = resolveObjectTypeclass(spec.option, "exit");
    if (found.ok) return found.typeclass;
    cmd.msg(`|rError creating exit:|n ${found.error}`);
    return false;
  };
  const thereClass = exitClass(plan.exitThere);
  const backClass = exitClass(plan.exitBack);
  if (thereClass === false || backClass === false) return null;

  const home = (await sessionRegistry()?.defaultHome()) ?? null;
  const newRoom = await createObject(roomClass.typeclass.cls, { key: room.name, aliases: room.aliases, home, caller });
  const lines = [`Created room ${newRoom.key}(${newRoom.dbref})${aliasSuffix(newRoom)} of type ${newRoom.typeclassPath}.`];

  if (plan.exitThere) {
    if (!plan.exitThere.name) lines.push("No exit created to new room.");
    else if (!location) lines.push("You cannot create an exit from a None-location.");
    else if (thereClass) {
      const exit = await createObject(thereClass.cls, { key: plan.exitThere.name, aliases: plan.exitThere.aliases, location, destination: newRoom, home, caller });
      lines.push(`Created Exit from ${location.key} to ${newRoom.key}: ${exit.key}(${exit.dbref})${aliasSuffix(exit)}.`);
    }
  }
  if (plan.exitBack) {
    if (!plan.exitBack.name) lines.push("No back exit created.");
    else if (!location) lines.push("You cannot create an exit back to a None-location.");
    else if (backClass) {
      const exit = await createObject(backClass.cls, { key: plan.exitBack.name, aliases: plan.exitBack.aliases, location: newRoom, destination: location, home, caller });
      lines.push(`Created Exit back from ${newRoom.key} to ${location.key}: ${exit.key}(${exit.dbref})${aliasSuffix(exit)}.`);
    }
  }
  cmd.msg(lines.join("\n"));
  if (plan.teleport) await caller.moveTo(newRoom, { moveType: "teleport" });
  return newRoom;
}

/** `dig[/teleport] room[;alias][:typeclass] [= exit_there[;alias][:typeclass] [, exit_back...]]`. */
export class CmdDig extends ObjManipCommand {
  override key = "dig";
  override switchOptions = ["teleport"];
  override locks = "cmd:perm(dig) or perm(Builder)";
  override help = `Build a new room and connect it to your location.

Usage:
  dig[/teleport] <roomname>[;alias;alias...][:typeclass]
        [= <exit_to_there>[;alias...][:typeclass]]
           [, <exit_to_here>[;alias...][:typeclass]]

Switches:
  teleport - move yourself into the new room afterwards.

Creates a new room. After "=", names an exit to make from your location to
the new room and, after a comma, one to make from the new room back here.
Rooms, exits and each of their aliases can be named freely ("north;no;n").
A typeclass after a colon is a registered typeclass path (default: the
baseRoomTypeclass and baseExitTypeclass settings).

Examples:
  dig kitchen = north;n, south;s
  dig house:typeclasses.rooms.Room
  dig/teleport sheer cliff;cliff;sheer = climb up, climb down`;

  override async func(): Promise<void> {
    const caller = this.builder();
    if (!caller) return;
    if (!this.lhs) {
      this.msg(
        "Usage: dig[/teleport] <roomname>[;alias;alias...][:parent] [= <exit_there>[;alias;alias..][:parent]] " +
          "[, <exit_back_here>[;alias;alias..][:parent]]",
      );
      return;
    }
    await digRoom(this, caller, {
      room: this.lhsObjs[0]!,
      exitThere: this.rhsObjs[0] ?? null,
      exitBack: this.rhsObjs[1] ?? null,
      teleport: this.switches.includes("teleport"),
    });
  }
}

/** A tunnel direction: its full name and the short name of the opposite one. */
export interface TunnelDirection {
  name: string;
  opposite: string;
}

/** Evennia's tunnel directions, by short name: n, ne, e, se, s, sw, w, nw, u, d, i, o. */
export const TUNNEL_DIRECTIONS: Readonly<Record<string, TunnelDirection>> = {
  n: { name: "north", opposite: "s" },
  ne: { name: "northeast", opposite: "sw" },
  e: { name: "east", opposite: "w" },
  se: { name: "southeast", opposite: "nw" },
  s: { name: "south", opposite: "n" },
  sw: { name: "southwest", opposite: "ne" },
  w: { name: "west", opposite: "e" },
  nw: { name: "northwest", opposite: "se" },
  u: { name: "up", opposite: "d" },
  d: { name: "down", opposite: "u" },
  i: { name: "in", opposite: "o" },
  o: { name: "out", opposite: "i" },
};

/** The short name of a direction given short (`n`) or in full (`north`), or null. */
export function tunnelDirection(word: string): string | null {
  const wanted = word.trim().toLowerCase();
  if (wanted in TUNNEL_DIRECTIONS) return wanted;
  for (const [short, dir] of Object.entries(TUNNEL_DIRECTIONS)) if (dir.name === wanted) return short;
  return null;
}

/** `tunnel[/oneway][/tel] <direction>[:typeclass] [= roomname[;alias][:typeclass]]`. */
export class CmdTunnel extends ObjManipCommand {
  override key = "tunnel";
  override aliases = ["tun"];
  override switchOptions = ["oneway", "tel"];
  override locks = "cmd: perm(tunnel) or perm(Builder)";
  override help = `Build a new room in a compass direction.

Usage:
  tunnel[/switch] <direction>[:typeclass] [= <roomname>[;alias;alias;...][:typeclass]]

Switches:
  oneway - make no exit back to your current location.
  tel    - move yourself into the new room afterwards.

A quick way to build with fixed directions:
  |wn,ne,e,se,s,sw,w,nw|n (north, northeast and so on)
  |wu,d|n (up and down)
  |wi,o|n (in and out)
The exit is named with the full direction ("north"), with the short one as
an alias ("n"), and an exit in the opposite direction leads back unless
/oneway is given. A typeclass after the direction is used for both exits.
The room is called "Some place" unless named. Use dig for anything else.

Examples:
  tunnel n
  tunnel n = house;mike's place;green building
  tunnel/oneway/tel u:typeclasses.exits.Exit = Attic`;

  override async func(): Promise<void> {
    const caller = this.builder();
    if (!caller) return;
    if (!this.args.trim() || !this.lhs) {
      this.msg("Usage: tunnel[/switch] <direction>[:typeclass] [= <roomname>[;alias;alias;...][:typeclass]]");
      return;
    }
    const colon = this.lhs.indexOf(":");
    const short = tunnelDirection(colon >= 0 ? this.lhs.slice(0, colon) : this.lhs);
    if (!short) {
      this.msg(
        `tunnel can only understand the following directions: ${Object.keys(TUNNEL_DIRECTIONS).sort().join(",")}.\n(use dig for more freedom)`,
      );
      return;
    }
    const exitTypeclass = colon >= 0 ? this.lhs.slice(colon + 1).trim() || null : null;
    const there = TUNNEL_DIRECTIONS[short]!;
    const backShort = there.opposite;
    const back = TUNNEL_DIRECTIONS[backShort]!;
    await digRoom(this, caller, {
      room: parseObjectSpec(this.rhs || "Some place"),
      exitThere: { name: there.name, aliases: [short], option: exitTypeclass },
      exitBack: this.switches.includes("oneway") ? null : { name: back.name, aliases: [backShort], option: exitTypeclass },
      teleport: this.switches.includes("tel"),
    });
  }
}
