/**
 * `force` (Builder): make a character run a command, as if its player typed it.
 */
import { DefaultObject } from "../../../typeclasses/objects.ts";
import type { CommandSession } from "../../command.ts";
import { MuxCommand } from "../../mux-command.ts";

/** `force <object>=<command string>`. */
export class CmdForce extends MuxCommand {
  override key = "force";
  override locks = "cmd:perm(spawn) or perm(Builder)";
  override helpCategory = "building";
  override help = `Make an object run a command.

Usage:
  force <object>=<command string>

The object runs the command with its own permissions, as if its player typed
it; the output goes to its player. You need the object's edit lock. Here only
objects someone is playing (puppeted characters) can be forced: their command
runs on their session, after yours.

Examples:
  force bob=get stick
  force Char2 = say Hello!`;

  override async func(): Promise<void> {
    if (!this.lhs || !this.rhs) {
      this.msg("You must provide a target and a command string to execute.");
      return;
    }
    if (!(this.caller instanceof DefaultObject)) {
      this.msg("You must be playing a character to force others.");
      return;
    }
    const target = await this.caller.search(this.lhs);
    if (!target) return;
    if (!target.access(this.caller, "edit")) {
      this.msg(`You don't have permission to force ${target.key} to execute commands.`);
      return;
    }
    // the sessions playing an object are the server's sessions, which commands run for
    const [session] = [...target.sessions] as unknown as CommandSession[];
    if (!session) {
      this.msg(`${target.key} is not being played by anyone, so it cannot be forced here (only puppeted characters run commands).`);
      return;
    }
    this.services.executeAs(session, this.rhs).catch(() => undefined);
    this.msg(`You have forced ${target.key} to: ${this.rhs}`);
  }
}
