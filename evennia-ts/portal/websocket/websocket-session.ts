/**
 * One websocket connection (protocol key `websocket`): JSON triples in and out (see
 * `websocket-frames.ts`). Implements the portal's {@link SessionTransport}.
 *
 * - A frame that is not a valid triple is answered `["error", [reason], {}]`; the
 *   connection stays up. Binary frames are refused the same way. These answers draw
 *   from a per-connection reply budget: a flood of bad frames is answered a few
 *   times a second, never frame for frame.
 * - A frame larger than the limit closes the connection with code 1009 (done by `ws`).
 * - Output of one event-loop turn leaves in one socket write (one triple per frame,
 *   the frames corked together).
 * - Unsent output above `maxOutputBuffer` bytes drops the connection.
 * - A `text` line longer than `maxLineLength` is cut, with a notice, as on telnet.
 * - {@link heartbeat} pings the client; a client that sent nothing (no frame, no
 *   pong) between two heartbeats is gone without a word (its network vanished)
 *   and is dropped, freeing its session and its place under the per-IP limit.
 */
import type { Socket } from "node:net";
import type { RawData, WebSocket } from "ws";
import type { OobMessage } from "../../protocol/message.ts";
import { describeError } from "../../utils/errors.ts";
import { getLogger, type Logger } from "../../utils/logger.ts";
import type { ClientOptions, PortalSessionSink, RenderedOutput, SessionTransport } from "../session-transport.ts";
import { FlushScheduler } from "../flush-scheduler.ts";
import { RenderKeyMemo } from "../render-key-memo.ts";
import { decodeClientFrame, encodeServerFrames } from "./websocket-frames.ts";
import { TokenBucket } from "../limits/token-bucket.ts";
import { deliverWebclientInput, webclientInputError, WebclientOptionsReporter } from "../web/webclient-input.ts";

/** How a {@link WebSocketSession} is set up. */
export interface WebSocketSessionConfig {
  /** Longest `text` input, in characters; longer input is cut with a notice. */
  maxLineLength: number;
  /** Bytes of unsent output allowed before the connection is dropped. */
  maxOutputBuffer: number;
  /** Milliseconds broadcast output may wait for more after a write (setting `broadcastBatchMs`; default 0). */
  broadcastBatchMs?: number;
  /** Error replies (to bad or binary frames) per second; excess frames get no answer (default 10; 0 = unlimited). */
  replyRatePerSecond?: number;
  /** Burst of error replies (default 30). */
  replyBurst?: number;
  /** The website session cookie sent with the upgrade request, passed to the server on connect. */
  webSession?: string;
}

/** Client options a websocket connection starts with (a browser shows every colour). */
export const WEBSOCKET_INITIAL_CLIENT_OPTIONS: Readonly<ClientOptions> = Object.freeze({
  ansi: true,
  xterm256: true,
  truecolor: true,
  screenreader: false,
  encoding: "utf-8",
  screenwidth: 78,
  screenheight: 45,
  webclient: true,
});

/** Ms to wait for the client to answer our close frame before the socket is destroyed. */
const CLOSE_GRACE_MS = 2000;

/** A websocket player connection. */
export class WebSocketSession implements SessionTransport {
  readonly protocolKey = "websocket";
  readonly address: string;
  readonly webSession?: string;
  private readonly log: Logger;
  private sink: PortalSessionSink | null = null;
  /** What the client's `client_options` set, for the portal's copy (bounded, net changes only). */
  private optionsReporter: WebclientOptionsReporter | null = null;
  /** Frames waiting for the turn's flush: text, or text already encoded as UTF-8 (shared output). */
  private queue: (string | Buffer)[] = [];
  private queuedBytes = 0;
  private readonly flushes: FlushScheduler;
  private closing = false;
  private finished = false;
  private closeReason: string | null = null;
  private graceTimer: NodeJS.Timeout | null = null;
  /** Budget of error replies to bad frames. */
  private readonly replies: TokenBucket;
  /** Error replies not sent for lack of budget. */
  private repliesDropped = 0;
  /** The session's `raw` / `nocolor` options, as the game set them. */
  private readonly renderFlags: { raw?: boolean; nocolor?: boolean } = {};
  /** The render key, rebuilt only when `renderFlags` changed. */
  private readonly renderKeys = new RenderKeyMemo();
  /** A heartbeat ping is out and nothing was heard from the client since. */
  private awaitingAnswer = false;

  constructor(
    private readonly ws: WebSocket,
    private readonly socket: Socket,
    private readonly config: WebSocketSessionConfig,
  ) {
    this.address = normalizeAddress(socket.remoteAddress);
    if (config.webSession !== undefined) this.webSession = config.webSession;
    this.log = getLogger(`portal.websocket ${this.address}:${socket.remotePort ?? "?"}`);
    this.replies = new TokenBucket(config.replyRatePerSecond ?? 10, config.replyBurst ?? 30);
    this.flushes = new FlushScheduler(() => this.flush(), config.broadcastBatchMs ?? 0);
  }

  /** Start the session: listen to the connection and report to `sink`. Call once. */
  start(sink: PortalSessionSink): void {
    this.sink = sink;
    this.optionsReporter = new WebclientOptionsReporter(sink, WEBSOCKET_INITIAL_CLIENT_OPTIONS);
    this.ws.on("message", (data, isBinary) => this.onMessage(data, isBinary));
    this.ws.on("pong", () => (this.awaitingAnswer = false));
    this.ws.on("ping", () => (this.awaitingAnswer = false));
    this.ws.on("error", (err) => {
      this.closeReason ??= `websocket error: ${err.message}`;
    });
    this.ws.on("close", (code) => this.finish(this.closeReason ?? `connection closed (code ${code})`));
  }

  /** True once the connection is gone. */
  get isFinished(): boolean {
    return this.finished;
  }

  /** Queue messages; everything sent within one event-loop turn leaves together. */
  send(messages: OobMessage[]): void {
    if (this.closing || this.finished) return;
    const frames = encodeServerFrames(messages, this.renderFlags, (cmdname, err) => {
      this.log.error(`cannot encode "${cmdname}" for the client: ${describeError(err)}`);
      return true;
    });
    for (const frame of frames ?? []) if (!this.enqueue(frame)) return;
  }

  /** What shapes this connection's frames: its `raw` and `nocolor` options (a browser shows every colour). */
  renderKey(): string | null {
    if (this.closing || this.finished) return null;
    const { raw, nocolor } = this.renderFlags;
    return this.renderKeys.keyOf(["websocket", raw === undefined ? "" : Number(raw), nocolor === undefined ? "" : Number(nocolor)]);
  }

  /** The frames `messages` would be sent as (null when one cannot be encoded). */
  render(messages: OobMessage[]): RenderedOutput | null {
    const key = this.renderKey();
    if (key === null) return null;
    const frames = encodeServerFrames(messages, this.renderFlags, () => false);
    // encoded once here, not once per session that shares it
    return frames === null ? null : { key, payload: frames.map((frame) => Buffer.from(frame, "utf8")) };
  }

  /** Send frames {@link render} made (here or on a connection with the same key). */
  sendRendered(output: RenderedOutput, broadcast = false): void {
    if (this.closing || this.finished || !Array.isArray(output.payload)) return;
    // what others did may wait a little to leave with more
    for (const frame of output.payload as Buffer[]) if (!this.enqueue(frame, broadcast)) return;
  }

  /**
   * Client options the game set: `raw` and `nocolor` apply to the text that follows
   * (the browser shows every colour, so the colour depth options change nothing here).
   */
  applyClientOptions(options: ClientOptions): void {
    if (typeof options.raw === "boolean") this.renderFlags.raw = options.raw;
    if (typeof options.nocolor === "boolean") this.renderFlags.nocolor = options.nocolor;
    this.optionsReporter?.gameSet(options);
  }

  /** Close the connection, sending `reason` as text first when given. */
  close(reason?: string): void {
    if (this.closing || this.finished) return;
    if (reason) this.send([["text", [reason], {}]]);
    this.flush();
    this.closing = true;
    this.closeReason ??= reason || "closed by server";
    try {
      this.ws.close(1000);
    } catch {
      this.ws.terminate();
    }
    this.graceTimer = setTimeout(() => this.ws.terminate(), CLOSE_GRACE_MS);
    this.graceTimer.unref();
  }

  /**
   * Called every heartbeat interval: drop the connection when the client did not
   * answer the last ping or send anything since, else ping it (a browser answers
   * pings by itself).
   */
  heartbeat(): void {
    if (this.closing || this.finished) return;
    if (this.awaitingAnswer) {
      this.abort("no answer to ping (the client's network is gone)");
      return;
    }
    this.awaitingAnswer = true;
    try {
      this.ws.ping();
    } catch {
      // the socket is closing: its close event finishes the session
    }
  }

  // ---- input ----

  private onMessage(data: RawData, isBinary: boolean): void {
    this.awaitingAnswer = false;
    if (this.closing || this.finished || !this.sink) return;
    if (isBinary) {
      this.sendError("binary frames are not accepted; send JSON text frames [cmdname, args, kwargs]");
      return;
    }
    const decoded = decodeClientFrame(rawToString(data));
    if (!decoded.ok) {
      this.sendError(decoded.reason);
      return;
    }
    const refused = webclientInputError(decoded.message);
    if (refused) {
      this.sendError(refused);
      return;
    }
    deliverWebclientInput(decoded.message, this.sink, this.optionsReporter!, this.config.maxLineLength, (text) => this.send([["text", [text], {}]]));
  }

  /** Answer a bad frame, if the reply budget allows (a flood of bad frames is not answered frame for frame). */
  private sendError(reason: string): void {
    if (this.replies.take()) {
      this.send([["error", [reason], {}]]);
      return;
    }
    if (this.repliesDropped++ === 0) this.log.warn("client sends bad frames faster than allowed; excess is not answered");
  }

  // ---- output ----

  /** Queue a frame (`background`: broadcast, see `FlushScheduler`); false when the connection was dropped for overflow. */
  private enqueue(frame: string | Buffer, background = false): boolean {
    this.queue.push(frame);
    this.queuedBytes += typeof frame === "string" ? Buffer.byteLength(frame) : frame.length;
    if (this.queuedBytes + this.ws.bufferedAmount > this.config.maxOutputBuffer) {
      this.abort("output buffer overflow");
      return false;
    }
    if (background) this.flushes.background();
    else this.flushes.soon();
    return true;
  }

  private flush(): void {
    this.flushes.cancel();
    if (this.finished || this.closing || this.queue.length === 0) return;
    const frames = this.queue;
    this.queue = [];
    this.queuedBytes = 0;
    if (this.ws.readyState !== this.ws.OPEN) return;
    this.socket.cork();
    try {
      // a Buffer goes as a text frame too: it holds the UTF-8 of a JSON text
      for (const frame of frames) this.ws.send(frame, { binary: false });
    } finally {
      this.socket.uncork();
    }
    this.flushes.flushed();
  }

  // ---- lifecycle ----

  /** Destroy the connection at once. */
  private abort(reason: string): void {
    if (this.finished) return;
    this.log.warn(`dropping connection: ${reason}`);
    this.closeReason = reason;
    this.queue = [];
    this.queuedBytes = 0;
    this.ws.terminate();
    this.finish(reason);
  }

  private finish(reason: string): void {
    if (this.finished) return;
    this.finished = true;
    this.closing = true;
    this.queue = [];
    this.queuedBytes = 0;
    this.flushes.cancel();
    this.optionsReporter?.stop();
    if (this.graceTimer) clearTimeout(this.graceTimer);
    try {
      this.sink?.disconnected(reason);
    } catch (err) {
      this.log.error("error reporting a disconnection", err);
    }
  }
}

function rawToString(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString("utf8");
  if (Array.isArray(data)) return Buffer.concat(data).toString("utf8");
  return Buffer.from(data).toString("utf8");
}

function normalizeAddress(address: string | undefined): string {
  if (!address) return "";
  return address.startsWith("::ffff:") ? address.slice(7) : address;
}
