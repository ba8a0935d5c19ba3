/**
 * One comet (long-polling) webclient session, protocol key `comet`: the fallback
 * for browsers or networks where the websocket does not get through. It carries the
 * same JSON triples as `/ws` (see `comet-endpoint.ts` for the HTTP side) and
 * implements the portal's {@link SessionTransport}.
 *
 * - Output waits in a queue until the browser's next `receive` poll, which takes
 *   everything queued at once; a poll that is waiting is answered as soon as output
 *   arrives (all output of one event-loop turn goes in the same answer).
 * - Only one poll waits at a time: a newer poll answers the older one empty.
 * - Output for a poll whose connection turns out to be gone when it is answered
 *   stays queued for the next poll (never lost between the browser's requests).
 * - Queued output above `maxOutputBuffer` bytes (a browser that stopped polling)
 *   closes the session, as a websocket that does not read is dropped.
 * - When the game closes the session, the last output and `"closed": true` go to
 *   the waiting poll, or to the next one; then the session is gone.
 */
import { randomBytes } from "node:crypto";
import type { OobMessage } from "../../protocol/message.ts";
import { describeError } from "../../utils/errors.ts";
import { getLogger, type Logger } from "../../utils/logger.ts";
import type { ClientOptions, PortalSessionSink, SessionTransport } from "../session-transport.ts";
import { encodeServerFrames } from "../websocket/websocket-frames.ts";
import { WEBSOCKET_INITIAL_CLIENT_OPTIONS } from "../websocket/websocket-session.ts";
import { deliverWebclientInput, WebclientOptionsReporter } from "../web/webclient-input.ts";

/** How a {@link CometSession} is set up. */
export interface CometSessionConfig {
  /** Client address (IP). */
  address: string;
  /** Longest `text` input, in characters; longer input is cut with a notice. */
  maxLineLength: number;
  /** Bytes of output that may wait for the browser's next poll; more closes the session. */
  maxOutputBuffer: number;
  /** The website session cookie sent with the `init` request, passed to the server on connect. */
  webSession?: string;
}

/**
 * How a `receive` poll is answered: with the JSON body; false when its connection is
 * already gone (the output then waits for the next poll).
 */
export type PollAnswer = (body: string) => boolean;

/** A waiting `receive` poll: how to answer it and its timer. */
interface PendingPoll {
  answer: PollAnswer;
  timer: NodeJS.Timeout;
}

/** A new comet session id: 128 random bits as 32 hex digits. */
export function newCometSessionId(): string {
  return randomBytes(16).toString("hex");
}

/** A long-polling webclient session. */
export class CometSession implements SessionTransport {
  readonly protocolKey = "comet";
  readonly address: string;
  readonly webSession?: string;
  /** The id the browser sends with every request. */
  readonly csessid = newCometSessionId();
  /** When the browser last made a request for this session (ms since the epoch). */
  lastRequestAt = Date.now();
  private readonly log: Logger;
  private sink: PortalSessionSink | null = null;
  /** What the browser's `client_options` set, for the portal's copy (bounded, net changes only). */
  private optionsReporter: WebclientOptionsReporter | null = null;
  private queue: string[] = [];
  private queuedBytes = 0;
  private poll: PendingPoll | null = null;
  private scheduled = false;
  /** Closed for the portal; the final output may still wait for a poll. */
  private closed = false;
  /** The browser was told it is closed (or will never be): nothing is left to deliver. */
  private delivered = false;
  private readonly renderFlags: { raw?: boolean; nocolor?: boolean } = {};

  constructor(private readonly config: CometSessionConfig) {
    this.address = config.address;
    if (config.webSession !== undefined) this.webSession = config.webSession;
    this.log = getLogger(`portal.comet ${this.address} ${this.csessid.slice(0, 8)}`);
  }

  /** Start the session: it reports to `sink`. Call once. */
  start(sink: PortalSessionSink): void {
    this.sink = sink;
    this.optionsReporter = new WebclientOptionsReporter(sink, WEBSOCKET_INITIAL_CLIENT_OPTIONS);
  }

  /** True once the session is closed for the portal (its last output may still be waiting). */
  get isClosed(): boolean {
    return this.closed;
  }

  /** True once nothing is left for the browser: the endpoint forgets the session. */
  get isDone(): boolean {
    return this.delivered;
  }

  /** True while a `receive` poll is waiting. */
  get isPolling(): boolean {
    return this.poll !== null;
  }

  // ---- SessionTransport ----

  /** Queue messages for the browser's poll. */
  send(messages: OobMessage[]): void {
    if (this.closed) return;
    this.enqueue(messages);
  }

  /** The game's `raw` / `nocolor` options apply to the text that follows. */
  applyClientOptions(options: ClientOptions): void {
    if (typeof options.raw === "boolean") this.renderFlags.raw = options.raw;
    if (typeof options.nocolor === "boolean") this.renderFlags.nocolor = options.nocolor;
    this.optionsReporter?.gameSet(options);
  }

  /** Close the session, with `reason` as the last text when given; the browser learns it on its next poll. */
  close(reason?: string): void {
    if (this.closed) return;
    if (reason) this.enqueue([["text", [reason], {}]]);
    this.finish(reason || "closed by server");
  }

  // ---- requests from the browser (comet-endpoint.ts) ----

  /** Checked input triples from the browser. */
  input(messages: OobMessage[]): void {
    if (this.closed || !this.sink || !this.optionsReporter) return;
    for (const message of messages) {
      deliverWebclientInput(message, this.sink, this.optionsReporter, this.config.maxLineLength, (text) => this.send([["text", [text], {}]]));
    }
  }

  /**
   * A `receive` poll: `answer` is called once with the JSON body, at once when output
   * is waiting (or the session is closed), else when output arrives or after `pollMs`.
   * A poll already waiting is answered empty first. Returns a function that withdraws
   * the poll (its connection closed before the answer; the output stays queued). An
   * answer that finds its connection gone (returns false) leaves the output queued too.
   */
  receive(answer: PollAnswer, pollMs: number): () => void {
    this.answerPoll(false);
    if (this.queue.length > 0 || this.closed) {
      this.deliver(answer, true);
      return () => undefined;
    }
    const poll: PendingPoll = { answer, timer: setTimeout(() => this.answerPoll(false), pollMs) };
    this.poll = poll;
    return () => {
      if (this.poll !== poll) return;
      clearTimeout(poll.timer);
      this.poll = null;
    };
  }

  /** The browser asked to close, or stopped making requests: the session ends now, nothing more is delivered. */
  end(reason: string): void {
    this.queue = [];
    this.queuedBytes = 0;
    this.finish(reason);
    this.answerPoll(false);
    this.delivered = true;
  }

  // ---- output ----

  private enqueue(messages: OobMessage[]): void {
    const frames = encodeServerFrames(messages, this.renderFlags, (cmdname, err) => {
      this.log.error(`cannot encode "${cmdname}" for the client: ${describeError(err)}`);
      return true;
    });
    for (const frame of frames ?? []) {
      this.queue.push(frame);
      this.queuedBytes += Buffer.byteLength(frame);
      if (this.queuedBytes > this.config.maxOutputBuffer) {
        this.log.warn(`closing: more than ${this.config.maxOutputBuffer} bytes of output wait for a browser that does not poll`);
        this.queue = [];
        this.queuedBytes = 0;
        this.finish("output buffer overflow");
        return;
      }
    }
    if (this.poll && !this.scheduled) {
      // everything sent in this event-loop turn goes in one answer
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        if (this.queue.length > 0) this.answerPoll(true);
      });
    }
  }

  /** Answer the waiting poll, if any: with the queue when `withOutput`, else empty (the queue stays). */
  private answerPoll(withOutput: boolean): void {
    const poll = this.poll;
    if (!poll) return;
    this.poll = null;
    clearTimeout(poll.timer);
    this.deliver(poll.answer, withOutput);
  }

  /**
   * Answer a poll: with everything queued when `withOutput` or closed (and `closed`
   * once the session is), else empty. Output an answer could not deliver goes back
   * to the head of the queue, for the next poll.
   */
  private deliver(answer: PollAnswer, withOutput: boolean): void {
    const closed = this.closed;
    const frames = withOutput || closed ? this.queue : [];
    const body = `{"msgs":[${frames.join(",")}]${closed ? ',"closed":true' : ""}}`;
    if (frames.length > 0) {
      this.queue = [];
      this.queuedBytes = 0;
    }
    if (!answer(body)) {
      if (frames.length > 0) {
        this.queue = [...frames, ...this.queue];
        this.queuedBytes = this.queue.reduce((sum, frame) => sum + Buffer.byteLength(frame), 0);
      }
      return;
    }
    if (closed) this.delivered = true;
  }

  private finish(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.optionsReporter?.stop();
    try {
      this.sink?.disconnected(reason);
    } catch (err) {
      this.log.error("error reporting a disconnection", err);
    }
    // a waiting poll learns at once (with the last output)
    this.answerPoll(true);
  }
}
