/**
 * The shape of a launcher command.
 */
import type { CliOptionName, CliOptions } from "./args.ts";
import type { CliIo } from "./io.ts";

/** What a command is given when it runs. */
export interface CliContext {
  /** Where to print. */
  io: CliIo;
  /** Words after the command name. */
  positionals: string[];
  options: CliOptions;
  /** The directory relative paths are resolved from. */
  cwd: string;
  /** For a command with {@link CliCommand.ownArguments}: every word after its name, unparsed. */
  argv?: string[];
}

/** One `evennia-ts <name>` command. */
export interface CliCommand {
  /** The command word. */
  name: string;
  /** Arguments as shown in usage, e.g. `<dir>`. */
  synopsis: string;
  /** One line describing it. */
  summary: string;
  /** Options it accepts besides `--help`. */
  options: CliOptionName[];
  /** Number of positional arguments accepted. */
  minArgs: number;
  maxArgs: number;
  /** It parses its own options (given as `argv`): the launcher's parser is skipped. */
  ownArguments?: boolean;
  /** Run it; resolves to the process exit code. */
  run(ctx: CliContext): Promise<number>;
}
