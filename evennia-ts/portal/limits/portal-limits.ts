/**
 * The portal's protection against hostile or broken clients, protocol-independent:
 * connection admission per address, per-session input rate limits, and login and
 * idle timeouts. {@link PortalSessions} consults it on every connection, input and
 * disconnection; protocol servers ask {@link PortalLimits.admit} before accepting.
 * (Line length and unread-output limits live in each protocol, which sees bytes.)
 */
import type { OobMessage } from "../../protocol/message.ts";
import { getLogger } from "../../utils/logger.ts";
import { ConnectionAdmission, type ConnectionAdmissionSettings } from "./connection-admission.ts";
import { ConnectionCap } from "./connection-cap.ts";
import { InputRateLimiter, type InputRateSettings } from "./input-rate-limiter.ts";
import { SessionTimeouts, type SessionTimeoutSettings, type TimedSession } from "./session-timeouts.ts";

const log = getLogger("portal.limits");

/** Every setting the portal's limits read (all in `Settings`). */
export type PortalLimitSettings = ConnectionAdmissionSettings &
  InputRateSettings &
  SessionTimeoutSettings & {
    /** Connections open at once, all protocols (0 = no cap, `"auto"` = below the open-file limit). */
    maxConnections: number | "auto";
  };

/** Limits that are all off: what a session handler built without settings uses. */
export const NO_LIMITS: Readonly<PortalLimitSettings> = Object.freeze({
  connectionsPerIpPerMinute: 0,
  maxConnectionsPerIp: 0,
  connectionLimitExemptIps: [],
  maxConnections: 0,
  commandRatePerSecond: 0,
  commandBurst: 0,
  oobRatePerSecond: 0,
  oobBurst: 0,
  loginTimeout: 0,
  idleTimeout: 0,
});

/** What the limits need of a session. */
export interface LimitedSession extends TimedSession {
  readonly sessid: number;
  /** Client address. */
  readonly address: string;
  /** Tell the player something. */
  sendText(text: string): void;
}

/** The portal's limits, one instance per portal. */
export class PortalLimits {
  readonly admission: ConnectionAdmission;
  /** The global cap on open connections. */
  readonly cap: ConnectionCap;
  readonly timeouts: SessionTimeouts;
  private readonly rates = new Map<number, InputRateLimiter>();
  private readonly live = new Map<number, LimitedSession>();

  constructor(private readonly settings: PortalLimitSettings) {
    this.admission = new ConnectionAdmission(settings);
    this.cap = new ConnectionCap(settings.maxConnections);
    this.timeouts = new SessionTimeouts(settings, () => this.live.values());
  }

  /**
   * Decide on a new connection (a socket, of any protocol) from `address`: null =
   * accepted, and it counts as open against the cap and the address's limit until
   * {@link released} is called; else the reason to send the client.
   */
  admit(address: string): string | null {
    const refusal = this.admission.admit(address);
    if (refusal) return refusal;
    const full = this.cap.admit();
    if (full) return full;
    this.admission.opened(address);
    return null;
  }

  /** A connection accepted by {@link admit} has closed. */
  released(address: string): void {
    this.admission.closed(address);
    this.cap.release();
  }

  /** A session was registered. Starts the timeout sweep with the first one. */
  opened(session: LimitedSession): void {
    this.live.set(session.sessid, session);
    this.rates.set(session.sessid, new InputRateLimiter(this.settings));
    this.timeouts.start();
  }

  /** A session is gone. Stops the sweep with the last one. */
  closed(session: LimitedSession): void {
    if (!this.live.delete(session.sessid)) return;
    this.rates.delete(session.sessid);
    if (this.live.size === 0) this.timeouts.stop();
  }

  /** The part of `messages` the session may send now; tells the player when commands were refused. */
  filterInput(session: LimitedSession, messages: OobMessage[]): OobMessage[] {
    const limiter = this.rates.get(session.sessid);
    if (!limiter) return messages;
    const { allowed, notice, refused } = limiter.filter(messages);
    if (refused > 0) log.debug(`session ${session.sessid}: refused ${refused} message(s) sent too fast`);
    if (notice) session.sendText(notice);
    return allowed;
  }

  /** Stop the sweep (the portal is stopping). */
  stop(): void {
    this.timeouts.stop();
    this.cap.stop();
  }
}
