/**
 * `askYesNo` (Evennia's `ask_yes_no`): ask the session a yes/no question; its next
 * line answers. Return alone takes the default; anything else than yes/y/no/n
 * asks the question again (as Evennia), so a typo neither cancels nor confirms.
 */
import type { CommandSession } from "./command.ts";
import { getInput } from "./input-prompt.ts";

/** Options of {@link askYesNo}. */
export interface AskYesNoOptions {
  /** Run on "yes". */
  yes: () => Promise<void> | void;
  /** Run (or said) on "no" (default "Aborted."). */
  no?: string | (() => Promise<void> | void);
  /** What return alone means (default "no"). */
  default?: "yes" | "no";
}

/** Ask `prompt` — `{options}` in it becomes `[Y]/n` or `y/[N]` — and act on the answer. */
export function askYesNo(session: CommandSession, prompt: string, options: AskYesNoOptions): void {
  const def = options.default ?? "no";
  const choices = def === "yes" ? "[Y]/n" : "y/[N]";
  const text = prompt.includes("{options}") ? prompt.replaceAll("{options}", choices) : `${prompt} ${choices}?`;
  getInput(session, text, async (line) => {
    const answer = line.trim().toLowerCase() || def;
    if (answer === "yes" || answer === "y") {
      await options.yes();
    } else if (answer === "no" || answer === "n") {
      const no = options.no ?? "Aborted.";
      if (typeof no === "string") session.msg(no);
      else await no();
    } else {
      return true;
    }
    return false;
  });
}
