/**
 * `evennia-ts demo`: create `<repo>/mygame` if needed and run it in the foreground
 * (what `npm start` does).
 */
import { existsSync } from "node:fs";
import type { CliCommand } from "../command.ts";
import type { CliIo } from "../io.ts";
import { demoGameDir } from "../paths.ts";
import { initGame } from "./init.ts";
import { startGame } from "./start.ts";

/** Start the package's demo game (`<repo>/mygame`) in the foreground, creating it first when missing. */
export async function runDemo(io: CliIo, gameDir: string = demoGameDir): Promise<number> {
  if (!existsSync(gameDir)) initGame(gameDir, io);
  return startGame({ gameDir, foreground: true, io });
}

/** The `demo` command. */
export const demoCommand: CliCommand = {
  name: "demo",
  synopsis: "",
  summary: "create ./mygame in the package if missing and run it in the foreground (npm start)",
  options: [],
  minArgs: 0,
  maxArgs: 0,
  run: ({ io }) => runDemo(io),
};
