/**
 * System commands for developers: `reload`, `reset`, `shutdown`.
 */
import { Command } from "../command.ts";

/** `reload`: restart the server with fresh game code; everyone stays connected. */
export class CmdReload extends Command {
  override key = "reload";
  override aliases = ["restart"];
  override locks = "cmd:perm(Developer)";
  override helpCategory = "system";
  override help = `Reload the server.

Usage:
  reload

This restarts the server with fresh game code. The portal is not affected:
nobody is disconnected.

Examples:
  reload
  @reload`;

  override async func(): Promise<void> {
    this.msg("Reloading the server...");
    this.services.requestServer("reload");
  }
}

/** `reset`: cold-restart the server; everyone is logged out but stays connected. */
export class CmdReset extends Command {
  override key = "reset";
  override aliases = ["reboot"];
  override locks = "cmd:perm(Developer)";
  override helpCategory = "system";
  override help = `Reset and reboot the server.

Usage:
  reset

A cold reboot: as a reload, but everyone is logged out (and stays connected),
and puppets are put away as at a shutdown.

Examples:
  reset`;

  override async func(): Promise<void> {
    this.msg("Resetting the server...");
    this.services.requestServer("reset");
  }
}

/** `shutdown`: stop the server and the portal. */
export class CmdShutdown extends Command {
  override key = "shutdown";
  override locks = "cmd:perm(Developer)";
  override helpCategory = "system";
  override help = `Stop the server completely.

Usage:
  shutdown

Gracefully shuts down both the server and the portal; everyone is
disconnected.

Examples:
  shutdown`;

  override async func(): Promise<void> {
    this.msg("Shutting down the server...");
    this.services.requestServer("shutdown");
  }
}
