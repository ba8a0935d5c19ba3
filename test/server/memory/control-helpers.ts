/**
 * Test helpers for the control channel: a raw line client that sends whatever it is
 * given (malformed input included) and collects the response lines.
 */
import net from "node:net";

/** A raw connection to a control socket. */
export class RawControlClient {
  readonly lines: unknown[] = [];
  #buffer = "";
  #waiters: (() => void)[] = [];
  closed = false;

  private constructor(readonly socket: net.Socket) {
    socket.setEncoding("utf8");
    socket.on("data", (text: string) => {
      this.#buffer += text;
      for (let nl = this.#buffer.indexOf("\n"); nl >= 0; nl = this.#buffer.indexOf("\n")) {
        this.lines.push(JSON.parse(this.#buffer.slice(0, nl)));
        this.#buffer = this.#buffer.slice(nl + 1);
      }
      this.#notify();
    });
    socket.on("close", () => {
      this.closed = true;
      this.#notify();
    });
    socket.on("error", () => undefined);
  }

  /** Connect to the socket at `file`. */
  static connect(file: string): Promise<RawControlClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(file);
      socket.once("connect", () => resolve(new RawControlClient(socket)));
      socket.once("error", reject);
    });
  }

  /** Send raw text. */
  write(text: string): void {
    this.socket.write(text);
  }

  /** Wait until `count` response lines arrived (or the connection closed). */
  async waitForLines(count: number, timeoutMs = 5000): Promise<unknown[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.lines.length < count && !this.closed) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${count} lines; got ${JSON.stringify(this.lines)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.lines;
  }

  /** Wait until the server closed the connection. */
  async waitForClose(timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed) {
      if (Date.now() > deadline) throw new Error("connection not closed");
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  close(): void {
    this.socket.destroy();
  }

  #notify(): void {
    for (const w of this.#waiters.splice(0)) w();
  }
}

/** Poll `check` until it returns true. */
export async function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs = 5000, what = "condition"): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
