/**
 * General character commands: `look`, `say`.
 */
import { DefaultObject } from "../../typeclasses/objects.ts";
import { Command } from "../command.ts";

/** `look`: describe where you are. */
export class CmdLook extends Command {
  override key = "look";
  override aliases = ["l", "ls"];

  override async func(): Promise<void> {
    const caller = this.caller;
    if (!(caller instanceof DefaultObject)) return;
    const location = caller.location;
    if (!location) {
      this.msg("You have no location to look at!");
      return;
    }
    this.msg({ text: [location.returnAppearance(caller), { type: "look" }] });
  }
}

/** `say <text>`: speak to everyone in the room. */
export class CmdSay extends Command {
  override key = "say";
  override aliases = ['"', "'"];

  override async func(): Promise<void> {
    const caller = this.caller;
    const speech = this.args.trim();
    if (!speech) {
      this.msg("Say what?");
      return;
    }
    if (!(caller instanceof DefaultObject)) return;
    this.msg({ text: [`You say, "${speech}|n"`, { type: "say" }] });
    caller.location?.msgContents({ text: [`${caller.key} says, "${speech}|n"`, { type: "say" }] }, { exclude: [caller] });
  }
}
