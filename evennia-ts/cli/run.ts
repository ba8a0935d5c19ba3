/**
 * Running one launcher command line: parse, check, dispatch, and turn errors into
 * messages and exit codes (0 ok, 1 failed, 2 bad usage).
 */
import { describeError, isEvenniaError } from "../utils/errors.ts";
import { parseCliArgs } from "./args.ts";
import type { CliCommand, CliContext } from "./command.ts";
import { cliCommands } from "./commands/index.ts";
import { processIo, type CliIo } from "./io.ts";
import { commandUsageText, usageText } from "./usage.ts";

/** Exit code for a command line that is not valid. */
export const EXIT_USAGE = 2;

/** Run the command line `argv` (without node and script); resolves to the exit code. */
export async function runCli(argv: string[], io: CliIo = processIo, cwd: string = process.cwd()): Promise<number> {
  const own = cliCommands.find((c) => c.ownArguments === true && c.name === argv[0]);
  if (own !== undefined) {
    const options = { foreground: false, help: false, flush: false };
    return runCommand(own, { io, positionals: [], options, cwd, argv: argv.slice(1) }, io);
  }
  const parsed = parseCliArgs(argv);
  if (!parsed.ok) {
    io.err(`Error: ${parsed.error}`);
    io.err(usageText(cliCommands));
    return EXIT_USAGE;
  }
  const { command: name, positionals, options, given } = parsed.args;
  if (name === undefined || name === "help") {
    if (options.help || name === "help") {
      io.out(usageText(cliCommands));
      return 0;
    }
    io.err(usageText(cliCommands));
    return EXIT_USAGE;
  }
  const command = cliCommands.find((c) => c.name === name);
  if (command === undefined) {
    io.err(`Error: unknown command "${name}".`);
    io.err(usageText(cliCommands));
    return EXIT_USAGE;
  }
  if (options.help) {
    io.out(commandUsageText(command));
    return 0;
  }
  const refused = given.filter((option) => option !== "help" && !command.options.includes(option));
  const argError =
    refused.length > 0
      ? `"${name}" does not take --${refused[0] === "cpuProf" ? "cpu-prof" : refused[0]}.`
      : positionals.length < command.minArgs
        ? `"${name}" needs ${command.synopsis}.`
        : positionals.length > command.maxArgs
          ? `"${name}" got unexpected arguments: ${positionals.slice(command.maxArgs).join(" ")}`
          : undefined;
  if (argError !== undefined) {
    io.err(`Error: ${argError}`);
    io.err(commandUsageText(command));
    return EXIT_USAGE;
  }
  return runCommand(command, { io, positionals, options, cwd }, io);
}

/** Run `command`, turning what it throws into a message and exit code 1 (2 for bad input to a command parsing its own options). */
async function runCommand(command: CliCommand, ctx: CliContext, io: CliIo): Promise<number> {
  try {
    return await command.run(ctx);
  } catch (err) {
    if (command.ownArguments && isEvenniaError(err, "EV_ERR_BAD_INPUT")) {
      io.err(`Error: ${err.message}`);
      io.err(`See: npx evennia-ts ${command.name} --help`);
      return EXIT_USAGE;
    }
    if (isEvenniaError(err)) {
      io.err(`Error: ${err.message}`);
    } else {
      io.err(`Error: ${describeError(err)}`);
      if (err instanceof Error && err.stack) io.err(err.stack);
    }
    return 1;
  }
}
