/**
 * `evennia-ts init <dir>`: create a new game folder from the package's game template.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { EvenniaError } from "../../utils/errors.ts";
import { settingsFile } from "../../conf/settings.ts";
import type { CliCommand } from "../command.ts";
import type { CliIo } from "../io.ts";
import { gamePaths, gameTemplateDir } from "../paths.ts";

/** Copy the game template into `targetDir` (absent or empty) and create `server/logs/`. */
export function initGame(targetDir: string, io: CliIo, templateDir: string = gameTemplateDir): void {
  const target = path.resolve(targetDir);
  if (existsSync(target)) {
    if (!statSync(target).isDirectory()) {
      throw new EvenniaError("EV_ERR_BAD_INPUT", `${target} exists and is not a folder; choose another name.`);
    }
    if (readdirSync(target).length > 0) {
      throw new EvenniaError(
        "EV_ERR_BAD_INPUT",
        `${target} already exists and is not empty; choose a new folder name (init never overwrites files).`,
      );
    }
  }
  if (!existsSync(settingsFile(templateDir))) {
    throw new EvenniaError("EV_ERR_INTERNAL", `the game template ${templateDir} is incomplete (no server/conf/settings.ts).`);
  }
  cpSync(templateDir, target, {
    recursive: true,
    filter: (source) => keepTemplateFile(path.relative(templateDir, source)),
  });
  mkdirSync(gamePaths(target).logsDir, { recursive: true });
  io.out(`Created a new game in ${target}.`);
  io.out("");
  io.out("Next steps:");
  io.out(`  cd ${path.relative(process.cwd(), target) || "."}`);
  io.out("  npx evennia-ts start            (or: npx evennia-ts start --foreground)");
  io.out("Then connect with \"telnet 127.0.0.1 4000\" or browse to http://127.0.0.1:4001/");
  io.out("(the default ports; change them in server/conf/settings.ts).");
}

/** Template files not copied: dependencies, and runtime files of a template that was run. */
function keepTemplateFile(relative: string): boolean {
  const parts = relative.split(path.sep);
  if (parts.includes("node_modules")) return false;
  if (parts.length > 2 && parts[0] === "server" && parts[1] === "logs") return false;
  return !/\.db3(-journal|-wal|-shm)?$/.test(relative);
}

/** The `init` command. */
export const initCommand: CliCommand = {
  name: "init",
  synopsis: "<dir>",
  summary: "create a new game folder from the template",
  options: [],
  minArgs: 1,
  maxArgs: 1,
  run: async ({ io, positionals, cwd }) => {
    initGame(path.resolve(cwd, positionals[0]!), io);
    return 0;
  },
};
