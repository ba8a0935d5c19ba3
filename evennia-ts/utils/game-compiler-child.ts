/**
 * The game's code compiled in a child process: the portal and each server check the
 * compiled mirror at start (`game-code-build.ts`) and, when the sources changed since
 * (a reload after an edit or a deploy), run the build's `game-compiler` entry
 * (`game-compiler-main.ts`) to compile them, so esbuild (4-6 MiB) never stays in them.
 */
import { runChildProgram } from "./child-program.ts";
import { buildEntryFile } from "./framework-build.ts";
import type { GameCompiler } from "./game-code-build.ts";

/** A compile that takes longer is stopped; the process then loads the game through tsx, as after any failed compile. */
const COMPILE_TIMEOUT_MS = 120_000;

/** A compiler of the game's code that runs the `game-compiler` entry of the framework build in `buildDir`. */
export function childGameCompiler(buildDir: string): GameCompiler {
  return (gameDir, framework) =>
    runChildProgram(process.execPath, process.execArgv, [buildEntryFile(buildDir, "game-compiler"), "--game", gameDir, "--index", framework.index, "--testing", framework.testing], {
      what: "the game's compiler process",
      code: "EV_ERR_GAME_CODE",
      timeoutMs: COMPILE_TIMEOUT_MS,
    });
}
