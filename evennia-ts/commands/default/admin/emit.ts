/**
 * `emit` (Builder), with the forms `remit` (rooms) and `pemit` (puppeted
 * characters): send a bare message, with no "X says", to objects and rooms.
 */
import { DefaultObject } from "../../../typeclasses/objects.ts";
import { MuxCommand } from "../../mux-command.ts";

const USAGE = [
  "Usage: ",
  "emit[/switches] [<obj>, <obj>, ... =] <message>",
  "remit           [<obj>, <obj>, ... =] <message>",
  "pemit           [<obj>, <obj>, ... =] <message>",
].join("\n");

/** `emit[/room|/accounts|/contents] [<obj>, <obj>, ... =] <message>`. */
export class CmdEmit extends MuxCommand {
  override key = "emit";
  override aliases = ["pemit", "remit"];
  override switchOptions = ["room", "accounts", "contents"];
  override locks = "cmd:perm(emit) or perm(Builder)";
  override helpCategory = "admin";
  override help = `Send a bare message to objects, rooms or players.

Usage:
  emit[/switches] [<obj>, <obj>, ... =] <message>
  remit           [<obj>, <obj>, ... =] <message>
  pemit           [<obj>, <obj>, ... =] <message>

Switches:
  room     - only send to rooms
  accounts - only send to characters someone is playing
  contents - also send to everything inside the matched objects

The message is shown as it is, with no name in front. Without targets it goes to
everyone in your location. A room is messaged through its contents. remit is
emit/room/contents and pemit is emit/accounts. Objects are found anywhere in the
game; you need their tell lock (Admins by default).

Examples:
  emit The ground shakes.
  remit Room2 = A cold wind blows through.
  pemit Anna, Bob = You feel watched.
  emit/contents chest = Something rattles inside.`;

  override async func(): Promise<void> {
    if (!this.args.trim() || (this.rhs !== null && !this.rhs)) {
      this.msg(USAGE);
      return;
    }
    const caller = this.caller;
    if (!(caller instanceof DefaultObject)) {
      this.msg("You must be playing a character to emit.");
      return;
    }
    let roomsOnly = this.switches.includes("room");
    const accountsOnly = this.switches.includes("accounts") || this.cmdstring === "pemit";
    let toContents = this.switches.includes("contents");
    if (this.cmdstring === "remit") {
      roomsOnly = true;
      toContents = true;
    }
    let message: string;
    const targets: { label: string; obj: DefaultObject }[] = [];
    if (this.rhs === null) {
      message = this.args.trim();
      if (!caller.location) {
        this.msg("You are nowhere: name who to emit to (emit <obj> = <message>).");
        return;
      }
      targets.push({ label: caller.location.key, obj: caller.location });
    } else {
      message = this.rhs;
      const names = this.lhslist.filter(Boolean);
      if (names.length === 0) {
        this.msg(USAGE);
        return;
      }
      for (const name of names) {
        const obj = await caller.search(name, { global: true });
        if (!obj) return;
        targets.push({ label: name, obj });
      }
    }
    for (const { label, obj } of targets) {
      const isRoom = obj.location === null;
      if (roomsOnly && !isRoom) {
        this.msg(`${label} is not a room. Ignored.`);
        continue;
      }
      if (accountsOnly && !obj.hasSessions) {
        this.msg(`${label} has no active account. Ignored.`);
        continue;
      }
      if (!obj.access(caller, "tell")) {
        this.msg(`You are not allowed to emit to ${label}.`);
        continue;
      }
      obj.msg(message, { fromObj: caller });
      if (toContents || isRoom) {
        await obj.loadContents();
        obj.msgContents(message, { fromObj: caller });
        this.msg(`Emitted to ${label} and contents:\n${message}`);
      } else this.msg(`Emitted to ${label}:\n${message}`);
    }
  }
}
