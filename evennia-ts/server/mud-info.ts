/**
 * Server news for the admins' MudInfo channel (setting `channelMudInfo`): reloads,
 * starts, stops and command errors. Each announcement runs in its own unit of work
 * and never throws; errors are rate-limited (one a window, then a count of those
 * held back), so a broken command cannot flood the channel.
 */
import type { Settings } from "../conf/settings.ts";
import type { Database } from "../db/database.ts";
import { runInUnitOfWork } from "../db/unit-of-work.ts";
import { mudInfoChannel } from "../typeclasses/default-channels.ts";
import { getLogger } from "../utils/logger.ts";

const log = getLogger("mudinfo");

/** Milliseconds between two error announcements. */
export const ERROR_ANNOUNCE_WINDOW_MS = 10_000;

/** What the command handler reports of a failed command. */
export interface CommandErrorReport {
  id: string;
  line: string;
  /** Who typed it (account name), if logged in. */
  who: string | null;
}

/** Announces server news on MudInfo. */
export class MudInfoAnnouncer {
  private lastErrorAt = -Infinity;
  private heldBack = 0;

  constructor(
    private readonly db: Database,
    private readonly settings: Pick<Settings, "channelMudInfo">,
    private readonly now: () => number = Date.now,
  ) {}

  /** Post `text` on MudInfo (nothing happens without the channel). */
  async announce(text: string): Promise<void> {
    if (!this.settings.channelMudInfo) return;
    try {
      await runInUnitOfWork(this.db, async () => {
        const channel = await mudInfoChannel(this.settings);
        await channel?.msg(text, { bypassMute: false });
      });
    } catch (err) {
      log.error("could not post on MudInfo", err);
    }
  }

  /** Post a failed command, unless one was posted in the last {@link ERROR_ANNOUNCE_WINDOW_MS}. */
  commandFailed(report: CommandErrorReport): void {
    const now = this.now();
    if (now - this.lastErrorAt < ERROR_ANNOUNCE_WINDOW_MS) {
      this.heldBack++;
      return;
    }
    this.lastErrorAt = now;
    const more = this.heldBack > 0 ? ` (and ${this.heldBack} more since the last report; see the server log)` : "";
    this.heldBack = 0;
    const line = report.line.length > 60 ? `${report.line.slice(0, 57)}...` : report.line;
    void this.announce(`|rError in command "${line.replaceAll("|", "||")}" by ${report.who ?? "an unlogged session"} (error id ${report.id})${more}|n`);
  }
}
