/**
 * The help topics a website visitor may see, from the same three sources as the
 * in-game `help`: commands (for a logged-in account: its character command set,
 * judged by the character it played last, and its account command set, each
 * command's `cmd` lock first), database entries (`sethelp`) and the game's help
 * files. Commands win over database entries, those over files; the `view` and
 * `read` locks decide what is listed and what may be read.
 */
import { createCmdSet } from "../../commands/cmdset-registry.ts";
import type { Command } from "../../commands/command.ts";
import { allDbHelpEntries, type DbHelpEntry } from "../../commands/help/db-help-entries.ts";
import { canListTopic, canReadTopic, commandHelpEntry, dbHelpTopic, fileHelpEntries, type HelpEntry } from "../../commands/help/help-entries.ts";
import type { DefaultAccount } from "../../typeclasses/accounts.ts";
import type { WebServices } from "../web-context.ts";

/** The help entry category that holds the website's news (database entries, newest first). */
export const NEWS_CATEGORY = "news";

/** Commands of `account`'s command sets that it (or its character) may use. */
function commandTopics(services: WebServices, account: DefaultAccount): HelpEntry[] {
  const character = account.lastPuppet ?? account.characters[0] ?? null;
  const seen = new Map<string, HelpEntry>();
  const sets: [string, DefaultAccount | NonNullable<typeof character>][] = [[services.settings.cmdsetAccount, account]];
  if (character) sets.unshift([services.settings.cmdsetCharacter, character]);
  for (const [path, user] of sets) {
    const set = createCmdSet(path, user);
    if (!set) continue;
    for (const cmd of set as Iterable<Command>) {
      const key = cmd.key.toLowerCase();
      if (key.startsWith("__") || seen.has(key) || !cmd.access(user, "cmd")) continue;
      seen.set(key, commandHelpEntry(cmd, user));
    }
  }
  return [...seen.values()];
}

/**
 * The help topics `account` (null: an anonymous visitor) may list (`mode` "list"),
 * read ("read"), or all of them whatever their locks ("any"; commands still only
 * those it may use).
 */
export async function webHelpTopics(services: WebServices, account: DefaultAccount | null, mode: "list" | "read" | "any"): Promise<HelpEntry[]> {
  const allowed = mode === "list" ? canListTopic : mode === "read" ? canReadTopic : () => true;
  const commands = account ? commandTopics(services, account).filter((e) => allowed(e, account)) : [];
  const byKey = new Map<string, HelpEntry>();
  for (const e of fileHelpEntries(services.settings.gameDir)) byKey.set(e.key.toLowerCase(), e);
  for (const e of await allDbHelpEntries(services.db)) byKey.set(e.key.toLowerCase(), dbHelpTopic(e));
  const commandKeys = new Set(commands.map((c) => c.key.toLowerCase()));
  const others = [...byKey.values()].filter((e) => !commandKeys.has(e.key.toLowerCase()) && allowed(e, account));
  return [...commands, ...others];
}

/** The news: database help entries of category {@link NEWS_CATEGORY} that `account` may read, newest first. */
export async function newsEntries(services: WebServices, account: DefaultAccount | null): Promise<DbHelpEntry[]> {
  const all = await allDbHelpEntries(services.db);
  return all
    .filter((e) => e.category.toLowerCase() === NEWS_CATEGORY && canReadTopic(dbHelpTopic(e), account))
    .sort((a, b) => b.dateCreated - a.dateCreated || a.key.localeCompare(b.key));
}
