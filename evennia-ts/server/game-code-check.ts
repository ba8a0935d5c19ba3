/**
 * Whether a game's code is fit to run: every game module loads, the game folder is
 * an ES module package, and every cmdset path the settings name is registered.
 * The server refuses to start on any problem (so `evennia-ts start` fails loudly),
 * and the portal runs the same check in a separate process before a reload, so a
 * broken change never replaces running code.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import type { Settings } from "../conf/settings.ts";
import "../typeclasses/index.ts";
import "../commands/default/cmdsets.ts";
import { isCmdSetRegistered } from "../commands/cmdset-registry.ts";
import { loadGameCode, type LoadedGame } from "./game-loader.ts";

/** One thing wrong with the game's code, as shown to the operator. */
export interface GameCodeProblem {
  /** The module (relative to the game folder) or setting at fault. */
  where: string;
  /** What went wrong (the error message). */
  error: string;
  /** What to do about it. */
  hint: string;
}

/** What loading a game's code found. */
export interface GameCodeReport {
  /** Modules that loaded, relative to the game folder. */
  loaded: string[];
  /** Modules that failed and other problems; empty when the code is fit to run. */
  problems: GameCodeProblem[];
}

const CMDSET_SETTINGS = ["cmdsetUnloggedin", "cmdsetAccount", "cmdsetCharacter"] as const;

/** The nearest `package.json` at or above `dir`, or null. */
function nearestPackageJson(dir: string): string | null {
  for (let current = path.resolve(dir); ; current = path.dirname(current)) {
    const file = path.join(current, "package.json");
    if (existsSync(file)) return file;
    if (path.dirname(current) === current) return null;
  }
}

/** The problem with the game folder's module type, or null when its package is `"type": "module"`. */
export function gamePackageProblem(gameDir: string): GameCodeProblem | null {
  const file = nearestPackageJson(gameDir);
  const hint = 'give the game folder a package.json with "type": "module" ("npx evennia-ts init" writes one).';
  if (file === null) return { where: "package.json", error: "the game folder has no package.json: its .ts files would load as CommonJS", hint };
  let type: unknown;
  try {
    type = (JSON.parse(readFileSync(file, "utf8")) as { type?: unknown }).type;
  } catch (err) {
    return { where: file, error: `cannot read it: ${(err as Error).message}`, hint: "fix the JSON of the package.json." };
  }
  if (type === "module") return null;
  return { where: file, error: 'it does not declare "type": "module": the game\'s .ts files would load as CommonJS', hint };
}

/** An error message cut to what fits one line of a report (a compiler's "failed with 1 error:" keeps its next line). */
export function conciseError(message: string): string {
  // eslint-disable-next-line no-control-regex -- compilers colour their messages
  const lines = message.replace(/\u001b\[[0-9;]*m/g, "").split("\n").map((l) => l.trim()).filter((l) => l.length > 0);
  if (lines.length === 0) return "(no message)";
  return lines[0]!.endsWith(":") && lines[1] ? `${lines[0]} ${lines[1]}` : lines[0]!;
}

/** The report for `game`, loaded with `settings` (cmdset settings are checked against the registry now). */
export function gameCodeReport(settings: Settings, game: LoadedGame): GameCodeReport {
  const relative = (file: string): string => path.relative(settings.gameDir, file) || file;
  const problems: GameCodeProblem[] = [];
  const packageProblem = gamePackageProblem(settings.gameDir);
  if (packageProblem) problems.push(packageProblem);
  for (const failure of game.failures) problems.push({ where: relative(failure.file), error: conciseError(failure.error.message), hint: failure.hint });
  for (const key of CMDSET_SETTINGS) {
    const cmdsetPath = settings[key];
    if (isCmdSetRegistered(cmdsetPath)) continue;
    problems.push({
      where: `setting ${key}`,
      error: `no cmdset is registered as "${cmdsetPath}"`,
      hint:
        `register one with registerCmdSet("${cmdsetPath}", MyCmdSet) in a module under commands/, ` +
        `or set ${key} to a registered path (the framework's own: "evennia.commands.default.${key.slice("cmdset".length)}CmdSet").`,
    });
  }
  return { loaded: game.modules.map(relative), problems };
}

/** Load the game's code and check it; modules register as they load. */
export async function checkGameCode(settings: Settings): Promise<{ game: LoadedGame; report: GameCodeReport }> {
  const game = await loadGameCode(settings);
  return { game, report: gameCodeReport(settings, game) };
}

/** The report as lines for a person: what failed, why, and what to do. */
export function describeGameCodeProblems(report: GameCodeReport): string {
  const lines = [`the game's code does not load (${report.problems.length} problem(s); ${report.loaded.length} module(s) loaded):`];
  for (const p of report.problems) {
    lines.push(`  ${p.where}: ${p.error}`);
    lines.push(`    hint: ${p.hint}`);
  }
  return lines.join("\n");
}
