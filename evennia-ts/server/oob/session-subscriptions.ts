/**
 * What a session asked the server to keep sending it — MSDP reports, monitors,
 * repeats, webclient option changes — taken together: brought back after a reload,
 * ended with the session, and cleared when a server starts in this process.
 */
import { currentUnitOfWork } from "../../db/unit-of-work.ts";
import type { ServerSession } from "../server-session.ts";
import { forgetMonitors, resetMonitors, restoreMonitors } from "./monitors.ts";
import { forgetRepeats, resetRepeats, restoreRepeats } from "./repeats.ts";
import { restoreReports } from "./report-tracker.ts";
import { forgetWebclientOptionsWatch, resetWebclientOptionsWatches, restoreWebclientOptionsWatch, rewatchWebclientOptions } from "./webclient-options.ts";

/** After a reload: start again everything `session` had asked for (from its saved data). */
export function restoreOobSubscriptions(session: ServerSession): void {
  restoreReports(session);
  restoreMonitors(session);
  restoreRepeats(session);
  restoreWebclientOptionsWatch(session);
}

/**
 * `session` is gone: stop everything it had asked for. (MSDP reports live in a weak table.)
 * Inside a unit of work that then fails (a command that disconnected it, then threw), it
 * gets all of it back, when `connected()` says the session is connected again.
 */
export function forgetOobSubscriptions(session: ServerSession, connected?: () => boolean): void {
  forgetMonitors(session);
  forgetRepeats(session);
  const watched = forgetWebclientOptionsWatch(session);
  if (!connected) return;
  currentUnitOfWork()?.recordUndo(() => {
    if (!connected()) return;
    // its saved data still lists them
    restoreMonitors(session);
    restoreRepeats(session);
    if (watched) rewatchWebclientOptions(session, watched);
  });
}

/** A server is starting in this process: whatever an earlier one kept is dropped. */
export function resetOobSubscriptions(): void {
  resetMonitors();
  resetRepeats();
  resetWebclientOptionsWatches();
}
