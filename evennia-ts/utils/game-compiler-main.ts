/**
 * The program that compiles a game's code in a child process
 * (`game-compiler-child.ts`), so that the portal and the server, which live long,
 * never load esbuild: `node game-compiler.js --game DIR --index URL --testing URL`.
 * Exits 0 once the mirror matches the sources (compiled now, or already), 1 with the
 * error on one line of stderr when a file does not compile.
 */
import { parseArgs } from "node:util";
import { describeErrorOnOneLine, EvenniaError } from "./errors.ts";
import { buildGameCode } from "./game-code-build.ts";

try {
  const { values } = parseArgs({ options: { game: { type: "string" }, index: { type: "string" }, testing: { type: "string" } } });
  if (!values.game || !values.index || !values.testing) throw new EvenniaError("EV_ERR_CONFIG", "usage: game-compiler --game DIR --index URL --testing URL");
  await buildGameCode(values.game, { index: values.index, testing: values.testing });
  process.exit(0); // done: nothing left running may keep the waiting process waiting
} catch (err) {
  process.stderr.write(`${describeErrorOnOneLine(err)}\n`); // a pipe: written at once
  process.exit(1);
}
