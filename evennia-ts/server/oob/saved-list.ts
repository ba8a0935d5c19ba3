/**
 * Keeping a session's OOB subscriptions (MSDP reports, monitors, repeats) across
 * reloads: a list in the session's saved data (the portal's copy), removed when empty.
 */
import type { ServerSession } from "../server-session.ts";

/** Save `entries` under `key` in `session`'s saved data; an empty list removes the key (nothing is sent when there was none). */
export function saveSessionList(session: ServerSession, key: string, entries: readonly unknown[]): void {
  if (entries.length === 0 && session.saved[key] === undefined) return;
  session.setSaved(key, entries.length > 0 ? entries : undefined);
}
