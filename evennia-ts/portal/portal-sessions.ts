/**
 * The portal's sessions: one per player connection, whatever the protocol. They
 * outlive server reloads: input typed while the server is away is held and
 * replayed, and the server's per-session state is kept here for the re-sync.
 */
import { parseOobMessage, type MessageKwargs, type OobMessage } from "../protocol/message.ts";
import type { SessionSnapshot } from "../protocol/link-messages.ts";
import { getLogger } from "../utils/logger.ts";
import { NO_LIMITS, PortalLimits, type LimitedSession, type PortalLimitSettings } from "./limits/portal-limits.ts";
import type { ClientOptions, PortalSessionSink, SessionRegistry, SessionTransport } from "./session-transport.ts";

const log = getLogger("portal.sessions");

/** What the session handler reports to the portal service. */
export interface PortalSessionEvents {
  /** A new connection (not yet known to the server). */
  connected(session: PortalSession): void;
  /** Input from a session; return false to have it held until the server is back. */
  input(session: PortalSession, messages: OobMessage[]): boolean;
  /** Client options changed. */
  clientOptions(session: PortalSession, options: ClientOptions): void;
  /** The connection is gone. */
  disconnected(session: PortalSession, reason: string): void;
}

/** One player connection in the portal. */
export class PortalSession implements PortalSessionSink, LimitedSession {
  /** Options the client reported (screen size, colour support ...). */
  readonly clientOptions: ClientOptions;
  /** Input held while the server was away, oldest first. */
  held: OobMessage[][] = [];
  readonly connectedAt = Date.now();
  /** Time of the last input, ms since the epoch. */
  lastInputAt = Date.now();
  private serverData: Record<string, unknown> = {};
  private loginClock: number | null = this.connectedAt;
  private gone = false;

  constructor(
    readonly sessid: number,
    readonly transport: SessionTransport,
    clientOptions: ClientOptions,
    private readonly handler: PortalSessions,
  ) {
    this.clientOptions = { ...clientOptions };
  }

  /** True once the connection has closed. */
  get isDisconnected(): boolean {
    return this.gone;
  }

  /** The client's address. */
  get address(): string {
    return this.transport.address;
  }

  /** State the server stored for this session (`uid` once an account is logged in, `puid` ...). */
  get data(): Record<string, unknown> {
    return this.serverData;
  }

  set data(data: Record<string, unknown>) {
    this.serverData = data;
    if (this.loggedIn) this.loginClock = null;
    else this.loginClock ??= Date.now();
  }

  /** True when the server says an account is logged in on this session (`data.uid` set). */
  get loggedIn(): boolean {
    return this.serverData.uid !== undefined && this.serverData.uid !== null;
  }

  /** Since when (ms) the session has been waiting to log in, or null while logged in (login timeout). */
  get awaitingLoginSince(): number | null {
    return this.loginClock;
  }

  input(messages: OobMessage[]): void {
    if (this.gone || messages.length === 0) return;
    this.lastInputAt = Date.now();
    this.handler.onInput(this, messages);
  }

  /**
   * Options the client reported (telnet negotiation, the webclient's `client_options`):
   * kept and passed on to the server. A window size the player fixed with `option
   * screenwidth = ...` (which turns `autoresize` off) is not overwritten by the client's.
   */
  updateClientOptions(options: ClientOptions): void {
    if (this.gone) return;
    let kept = options;
    if ((options.autoresize ?? this.clientOptions.autoresize) === false && ("screenwidth" in options || "screenheight" in options)) {
      kept = { ...options };
      delete kept.screenwidth;
      delete kept.screenheight;
      if (Object.keys(kept).length === 0) return;
    }
    Object.assign(this.clientOptions, kept);
    this.handler.events.clientOptions(this, kept);
  }

  /**
   * Client options the game set (the `option` command ...): kept for the next
   * re-sync and handed to the transport, which renders what follows by them.
   */
  applyClientOptions(options: ClientOptions): void {
    if (this.gone) return;
    Object.assign(this.clientOptions, options);
    this.transport.applyClientOptions?.(options);
  }

  disconnected(reason: string): void {
    if (this.gone) return;
    this.gone = true;
    this.handler.remove(this, reason);
  }

  /** Send messages to the client. */
  send(messages: OobMessage[]): void {
    if (!this.gone) this.transport.send(messages);
  }

  /** Send one line of text. */
  sendText(text: string, kwargs: MessageKwargs = {}): void {
    this.send([["text", [text], kwargs]]);
  }

  /** Close the connection (optionally with a last message); the session is gone at once. */
  close(reason?: string): void {
    if (this.gone) return;
    this.transport.close(reason);
    this.disconnected(reason || "closed by the server");
  }

  /** The snapshot the server receives for this session. */
  snapshot(): SessionSnapshot {
    return {
      sessid: this.sessid,
      protocolKey: this.transport.protocolKey,
      address: this.transport.address,
      clientOptions: { ...this.clientOptions },
      connectedAt: this.connectedAt,
      data: this.data,
      ...(this.transport.webSession !== undefined ? { webSession: this.transport.webSession } : {}),
    };
  }
}

/** All sessions of this portal; the registry every protocol server connects through. */
export class PortalSessions implements SessionRegistry {
  /** Per-IP admission, input rate limits and login/idle timeouts. */
  readonly limits: PortalLimits;
  private readonly sessions = new Map<number, PortalSession>();
  private nextSessid = 1;

  /**
   * @param limitSettings the portal's limits (settings of the same names); all off when omitted
   */
  constructor(
    readonly events: PortalSessionEvents,
    private readonly heldInputLimit: number,
    limitSettings: PortalLimitSettings = NO_LIMITS,
  ) {
    this.limits = new PortalLimits(limitSettings);
  }

  admit(address: string, protocolKey: string): string | null {
    const refusal = this.limits.admit(address);
    if (refusal) log.debug(`refused a ${protocolKey} connection from ${address}: ${refusal}`);
    return refusal;
  }

  released(address: string): void {
    this.limits.released(address);
  }

  connect(transport: SessionTransport, clientOptions: ClientOptions = {}): PortalSessionSink {
    const session = new PortalSession(this.nextSessid++, transport, clientOptions, this);
    this.sessions.set(session.sessid, session);
    this.limits.opened(session);
    log.info(`session ${session.sessid} connected (${transport.protocolKey} from ${transport.address})`);
    this.events.connected(session);
    return session;
  }

  /** Look up a live session. */
  get(sessid: number): PortalSession | undefined {
    return this.sessions.get(sessid);
  }

  /** Every live session. */
  all(): PortalSession[] {
    return [...this.sessions.values()];
  }

  /** Number of live sessions. */
  get count(): number {
    return this.sessions.size;
  }

  /** Send text to every session. */
  broadcast(text: string): void {
    for (const session of this.sessions.values()) session.sendText(text);
  }

  /**
   * @internal called by a session with client input. Messages that would not
   * pass the link's validation (a cmdname over 128 characters from a hostile GMCP
   * package name ...) are dropped here: one of them would close the whole link.
   */
  onInput(session: PortalSession, input: OobMessage[]): void {
    const valid: OobMessage[] = [];
    for (const message of input) {
      const parsed = parseOobMessage(message);
      if (parsed.ok) valid.push(parsed.message);
      else log.debug(`session ${session.sessid}: dropped malformed input (${parsed.reason})`);
    }
    const messages = this.limits.filterInput(session, valid);
    if (messages.length === 0) return;
    if (session.held.length === 0 && this.events.input(session, messages)) return;
    this.hold(session, messages);
  }

  /** Replay held input of every session through `forward`, oldest first. */
  releaseHeld(forward: (session: PortalSession, messages: OobMessage[]) => void): void {
    for (const session of this.sessions.values()) {
      const held = session.held;
      session.held = [];
      for (const messages of held) forward(session, messages);
    }
  }

  /** @internal called by a session when its connection is gone. */
  remove(session: PortalSession, reason: string): void {
    this.sessions.delete(session.sessid);
    this.limits.closed(session);
    log.info(`session ${session.sessid} disconnected: ${reason}`);
    this.events.disconnected(session, reason);
  }

  private hold(session: PortalSession, messages: OobMessage[]): void {
    if (session.held.length >= this.heldInputLimit) {
      session.sendText("The server is restarting; your input was not kept (too many lines waiting).");
      return;
    }
    session.held.push(messages);
  }
}
