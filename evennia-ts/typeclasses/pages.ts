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

/** Most waiting pages shown at login; older ones are listed with `page <number>`. */
export const MAX_PENDING_PAGES_SHOWN = 20;

/**
 * Show `account` the pages sent to it while it was offline (its login hook calls
 * this): the latest {@link MAX_PENDING_PAGES_SHOWN}, with a note of how many older
 * ones there are (a flood of pages does not bury the login). They all stop waiting
 * when the unit of work commits. Returns how many were waiting.
 */
export async function deliverPendingPages(account: DefaultAccount): Promise<number> {
  const waiting = await takePending(account._store.db, account, PAGE_CATEGORY, account._store);
  if (waiting.length === 0) return 0;
  const shown = waiting.slice(-MAX_PENDING_PAGES_SHOWN);
  const lines = shown.map((m) => `|w${messageTime(m)}|n ${pageText(m.senders.map((s) => s.name).join(", "), m.text)}`);
  const older = waiting.length - shown.length;
  if (older > 0) lines.unshift(`(${older} older page${older === 1 ? "" : "s"} not shown: |wpage <number>|n lists your latest pages.)`);
  account.msg(`|wYou were paged while you were away:|n\n${lines.join("\n")}`);
  return waiting.length;
}
