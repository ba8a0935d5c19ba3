/**
 * One end of the portal ⇄ server link over a TCP socket: frames in, frames out,
 * with every message sent within one event-loop turn batched into one frame.
 *
 * Writes respect backpressure: once `socket.write()` returns false, frames wait in
 * a queue of our own until the socket drains. What waits (the socket's buffer and
 * that queue) is bounded by `maxBufferedBytes`; a peer that stops reading and lets it
 * grow past that is logged and disconnected rather than filling memory.
 */
import type { Socket } from "node:net";
import { EvenniaError } from "../utils/errors.ts";
import { getLogger } from "../utils/logger.ts";
import { encodeFrame, FRAME_HEADER_BYTES, FrameDecoder } from "./framing.ts";

const log = getLogger("link");

/** Default of {@link LinkConnectionOptions.maxBufferedBytes}: 64 MiB. */
export const DEFAULT_LINK_MAX_BUFFERED_BYTES = 64 * 1024 * 1024;

/** The close reason given when the peer stopped reading and the buffer bound was reached. */
export const PEER_NOT_READING = "the other side stopped reading";

/** Options of a {@link LinkConnection}. */
export interface LinkConnectionOptions<Out = unknown> {
  /** The largest frame accepted. */
  maxFrameBytes: number;
  /** Bytes allowed to wait for the peer to read (socket buffer plus our queue); more disconnects it. */
  maxBufferedBytes?: number;
  /** Names the peer in logs ("server", "portal"). */
  peer?: string;
  /**
   * Rewrites each turn's batch just before it is framed (the server merges identical
   * output for several sessions into one multicast, see `server/output-coalescing.ts`).
   */
  prepareBatch?: (batch: Out[]) => Out[];
}

/** What a link has sent (for tests, benchmarks and diagnostics). */
export interface LinkSendStats {
  /** Frames written (one per event-loop turn with output; more when a turn's output is larger than a frame). */
  frames: number;
  /** Messages in those frames, after {@link LinkConnectionOptions.prepareBatch}. */
  messages: number;
  /** Bytes of those frames. */
  bytes: number;
  /** Messages not sent: each alone was larger than a frame may be, or held a value JSON cannot encode. */
  dropped: number;
}

/** A framed, batched message channel over one socket. */
export class LinkConnection<In, Out> {
  /** What this end has sent so far. */
  readonly sent: LinkSendStats = { frames: 0, messages: 0, bytes: 0, dropped: 0 };
  private readonly prepareBatch: ((batch: Out[]) => Out[]) | undefined;
  private readonly decoder: FrameDecoder;
  /** Largest frame body either side takes (`linkMaxFrameBytes`): larger batches are split. */
  private readonly maxFrameBytes: number;
  private pending: Out[] = [];
  private flushScheduled = false;
  private closed = false;
  private onMessageHandler: (msg: In) => void = () => {};
  private onCloseHandlers: ((reason: string) => void)[] = [];
  /** Frames waiting for the socket to drain (written in order once it does). */
  private queued: Buffer[] = [];
  private queuedBytes = 0;
  /** True from a `write()` that returned false until 'drain'. */
  private blocked = false;
  private readonly maxBufferedBytes: number;
  private readonly peer: string;

  /**
   * @param socket connected socket
   * @param parse validates one decoded message; `undefined` means malformed (closes the link)
   * @param options frame and buffer limits (a number: the largest frame accepted)
   */
  constructor(
    readonly socket: Socket,
    private readonly parse: (value: unknown) => In | undefined,
    options: LinkConnectionOptions<Out> | number,
  ) {
    const opts: LinkConnectionOptions<Out> = typeof options === "number" ? { maxFrameBytes: options } : options;
    this.prepareBatch = opts.prepareBatch;
    this.decoder = new FrameDecoder(opts.maxFrameBytes);
    this.maxFrameBytes = opts.maxFrameBytes;
    this.maxBufferedBytes = opts.maxBufferedBytes ?? DEFAULT_LINK_MAX_BUFFERED_BYTES;
    this.peer = opts.peer ?? "peer";
    socket.setNoDelay(true);
    socket.on("drain", () => this.drain());
    socket.on("data", (data: Buffer) => this.receive(data));
    socket.on("error", (err) => this.close(`socket error: ${err.message}`));
    socket.on("close", () => this.close("connection closed"));
  }

  /** Set the handler for each incoming message. */
  onMessage(handler: (msg: In) => void): void {
    this.onMessageHandler = handler;
  }

  /** Add a handler called once when the link closes. */
  onClose(handler: (reason: string) => void): void {
    this.onCloseHandlers.push(handler);
  }

  /** True once closed. */
  get isClosed(): boolean {
    return this.closed;
  }

  /** Bytes written but not yet taken by the peer: the socket's buffer plus frames queued behind it. */
  get bufferedBytes(): number {
    // a destroyed socket's buffer is dropped, whatever writableLength still says
    return (this.socket.destroyed ? 0 : this.socket.writableLength) + this.queuedBytes;
  }

  /** True while the socket has refused more (`write()` returned false) and has not drained yet. */
  get isBlocked(): boolean {
    return this.blocked;
  }

  /** Queue a message; everything queued in this turn goes out as one frame. */
  send(msg: Out): void {
    if (this.closed) return;
    this.pending.push(msg);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** Write queued messages now (or queue their frame while the socket is full). */
  flush(): void {
    this.flushScheduled = false;
    if (this.closed || this.pending.length === 0) return;
    const batch = this.preparedBatch(this.pending);
    this.pending = [];
    for (const frame of this.framesOf(batch)) {
      this.sent.frames++;
      this.sent.bytes += frame.length;
      if (this.blocked) {
        this.queued.push(frame);
        this.queuedBytes += frame.length;
      } else if (!this.socket.write(frame)) {
        this.blocked = true;
      }
    }
    if (this.blocked && this.bufferedBytes > this.maxBufferedBytes) this.dropSlowPeer();
  }

  /**
   * `pending` as {@link LinkConnectionOptions.prepareBatch} rewrites it; as it is when the
   * rewrite fails (it compares messages by their JSON, which a value JSON cannot encode
   * breaks: {@link framesOf} then finds and drops that message).
   */
  private preparedBatch(pending: Out[]): Out[] {
    if (!this.prepareBatch) return pending;
    try {
      return this.prepareBatch(pending);
    } catch {
      return pending;
    }
  }

  /**
   * The frames that carry `batch`: one, unless it is larger than the peer takes (the
   * same `linkMaxFrameBytes` on both sides: a larger frame makes the peer close the link,
   * which restarts the server). A turn's output to thousands of players can be that
   * large; it is split in halves until each part fits. A single message larger than a
   * frame cannot be sent: it is dropped and logged, and the link stays up.
   */
  private framesOf(batch: Out[]): Buffer[] {
    let frame: Buffer;
    try {
      frame = encodeFrame(batch);
    } catch (err) {
      return this.framesOfUnencodable(batch, err);
    }
    if (frame.length - FRAME_HEADER_BYTES <= this.maxFrameBytes) {
      this.sent.messages += batch.length;
      return [frame];
    }
    if (batch.length === 1) {
      const kind = (batch[0] as { t?: unknown } | undefined)?.t;
      log.error(`a link message of ${frame.length} bytes (${typeof kind === "string" ? kind : "?"}) is larger than a frame may be (setting linkMaxFrameBytes, ${this.maxFrameBytes}); it was not sent`);
      this.sent.dropped++;
      return [];
    }
    const half = Math.ceil(batch.length / 2);
    return [...this.framesOf(batch.slice(0, half)), ...this.framesOf(batch.slice(half))];
  }

  /**
   * `batch` holds a value JSON cannot encode (a BigInt, a cycle, a throwing `toJSON`:
   * a game's bug in what it sent). The batch is split until the culprit is alone; a
   * message holding several (`msgs` of one session's turn) keeps those that encode.
   * What cannot be sent is logged and dropped; the rest goes out and the link stays up.
   */
  private framesOfUnencodable(batch: Out[], err: unknown): Buffer[] {
    if (batch.length > 1) {
      const half = Math.ceil(batch.length / 2);
      return [...this.framesOf(batch.slice(0, half)), ...this.framesOf(batch.slice(half))];
    }
    const only = batch[0] as { t?: unknown; msgs?: unknown } | undefined;
    const kind = typeof only?.t === "string" ? only.t : "?";
    if (only && Array.isArray(only.msgs) && only.msgs.length > 1) {
      const encodable = only.msgs.filter((m) => encodes(m));
      const lost = only.msgs.length - encodable.length;
      if (lost > 0 && encodable.length > 0) {
        log.error(`${lost} link message(s) (${kind}: ${namesOf(only.msgs.filter((m) => !encodes(m)))}) could not be encoded as JSON and were not sent: ${(err as Error).message}`);
        this.sent.dropped += lost;
        return this.framesOf([{ ...only, msgs: encodable } as Out]);
      }
    }
    log.error(`a link message (${kind}${Array.isArray(only?.msgs) ? `: ${namesOf(only.msgs)}` : ""}) could not be encoded as JSON and was not sent: ${(err as Error).message}`);
    this.sent.dropped++;
    return [];
  }

  /** Flush, then close the socket and notify handlers (once). */
  close(reason: string): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    // what waits behind a full socket goes out before the end, as far as the peer reads it
    if (!this.socket.destroyed) for (const frame of this.queued) this.socket.write(frame);
    this.queued = [];
    this.queuedBytes = 0;
    this.socket.end();
    this.socket.destroySoon?.();
    this.notifyClosed(reason);
  }

  /**
   * Resolves once everything written has been handed to the system (the socket has
   * finished after {@link close}, or is gone), or after `timeoutMs` when the peer does
   * not read. A process that exits right after closing its link loses what is still in
   * the socket's buffer: the answers to the last commands before a reload.
   */
  flushed(timeoutMs: number): Promise<void> {
    const socket = this.socket;
    if (socket.destroyed || socket.writableFinished) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        socket.off("finish", done);
        socket.off("close", done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      socket.once("finish", done);
      socket.once("close", done);
    });
  }

  /** The socket took what it had: write the queued frames until it is full again. */
  private drain(): void {
    if (this.closed) return;
    this.blocked = false;
    while (this.queued.length > 0) {
      const frame = this.queued.shift()!;
      this.queuedBytes -= frame.length;
      if (!this.socket.write(frame)) {
        this.blocked = true;
        return;
      }
    }
  }

  /** The peer let more than `maxBufferedBytes` wait: log, drop what waits, disconnect it. */
  private dropSlowPeer(): void {
    const err = new EvenniaError(
      "EV_ERR_LINK_SLOW",
      `the ${this.peer} stopped reading the link: ${this.bufferedBytes} bytes wait for it, over the limit of ` +
        `${this.maxBufferedBytes} (setting linkMaxBufferedBytes); disconnecting it`,
    );
    log.error(`[${err.code}] ${err.message}`);
    this.closed = true;
    this.pending = [];
    this.queued = [];
    this.queuedBytes = 0;
    this.socket.destroy();
    this.notifyClosed(PEER_NOT_READING);
  }

  private notifyClosed(reason: string): void {
    const handlers = this.onCloseHandlers;
    this.onCloseHandlers = [];
    for (const handler of handlers) handler(reason);
  }

  private receive(data: Buffer): void {
    if (this.closed) return;
    let values: unknown[];
    try {
      values = this.decoder.push(data);
    } catch (err) {
      log.error(`closing link: ${(err as Error).message}`);
      this.socket.destroy();
      this.close((err as Error).message);
      return;
    }
    for (const batch of values) {
      if (!Array.isArray(batch)) {
        this.fail("link frame is not an array of messages");
        return;
      }
      for (const value of batch) {
        const msg = this.parse(value);
        if (msg === undefined) {
          this.fail(`malformed link message: ${JSON.stringify(value).slice(0, 200)}`);
          return;
        }
        try {
          this.onMessageHandler(msg);
        } catch (err) {
          log.error("error handling a link message", err);
        }
        if (this.closed) return;
      }
    }
  }

  private fail(reason: string): void {
    const err = new EvenniaError("EV_ERR_LINK_FRAME", reason);
    log.error(`closing link: ${err.message}`);
    this.socket.destroy();
    this.close(reason);
  }
}

/** True when JSON can encode `value`. */
function encodes(value: unknown): boolean {
  try {
    JSON.stringify(value);
    return true;
  } catch {
    return false;
  }
}

/** The cmdnames of message triples, for a log line. */
function namesOf(msgs: unknown[]): string {
  return msgs.map((m) => (Array.isArray(m) && typeof m[0] === "string" ? m[0].slice(0, 64) : "?")).join(", ");
}
