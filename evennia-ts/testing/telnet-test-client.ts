/**
 * A telnet client for tests: connects over TCP, answers nothing to option
 * negotiation (it stays a plain client), strips telnet commands from what it
 * receives, and waits for text to appear.
 */
import net from "node:net";
import { EvenniaError } from "../utils/errors.ts";

const IAC = 0xff;
const SB = 0xfa;
const SE = 0xf0;

/** A line-based test client. */
export class TelnetTestClient {
  /** Everything received so far, telnet commands and colour codes removed, decoded as UTF-8. */
  text = "";
  private cursor = 0;
  private waiters: (() => void)[] = [];
  private pending = Buffer.alloc(0);
  private closedFlag = false;
  /** Raw bytes received, commands included. */
  raw = Buffer.alloc(0);

  private constructor(readonly socket: net.Socket) {
    socket.on("data", (data: Buffer) => {
      this.raw = Buffer.concat([this.raw, data]);
      this.text += this.strip(data);
      this.notify();
    });
    socket.on("close", () => {
      this.closedFlag = true;
      this.notify();
    });
    socket.on("error", () => undefined);
  }

  /**
   * Connect to `port` on 127.0.0.1; `localAddress` picks the client's own address
   * (on Linux any of 127.0.0.0/8, to test per-address limits from several addresses).
   */
  static connect(port: number, host = "127.0.0.1", localAddress?: string): Promise<TelnetTestClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ port, host, localAddress });
      socket.once("connect", () => resolve(new TelnetTestClient(socket)));
      socket.once("error", reject);
    });
  }

  /**
   * Connect, create account `name` at the connection screen and log in as it (its new
   * character puppeted): the usual start of a test player.
   */
  static async newPlayer(port: number, name: string, password = "secret123"): Promise<TelnetTestClient> {
    const c = await TelnetTestClient.connect(port);
    await c.waitFor("create <username> <password>");
    c.send(`create ${name} ${password}`);
    await c.waitFor(`A new account '${name}' was created`);
    c.send(`connect ${name} ${password}`);
    await c.waitFor(`You become ${name}.`);
    return c;
  }

  /** True once the server closed the connection. */
  get closed(): boolean {
    return this.closedFlag;
  }

  /** Send a line (CRLF appended). */
  send(line: string): void {
    this.socket.write(line + "\r\n");
  }

  /** Send raw bytes. */
  sendRaw(bytes: Buffer | Uint8Array): void {
    this.socket.write(bytes);
  }

  /**
   * Wait until text matching `pattern` arrives after what earlier waits consumed;
   * returns the text up to and including the match.
   */
  async waitFor(pattern: RegExp | string, timeoutMs = 5000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const rest = this.text.slice(this.cursor);
      const match = typeof pattern === "string" ? indexMatch(rest, pattern) : regexMatch(rest, pattern);
      if (match) {
        this.cursor += match.end;
        return rest.slice(0, match.end);
      }
      if (this.closedFlag) throw new EvenniaError("EV_ERR_TEST_WAIT", `connection closed while waiting for ${String(pattern)}; got: ${JSON.stringify(rest)}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new EvenniaError("EV_ERR_TEST_WAIT", `timed out waiting for ${String(pattern)}; got: ${JSON.stringify(rest)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Wait until the server closes the connection. */
  async waitForClose(timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closedFlag) {
      if (Date.now() > deadline) throw new EvenniaError("EV_ERR_TEST_WAIT", "timed out waiting for the connection to close");
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Text received after the last wait, without consuming it. */
  unread(): string {
    return this.text.slice(this.cursor);
  }

  /** Close the connection. */
  close(): void {
    this.socket.destroy();
  }

  private notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  /** Remove IAC sequences (across chunk boundaries) and decode. */
  private strip(data: Buffer): string {
    const buf = Buffer.concat([this.pending, data]);
    const out: number[] = [];
    let i = 0;
    for (; i < buf.length; i++) {
      const b = buf[i]!;
      if (b !== IAC) {
        out.push(b);
        continue;
      }
      if (i + 1 >= buf.length) break;
      const cmd = buf[i + 1]!;
      if (cmd === IAC) {
        out.push(IAC);
        i++;
      } else if (cmd === SB) {
        let j = i + 2;
        while (j + 1 < buf.length && !(buf[j] === IAC && buf[j + 1] === SE)) j++;
        if (j + 1 >= buf.length) break;
        i = j + 1;
      } else if (cmd >= 0xfb && cmd <= 0xfe) {
        if (i + 2 >= buf.length) break;
        i += 2;
      } else {
        i++;
      }
    }
    this.pending = buf.subarray(i);
    // eslint-disable-next-line no-control-regex
    return Buffer.from(out).toString("utf8").replace(/\x1b\[[0-9;]*m/g, "");
  }
}

function indexMatch(text: string, needle: string): { end: number } | undefined {
  const i = text.indexOf(needle);
  return i < 0 ? undefined : { end: i + needle.length };
}

function regexMatch(text: string, re: RegExp): { end: number } | undefined {
  const m = new RegExp(re.source, re.flags.replace("g", "")).exec(text);
  return m ? { end: m.index + m[0].length } : undefined;
}
