/**
 * The comet (long-polling) transport, used when the websocket cannot connect
 * (a proxy or firewall that does not pass websockets). Every request is
 * `POST /webclientdata` with a JSON body, same-origin (the website's session cookie
 * goes along, so a player logged in on the website is logged in here too):
 *
 * - `{"mode":"init"}` → `{"csessid":"..."}`: a new session.
 * - `{"mode":"input","csessid":..,"data":[cmdname,args,kwargs]}` → `{"ok":true}`.
 * - `{"mode":"receive","csessid":..}` → `{"msgs":[[cmdname,args,kwargs],...]}`, held
 *   open by the portal until there is output (or empty after ~25 s); polled again at once.
 *   `"closed": true` comes with the last output once the game closed the session (quit).
 * - `{"mode":"keepalive","csessid":..}` now and then; `{"mode":"close","csessid":..}` on leaving.
 * - 404 `{"error":"unknown session"}`: the session is gone (the connection is lost).
 * - 503 / 429: the portal is busy; the request is retried after a back-off.
 * - 400 (and other 4xx) to an input: the portal refused that input (reported as an
 *   `error` message, as the websocket does); the session stays.
 */

/** Path of the comet endpoint. */
export const COMET_PATH = "/webclientdata";
/** Ms between keepalives while connected. */
const KEEPALIVE_MS = 30000;
/** Failed requests in a row (network errors, 5xx other than 503) that count as a lost connection. */
const MAX_FAILURES = 3;
/** First and largest back-off after a busy answer or a failed request, in ms. */
const BACKOFF_FIRST_MS = 1000;
const BACKOFF_MAX_MS = 30000;

/** Raised for an answer that ends the session (404 unknown session, or repeated failures). */
class SessionLost extends Error {}

/** Raised for a request the portal refused (4xx other than 404 and 429); the session stays. */
class RequestRefused extends Error {}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * One comet session. `start()` opens it; `onOpen`, `onMessage` and `onLost` report
 * what happens; `close()` ends it (and tells the portal).
 */
export class CometTransport {
  /**
   * `onClosed` is the game closing the session on purpose (quit, shutdown); `onLost` a
   * session that is gone or a portal that cannot be reached.
   * @param {{ onOpen: () => void, onMessage: (message: unknown) => void, onClosed: () => void, onLost: (reason: string) => void }} events
   */
  constructor(events) {
    this.events = events;
    /** @type {string | null} */
    this.csessid = null;
    this.closed = false;
    this.abort = new AbortController();
    /** Inputs go one after another, in the order typed. */
    this.inputQueue = Promise.resolve();
    /** @type {ReturnType<typeof setInterval> | null} */
    this.keepaliveTimer = null;
  }

  /** The transport's name, as the connection state shows it. */
  get kind() {
    return "comet";
  }

  /** True once the session is open and not closed. */
  get isOpen() {
    return this.csessid !== null && !this.closed;
  }

  /** Open the session and start polling; `onLost` when the portal cannot be reached. */
  async start() {
    try {
      const reply = await this.request({ mode: "init" });
      if (this.closed) return;
      if (typeof reply?.csessid !== "string" || reply.csessid === "") throw new SessionLost("the portal sent no comet session id");
      this.csessid = reply.csessid;
    } catch (err) {
      this.lose(err);
      return;
    }
    this.keepaliveTimer = setInterval(() => {
      this.request({ mode: "keepalive", csessid: this.csessid }).catch((err) => this.lose(err));
    }, KEEPALIVE_MS);
    this.events.onOpen();
    void this.pollLoop();
  }

  /** Long-poll for output until the session ends. */
  async pollLoop() {
    while (!this.closed) {
      let reply;
      try {
        reply = await this.request({ mode: "receive", csessid: this.csessid });
      } catch (err) {
        this.lose(err);
        return;
      }
      if (this.closed) return;
      const msgs = Array.isArray(reply?.msgs) ? reply.msgs : [];
      for (const message of msgs) this.events.onMessage(message);
      if (reply?.closed === true) {
        this.shutDown();
        this.events.onClosed();
        return;
      }
    }
  }

  /**
   * Send one message; false when the session is not open.
   * @param {[string, unknown[], Record<string, unknown>]} triple
   */
  send(triple) {
    if (!this.isOpen) return false;
    const body = { mode: "input", csessid: this.csessid, data: triple };
    this.inputQueue = this.inputQueue.then(() => this.request(body)).then(
      () => undefined,
      (err) => {
        if (err instanceof RequestRefused) this.events.onMessage(["error", [err.message], {}]);
        else this.lose(err);
      },
    );
    return true;
  }

  /** End the session: stop polling and tell the portal (also while the page unloads). */
  close() {
    if (this.closed) return;
    const csessid = this.csessid;
    this.shutDown();
    if (csessid) {
      fetch(COMET_PATH, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ mode: "close", csessid }),
        keepalive: true,
      }).catch(() => {
        // the page is going away or the portal is down: the portal times the session out
      });
    }
  }

  shutDown() {
    this.closed = true;
    if (this.keepaliveTimer) clearInterval(this.keepaliveTimer);
    this.keepaliveTimer = null;
    this.abort.abort();
  }

  /** The session is gone: stop, and report it once. */
  lose(err) {
    if (this.closed) return;
    this.shutDown();
    const reason = err instanceof Error ? err.message : String(err);
    this.events.onLost(reason);
  }

  /**
   * POST `body` and return the JSON answer. Busy answers (503, 429) and failed
   * requests are retried after a doubling back-off; 404 and repeated failures throw
   * {@link SessionLost}, another 4xx {@link RequestRefused} with the portal's reason.
   */
  async request(body) {
    let failures = 0;
    let backoff = BACKOFF_FIRST_MS;
    for (;;) {
      if (this.closed) throw new SessionLost("closed");
      let response;
      try {
        response = await fetch(COMET_PATH, {
          method: "POST",
          credentials: "same-origin",
          cache: "no-store",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify(body),
          signal: this.abort.signal,
        });
      } catch (err) {
        if (this.closed) throw new SessionLost("closed");
        if (++failures >= MAX_FAILURES) throw new SessionLost(`the portal cannot be reached (${err instanceof Error ? err.message : err})`);
        await sleep(backoff);
        backoff = Math.min(backoff * 2, BACKOFF_MAX_MS);
        continue;
      }
      if (response.ok) return response.json();
      if (response.status === 404) throw new SessionLost("unknown session");
      if (response.status === 503 || response.status === 429) {
        // busy: wait as long as the portal asks (within bounds) and try again
        const asked = Number(response.headers.get("Retry-After")) * 1000;
        await sleep(Number.isFinite(asked) && asked > 0 ? Math.min(asked, BACKOFF_MAX_MS) : backoff);
        backoff = Math.min(backoff * 2, BACKOFF_MAX_MS);
        continue;
      }
      if (response.status < 500) {
        const answer = await response.json().catch(() => null);
        const reason = typeof answer?.error === "string" ? answer.error : `the portal answered ${response.status}`;
        if (body.mode === "input") throw new RequestRefused(reason);
        throw new SessionLost(reason);
      }
      if (++failures >= MAX_FAILURES) throw new SessionLost(`the portal answered ${response.status}`);
      await sleep(backoff);
      backoff = Math.min(backoff * 2, BACKOFF_MAX_MS);
    }
  }
}
