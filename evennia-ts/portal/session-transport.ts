/**
 * The seam between a protocol (telnet, websocket, comet) and the portal's session
 * handler. A protocol implements {@link SessionTransport} for each connection and
 * reports what the client does through the {@link PortalSessionSink} it is given.
 */
import type { MessageKwargs, OobMessage } from "../protocol/message.ts";

/** Client capabilities and preferences, as Evennia's `client_options` (snake_case keys). */
export type ClientOptions = MessageKwargs;

/** One connection as the portal sees it, whatever its protocol. */
export interface SessionTransport {
  /** `telnet`, `telnet/ssl`, `websocket` or `comet`. */
  readonly protocolKey: string;
  /** Remote address (IP) of the client. */
  readonly address: string;
  /**
   * The website session cookie the browser sent when it opened this connection
   * (webclient only; setting `webSessionCookie`), passed to the server on connect.
   */
  readonly webSession?: string;
  /** Deliver messages to the client, rendered for its protocol and capabilities. */
  send(messages: OobMessage[]): void;
  /** Close the connection, first sending `reason` as text when given. */
  close(reason?: string): void;
  /**
   * The game changed client options (`nocolor`, `screenreader`, `encoding`, `raw` ...):
   * render later output by them. They are not reported back through the sink.
   */
  applyClientOptions?(options: ClientOptions): void;
  /**
   * Shared rendering (a multicast: the same messages for many sessions). A key naming
   * everything that shapes how this connection renders `messages` (protocol, colour
   * depth, screen reader, MXP, encoding, the width when they ask to be wrapped ...):
   * connections with equal keys turn them into the same output. Null while this
   * connection cannot share output.
   */
  renderKey?(messages: OobMessage[]): string | null;
  /**
   * Render `messages` as this connection would send them, without sending; null when
   * they cannot be shared (they change the connection's state, such as `echo`).
   */
  render?(messages: OobMessage[]): RenderedOutput | null;
  /**
   * Send output made by {@link render} of a connection with the same {@link renderKey};
   * `broadcast` output may wait a few milliseconds to leave with more (`broadcastBatchMs`).
   */
  sendRendered?(output: RenderedOutput, broadcast?: boolean): void;
}

/** Output rendered by one transport for every transport with the same render key (opaque to the portal). */
export interface RenderedOutput {
  /** The render key it was made for. */
  readonly key: string;
  /** What the transport made (bytes for telnet, frames for the websocket ...). */
  readonly payload: unknown;
}

/** What a transport calls on the portal. */
export interface PortalSessionSink {
  /** Messages the client sent (a line of text is `["text", [line], {}]`). */
  input(messages: OobMessage[]): void;
  /** Client options learnt or changed (NAWS, TTYPE, CHARSET ...), merged into the session's. */
  updateClientOptions(options: ClientOptions): void;
  /** The connection is gone (client quit, network error, or `close()` finished). */
  disconnected(reason: string): void;
}

/** Registers new connections with the portal; a protocol server is given one. */
export interface SessionRegistry {
  /**
   * Ask, before accepting a connection (a socket) from `address`, whether the portal
   * admits it (per-IP limits, the global connection cap). Returns null to accept —
   * the socket then counts as open until {@link released} — else a one-line reason:
   * the protocol server sends it to the client, closes the socket and does not call
   * {@link connect}. Every protocol server asks for every socket, plain HTTP included.
   */
  admit?(address: string, protocolKey: string): string | null;
  /** A socket admitted by {@link admit} has closed. */
  released?(address: string): void;
  /** Register a transport; returns the sink the transport reports to. */
  connect(transport: SessionTransport, clientOptions?: ClientOptions): PortalSessionSink;
}
