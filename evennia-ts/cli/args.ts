/**
 * Parsing the launcher's command line: `evennia-ts <command> [args] [options]`.
 */
import { parseArgs } from "node:util";

/** Options the launcher understands (each command accepts a subset). */
export interface CliOptions {
  /** `--game DIR`: the game folder (default: the current directory). */
  game?: string;
  /** `--foreground`: `start` runs the portal attached to the terminal. */
  foreground: boolean;
  /** `--help` / `-h`. */
  help: boolean;
  /** `--flush`: `memory` flushes the identity map first. */
  flush: boolean;
  /** `--retainers <#id|typeclass>`: `heapdump` reports what keeps that object alive. */
  retainers?: string;
  /** `--framework SPEC`: `init` makes the game depend on the framework by this npm spec. */
  framework?: string;
  /** `--cpu-prof DIR`: `start` runs the portal and the server with node's CPU profiler, writing into DIR. */
  cpuProf?: string;
}

/** Names of the options in {@link CliOptions}. */
export type CliOptionName = keyof CliOptions;

/** A parsed command line. */
export interface ParsedArgs {
  /** The command word, if any. */
  command: string | undefined;
  /** Words after the command. */
  positionals: string[];
  options: CliOptions;
  /** Options given explicitly on the command line. */
  given: CliOptionName[];
}

/** The result of {@link parseCliArgs}: the parsed line, or why it is not valid. */
export type ParseResult = { ok: true; args: ParsedArgs } | { ok: false; error: string };

/** Parse `argv` (without the node and script paths). */
export function parseCliArgs(argv: string[]): ParseResult {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        game: { type: "string" },
        foreground: { type: "boolean" },
        help: { type: "boolean", short: "h" },
        flush: { type: "boolean" },
        retainers: { type: "string" },
        framework: { type: "string" },
        "cpu-prof": { type: "string" },
      },
    });
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
  const { values, positionals } = parsed;
  const given = Object.entries(values)
    .filter(([, v]) => v !== undefined)
    .map(([k]) => (k === "cpu-prof" ? "cpuProf" : k) as CliOptionName);
  return {
    ok: true,
    args: {
      command: positionals[0],
      positionals: positionals.slice(1),
      options: {
        game: values.game,
        foreground: values.foreground ?? false,
        help: values.help ?? false,
        flush: values.flush ?? false,
        retainers: values.retainers,
        framework: values.framework,
        cpuProf: values["cpu-prof"],
      },
      given,
    },
  };
}
