/**
 * `evennia-ts reset`: cold-restart the server; everyone is logged out but stays connected.
 */
import type { CliCommand } from "../command.ts";
import { resolveGameDir } from "../game-dir.ts";
import { restartServer } from "./server-restart.ts";

/** The `reset` command. */
export const resetCommand: CliCommand = {
  name: "reset",
  synopsis: "",
  summary: "cold-restart the server; everyone is logged out but stays connected",
  options: ["game"],
  minArgs: 0,
  maxArgs: 0,
  run: ({ io, options, cwd }) => restartServer({ gameDir: resolveGameDir(options.game, cwd), kind: "reset", io }),
};
