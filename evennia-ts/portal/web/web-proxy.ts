/**
 * The portal's reverse proxy to the server's web app (website, admin, REST API):
 * every path of the web port the portal does not serve itself goes to
 * `127.0.0.1:<port>`, the port the server reports over the link (`{t: "web"}`).
 *
 * - Any method; the request body is streamed through as it arrives, the response
 *   (status, headers, body) streamed back.
 * - Hop-by-hop headers (`Connection` and those it names, `Keep-Alive`,
 *   `Transfer-Encoding`, `TE`, `Trailer`, `Upgrade`, `Proxy-*`, `Expect`) are dropped both ways;
 *   `Host` and `Content-Length` stay whatever `Connection` names. A request body is
 *   always framed towards the app (its `Content-Length`, or chunked again), whatever
 *   the method: an unframed body would be read as a request of its own (smuggling).
 * - `X-Forwarded-For` is set to the client's address (one the client sent is
 *   replaced, never trusted: the portal is the edge), `X-Forwarded-Proto` to the
 *   scheme it came in with, `X-Forwarded-Host` to its `Host`; `Host` is kept. The
 *   server's app trusts these from loopback only.
 * - While no port is known (the server reloads, crashed, or does not serve a
 *   website), or the connection is refused or reset before an answer, the client gets
 *   the "restarting" answer at once (`unavailable-page.ts`, 503). An app silent for
 *   `webProxyTimeout` gets 504; one that goes silent mid-answer has the connection cut.
 *
 * Node's own `http` module does the work: a proxy for one loopback upstream needs
 * no routing or load balancing, and every dependency is one more thing the portal
 * (which must stay up through everything) can break on.
 *
 * Connections to the app: `GET` and `HEAD` without a body (pages, styles, scripts,
 * images: most of the traffic) reuse kept-alive loopback connections, idle ones
 * dropped after {@link POOL_IDLE_MS} (before the app's own keep-alive timeout would
 * close them). A pooled connection can still be one the app closes just as it is
 * reused; such a request, which has not been answered and has no body, is sent again
 * once on a new connection. Other requests (forms, API calls with a body) always
 * get a new connection, so they are never sent twice. The pool is dropped when the
 * app's port changes and whenever the app is unreachable.
 */
import http from "node:http";
import type { TLSSocket } from "node:tls";
import { getLogger } from "../../utils/logger.ts";
import { answerUnavailable } from "./unavailable-page.ts";

const log = getLogger("portal.proxy");

/** Headers that describe one connection, not the message: never forwarded. */
const HOP_BY_HOP: ReadonlySet<string> = new Set([
  "connection",
  "keep-alive",
  "proxy-authenticate",
  "proxy-authorization",
  "proxy-connection",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "expect",
]);

/** Headers a `Connection` header may not make hop-by-hop: the message's target and framing. */
const END_TO_END: ReadonlySet<string> = new Set(["host", "content-length"]);

/** Forwarding headers a client may not set itself. */
const CLIENT_FORWARDING: ReadonlySet<string> = new Set(["x-forwarded-for", "x-forwarded-proto", "x-forwarded-host", "x-forwarded-port", "x-real-ip", "forwarded"]);

/** How a {@link WebProxy} is set up. */
export interface WebProxyOptions {
  /** The server app's loopback port now, or null while it is not serving. */
  upstreamPort: () => number | null;
  /** Ms of silence from the app (connecting, before its answer, or within it) before the portal gives up. */
  timeoutMs: number;
  /** The game's name, for the "restarting" page. */
  serverName: string;
}

/** Ms an idle pooled connection to the app is kept (Node's servers close theirs after 5 s). */
export const POOL_IDLE_MS = 4000;

/** Error of a request the app did not answer in time. */
class UpstreamTimeout extends Error {}

/** One client request being forwarded. */
interface Forwarding {
  req: http.IncomingMessage;
  res: http.ServerResponse;
  clientAddress: string;
  port: number;
  /** The request to the app now (replaced when a pooled attempt is sent again). */
  upstream: http.ClientRequest | null;
  done: boolean;
}

/** Forwards requests to the server's web app. */
export class WebProxy {
  /** Requests now being forwarded. */
  private active = 0;
  /** Kept-alive connections to the app, for requests without a body; per port. */
  private pool: { port: number; agent: http.Agent } | null = null;
  /** Requests sent again after a pooled connection failed under them (for tests and figures). */
  retried = 0;

  constructor(private readonly options: WebProxyOptions) {}

  /** Requests in flight. */
  get inFlight(): number {
    return this.active;
  }

  /** Forward `req` (from the client at `clientAddress`) and stream the answer to `res`. */
  handle(req: http.IncomingMessage, res: http.ServerResponse, clientAddress: string): void {
    const url = req.url ?? "/";
    if (!url.startsWith("/")) {
      const body = "Bad request target.\n";
      res.writeHead(400, { "content-type": "text/plain; charset=utf-8", "content-length": Buffer.byteLength(body), connection: "close" });
      res.end(body);
      return;
    }
    const port = this.options.upstreamPort();
    if (port === null) {
      this.dropPool();
      answerUnavailable(req, res, "restarting", this.options.serverName);
      return;
    }
    this.active++;
    const forwarding: Forwarding = { req, res, clientAddress, port, upstream: null, done: false };
    res.on("close", () => {
      // the client went away (or the answer is complete): nothing more to fetch
      if (!res.writableFinished) forwarding.upstream?.destroy();
      this.finish(forwarding);
    });
    const pooled = (req.method === "GET" || req.method === "HEAD") && !hasBody(req);
    this.send(forwarding, pooled);
  }

  /** Drop the kept-alive connections (the portal is stopping). */
  close(): void {
    this.dropPool();
  }

  /** Send the request to the app: over the pool (a bodiless GET/HEAD) or a new connection. */
  private send(f: Forwarding, pooled: boolean): void {
    const { req, res } = f;
    const upstream = http.request({
      host: "127.0.0.1",
      port: f.port,
      method: req.method,
      path: req.url,
      headers: forwardedRequestHeaders(req, f.clientAddress),
      agent: pooled ? this.agentFor(f.port) : false,
      setHost: false,
    });
    f.upstream = upstream;
    upstream.setTimeout(this.options.timeoutMs, () => upstream.destroy(new UpstreamTimeout()));
    upstream.on("response", (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.statusMessage, withoutHopByHop(answer.headers));
      answer.pipe(res);
      answer.on("error", () => res.destroy());
      answer.on("end", () => this.finish(f));
    });
    upstream.on("error", (err) => this.failed(f, upstream, pooled, err));
    if (pooled) upstream.end();
    else req.pipe(upstream);
  }

  private failed(f: Forwarding, upstream: http.ClientRequest, pooled: boolean, err: Error): void {
    const { req, res } = f;
    if (f.upstream !== upstream || f.done) return;
    if (res.headersSent) {
      // mid-answer: the client sees a cut connection, as it would from the app itself
      this.finish(f);
      res.destroy();
      return;
    }
    const code = (err as NodeJS.ErrnoException).code;
    if (pooled && upstream.reusedSocket && (code === "ECONNRESET" || code === "EPIPE") && !res.destroyed) {
      // a kept-alive connection the app closed as it was reused: once more, on a new one
      this.retried++;
      this.send(f, false);
      return;
    }
    this.finish(f);
    if (err instanceof UpstreamTimeout) {
      log.warn(`${req.method} ${req.url}: the web app did not answer within ${this.options.timeoutMs} ms`);
      answerUnavailable(req, res, "timeout", this.options.serverName);
      return;
    }
    this.dropPool();
    log.debug(`${req.method} ${req.url}: web app unreachable (${code ?? err.message})`);
    answerUnavailable(req, res, "restarting", this.options.serverName);
  }

  private finish(f: Forwarding): void {
    if (f.done) return;
    f.done = true;
    this.active--;
  }

  private agentFor(port: number): http.Agent {
    if (this.pool?.port !== port) {
      this.dropPool();
      this.pool = { port, agent: new http.Agent({ keepAlive: true, maxFreeSockets: 16, timeout: POOL_IDLE_MS }) };
    }
    return this.pool.agent;
  }

  private dropPool(): void {
    this.pool?.agent.destroy();
    this.pool = null;
  }
}

/** True when the request has a body (a length above 0, or chunked). */
function hasBody(req: http.IncomingMessage): boolean {
  const length = req.headers["content-length"];
  return req.headers["transfer-encoding"] !== undefined || (length !== undefined && length !== "0");
}

/** The client's headers as the app receives them. */
export function forwardedRequestHeaders(req: http.IncomingMessage, clientAddress: string): http.OutgoingHttpHeaders {
  const headers = withoutHopByHop(req.headers);
  for (const name of CLIENT_FORWARDING) delete headers[name];
  Object.assign(headers, framingHeaders(req));
  headers["x-forwarded-for"] = clientAddress;
  headers["x-forwarded-proto"] = (req.socket as TLSSocket).encrypted ? "https" : "http";
  if (req.headers.host) headers["x-forwarded-host"] = req.headers.host;
  return headers;
}

/**
 * How the body of `req` is framed towards the app, whatever the client's `Connection`
 * header named: its `Content-Length`, or `Transfer-Encoding: chunked` when it came
 * chunked (Node's parser has taken the client's chunks apart; they are chunked again).
 * Without this a body on a GET, DELETE or OPTIONS would follow the request's headers
 * unframed, and the app would read it as a request of its own (request smuggling,
 * with forged forwarding headers from the trusted loopback).
 */
function framingHeaders(req: http.IncomingMessage): http.OutgoingHttpHeaders {
  if (req.headers["transfer-encoding"] !== undefined) return { "transfer-encoding": "chunked" };
  const length = req.headers["content-length"];
  return length !== undefined ? { "content-length": length } : {};
}

/** `headers` without hop-by-hop headers (and those the `Connection` header names). */
export function withoutHopByHop(headers: http.IncomingHttpHeaders): http.OutgoingHttpHeaders {
  const named = new Set(
    String(headers.connection ?? "")
      .split(",")
      .map((name) => name.trim().toLowerCase())
      .filter((name) => name && !END_TO_END.has(name)),
  );
  const out: http.OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || HOP_BY_HOP.has(name) || named.has(name)) continue;
    out[name] = value;
  }
  return out;
}
