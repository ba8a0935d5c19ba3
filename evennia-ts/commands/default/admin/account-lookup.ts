/**
 * Finding the account an admin command names: `#12` (its id), `me`/`self` (the
 * caller's own account) or a name in any case. A miss tells the caller
 * "Could not find '<name>'." as Evennia's account search does.
 */
import { DefaultAccount } from "../../../typeclasses/accounts.ts";
import { getById, findAccount } from "../../../typeclasses/search.ts";
import type { Command } from "../../command.ts";

/** The account `query` names, or null after telling the caller it was not found (or that the query was empty). */
export async function lookUpAccount(cmd: Command, query: string): Promise<DefaultAccount | null> {
  const text = query.trim().replace(/^\*/, "").trim();
  if (!text) {
    cmd.msg("You must name an account.");
    return null;
  }
  const lower = text.toLowerCase();
  let account: DefaultAccount | null = null;
  if ((lower === "me" || lower === "self") && cmd.account) account = cmd.account;
  else if (/^#\d+$/.test(text)) {
    const found = await getById<DefaultAccount>(text, "account");
    account = found instanceof DefaultAccount ? found : null;
  } else account = await findAccount(text);
  if (!account || account.isDeleted) {
    cmd.msg(`Could not find '${text}'.`);
    return null;
  }
  return account;
}

/** The name the caller goes by in messages to others (the puppet's or the account's key). */
export function callerName(cmd: Command): string {
  const caller = cmd.caller as { key?: string; sessid?: number };
  return caller.key ?? cmd.account?.key ?? `session ${caller.sessid ?? "?"}`;
}
