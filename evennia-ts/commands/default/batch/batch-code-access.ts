/**
 * Who may run batch code: the setting `batchCodeEnabled` must be on and the caller
 * a Developer. Checked when `batchcode` starts and again before every block, since
 * an interactive run outlives both (its state commands need only the batch-command
 * permission, and a setting or a permission may change while it waits).
 */
import type { Settings } from "../../../conf/settings.ts";
import { checkLock } from "../../../locks/lock-string.ts";
import type { Command } from "../../command.ts";

/** The lock of `batchcode`, and of every block it runs. */
export const BATCHCODE_LOCK = "cmd:perm(Developer)";

/** What the caller is told when `batchcode` is off. */
export const BATCHCODE_DISABLED_MESSAGE =
  "The batchcode command is disabled. A developer can enable it with batchCodeEnabled: true in server/conf/settings.ts " +
  "(it runs code with full access to the server: only on a development server).";

/** What a caller who is no (longer a) Developer is told before a block. */
export const BATCHCODE_DEVELOPERS_ONLY_MESSAGE = "Batch code may be run by only Developers; the block was not run and the batch run has ended.";

/** Why `cmd`'s caller may not run batch code now, or null when it may. */
export function batchCodeRefusal(cmd: Command): string | null {
  const settings = (cmd.services?.settings ?? {}) as Partial<Settings>;
  if (!settings.batchCodeEnabled) return BATCHCODE_DISABLED_MESSAGE;
  const allowed = checkLock(BATCHCODE_LOCK, "cmd", { accessor: cmd.caller as never, accessed: cmd, session: cmd.session }, false);
  return allowed ? null : BATCHCODE_DEVELOPERS_ONLY_MESSAGE;
}
