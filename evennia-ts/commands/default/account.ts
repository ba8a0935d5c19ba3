/**
 * Account commands, available whenever logged in: `quit`.
 */
import { Command } from "../command.ts";

/** `quit`: log out and disconnect. */
export class CmdQuit extends Command {
  override key = "quit";
  override aliases = ["q"];

  override async func(): Promise<void> {
    await this.services.disconnect(this.session, "Quitting. Hope to see you again, soon.");
  }
}
