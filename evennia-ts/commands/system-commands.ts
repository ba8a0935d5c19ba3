/**
 * System commands: what runs when a line calls no command. Put a command with one
 * of these keys in a cmdset to take over (system commands survive every merge):
 *
 * - `__noinput_command` for an empty line (its `args` is "");
 * - `__nomatch_command` when nothing matches (its `args` is the line);
 * - `__multimatch_command` when several commands match (its `matches` lists them).
 *
 * Without them the handler answers as Evennia does: nothing for an empty line,
 * "Command 'lok' is not available. Maybe you meant "look" or "lock"?" (or `Type
 * "help" for help.`) for no match, and a numbered list for a multi-match.
 */
import { listToString } from "../utils/text/format.ts";
import { stringSuggestions } from "../utils/text/suggestions.ts";
import type { CmdSet } from "./cmdset.ts";
import { Command } from "./command.ts";
import type { CommandMatch } from "./command-parser.ts";

/** Key of the command run for an empty line. */
export const CMD_NOINPUT = "__noinput_command";
/** Key of the command run when no command matches. */
export const CMD_NOMATCH = "__nomatch_command";
/** Key of the command run when several commands match. */
export const CMD_MULTIMATCH = "__multimatch_command";

/** Base of a `__multimatch_command`: the handler fills in {@link matches}. */
export class MultiMatchCommand extends Command {
  override key = CMD_MULTIMATCH;
  override autoHelp = false;
  /** The competing matches. */
  matches: CommandMatch[] = [];
}

/**
 * Evennia's no-match text: the line, then up to three similar command names the
 * caller may use (similarity 0.7 or more), or a pointer to `help`.
 */
export function noMatchMessage(line: string, vocabulary: readonly string[]): string {
  let text = `Command '${line}' is not available.`;
  const suggestions = stringSuggestions(line, vocabulary, { cutoff: 0.7, maxnum: 3 });
  if (suggestions.length > 0) text += ` Maybe you meant ${listToString(suggestions, { endsep: "or", addquote: true })}?`;
  else text += ' Type "help" for help.';
  return text;
}

/** The name shown for the object a command comes from (when it is not the caller). */
function extraInfo(cmd: Command, caller: unknown): string {
  const obj = cmd.obj as { key?: unknown; getDisplayName?: (looker?: unknown) => string } | null;
  if (!obj || obj === caller) return "";
  const name = typeof obj.getDisplayName === "function" ? obj.getDisplayName(caller) : String(obj.key ?? "");
  return name ? ` (${name.trim()})` : "";
}

/** Evennia's multi-match text: one `name-N [aliases] (object)` line per match. */
export function multiMatchMessage(matches: readonly CommandMatch[], caller: unknown): string {
  const query = matches[0]?.cmdname ?? "";
  const lines = [`More than one match for '${query}' (please narrow target):`];
  matches.forEach((m, i) => {
    const aliases = m.cmd.aliases.length ? ` [${m.cmd.aliases.join(";")}]` : "";
    lines.push(` ${query}-${i + 1}${aliases}${extraInfo(m.cmd, caller)}`);
  });
  return lines.join("\n");
}

/** The system command with `key` in a merged set, if any. */
export function systemCommand(cmdset: CmdSet, key: string): Command | undefined {
  return cmdset.systemCommands.find((c) => c.key === key);
}
