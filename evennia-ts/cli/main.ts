/**
 * Entry point of the `evennia-ts` launcher (run with the tsx loader; see `bin/evennia-ts.js`).
 */
import { useRunningFramework } from "../utils/framework-resolution.ts";
import { runCli } from "./run.ts";

// game code the launcher loads (settings, `migrate`) imports this very framework
await useRunningFramework();

process.exitCode = await runCli(process.argv.slice(2));
