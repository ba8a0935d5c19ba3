/**
 * The portal's reverse proxy to the server's web app (website, admin, REST API):
 * every path of the web port the portal does not serve itself goes to
 * `127.0.0.1:<port>`, the port the server reports over the link (`{t: "web"}`).
 *
 * - Any method; the request body is streamed through as it arrives, the response
 *   (status, headers, body) streamed back.
 * - Hop-by-hop headers (`Connection` and those it names, `Keep-Alive`,
 *   `Transfer-Encoding`, `TE`, `Trailer`, `Upgrade`, `Proxy-*`, `Expect`) are dropped both ways.
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
 * no routing, load balancing or retries, and every dependency is one more thing the
 * portal (which must stay up through everything) can break on. Each request opens
 * its own loopback connection (no keep-alive pool): a pooled socket can be one the
 * app is closing (after a reload, or its idle timeout), a race that would turn a
 * healthy request into an error; a loopback connect costs tens of microseconds.
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

/** Error of a request the app did not answer in time. */
class UpstreamTimeout extends Error {}

/** Forwards requests to the server's web app. */
export class WebProxy {
  /** Requests now being forwarded. */
  private active = 0;

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
      answerUnavailable(req, res, "restarting", this.options.serverName);
      return;
    }
    this.active++;
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      this.active--;
    };
    const upstream = http.request({
      host: "127.0.0.1",
      port,
      method: req.method,
      path: url,
      headers: forwardedRequestHeaders(req, clientAddress),
      agent: false,
      setHost: false,
    });
    upstream.setTimeout(this.options.timeoutMs, () => upstream.destroy(new UpstreamTimeout()));
    upstream.on("response", (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.statusMessage, withoutHopByHop(answer.headers));
      answer.pipe(res);
      answer.on("error", () => res.destroy());
      answer.on("end", finish);
    });
    upstream.on("error", (err) => {
      finish();
      if (res.headersSent) {
        // mid-answer: the client sees a cut connection, as it would from the app itself
        res.destroy();
        return;
      }
      if (err instanceof UpstreamTimeout) {
        log.warn(`${req.method} ${url}: the web app did not answer within ${this.options.timeoutMs} ms`);
        answerUnavailable(req, res, "timeout", this.options.serverName);
        return;
      }
      log.debug(`${req.method} ${url}: web app unreachable (${(err as NodeJS.ErrnoException).code ?? err.message})`);
      answerUnavailable(req, res, "restarting", this.options.serverName);
    });
    res.on("close", () => {
      // the client went away (or the answer is complete): nothing more to fetch
      if (!res.writableFinished) upstream.destroy();
      finish();
    });
    req.pipe(upstream);
  }
}

/** The client's headers as the app receives them. */
export function forwardedRequestHeaders(req: http.IncomingMessage, clientAddress: string): http.OutgoingHttpHeaders {
  const headers = withoutHopByHop(req.headers);
  for (const name of CLIENT_FORWARDING) delete headers[name];
  headers["x-forwarded-for"] = clientAddress;
  headers["x-forwarded-proto"] = (req.socket as TLSSocket).encrypted ? "https" : "http";
  if (req.headers.host) headers["x-forwarded-host"] = req.headers.host;
  return headers;
}

/** `headers` without hop-by-hop headers (and those the `Connection` header names). */
export function withoutHopByHop(headers: http.IncomingHttpHeaders): http.OutgoingHttpHeaders {
  const named = new Set(
    String(headers.connection ?? "")
      .split(",")
      .map((name) => name.trim().toLowerCase())
      .filter(Boolean),
  );
  const out: http.OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || HOP_BY_HOP.has(name) || named.has(name)) continue;
    out[name] = value;
  }
  return out;
}
