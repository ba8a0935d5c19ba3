/**
 * `wall` (Admin): shout a message to every connected session, logged in or not.
 */
import { Command } from "../../command.ts";
import { callerName } from "./account-lookup.ts";

/** `wall <message>`. */
export class CmdWall extends Command {
  override key = "wall";
  override locks = "cmd:perm(wall) or perm(Admin)";
  override helpCategory = "admin";
  override help = `Make an announcement to everyone.

Usage:
  wall <message>

The message goes to every connected session, including those still at the
login screen.

Examples:
  wall The server reloads in five minutes.`;

  override async func(): Promise<void> {
    const message = this.args.trim();
    if (!message) {
      this.msg("Usage: wall <message>");
      return;
    }
    this.msg("Announcing to all connected sessions ...");
    const text = `${callerName(this)} shouts "${message}"`;
    for (const session of this.services.allSessions()) session.msg(text);
  }
}
