/**
 * A websocket test client: connects to a portal's `/ws`, records every frame
 * (parsed as JSON when possible) and waits for frames matching a predicate.
 */
import WebSocket from "ws";
import type { OobMessage } from "../../../evennia-ts/protocol/message.ts";

/** A recorded websocket connection. */
export class WsTestClient {
  /** Frames received, parsed (a frame that is not JSON is kept as its text). */
  readonly frames: unknown[] = [];
  closeCode: number | null = null;
  private cursor = 0;
  private waiters: (() => void)[] = [];

  private constructor(readonly ws: WebSocket) {
    ws.on("message", (data, isBinary) => {
      const text = isBinary ? "<binary>" : data.toString();
      try {
        this.frames.push(JSON.parse(text));
      } catch {
        this.frames.push(text);
      }
      this.notify();
    });
    ws.on("close", (code) => {
      this.closeCode = code;
      this.notify();
    });
    ws.on("error", () => undefined);
  }

  /** Connect to `ws://127.0.0.1:<port><path>`, sending `headers` (a `Cookie`, an `Origin`) with the upgrade. */
  static connect(port: number, path = "/ws", headers?: Record<string, string>): Promise<WsTestClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}${path}`, headers ? { headers } : undefined);
      ws.once("open", () => resolve(new WsTestClient(ws)));
      ws.once("error", reject);
    });
  }

  /** Connect, create account `name` and log in (its character puppeted). */
  static async loggedIn(port: number, name: string, password = "secret123"): Promise<WsTestClient> {
    const ws = await WsTestClient.connect(port);
    await ws.waitForText("create <username> <password>");
    ws.command(`create ${name} ${password}`);
    await ws.waitForText(`A new account '${name}' was created`);
    ws.command(`connect ${name} ${password}`);
    await ws.waitForText("You become");
    return ws;
  }

  /** A round trip (the `echo` inputfunc) proving that everything sent before it has arrived. */
  async sync(): Promise<void> {
    const marker = `sync-${Math.random()}`;
    this.send(["echo", [marker], {}]);
    await this.waitForText(marker);
  }

  /** Send a triple (or any value, JSON-encoded). */
  send(value: unknown): void {
    this.ws.send(JSON.stringify(value));
  }

  /** Send a raw text frame. */
  sendRaw(text: string | Buffer, binary = false): void {
    this.ws.send(text, { binary });
  }

  /** Send a line of input. */
  command(line: string): void {
    this.send(["text", [line], {}]);
  }

  /** Every triple received with this cmdname. */
  messages(cmdname: string): OobMessage[] {
    return this.frames.filter((f): f is OobMessage => Array.isArray(f) && f[0] === cmdname);
  }

  /** Wait for a frame (after those earlier waits consumed) that satisfies `predicate`; returns it. */
  async waitFor(predicate: (frame: unknown) => boolean, what = "a frame", timeoutMs = 5000): Promise<unknown> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      for (let i = this.cursor; i < this.frames.length; i++) {
        if (predicate(this.frames[i])) {
          this.cursor = i + 1;
          return this.frames[i];
        }
      }
      if (this.closeCode !== null) throw new Error(`connection closed (${this.closeCode}) while waiting for ${what}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}; got ${JSON.stringify(this.frames.slice(this.cursor))}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Wait for a `text` frame whose plain text (`kwargs.raw_text`) contains `needle`; returns the triple. */
  async waitForText(needle: string | RegExp, timeoutMs = 5000): Promise<OobMessage> {
    const found = await this.waitFor(
      (f) => {
        if (!Array.isArray(f) || f[0] !== "text") return false;
        const raw = (f[2] as { raw_text?: unknown } | undefined)?.raw_text;
        if (typeof raw !== "string") return false;
        return typeof needle === "string" ? raw.includes(needle) : needle.test(raw);
      },
      `text ${String(needle)}`,
      timeoutMs,
    );
    return found as OobMessage;
  }

  /** Wait for a triple with this cmdname; returns it. */
  async waitForMessage(cmdname: string, timeoutMs = 5000): Promise<OobMessage> {
    return (await this.waitFor((f) => Array.isArray(f) && f[0] === cmdname, `a "${cmdname}" message`, timeoutMs)) as OobMessage;
  }

  /** Wait until the server closes the connection; returns the close code. */
  async waitForClose(timeoutMs = 5000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    while (this.closeCode === null) {
      if (Date.now() > deadline) throw new Error("timed out waiting for the websocket to close");
      await new Promise((r) => setTimeout(r, 10));
    }
    return this.closeCode;
  }

  /** Close the connection. */
  close(): void {
    this.ws.terminate();
  }

  private notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}
