/**
 * The portal's global connection cap: at most `maxConnections` sockets open at once,
 * every port and protocol together (telnet, TLS, websocket and plain HTTP), so that
 * the process never runs out of file handles. `"auto"` takes the open-file limit and
 * keeps a reserve for the link, log files, the database and the listeners.
 *
 * A connection refused at the cap gets a one-line reason from its protocol server;
 * the refusals are logged as one error line, then at most once a minute with the
 * count of refusals since, so a flood cannot flood the log.
 */
import { readFileSync } from "node:fs";
import { getLogger } from "../../utils/logger.ts";

const log = getLogger("portal.limits");

/** File handles kept free below the open-file limit when the cap is `"auto"`. */
export const FILE_HANDLE_RESERVE = 256;
/** Cap used when the open-file limit cannot be read. */
export const FALLBACK_MAX_CONNECTIONS = 4000;
/** Shortest time between two "connection cap reached" log lines. */
export const CAP_LOG_INTERVAL_MS = 60_000;

/** The reason a client refused at the cap is sent. */
export const CAPACITY_REFUSAL = "The game is full right now (too many connections). Please try again in a few minutes.";

/** The soft open-file limit of this process, or null when it cannot be read (not Linux). */
export function openFileLimit(): number | null {
  try {
    const limits = readFileSync("/proc/self/limits", "utf8");
    const match = /^Max open files\s+(\d+|unlimited)/m.exec(limits);
    if (!match) return null;
    return match[1] === "unlimited" ? null : Number(match[1]);
  } catch {
    return null;
  }
}

/** The cap the setting `maxConnections` means (a number, or `"auto"`: the file limit less a reserve). */
export function resolveMaxConnections(setting: number | "auto", fileLimit: number | null = openFileLimit()): number {
  if (setting !== "auto") return setting;
  if (fileLimit === null) return FALLBACK_MAX_CONNECTIONS;
  // a reserve of FILE_HANDLE_RESERVE, or a quarter of a small limit
  return Math.max(1, fileLimit - Math.min(FILE_HANDLE_RESERVE, Math.floor(fileLimit / 4)));
}

/** Counts open connections against the cap. */
export class ConnectionCap {
  /** The cap in force (0 = none). */
  readonly max: number;
  private openCount = 0;
  /** Refusals not yet reported in the log. */
  private unreported = 0;
  private logTimer: NodeJS.Timeout | null = null;
  /** Connections refused at the cap so far. */
  refusedTotal = 0;

  constructor(setting: number | "auto") {
    this.max = resolveMaxConnections(setting);
  }

  /** Connections open now. */
  get open(): number {
    return this.openCount;
  }

  /** Take a place for a new connection: null when taken, else the reason to send the client. */
  admit(): string | null {
    if (this.max > 0 && this.openCount >= this.max) {
      this.refused();
      return CAPACITY_REFUSAL;
    }
    this.openCount++;
    return null;
  }

  /** A connection that was admitted has closed. */
  release(): void {
    if (this.openCount > 0) this.openCount--;
  }

  /** Stop the log timer (the portal is stopping); reports what is still unreported. */
  stop(): void {
    if (this.logTimer) clearTimeout(this.logTimer);
    this.logTimer = null;
    this.report();
  }

  private refused(): void {
    this.refusedTotal++;
    this.unreported++;
    if (this.logTimer) return; // reported when the minute is up
    this.report();
    this.logTimer = setTimeout(() => this.tick(), CAP_LOG_INTERVAL_MS);
    this.logTimer.unref();
  }

  private tick(): void {
    this.logTimer = null;
    if (this.unreported === 0) return;
    this.report();
    this.logTimer = setTimeout(() => this.tick(), CAP_LOG_INTERVAL_MS);
    this.logTimer.unref();
  }

  private report(): void {
    if (this.unreported === 0) return;
    log.error(
      `connection cap reached: refused ${this.unreported} connection(s) since the last report ` +
        `(${this.refusedTotal} in all; ${this.openCount} open, cap ${this.max}, setting maxConnections)`,
    );
    this.unreported = 0;
  }
}
