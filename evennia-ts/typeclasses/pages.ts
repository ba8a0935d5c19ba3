/**
 * Pages (private messages between accounts) as stored messages: how one is shown,
 * and handing over those sent to someone while they were offline.
 */
import type { DefaultAccount } from "./accounts.ts";
import { messageTime, takePending } from "./messages.ts";

/** Message category of pages. */
export const PAGE_CATEGORY = "page";

/** A page as its receiver is shown it. */
export function pageText(senderName: string, message: string): string {
  return `|wAccount|n |c${senderName}|n |wpages:|n ${message}`;
}

/**
 * Show `account` the pages sent to it while it was offline (its login hook calls
 * this); they stop waiting when the unit of work commits. Returns how many.
 */
export async function deliverPendingPages(account: DefaultAccount): Promise<number> {
  const waiting = await takePending(account._store.db, account, PAGE_CATEGORY, account._store);
  if (waiting.length === 0) return 0;
  const lines = waiting.map((m) => `|w${messageTime(m)}|n ${pageText(m.senders.map((s) => s.name).join(", "), m.text)}`);
  account.msg(`|wYou were paged while you were away:|n\n${lines.join("\n")}`);
  return waiting.length;
}
