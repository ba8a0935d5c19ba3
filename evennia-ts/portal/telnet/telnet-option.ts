/**
 * The interface each telnet option module implements (one file per option under
 * `options/`), and what a session offers those modules.
 */
import type { OobMessage } from "../../protocol/message.ts";
import type { ClientOptions } from "../session-transport.ts";
import type { Logger } from "../../utils/logger.ts";
import type { TelnetCharset } from "./line-decoder.ts";
import type { OptionSide } from "./option-negotiator.ts";

/** What an option module may do on its connection. */
export interface TelnetOptionContext {
  /** Logger of the connection. */
  readonly log: Logger;
  /** Client options learnt so far (read-only view). */
  readonly clientOptions: Readonly<ClientOptions>;
  /** Settings of the server this connection belongs to. */
  readonly server: TelnetServerInfo;
  /** Queue raw bytes (already telnet-encoded) for the client. */
  sendRaw(bytes: Buffer): void;
  /** Send `IAC SB <option> <payload> IAC SE` (the payload is IAC-escaped here). */
  sendSubnegotiation(option: number, payload: Buffer | string): void;
  /** Ask to enable/disable an option on the server's side (WILL/WONT). */
  requestLocal(option: number, enable: boolean): void;
  /** Ask the client to enable/disable an option on its side (DO/DONT). */
  requestRemote(option: number, enable: boolean): void;
  /** True when `option` is enabled on `side`. */
  isEnabled(option: number, side: OptionSide): boolean;
  /** Merge client options and report them to the portal. */
  updateClientOptions(options: ClientOptions): void;
  /** Report messages from the client to the portal. */
  input(messages: OobMessage[]): void;
  /** Switch the character set used to decode input and encode output. */
  setCharset(charset: TelnetCharset): void;
  /** Compress everything sent after `marker` (MCCP2), or stop compressing. */
  setOutputCompression(on: boolean, marker?: Buffer): void;
  /** Treat input after the sub-negotiation being handled as compressed (MCCP3). */
  startInputDecompression(): void;
}

/** Server-wide facts option modules need (MSSP, ...). */
export interface TelnetServerInfo {
  /** The game's name. */
  readonly serverName: string;
  /** Port this connection came in on. */
  readonly port: number;
  /** MSSP variables supplied by the game (NAME, PLAYERS, UPTIME are filled in when missing). */
  msspData(): Record<string, string | string[]>;
  /** Connections open on this server (used for MSSP PLAYERS when the game gives none). */
  readonly connectionCount: number;
  /** When the server started (ms since epoch), for MSSP UPTIME. */
  readonly startedAt: number;
}

/** One telnet option on one connection. */
export interface TelnetOptionHandler {
  /** Option code (RFC 855 number). */
  readonly code: number;
  /** Option name for logs. */
  readonly name: string;
  /** Called once the connection is set up: send the initial WILL/DO offers here. */
  start?(): void;
  /** The client sent DO (side `local`) or WILL (side `remote`) while the option is off: agree? */
  accept?(side: OptionSide): boolean;
  /** The option settled on `side`: enabled, or disabled/refused. */
  changed?(side: OptionSide, enabled: boolean): void;
  /** A complete sub-negotiation for this option. */
  subnegotiation?(payload: Buffer): void;
  /**
   * Try to send an out-of-band message; return true when it was sent. Never called for
   * `text` or `prompt`, nor when the handler has {@link oobPayload} (GMCP and MSDP do).
   */
  sendOob?(message: OobMessage): boolean;
  /**
   * The sub-negotiation payload that would carry `message` now, or null while the
   * option is off: lets output many connections share (a channel message with its
   * GMCP twin) be encoded once; the connection sends it as this option's
   * sub-negotiation. A handler with `sendOob` and no `oobPayload` keeps its connection
   * out of shared rendering of out-of-band messages.
   */
  oobPayload?(message: OobMessage): Buffer | string | null;
  /** Rewrite outgoing text before colour markup is rendered (MXP turns links into tags). */
  beforeRender?(text: string): string;
  /** Rewrite outgoing text after colour markup was rendered (MXP puts its escapes in). */
  afterRender?(text: string): string;
  /**
   * What state its render hooks are in (MXP: on or off), for the connection's render
   * key: connections sharing output must render alike. A handler with render hooks
   * and no `renderKey` keeps its connection out of shared rendering.
   */
  renderKey?(): string;
  /** The connection is closing: stop timers. */
  close?(): void;
}

/** Builds an option handler for a new connection. */
export type TelnetOptionFactory = (ctx: TelnetOptionContext) => TelnetOptionHandler;
