/**
 * A comet (`/webclientdata`) test client: JSON requests over node's http module, and
 * a receive loop that records every message the portal delivers.
 */
import http from "node:http";
import type { OobMessage } from "../../../evennia-ts/protocol/message.ts";

/** One HTTP answer. */
export interface CometAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The body parsed as JSON (or its text when it is not JSON). */
  body: any;
}

/** POST `body` (a value sent as JSON, or a raw string) to `/webclientdata` on `port`. */
export function cometPost(
  port: number,
  body: unknown,
  options: { headers?: http.OutgoingHttpHeaders; agent?: http.Agent; method?: string; path?: string } = {},
): Promise<CometAnswer> {
  const payload = typeof body === "string" ? body : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: "127.0.0.1",
        port,
        path: options.path ?? "/webclientdata",
        method: options.method ?? "POST",
        agent: options.agent ?? false,
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(payload), ...options.headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            // not JSON: keep the text
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: parsed });
        });
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(payload);
  });
}

/** A comet session: init, input, and a background receive loop. */
export class CometTestClient {
  /** Every message received, in order. */
  readonly messages: OobMessage[] = [];
  /** True once a receive answered `closed: true` or 404. */
  closed = false;
  /** Status of the last receive answer. */
  lastStatus = 0;
  private cursor = 0;
  private polling = false;
  private waiters: (() => void)[] = [];
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 2 });

  private constructor(
    readonly port: number,
    readonly csessid: string,
  ) {}

  /** Open a session (`init`); throws when refused. */
  static async open(port: number, headers: http.OutgoingHttpHeaders = {}): Promise<CometTestClient> {
    const answer = await cometPost(port, { mode: "init" }, { headers });
    if (answer.status !== 200) throw new Error(`init refused: ${answer.status} ${JSON.stringify(answer.body)}`);
    return new CometTestClient(port, (answer.body as { csessid: string }).csessid);
  }

  /** POST a request for this session. */
  request(body: Record<string, unknown>): Promise<CometAnswer> {
    return cometPost(this.port, { csessid: this.csessid, ...body }, { agent: this.agent });
  }

  /** Send a line of input. */
  async command(line: string): Promise<CometAnswer> {
    return this.request({ mode: "input", data: ["text", [line], {}] });
  }

  /** Start polling in the background (receive after receive, until closed). */
  startPolling(): void {
    if (this.polling) return;
    this.polling = true;
    void (async () => {
      while (this.polling && !this.closed) {
        let answer: CometAnswer;
        try {
          answer = await this.request({ mode: "receive" });
        } catch {
          break;
        }
        this.lastStatus = answer.status;
        if (answer.status !== 200) {
          this.closed = true;
        } else {
          const body = answer.body as { msgs: OobMessage[]; closed?: boolean };
          this.messages.push(...body.msgs);
          if (body.closed) this.closed = true;
        }
        this.notify();
      }
      this.polling = false;
      this.notify();
    })();
  }

  /** Wait for a `text` message whose plain text contains `needle`. */
  async waitForText(needle: string | RegExp, timeoutMs = 5000): Promise<OobMessage> {
    return this.waitFor(
      (m) => {
        if (m[0] !== "text") return false;
        const raw = (m[2] as { raw_text?: unknown }).raw_text;
        return typeof raw === "string" && (typeof needle === "string" ? raw.includes(needle) : needle.test(raw));
      },
      `text ${String(needle)}`,
      timeoutMs,
    );
  }

  /** Wait for a message satisfying `predicate` (after those earlier waits consumed). */
  async waitFor(predicate: (m: OobMessage) => boolean, what: string, timeoutMs = 5000): Promise<OobMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      for (let i = this.cursor; i < this.messages.length; i++) {
        if (predicate(this.messages[i]!)) {
          this.cursor = i + 1;
          return this.messages[i]!;
        }
      }
      if (this.closed) throw new Error(`session closed while waiting for ${what}; got ${JSON.stringify(this.messages.slice(this.cursor))}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}; got ${JSON.stringify(this.messages.slice(this.cursor))}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Wait until a receive reported the session closed. */
  async waitForClosed(timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed) {
      if (Date.now() > deadline) throw new Error("timed out waiting for the comet session to close");
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 50);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Stop polling and drop the sockets (the session itself stays until closed or timed out). */
  dispose(): void {
    this.polling = false;
    this.agent.destroy();
  }

  private notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}
