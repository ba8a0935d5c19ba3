/**
 * The comet endpoint, `POST /webclientdata`: long polling for the webclient where a
 * websocket does not get through. Every request is a JSON object with a `mode`:
 *
 * | mode | body | answer |
 * |---|---|---|
 * | `init` | `{mode}` | `200 {"csessid"}`: a new session (per-IP admission as a connection; refused: `429`/`503 {"error"}`) |
 * | `input` | `{mode, csessid, data}`: one triple or an array of triples | `200 {"ok":true}`; a malformed triple: `400 {"error"}`, nothing of the request is taken, the session stays |
 * | `receive` | `{mode, csessid}` | `200 {"msgs":[...]}` at once when output waits, else when it comes or after `cometPollSeconds` (`{"msgs":[]}`); `"closed":true` once the game closed the session |
 * | `keepalive` | `{mode, csessid}` | `200 {"ok":true}` |
 * | `close` | `{mode, csessid}` | `200 {"ok":true}`; the session is closed |
 *
 * An unknown or expired `csessid` gets `404 {"error":"unknown session"}` (the browser
 * starts over with `init`). A body that is not JSON, or not such an object, gets `400`;
 * a content type other than `application/json` gets `415` (which also keeps other
 * sites' pages out: they cannot send JSON here without a CORS preflight, which gets no
 * permission); a body over the limit gets `413` (the rest of it is read and dropped,
 * within the request deadline); a method other than POST gets `405`.
 *
 * A session with no request for `cometSessionTimeout` seconds is closed (a waiting
 * poll counts as a request in progress). Sessions are checked by one unref'd sweep.
 */
import type http from "node:http";
import { parseOobMessage, type OobMessage } from "../../protocol/message.ts";
import { getLogger } from "../../utils/logger.ts";
import { CAPACITY_REFUSAL } from "../limits/connection-cap.ts";
import type { PortalSessionSink, SessionRegistry } from "../session-transport.ts";
import { webclientInputError } from "../web/webclient-input.ts";
import { webSessionOf } from "../web/web-session-cookie.ts";
import { WEBSOCKET_INITIAL_CLIENT_OPTIONS } from "../websocket/websocket-session.ts";
import { CometSession } from "./comet-session.ts";

const log = getLogger("portal.comet");

/** Path of the comet endpoint. */
export const COMET_PATH = "/webclientdata";

/** How a {@link CometEndpoint} is set up. */
export interface CometEndpointOptions {
  /** Longest `text` input, in characters. */
  maxLineLength: number;
  /** Bytes of output that may wait for a session's next poll. */
  maxOutputBuffer: number;
  /** Largest request body, in bytes (413 above). */
  maxBodyBytes: number;
  /** Seconds a poll waits for output (setting `cometPollSeconds`). */
  pollSeconds: number;
  /** Seconds a session lives without a request (setting `cometSessionTimeout`). */
  sessionTimeoutSeconds: number;
  /** Name of the website session cookie passed on with `init` (setting `webSessionCookie`). */
  webSessionCookie: string;
}

/** The reason a closed session's requests get. */
const UNKNOWN_SESSION = "unknown session";
/** What a csessid looks like (anything else is unknown without a lookup). */
const CSESSID = /^[0-9a-f]{32}$/;

/** Text of the notice a timed-out session's disconnection is logged with. */
export const COMET_TIMEOUT_REASON = "comet session timed out (no request from the browser)";

/** Serves `/webclientdata` and keeps its sessions. */
export class CometEndpoint {
  private readonly sessions = new Map<string, CometSession>();
  private sweepTimer: NodeJS.Timeout | null = null;
  private closing = false;

  constructor(
    private readonly registry: SessionRegistry,
    private readonly options: CometEndpointOptions,
  ) {}

  /** Comet sessions known (open, or closed with their last output not yet fetched). */
  get sessionCount(): number {
    return this.sessions.size;
  }

  /** Answer one request to {@link COMET_PATH}; `address` is the client's IP. */
  handle(req: http.IncomingMessage, res: http.ServerResponse, address: string): void {
    res.setHeader("cache-control", "no-store");
    if (req.method !== "POST") {
      req.resume();
      jsonAnswer(res, 405, { error: "use POST with a JSON body" }, { allow: "POST" });
      return;
    }
    const type = (req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
    if (type !== "application/json") {
      req.resume();
      jsonAnswer(res, 415, { error: "the body must be JSON (Content-Type: application/json)" });
      return;
    }
    void readBody(req, this.options.maxBodyBytes).then((body) => {
      if (body === null) {
        // the rest of the body is read and dropped (within the request deadline), so the client
        // gets the answer rather than a reset
        req.resume();
        jsonAnswer(res, 413, { error: `the body is larger than ${this.options.maxBodyBytes} bytes` });
        return;
      }
      if (body === undefined) return; // the client went away
      let request: unknown;
      try {
        request = JSON.parse(body.toString("utf8"));
      } catch {
        jsonAnswer(res, 400, { error: "the body is not JSON" });
        return;
      }
      this.dispatch(request, req, res, address);
    }).catch((err: unknown) => {
      log.error(`comet request failed: ${(err as Error).message}`, err);
      if (!res.headersSent) jsonAnswer(res, 500, { error: "internal error" });
      else res.destroy();
    });
  }

  /** Close every session and stop the sweep (the portal is stopping). */
  close(): void {
    this.closing = true;
    this.stopSweep();
    for (const session of this.sessions.values()) session.close("The game is shutting down.");
    this.sessions.clear();
  }

  /** Close sessions that made no request for `cometSessionTimeout`; returns how many. */
  sweep(now = Date.now()): number {
    const timeoutMs = this.options.sessionTimeoutSeconds * 1000;
    let expired = 0;
    for (const [csessid, session] of this.sessions) {
      if (session.isPolling) {
        session.lastRequestAt = now;
        continue;
      }
      if (now - session.lastRequestAt < timeoutMs) continue;
      if (!session.isClosed) {
        log.info(`session ${csessid.slice(0, 8)} from ${session.address}: no request for ${this.options.sessionTimeoutSeconds} s, closing`);
        expired++;
      }
      session.end(COMET_TIMEOUT_REASON);
      this.sessions.delete(csessid);
    }
    if (this.sessions.size === 0) this.stopSweep();
    return expired;
  }

  private dispatch(request: unknown, req: http.IncomingMessage, res: http.ServerResponse, address: string): void {
    if (typeof request !== "object" || request === null || Array.isArray(request)) {
      jsonAnswer(res, 400, { error: 'the body must be an object: {"mode": ...}' });
      return;
    }
    const { mode, csessid } = request as { mode?: unknown; csessid?: unknown };
    if (mode === "init") {
      this.init(req, res, address);
      return;
    }
    if (mode !== "input" && mode !== "receive" && mode !== "keepalive" && mode !== "close") {
      jsonAnswer(res, 400, { error: 'mode must be "init", "input", "receive", "keepalive" or "close"' });
      return;
    }
    const session = typeof csessid === "string" && CSESSID.test(csessid) ? this.sessions.get(csessid) : undefined;
    if (!session || (session.isClosed && mode !== "receive")) {
      jsonAnswer(res, 404, { error: UNKNOWN_SESSION });
      return;
    }
    session.lastRequestAt = Date.now();
    switch (mode) {
      case "input":
        this.input(session, (request as { data?: unknown }).data, res);
        return;
      case "receive":
        this.receive(session, req, res);
        return;
      case "keepalive":
        jsonAnswer(res, 200, { ok: true });
        return;
      case "close":
        session.end("closed by the browser");
        this.sessions.delete(session.csessid);
        jsonAnswer(res, 200, { ok: true });
        return;
    }
  }

  private init(req: http.IncomingMessage, res: http.ServerResponse, address: string): void {
    if (this.closing) {
      jsonAnswer(res, 503, { error: "The game is shutting down." }, { "retry-after": "60" });
      return;
    }
    const refusal = this.registry.admit?.(address, "comet") ?? null;
    if (refusal) {
      jsonAnswer(res, refusal === CAPACITY_REFUSAL ? 503 : 429, { error: refusal }, { "retry-after": "60" });
      return;
    }
    const webSession = webSessionOf(req, this.options.webSessionCookie);
    const session = new CometSession({
      address,
      maxLineLength: this.options.maxLineLength,
      maxOutputBuffer: this.options.maxOutputBuffer,
      ...(webSession !== undefined ? { webSession } : {}),
    });
    let sink: PortalSessionSink;
    try {
      sink = this.registry.connect(session, { ...WEBSOCKET_INITIAL_CLIENT_OPTIONS });
    } catch (err) {
      this.registry.released?.(address);
      log.error("the portal refused a comet session", err);
      jsonAnswer(res, 500, { error: "the session could not be opened" });
      return;
    }
    const registry = this.registry;
    session.start({
      input: (messages) => sink.input(messages),
      updateClientOptions: (options) => sink.updateClientOptions(options),
      disconnected: (reason) => {
        registry.released?.(address);
        sink.disconnected(reason);
      },
    });
    this.sessions.set(session.csessid, session);
    this.startSweep();
    jsonAnswer(res, 200, { csessid: session.csessid });
  }

  private input(session: CometSession, data: unknown, res: http.ServerResponse): void {
    const raw = Array.isArray(data) && data.length > 0 && typeof data[0] === "string" ? [data] : data;
    if (!Array.isArray(raw) || raw.length === 0) {
      jsonAnswer(res, 400, { error: 'data must be a triple ["text", ["look"], {}] or an array of triples' });
      return;
    }
    const messages: OobMessage[] = [];
    for (let i = 0; i < raw.length; i++) {
      const parsed = parseOobMessage(raw[i]);
      const refused = parsed.ok ? webclientInputError(parsed.message) : parsed.reason;
      if (refused || !parsed.ok) {
        jsonAnswer(res, 400, { error: raw.length > 1 ? `data[${i}]: ${refused}` : refused });
        return;
      }
      messages.push(parsed.message);
    }
    session.input(messages);
    jsonAnswer(res, 200, { ok: true });
  }

  private receive(session: CometSession, req: http.IncomingMessage, res: http.ServerResponse): void {
    // the browser gave up on this poll while its body was read: nothing to wait for
    if (res.destroyed || req.socket.destroyed) return;
    let answered = false;
    const onClose = (): void => {
      if (answered) return;
      // the browser (or a proxy) dropped the poll before its answer: the output stays queued
      withdraw();
      session.lastRequestAt = Date.now();
    };
    res.once("close", onClose);
    const withdraw = session.receive((body) => {
      answered = true;
      res.off("close", onClose);
      session.lastRequestAt = Date.now();
      // gone before its answer (its "close" not emitted yet): the output waits for the next poll
      if (res.writableEnded || res.destroyed || req.socket.destroyed) return false;
      // the last answer of a closed session: it is forgotten
      if (session.isClosed) this.forget(session);
      res.writeHead(200, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(body) });
      res.end(body);
      return true;
    }, this.options.pollSeconds * 1000);
  }

  private forget(session: CometSession): void {
    if (this.sessions.get(session.csessid) === session) this.sessions.delete(session.csessid);
  }

  private startSweep(): void {
    if (this.sweepTimer) return;
    const interval = Math.min(5000, Math.max(100, (this.options.sessionTimeoutSeconds * 1000) / 4));
    this.sweepTimer = setInterval(() => this.sweep(), interval);
    this.sweepTimer.unref();
  }

  private stopSweep(): void {
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    this.sweepTimer = null;
  }
}

/** Answer with a JSON body. */
function jsonAnswer(res: http.ServerResponse, status: number, value: unknown, extra: http.OutgoingHttpHeaders = {}): void {
  if (res.headersSent) return;
  const body = JSON.stringify(value);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(body), ...extra });
  res.end(body);
}

/**
 * The request's body: a Buffer, null when it is larger than `max` bytes (reading
 * stops), undefined when the client went away first.
 */
function readBody(req: http.IncomingMessage, max: number): Promise<Buffer | null | undefined> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > max) return Promise.resolve(null);
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (value: Buffer | null | undefined): void => {
      if (done) return;
      done = true;
      req.off("data", onData);
      resolve(value);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > max) {
        finish(null);
        return;
      }
      chunks.push(chunk);
    };
    req.on("data", onData);
    req.once("end", () => finish(Buffer.concat(chunks)));
    req.once("error", () => finish(undefined));
    req.once("close", () => finish(req.complete ? Buffer.concat(chunks) : undefined));
  });
}
