/**
 * `evennia-ts demo`: create `<repo>/mygame` if needed and run it in the foreground
 * (what `npm start` does).
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { settingsFile } from "../../conf/settings.ts";
import { EvenniaError } from "../../utils/errors.ts";
import type { CliCommand } from "../command.ts";
import type { CliIo } from "../io.ts";
import { demoGameDir } from "../paths.ts";
import { initGame } from "./init.ts";
import { startGame } from "./start.ts";

/** Start the package's demo game (`<repo>/mygame`) in the foreground, creating it first when missing. */
export async function runDemo(io: CliIo, gameDir: string = demoGameDir): Promise<number> {
  if (!existsSync(gameDir)) {
    initGame(gameDir, io);
    turnOnDemoWorld(gameDir);
  }
  return startGame({ gameDir, foreground: true, io });
}

/** Switch the demo world (built at its first start) and the character-creation menu on in a freshly made game's settings. */
export function turnOnDemoWorld(gameDir: string): void {
  const file = settingsFile(gameDir);
  const text = readFileSync(file, "utf8");
  if (/\bdemoWorld\s*:/.test(text)) return;
  const marker = "export default {";
  if (!text.includes(marker)) throw new EvenniaError("EV_ERR_CONFIG", `cannot turn the demo world on: ${file} has no "${marker}"`);
  writeFileSync(
    file,
    text.replace(
      marker,
      `${marker}\n  demoWorld: true, // six rooms, a locked door and a Builders-only archive, built at the first start\n  charcreateMenu: true, // charcreate (and a first login without a character) opens the character-creation menu\n  autoCreateCharacterWithAccount: false, // so new players make their character in that menu`,
    ),
  );
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
