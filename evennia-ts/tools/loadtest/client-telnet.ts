/**
 * The load tester's telnet client: a socket with TCP_NODELAY, a small IAC parser
 * that answers option negotiation (it accepts EOR, so the game ends each command's
 * output with IAC EOR, and refuses everything else), and reports IAC EOR and IAC GA
 * as the end-of-command marker.
 */
import net from "node:net";
import { StringDecoder } from "node:string_decoder";
import { plainText, type ClientTransport, type TransportFactory, type TransportListener } from "./transport.ts";

const IAC = 255;
const DONT = 254;
const DO = 253;
const WONT = 252;
const WILL = 251;
const SB = 250;
const GA = 249;
const SE = 240;
const EOR_CMD = 239;
const OPT_EOR = 25;

/** Parser states. */
const enum State {
  Data,
  Iac,
  Option,
  Sub,
  SubIac,
}

/** A telnet connection for load tests. */
export class TelnetLoadClient implements ClientTransport {
  readonly protocol = "telnet" as const;
  private state = State.Data;
  private verb = 0;
  private readonly decoder = new StringDecoder("utf8");
  private readonly answered = new Set<number>();
  private closedReason: string | null = null;

  private constructor(
    private readonly socket: net.Socket,
    private readonly listener: TransportListener,
  ) {
    socket.setNoDelay(true);
    socket.on("data", (chunk: Buffer) => this.receive(chunk));
    socket.on("error", (err) => (this.closedReason ??= err.message));
    socket.on("close", () => listener.closed(this.closedReason ?? "connection closed"));
  }

  /** Connect to `host:port`. */
  static connect(host: string, port: number, listener: TransportListener): Promise<TelnetLoadClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host, port });
      const onError = (err: Error): void => reject(err);
      socket.once("error", onError);
      socket.once("connect", () => {
        socket.off("error", onError);
        resolve(new TelnetLoadClient(socket, listener));
      });
    });
  }

  send(line: string): void {
    if (this.socket.destroyed) return;
    // UTF-8 never holds the byte 0xFF (IAC), so the line needs no escaping
    this.socket.write(`${line}\r\n`, "utf8");
  }

  close(): void {
    this.closedReason ??= "closed by the load tester";
    this.socket.destroy();
  }

  private receive(chunk: Buffer): void {
    let start = 0;
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i]!;
      switch (this.state) {
        case State.Data:
          if (byte === IAC) {
            this.emitText(chunk, start, i);
            this.state = State.Iac;
          }
          break;
        case State.Iac:
          this.state = State.Data;
          if (byte === IAC) {
            start = i; // a literal 0xFF: keep it as data
            continue;
          }
          if (byte === WILL || byte === WONT || byte === DO || byte === DONT) {
            this.verb = byte;
            this.state = State.Option;
          } else if (byte === SB) {
            this.state = State.Sub;
          } else if (byte === GA || byte === EOR_CMD) {
            this.listener.marker();
          }
          start = i + 1;
          break;
        case State.Option:
          this.negotiate(this.verb, byte);
          this.state = State.Data;
          start = i + 1;
          break;
        case State.Sub:
          if (byte === IAC) this.state = State.SubIac;
          start = i + 1;
          break;
        case State.SubIac:
          this.state = byte === SE ? State.Data : State.Sub;
          start = i + 1;
          break;
      }
    }
    if (this.state === State.Data) this.emitText(chunk, start, chunk.length);
  }

  private emitText(chunk: Buffer, from: number, to: number): void {
    if (to <= from) return;
    const text = this.decoder.write(chunk.subarray(from, to));
    if (text.length > 0) this.listener.text(plainText(text));
  }

  /** Accept the server's EOR; refuse every other option, once each. */
  private negotiate(verb: number, option: number): void {
    const key = verb * 256 + option;
    if (this.answered.has(key)) return;
    this.answered.add(key);
    if (verb === WILL) this.socket.write(Buffer.from([IAC, option === OPT_EOR ? DO : DONT, option]));
    else if (verb === DO) this.socket.write(Buffer.from([IAC, WONT, option]));
  }
}

/** A factory of telnet connections to `host:port`. */
export function telnetTransport(host: string, port: number): TransportFactory {
  return (listener) => TelnetLoadClient.connect(host, port, listener);
}
