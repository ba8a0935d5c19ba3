/**
 * One telnet connection: parses the byte stream (IAC commands, options, lines),
 * negotiates options through per-option handlers, and renders outgoing messages
 * (text, prompts, out-of-band data) for the client. Implements the portal's
 * {@link SessionTransport}.
 */
import { RenderKeyMemo } from "../render-key-memo.ts";
import type { Socket } from "node:net";
import type { OobMessage } from "../../protocol/message.ts";
import { isPlainObject } from "../../protocol/message.ts";
import { normalizeTextEncoding } from "../../protocol/text-encodings.ts";
import { describeError } from "../../utils/errors.ts";
import { getLogger, type Logger } from "../../utils/logger.ts";
import type { ClientOptions, PortalSessionSink, RenderedOutput, SessionTransport } from "../session-transport.ts";
import { IacParser } from "./iac-parser.ts";
import { InputInflater } from "./input-inflater.ts";
import { LineDecoder, type TelnetCharset } from "./line-decoder.ts";
import { OptionNegotiator, type OptionSide } from "./option-negotiator.ts";
import { TelnetOutputWriter } from "./output-writer.ts";
import { TelnetCommand, TelnetOption, negotiationBytes, subnegotiationBytes, verbName } from "./telnet-codes.ts";
import type { TelnetOptionContext, TelnetOptionFactory, TelnetOptionHandler, TelnetServerInfo } from "./telnet-option.ts";
import { encodeTelnetText } from "./text-encoding.ts";
import { capsFromClientOptions, renderTelnetText, type TextCaps } from "./text-output.ts";
import { wrapText } from "../../utils/text/wrap.ts";
import { TokenBucket } from "../limits/token-bucket.ts";

const { IAC, GA, EOR, NOP, AYT } = TelnetCommand;

/** How a {@link TelnetSession} is set up. */
export interface TelnetSessionConfig {
  /** `telnet` or `telnet/ssl`. */
  protocolKey: string;
  /** Longest input line, in characters. */
  maxLineLength: number;
  /** Bytes of unsent output allowed before the connection is dropped. */
  maxOutputBuffer: number;
  /** Milliseconds broadcast output may wait for more after a write (setting `broadcastBatchMs`; default 0). */
  broadcastBatchMs?: number;
  /** Largest sub-negotiation payload kept, in bytes (default 64 KiB). */
  maxSubnegotiation?: number;
  /** Option handlers to build for this connection. */
  options: TelnetOptionFactory[];
  /** Server-wide facts for option handlers. */
  server: TelnetServerInfo;
  /**
   * Replies the client's input may provoke per second (AYT answers, refusals of
   * options, answers to sub-negotiations); excess is not answered. Default
   * {@link DEFAULT_TELNET_LIMITS}; 0 = unlimited.
   */
  replyRatePerSecond?: number;
  /** Burst of such replies. */
  replyBurst?: number;
  /** Option state changes the client may cause per second; past the burst it is disconnected (0 = unlimited). */
  optionChangeRate?: number;
  /** Burst of option state changes. */
  optionChangeBurst?: number;
}

/** The rate limits of one telnet connection. */
export interface TelnetRateLimits {
  replyRatePerSecond: number;
  replyBurst: number;
  optionChangeRate: number;
  optionChangeBurst: number;
}

/** Rate limits a telnet connection uses when its config names none (the settings' defaults). */
export const DEFAULT_TELNET_LIMITS: Readonly<TelnetRateLimits> = Object.freeze({
  replyRatePerSecond: 10,
  replyBurst: 30,
  optionChangeRate: 1,
  optionChangeBurst: 50,
});

/** The answer to `IAC AYT` (7 bytes for the 2 that asked; the same in UTF-8 and Latin-1). */
const AYT_ANSWER = encodeTelnetText("[Yes]\n", "utf-8");

/** Client options a telnet connection starts with, before negotiation tells more. */
export const TELNET_INITIAL_CLIENT_OPTIONS: Readonly<ClientOptions> = Object.freeze({
  ansi: true,
  xterm256: false,
  truecolor: false,
  screenreader: false,
  encoding: "utf-8",
  screenwidth: 78,
  screenheight: 45,
});

/**
 * Reports of changed client options per second, and their burst: a client resizing its
 * window (NAWS) in packet after packet costs the server a few messages a second, each
 * the net change since the last (connect-time negotiation takes about a dozen).
 */
export const OPTION_REPORTS_PER_SECOND = 10;
/** Client-option reports allowed in a burst (see {@link OPTION_REPORTS_PER_SECOND}). */
export const OPTION_REPORT_BURST = 20;

/** Longest client-supplied text kept in a client option (client name, version, terminal type). */
export const MAX_CLIENT_OPTION_TEXT = 256;

/** Ms to wait for the client to finish closing before the socket is destroyed. */
const CLOSE_GRACE_MS = 2000;

/** A telnet (or telnet over TLS) connection. */
export class TelnetSession implements SessionTransport {
  readonly protocolKey: string;
  readonly address: string;
  /** Client options as learnt by negotiation (snake_case Evennia names). */
  readonly clientOptions: ClientOptions = { ...TELNET_INITIAL_CLIENT_OPTIONS };
  private readonly log: Logger;
  private readonly parser: IacParser;
  private readonly lines: LineDecoder;
  private readonly negotiator: OptionNegotiator;
  private readonly writer: TelnetOutputWriter;
  private readonly handlers = new Map<number, TelnetOptionHandler>();
  /** The handlers with render hooks, listed on first use. */
  private textHandlers: TelnetOptionHandler[] | null = null;
  /** The render key, rebuilt only when a part of it changed. */
  private readonly renderKeys = new RenderKeyMemo();
  /** The parts of the render key, filled anew on each call (the memo keeps its own copy). */
  private readonly renderKeyParts: (string | number | boolean)[] = [];
  /** The negotiated options that shape output, as read at negotiator version `negotiatedAt`. */
  private negotiated = { eor: false, sga: false, gmcp: false, msdp: false };
  private negotiatedAt = -1;
  private sink: PortalSessionSink | null = null;
  private charset: TelnetCharset = "utf-8";
  private caps: TextCaps = capsFromClientOptions(TELNET_INITIAL_CLIENT_OPTIONS);
  /** The MCCP3 stream being inflated, or null while input is plain. */
  private inflate: InputInflater | null = null;
  private closing = false;
  private discardWarned = false;
  private finished = false;
  private closeReason: string | null = null;
  private keepAliveTimer: NodeJS.Timeout | null = null;
  private graceTimer: NodeJS.Timeout | null = null;
  /** Budget of replies provoked by the client (AYT, refusals, sub-negotiation answers). */
  private readonly replies: TokenBucket;
  /** Budget of option state changes the client may cause. */
  private readonly optionChanges: TokenBucket;
  /** Replies not sent for lack of budget. */
  private repliesDropped = 0;
  /** Option state changes so far (for the log line of a disconnected toggler). */
  private optionChangeCount = 0;
  /** Client options as last reported to the portal (reports are coalesced per turn). */
  private readonly reportedOptions: ClientOptions = { ...TELNET_INITIAL_CLIENT_OPTIONS };
  private optionsReportScheduled = false;
  /** Budget of client-option reports to the portal. */
  private readonly optionReports = new TokenBucket(OPTION_REPORTS_PER_SECOND, OPTION_REPORT_BURST);
  /** Set while a report waits for the budget. */
  private optionsReportTimer: NodeJS.Timeout | null = null;
  /** > 0 while input from the client is being handled: what is sent then is a reply. */
  private handlingInput = 0;

  constructor(
    private readonly socket: Socket,
    private readonly config: TelnetSessionConfig,
  ) {
    this.protocolKey = config.protocolKey;
    this.address = normalizeAddress(socket.remoteAddress);
    this.log = getLogger(`portal.telnet ${this.address}:${socket.remotePort ?? "?"}`);
    const limits = { ...DEFAULT_TELNET_LIMITS, ...definedOnly(config) };
    this.replies = new TokenBucket(limits.replyRatePerSecond, limits.replyBurst);
    this.optionChanges = new TokenBucket(limits.optionChangeRate, limits.optionChangeBurst);
    this.writer = new TelnetOutputWriter(
      socket,
      config.maxOutputBuffer,
      () => this.abort("output buffer overflow"),
      (err) => this.abort(`compression error: ${err.message}`),
      config.broadcastBatchMs ?? 0,
    );
    this.lines = new LineDecoder(config.maxLineLength, ({ line, cut }) => this.onLine(line, cut));
    this.negotiator = new OptionNegotiator({
      send: (verb, option, refusal) => {
        // a refusal is made only if the reply budget allows it (a flood costs no allocations)
        if (refusal) this.reply(() => negotiationBytes(verb, option));
        else this.writer.write(negotiationBytes(verb, option));
      },
      accept: (option, side) => this.handlers.get(option)?.accept?.(side) ?? false,
      changed: (option, side, enabled) => {
        if (this.countOptionChange(`${side} option ${option} ${enabled ? "on" : "off"}`)) this.onOptionChanged(option, side, enabled);
      },
      protocolError: (message) => this.log.debug(message),
    });
    this.parser = new IacParser(
      {
        data: (bytes) => this.lines.push(bytes),
        command: (code) => this.onCommand(code),
        negotiation: (verb, option) => this.onNegotiation(verb, option),
        subnegotiation: (option, payload) => this.onSubnegotiation(option, payload),
        subnegotiationDiscarded: (option, size, why) => {
          // warn once per connection; a hostile client must not be able to flood the log
          const line = `discarded ${why} sub-negotiation for option ${option} (${size} bytes)`;
          if (this.discardWarned) this.log.debug(line);
          else {
            this.discardWarned = true;
            this.log.warn(`${line}; further discards on this connection are logged at debug level`);
          }
        },
      },
      config.maxSubnegotiation ?? 64 * 1024,
    );
    const ctx = this.optionContext();
    for (const factory of config.options) {
      const handler = factory(ctx);
      this.handlers.set(handler.code, handler);
    }
  }

  /**
   * Start the session: listen to the socket, report to `sink`, send the option offers.
   * Call once, right after the portal registered the transport.
   */
  start(sink: PortalSessionSink): void {
    this.sink = sink;
    this.socket.on("data", (chunk: Buffer) => this.onData(chunk));
    this.socket.on("error", (err) => {
      this.closeReason ??= `network error: ${err.message}`;
    });
    this.socket.on("end", () => {
      this.closeReason ??= "connection closed by client";
    });
    this.socket.on("close", () => this.finish(this.closeReason ?? "connection closed"));
    for (const handler of this.handlers.values()) this.safely(handler, () => handler.start?.());
  }

  /** Render messages for the client; all output of one event-loop turn leaves in one write. */
  send(messages: OobMessage[]): void {
    if (this.closing || this.finished) return;
    for (const message of messages) {
      if (!Array.isArray(message)) continue;
      const [cmdname, args = [], kwargs = {}] = message;
      switch (cmdname) {
        case "text":
          this.sendText(args[0], kwargs, false);
          break;
        case "prompt":
          this.sendText(args[0], kwargs, true);
          break;
        case "echo":
          this.setEcho(kwargs.hidden === true || args[0] === true);
          break;
        default:
          this.sendOob([cmdname, args, kwargs]);
      }
    }
  }

  /**
   * What shapes this connection's rendering of `messages`: protocol, encoding, colour
   * depth, screen reader, `raw`, the width (when one asks to be wrapped), the prompt
   * marker and the state of option handlers that rewrite text (MXP). Null when a
   * handler cannot say.
   */
  renderKey(messages: OobMessage[]): string | null {
    if (this.closing || this.finished) return null;
    // asked once per receiver of every message to a room: no new array, no option-table lookups
    const parts = this.renderKeyParts;
    let n = 0;
    for (const handler of this.renderHandlers()) {
      if (!handler.renderKey) return null;
      parts[n++] = handler.code;
      parts[n++] = handler.renderKey();
    }
    const c = this.caps;
    const options = this.negotiatedOptions();
    parts[n++] = this.protocolKey;
    parts[n++] = this.charset;
    parts[n++] = c.color;
    parts[n++] = c.screenReader;
    parts[n++] = this.clientOptions.raw === true;
    parts[n++] = asksWrap(messages) ? String(this.clientOptions.screenwidth) : "";
    parts[n++] = this.promptMarkerKind();
    // which out-of-band channel carries what is not text
    parts[n++] = options.gmcp;
    parts[n++] = options.msdp;
    parts.length = n;
    return this.renderKeys.keyOf(parts);
  }

  /** The options negotiated on our side that shape output, read again when the negotiation moved. */
  private negotiatedOptions(): { eor: boolean; sga: boolean; gmcp: boolean; msdp: boolean } {
    const version = this.negotiator.version;
    if (version !== this.negotiatedAt) {
      const n = this.negotiator;
      this.negotiated = {
        eor: n.isLocalEnabled(TelnetOption.EOR),
        sga: n.isLocalEnabled(TelnetOption.SGA),
        gmcp: n.isLocalEnabled(TelnetOption.GMCP),
        msdp: n.isLocalEnabled(TelnetOption.MSDP),
      };
      this.negotiatedAt = version;
    }
    return this.negotiated;
  }

  /** The option handlers that rewrite text (the handlers are fixed at construction). */
  private renderHandlers(): readonly TelnetOptionHandler[] {
    return (this.textHandlers ??= [...this.handlers.values()].filter((h) => h.beforeRender || h.afterRender));
  }

  /** The bytes `messages` would be sent as; null unless they are only text and prompts. */
  render(messages: OobMessage[]): RenderedOutput | null {
    const key = this.renderKey(messages);
    if (key === null) return null;
    const parts: Buffer[] = [];
    for (const message of messages) {
      if (!Array.isArray(message)) continue;
      const [cmdname, args = [], kwargs = {}] = message;
      // echo changes the connection's state: it is sent on its own
      if (cmdname === "echo") return null;
      if (cmdname === "text" || cmdname === "prompt") {
        const bytes = this.renderText(args[0], kwargs, cmdname === "prompt");
        if (bytes) parts.push(bytes);
        continue;
      }
      const bytes = this.oobBytes([cmdname, args, kwargs]);
      if (bytes === null) return null;
      if (bytes.length > 0) parts.push(bytes);
    }
    return { key, payload: parts.length === 1 ? parts[0]! : Buffer.concat(parts) };
  }

  /** Send bytes {@link render} made (here or on a connection with the same key). */
  sendRendered(output: RenderedOutput, broadcast = false): void {
    if (this.closing || this.finished || !Buffer.isBuffer(output.payload)) return;
    // what others did may wait a little to leave with more
    if (broadcast) this.writer.writeBackground(output.payload);
    else this.writer.write(output.payload);
  }

  /** Close the connection, sending `reason` first when given. */
  close(reason?: string): void {
    if (this.closing || this.finished) return;
    if (reason) this.sendText(reason, {}, false);
    this.closing = true;
    this.closeReason ??= reason ?? "closed by server";
    this.stopTimers();
    this.writer.end();
    this.graceTimer = setTimeout(() => this.socket.destroy(), CLOSE_GRACE_MS);
    this.graceTimer.unref();
  }

  /** Hide (true) or show (false) what the client types, by WILL/WONT ECHO (for passwords). */
  setEcho(hidden: boolean): void {
    if (this.closing || this.finished) return;
    if (hidden) {
      this.negotiator.enableLocal(TelnetOption.ECHO);
      return;
    }
    const wasHidden = this.negotiator.isLocalEnabled(TelnetOption.ECHO);
    this.negotiator.disableLocal(TelnetOption.ECHO);
    // the client did not echo the Enter that ended the hidden line: end it for it
    if (wasHidden) this.writer.write(encodeTelnetText("\n", this.charset));
  }

  /**
   * Client options the game set (`option`, `encoding`, `screenreader`): colour depth,
   * screen reader, `raw` and `nocolor` change how text is rendered from now on; an
   * `encoding` the portal knows (UTF-8, Latin-1) switches the character set of output
   * and input. They are not reported back to the server, which set them.
   */
  applyClientOptions(options: ClientOptions): void {
    if (this.finished) return;
    for (const [key, value] of Object.entries(options)) {
      if (value === undefined) continue;
      this.clientOptions[key] = value;
      this.reportedOptions[key] = value;
    }
    this.caps = capsFromClientOptions(this.clientOptions);
    if ("encoding" in options) {
      const encoding = normalizeTextEncoding(options.encoding);
      if (encoding) {
        this.charset = encoding === "latin-1" ? "latin1" : "utf-8";
        this.lines.charset = this.charset;
      }
    }
  }

  /** Send IAC NOP every `intervalMs` to keep idle connections (and NAT entries) alive; 0 stops. */
  keepAlive(intervalMs: number): void {
    if (this.keepAliveTimer) clearInterval(this.keepAliveTimer);
    this.keepAliveTimer = null;
    if (intervalMs <= 0 || this.finished || this.closing) return;
    this.keepAliveTimer = setInterval(() => this.writer.write(Buffer.from([IAC, NOP])), intervalMs);
    this.keepAliveTimer.unref();
  }

  /** True when the option is enabled on `side` (`local` = server, `remote` = client). */
  isOptionEnabled(option: number, side: OptionSide): boolean {
    return side === "local" ? this.negotiator.isLocalEnabled(option) : this.negotiator.isRemoteEnabled(option);
  }

  /** Character set in use for input and output. */
  get encoding(): TelnetCharset {
    return this.charset;
  }

  /** Colour/accessibility capabilities used to render text. */
  get textCaps(): TextCaps {
    return { ...this.caps };
  }

  // ---- input ----

  private onData(chunk: Buffer): void {
    if (this.finished) return;
    if (this.inflate) {
      this.inflate.write(chunk);
      return;
    }
    this.parse(chunk);
  }

  private parse(chunk: Buffer): void {
    this.handlingInput++;
    try {
      const rest = this.parser.feed(chunk);
      if (rest !== null && this.inflate) {
        // already decompressing: a second MCCP3 start is meaningless
        this.log.debug("ignored MCCP3 start inside the compressed stream");
        this.parse(rest);
      } else if (rest !== null) {
        // MCCP3: everything after IAC SB MCCP3 IAC SE is compressed
        this.beginInflate();
        if (rest.length > 0) this.inflate!.write(rest);
      }
    } catch (err) {
      // a bug in an option handler must not take the portal down
      this.log.error(`error handling input: ${describeError(err)}`, err);
    } finally {
      this.handlingInput--;
    }
  }

  /** Inflate what follows (MCCP3); plain input again once the client ends its zlib stream. */
  private beginInflate(): void {
    const inflate: InputInflater = new InputInflater(this.socket, {
      plain: (bytes) => {
        if (!this.finished) this.parse(bytes);
      },
      ended: (rest) => {
        if (this.inflate !== inflate) return;
        this.inflate = null;
        if (rest.length > 0 && !this.finished) this.parse(rest);
      },
      failed: (reason) => this.abort(reason),
    });
    this.inflate = inflate;
  }

  /**
   * Send a reply the client's input provoked, if the reply budget allows; a flood of
   * AYT or refused options is answered a few times a second, never byte for byte.
   */
  private reply(bytes: Buffer | (() => Buffer)): void {
    if (this.replies.take()) {
      this.writer.write(typeof bytes === "function" ? bytes() : bytes);
      return;
    }
    if (this.repliesDropped++ === 0) {
      this.log.warn("client provokes replies faster than allowed (AYT or option flood); excess is not answered");
    }
  }

  /**
   * Count an option state change caused by the client; a client past the budget is
   * disconnected with a log line, and false is returned (the change is not acted on).
   */
  private countOptionChange(what: string): boolean {
    if (this.finished) return false;
    this.optionChangeCount++;
    if (this.handlingInput === 0 || this.optionChanges.take()) return true;
    this.abort(`too many telnet option changes (${this.optionChangeCount}, the last ${what}); the client keeps toggling options`);
    return false;
  }

  private onLine(line: string, cut: boolean): void {
    if (this.closing || this.finished || !this.sink) return;
    if (cut) {
      this.sendText(`Your input was too long and was cut to ${this.config.maxLineLength} characters.`, {}, false);
    }
    this.sink.input([["text", [line], {}]]);
  }

  private onCommand(code: number): void {
    if (this.finished) return;
    if (code === AYT) this.reply(AYT_ANSWER);
    // NOP, GA, EOR, DM ... from the client carry nothing for us
  }

  private onNegotiation(verb: number, option: number): void {
    if (this.finished) return;
    this.log.debug(`received ${verbName(verb)} ${option}`);
    this.negotiator.receive(verb, option);
  }

  private onSubnegotiation(option: number, payload: Buffer): void {
    if (this.finished) return;
    const handler = this.handlers.get(option);
    if (!handler?.subnegotiation) {
      this.log.debug(`ignored sub-negotiation for unsupported option ${option}`);
      return;
    }
    this.safely(handler, () => handler.subnegotiation!(payload));
  }

  private onOptionChanged(option: number, side: OptionSide, enabled: boolean): void {
    const handler = this.handlers.get(option);
    if (handler?.changed) this.safely(handler, () => handler.changed!(side, enabled));
  }

  // ---- output ----

  private sendText(value: unknown, kwargs: Record<string, unknown>, prompt: boolean): void {
    const bytes = this.renderText(value, kwargs, prompt);
    if (bytes) this.writer.write(bytes);
  }

  /** The bytes of one text or prompt, rendered for this client. */
  private renderText(value: unknown, kwargs: Record<string, unknown>, prompt: boolean): Buffer | null {
    if (value === undefined || value === null) return null;
    let text = typeof value === "string" ? value : String(value);
    const opts = isPlainObject(kwargs.options) ? kwargs.options : {};
    // a message's own `raw` wins; else the session's `raw` option (Evennia's RAW flag)
    const raw = typeof opts.raw === "boolean" ? opts.raw : this.clientOptions.raw === true;
    if (!raw && (opts.wrap === true || kwargs.wrap === true)) {
      // the game asked for wrapping: to the client's NAWS width (markup does not count)
      const width = Number(this.clientOptions.screenwidth);
      text = wrapText(text, Number.isInteger(width) && width > 0 ? width : 78);
    }
    if (!raw) {
      // raw text goes out as given; everything else is rendered for the client
      for (const handler of this.handlers.values()) {
        if (handler.beforeRender) text = handler.beforeRender(text);
      }
      const caps = opts.nocolor === true ? { ...this.caps, color: "none" as const } : this.caps;
      text = renderTelnetText(text, caps);
      for (const handler of this.handlers.values()) {
        if (handler.afterRender) text = handler.afterRender(text);
      }
    }
    let bytes = encodeTelnetText(prompt ? text : text + "\n", this.charset);
    if (prompt) bytes = Buffer.concat([bytes, this.promptMarker()]);
    return bytes;
  }

  private promptMarker(): Buffer {
    const kind = this.promptMarkerKind();
    return kind === "eor" ? Buffer.from([IAC, EOR]) : kind === "ga" ? Buffer.from([IAC, GA]) : Buffer.alloc(0);
  }

  /** What ends a prompt: IAC EOR (EOR on), nothing (SGA on or `nogoahead`), else IAC GA. */
  private promptMarkerKind(): "eor" | "none" | "ga" {
    const options = this.negotiatedOptions();
    if (options.eor) return "eor";
    if (options.sga || this.clientOptions.nogoahead === true) return "none";
    return "ga";
  }

  private sendOob(message: OobMessage): void {
    for (const code of oobOrder(message)) {
      const handler = this.handlers.get(code);
      if (!handler) continue;
      if (handler.oobPayload) {
        // the handler says what to send (GMCP, MSDP); the same bytes as shared rendering makes
        let payload: Buffer | string | null = null;
        this.safely(handler, () => {
          payload = handler.oobPayload!(message);
        });
        if (payload === null) continue;
        this.sendFromOption(subnegotiationBytes(code, asBuffer(payload)));
        return;
      }
      if (!handler.sendOob) continue;
      let sent = false;
      this.safely(handler, () => {
        sent = handler.sendOob!(message);
      });
      if (sent) return;
    }
    // no out-of-band channel: dropped quietly
  }

  // ---- lifecycle ----

  /**
   * The bytes `message` (out-of-band) would be sent as: its sub-negotiation on the first
   * channel that is on, empty when none is (it is dropped, as `sendOob` drops it), null
   * when a handler cannot say (then the connection renders on its own).
   */
  private oobBytes(message: OobMessage): Buffer | null {
    for (const code of oobOrder(message)) {
      const handler = this.handlers.get(code);
      if (!handler) continue;
      if (!handler.oobPayload) {
        if (handler.sendOob) return null;
        continue;
      }
      let payload: Buffer | string | null;
      try {
        payload = handler.oobPayload(message);
      } catch {
        // sent on its own, where the failure is logged
        return null;
      }
      if (payload !== null) return subnegotiationBytes(code, asBuffer(payload));
    }
    return EMPTY;
  }

  /** Destroy the connection at once (overflow, compression failure). */
  private abort(reason: string): void {
    if (this.finished) return;
    this.log.warn(`dropping connection: ${reason}`);
    this.closeReason = reason;
    this.writer.kill();
    this.socket.destroy();
    this.finish(reason);
  }

  private finish(reason: string): void {
    if (this.finished) return;
    this.finished = true;
    this.closing = true;
    this.stopTimers();
    if (this.graceTimer) clearTimeout(this.graceTimer);
    this.inflate?.destroy();
    this.inflate = null;
    this.writer.kill();
    for (const handler of this.handlers.values()) this.safely(handler, () => handler.close?.());
    try {
      this.sink?.disconnected(reason);
    } catch (err) {
      this.log.error("error reporting a disconnection", err);
    }
  }

  private stopTimers(): void {
    if (this.keepAliveTimer) clearInterval(this.keepAliveTimer);
    this.keepAliveTimer = null;
    if (this.optionsReportTimer) clearTimeout(this.optionsReportTimer);
    this.optionsReportTimer = null;
  }

  private safely(handler: TelnetOptionHandler, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.log.error(`telnet option ${handler.name} failed: ${describeError(err)}`, err);
    }
  }

  private updateClientOptions(options: ClientOptions): void {
    const changed: ClientOptions = {};
    for (const [key, given] of Object.entries(options)) {
      if (given === undefined) continue;
      const value = typeof given === "string" && given.length > MAX_CLIENT_OPTION_TEXT ? given.slice(0, MAX_CLIENT_OPTION_TEXT) : given;
      if (this.clientOptions[key] !== value) changed[key] = value;
      this.clientOptions[key] = value;
    }
    if (Object.keys(changed).length === 0) return;
    this.caps = capsFromClientOptions(this.clientOptions);
    // reported once per event-loop turn at most (and a few times a second), as the net change:
    // a client toggling an option thousands of times costs the portal and the server one message, or none
    if (this.optionsReportScheduled || this.finished) return;
    this.optionsReportScheduled = true;
    setImmediate(() => this.reportClientOptions());
  }

  private reportClientOptions(): void {
    this.optionsReportScheduled = false;
    this.optionsReportTimer = null;
    if (this.finished) return;
    const changed: ClientOptions = {};
    for (const [key, value] of Object.entries(this.clientOptions)) {
      if (this.reportedOptions[key] !== value) changed[key] = value;
    }
    if (Object.keys(changed).length === 0) return;
    if (!this.optionReports.take()) {
      // out of budget: the net change leaves when the next report is allowed
      this.optionsReportScheduled = true;
      this.optionsReportTimer = setTimeout(() => this.reportClientOptions(), Math.ceil(1000 / OPTION_REPORTS_PER_SECOND));
      this.optionsReportTimer.unref();
      return;
    }
    Object.assign(this.reportedOptions, changed);
    this.sink?.updateClientOptions(changed);
  }

  private optionContext(): TelnetOptionContext {
    return {
      log: this.log,
      clientOptions: this.clientOptions,
      server: this.config.server,
      sendRaw: (bytes) => this.sendFromOption(bytes),
      sendSubnegotiation: (option, payload) =>
        this.sendFromOption(subnegotiationBytes(option, asBuffer(payload))),
      requestLocal: (option, enable) => (enable ? this.negotiator.enableLocal(option) : this.negotiator.disableLocal(option)),
      requestRemote: (option, enable) =>
        enable ? this.negotiator.enableRemote(option) : this.negotiator.disableRemote(option),
      isEnabled: (option, side) => this.isOptionEnabled(option, side),
      updateClientOptions: (options) => this.updateClientOptions(options),
      input: (messages) => {
        if (!this.closing && !this.finished && messages.length > 0) this.sink?.input(messages);
      },
      setCharset: (charset) => {
        this.charset = charset;
        this.lines.charset = charset;
      },
      setOutputCompression: (on, marker) => {
        if (on) this.writer.startCompression(marker ?? Buffer.alloc(0));
        else this.writer.stopCompression();
      },
      startInputDecompression: () => {
        if (this.inflate || this.countOptionChange("MCCP3 start")) this.parser.suspend();
      },
    };
  }

  /** Bytes an option handler sends: a reply (rate-limited) while handling the client's input. */
  private sendFromOption(bytes: Buffer): void {
    if (this.handlingInput > 0) this.reply(bytes);
    else this.writer.write(bytes);
  }
}

/** The out-of-band channels to try for `message`: raw MSDP variables prefer MSDP, everything else GMCP. */
function oobOrder(message: OobMessage): readonly number[] {
  return message[0] === "msdp" ? MSDP_FIRST : GMCP_FIRST;
}

const GMCP_FIRST = [TelnetOption.GMCP, TelnetOption.MSDP] as const;
const MSDP_FIRST = [TelnetOption.MSDP, TelnetOption.GMCP] as const;
const EMPTY = Buffer.alloc(0);

/** A sub-negotiation payload as bytes (text as UTF-8). */
function asBuffer(payload: Buffer | string): Buffer {
  return typeof payload === "string" ? Buffer.from(payload, "utf8") : payload;
}

/** True when a text or prompt of `messages` asks to be wrapped to the client's width. */
function asksWrap(messages: OobMessage[]): boolean {
  for (const message of messages) {
    const kwargs = Array.isArray(message) ? message[2] : undefined;
    if (!isPlainObject(kwargs)) continue;
    if (kwargs.wrap === true || (isPlainObject(kwargs.options) && kwargs.options.wrap === true)) return true;
  }
  return false;
}

/** The config's limit fields that are set. */
function definedOnly(config: TelnetSessionConfig): Partial<TelnetRateLimits> {
  const out: Partial<TelnetRateLimits> = {};
  for (const key of Object.keys(DEFAULT_TELNET_LIMITS) as (keyof TelnetRateLimits)[]) {
    const value = config[key];
    if (typeof value === "number") out[key] = value;
  }
  return out;
}

function normalizeAddress(address: string | undefined): string {
  if (!address) return "";
  return address.startsWith("::ffff:") ? address.slice(7) : address;
}
