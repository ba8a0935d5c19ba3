/**
 * What a load-test client needs from a connection, whatever the protocol: send a
 * line, hear text, hear the end-of-command marker, hear the connection close.
 */

/** The protocols the load tester speaks. */
export type LoadProtocol = "telnet" | "websocket";

/** What a transport reports. */
export interface TransportListener {
  /** Output text (markup and ANSI codes stripped). */
  text(text: string): void;
  /**
   * The end of one command's output: telnet IAC EOR or IAC GA, a websocket
   * `prompt` message. The game sends it after every command for sessions with the
   * client option `commandend` on (or its own prompt, when the game has one).
   */
  marker(): void;
  /** The connection closed (by either side). */
  closed(reason: string): void;
}

/** One open connection to the game. */
export interface ClientTransport {
  readonly protocol: LoadProtocol;
  /** Send one line of input. */
  send(line: string): void;
  /** Close the connection. */
  close(): void;
}

/** Opens one connection; resolves once connected. */
export type TransportFactory = (listener: TransportListener) => Promise<ClientTransport>;

/** ANSI escape sequences (colour, cursor) to strip from telnet text. */
// eslint-disable-next-line no-control-regex -- matching escape sequences is the point
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;

/** `text` without ANSI escape sequences and carriage returns. */
export function plainText(text: string): string {
  return text.replace(ANSI, "").replace(/\r/g, "");
}
