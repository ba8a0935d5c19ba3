/**
 * The launcher's usage text.
 */
import type { CliCommand } from "./command.ts";

/** Usage of the whole launcher. */
export function usageText(commands: readonly CliCommand[]): string {
  const width = Math.max(...commands.map((c) => `${c.name} ${c.synopsis}`.trimEnd().length));
  const lines = [
    "Usage: npx evennia-ts <command> [options]",
    "",
    "Commands:",
    ...commands.map((c) => `  ${`${c.name} ${c.synopsis}`.trimEnd().padEnd(width)}  ${c.summary}`),
    "",
    "Options:",
    "  --game DIR    the game folder (default: the current directory); every command but init and demo",
    "  -h, --help    show this help (or a command's: evennia-ts <command> --help)",
    "  --flush       memory: flush the identity map first",
    "  --retainers X heapdump: report what keeps object X (#id or typeclass) alive",
    "  --framework S init: depend on the framework by npm spec S (default: file: path to a clone, else ^version)",
    "  --cpu-prof D  start: write CPU profiles of the portal and the server into folder D",
  ];
  return lines.join("\n");
}

/** Usage of one command. */
export function commandUsageText(command: CliCommand): string {
  const game = command.options.includes("game") ? " [--game DIR]" : "";
  return `Usage: npx evennia-ts ${`${command.name} ${command.synopsis}`.trimEnd()}${game}\n\n  ${command.summary}`;
}
