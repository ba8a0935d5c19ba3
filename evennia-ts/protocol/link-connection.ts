/**
 * One end of the portal ⇄ server link over a TCP socket: frames in, frames out,
 * with every message sent within one event-loop turn batched into one frame.
 */
import type { Socket } from "node:net";
import { EvenniaError } from "../utils/errors.ts";
import { getLogger } from "../utils/logger.ts";
import { encodeFrame, FrameDecoder } from "./framing.ts";

const log = getLogger("link");

/** A framed, batched message channel over one socket. */
export class LinkConnection<In, Out> {
  private readonly decoder: FrameDecoder;
  private pending: Out[] = [];
  private flushScheduled = false;
  private closed = false;
  private onMessageHandler: (msg: In) => void = () => {};
  private onCloseHandlers: ((reason: string) => void)[] = [];

  /**
   * @param socket connected socket
   * @param parse validates one decoded message; `undefined` means malformed (closes the link)
   * @param maxFrameBytes the largest frame accepted
   */
  constructor(
    readonly socket: Socket,
    private readonly parse: (value: unknown) => In | undefined,
    maxFrameBytes: number,
  ) {
    this.decoder = new FrameDecoder(maxFrameBytes);
    socket.setNoDelay(true);
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

  /** Queue a message; everything queued in this turn goes out as one frame. */
  send(msg: Out): void {
    if (this.closed) return;
    this.pending.push(msg);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** Write queued messages now. */
  flush(): void {
    this.flushScheduled = false;
    if (this.closed || this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    this.socket.write(encodeFrame(batch));
  }

  /** Flush, then close the socket and notify handlers (once). */
  close(reason: string): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    this.socket.end();
    this.socket.destroySoon?.();
    for (const handler of this.onCloseHandlers) handler(reason);
    this.onCloseHandlers = [];
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
