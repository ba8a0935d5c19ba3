/**
 * Login and idle timeouts, enforced by one periodic sweep over the sessions
 * (unref'd, so it never keeps the process alive) rather than a timer per
 * session: ten thousand idle sessions cost one pass of cheap comparisons every
 * few seconds, and no timer is re-armed on every line typed.
 *
 * - **login timeout**: a session that has not logged in within `loginTimeout`
 *   seconds of connecting (or of being logged out, e.g. by a reset) is closed.
 * - **idle timeout**: a session that sent no input for `idleTimeout` seconds is
 *   closed, logged in or not (any input counts: a command, or an out-of-band
 *   message such as a GMCP `Core.Ping`; telnet NOPs from the client do not).
 *
 * A session closes between the limit and the limit plus one sweep interval
 * ({@link sweepIntervalMs}: a quarter of the shortest timeout, 100 ms to 5 s).
 */

/** The settings this sweep reads (seconds; 0 = off). */
export interface SessionTimeoutSettings {
  /** Seconds a connection may take to log in (0 = never closed for that). */
  loginTimeout: number;
  /** Seconds without input before a connection is closed (0 = never). */
  idleTimeout: number;
}

/** What the sweep needs of a session. */
export interface TimedSession {
  /** Time of the last input, ms since the epoch. */
  readonly lastInputAt: number;
  /** Since when the session has been waiting to log in (ms), or null once logged in. */
  readonly awaitingLoginSince: number | null;
  /** Close the connection, telling the player why. */
  close(reason: string): void;
}

/** Texts players see when a timeout closes their connection. */
export const TIMEOUT_TEXTS = {
  login: "You took too long to log in. Goodbye!",
  idle: "Idle timeout exceeded, disconnecting.",
} as const;

/** The sweep interval for these settings, in ms (0 when no timeout is on). */
export function sweepIntervalMs(settings: SessionTimeoutSettings): number {
  const timeouts = [settings.loginTimeout, settings.idleTimeout].filter((t) => t > 0);
  if (timeouts.length === 0) return 0;
  return Math.min(5000, Math.max(100, (Math.min(...timeouts) * 1000) / 4));
}

/** Closes sessions past their login or idle timeout. */
export class SessionTimeouts {
  private timer: NodeJS.Timeout | null = null;
  /** Sessions closed for a login timeout so far. */
  loginTimeouts = 0;
  /** Sessions closed for an idle timeout so far. */
  idleTimeouts = 0;

  constructor(
    private readonly settings: SessionTimeoutSettings,
    private readonly sessions: () => Iterable<TimedSession>,
  ) {}

  /** True when some timeout is configured. */
  get enabled(): boolean {
    return sweepIntervalMs(this.settings) > 0;
  }

  /** Start sweeping (no-op when already running or no timeout is on). */
  start(): void {
    if (this.timer || !this.enabled) return;
    this.timer = setInterval(() => this.sweep(), sweepIntervalMs(this.settings));
    this.timer.unref();
  }

  /** Stop sweeping. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** True while the sweep runs. */
  get running(): boolean {
    return this.timer !== null;
  }

  /** Close every session past a timeout at `now`; returns how many were closed. */
  sweep(now = Date.now()): number {
    const loginMs = this.settings.loginTimeout * 1000;
    const idleMs = this.settings.idleTimeout * 1000;
    const expired: [TimedSession, string][] = [];
    for (const session of this.sessions()) {
      const since = session.awaitingLoginSince;
      if (loginMs > 0 && since !== null && now - since >= loginMs) {
        expired.push([session, TIMEOUT_TEXTS.login]);
        this.loginTimeouts++;
      } else if (idleMs > 0 && now - session.lastInputAt >= idleMs) {
        expired.push([session, TIMEOUT_TEXTS.idle]);
        this.idleTimeouts++;
      }
    }
    // closed after the pass: closing removes sessions from the collection being read
    for (const [session, reason] of expired) session.close(reason);
    return expired.length;
  }
}
