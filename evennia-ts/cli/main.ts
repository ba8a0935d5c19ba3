/**
 * Entry point of the `evennia-ts` launcher (run with the tsx loader; see `bin/evennia-ts.js`).
 */
import { runCli } from "./run.ts";

process.exitCode = await runCli(process.argv.slice(2));
