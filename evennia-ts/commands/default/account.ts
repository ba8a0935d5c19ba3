/**
 * Account commands, available whenever logged in: `quit`.
 */
import { Command } from "../command.ts";

/** `quit`: log out and disconnect. */
export class CmdQuit extends Command {
  override key = "quit";
  override aliases = ["q"];
  override help = `Quit the game.

Usage:
  quit

Gracefully disconnect your current session from the game.

Examples:
  quit`;

  override async func(): Promise<void> {
    this.services.disconnect(this.session, "Quitting. Hope to see you again, soon.");
  }
}
