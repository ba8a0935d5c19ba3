/**
 * The load tester's websocket client: JSON triples on the game's `/ws`, as the
 * webclient speaks them. It turns the `commandend` client option on as soon as it
 * connects (a `client_options` message), so every command — the login ones too —
 * is followed by a `prompt` message, the end-of-command marker.
 */
import WebSocket from "ws";
import { plainText, type ClientTransport, type TransportFactory, type TransportListener } from "./transport.ts";

/** A websocket connection for load tests. */
export class WebSocketLoadClient implements ClientTransport {
  readonly protocol = "websocket" as const;
  private closedReason: string | null = null;

  private constructor(
    private readonly socket: WebSocket,
    private readonly listener: TransportListener,
  ) {
    socket.on("message", (data, isBinary) => {
      if (!isBinary) this.receive(data.toString());
    });
    socket.on("error", (err) => (this.closedReason ??= err.message));
    socket.on("close", (code, reason) => listener.closed(this.closedReason ?? `websocket closed (${code}${reason.length ? ` ${reason.toString()}` : ""})`));
  }

  /** Connect to `url` (e.g. `ws://127.0.0.1:4001/ws`) and ask for the end-of-command marker. */
  static connect(url: string, listener: TransportListener): Promise<WebSocketLoadClient> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, { perMessageDeflate: false });
      const onError = (err: Error): void => reject(err);
      socket.once("error", onError);
      socket.once("open", () => {
        socket.off("error", onError);
        const client = new WebSocketLoadClient(socket, listener);
        socket.send(JSON.stringify(["client_options", [], { commandend: true }]));
        resolve(client);
      });
    });
  }

  send(line: string): void {
    if (this.socket.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(["text", [line], {}]));
  }

  close(): void {
    this.closedReason ??= "closed by the load tester";
    this.socket.terminate();
  }

  private receive(frame: string): void {
    let message: unknown;
    try {
      message = JSON.parse(frame);
    } catch {
      return; // not a triple: nothing to measure
    }
    if (!Array.isArray(message)) return;
    const [cmdname, args, kwargs] = message as [unknown, unknown[] | undefined, Record<string, unknown> | undefined];
    if (cmdname !== "text" && cmdname !== "prompt") return;
    const raw = kwargs?.raw_text;
    const text = typeof raw === "string" ? raw : typeof args?.[0] === "string" ? args[0] : "";
    // each message is whole lines: end it with a line feed, as telnet text arrives
    if (text.length > 0) this.listener.text(text.endsWith("\n") ? plainText(text) : `${plainText(text)}\n`);
    if (cmdname === "prompt") this.listener.marker();
  }
}

/** A factory of websocket connections to `url`. */
export function webSocketTransport(url: string): TransportFactory {
  return (listener) => WebSocketLoadClient.connect(url, listener);
}
