/**
 * `evennia-ts reload`: restart the server with fresh game code; players stay connected
 * and logged in.
 */
import type { CliCommand } from "../command.ts";
import { resolveGameDir } from "../game-dir.ts";
import { restartServer } from "./server-restart.ts";

/** The `reload` command. */
export const reloadCommand: CliCommand = {
  name: "reload",
  synopsis: "",
  summary: "restart the server with fresh game code; players stay connected and logged in",
  options: ["game"],
  minArgs: 0,
  maxArgs: 0,
  run: ({ io, options, cwd }) => restartServer({ gameDir: resolveGameDir(options.game, cwd), kind: "reload", io }),
};
