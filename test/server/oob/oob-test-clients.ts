/**
 * Scripted clients for the OOB tests against an in-process game: telnet clients that
 * agree to GMCP or MSDP (or to nothing), decoding what arrives in sub-negotiations.
 */
import { parseMsdp, type MsdpValue } from "../../../evennia-ts/portal/telnet/msdp-codec.ts";
import type { InProcessGame } from "../../../evennia-ts/testing/in-process-game.ts";
import type { ServerSession } from "../../../evennia-ts/server/server-session.ts";
import { DO, DONT, IAC, RawClient, SB, SE, WILL, bytes, subnegotiations, waitUntil } from "../../portal/telnet/telnet-test-client.ts";

export const GMCP = 201;
export const MSDP = 69;
/** MSDP token bytes. */
export const MSDP_VAR = 1;
export const MSDP_VAL = 2;

/** What a scripted telnet client agrees to. */
export type OobMode = "gmcp" | "msdp" | "plain";

/** A telnet client that speaks GMCP or MSDP (or neither) to an in-process game. */
export class OobTelnetClient {
  private constructor(
    readonly raw: RawClient,
    readonly sessid: number,
    private readonly game: InProcessGame,
  ) {}

  /** Connect, answer the GMCP/MSDP offers as `mode` says, and wait for the connection screen. */
  static async connect(game: InProcessGame, mode: OobMode): Promise<OobTelnetClient> {
    const server = game.server()!;
    const before = Math.max(0, ...server.allSessions().map((s) => s.sessid));
    const raw = await RawClient.connect(game.telnetPort);
    await raw.waitFor([[IAC, WILL, GMCP]]);
    await raw.waitFor([[IAC, WILL, MSDP]]);
    if (mode === "gmcp") raw.send([IAC, DO, GMCP], [IAC, DONT, MSDP]);
    else if (mode === "msdp") raw.send([IAC, DO, MSDP], [IAC, DONT, GMCP]);
    else raw.send([IAC, DONT, GMCP], [IAC, DONT, MSDP]);
    await raw.waitFor("create <username> <password>");
    let session: ServerSession | undefined;
    await waitUntil(() => (session = server.allSessions().find((s) => s.sessid > before)) !== undefined, "server session");
    const client = new OobTelnetClient(raw, session!.sessid, game);
    if (mode !== "plain") await waitUntil(() => client.session().clientOptions[mode] === true, `${mode} on the server session`);
    return client;
  }

  /** This client's session on the server. */
  session(): ServerSession {
    const s = this.game.server()!.allSessions().find((x) => x.sessid === this.sessid);
    if (!s) throw new Error(`no server session ${this.sessid}`);
    return s;
  }

  /** Send a line of text. */
  line(text: string): void {
    this.raw.send(`${text}\r\n`);
  }

  /** Create an account and log in as `name`. */
  async login(name: string, password = "secret123"): Promise<void> {
    this.line(`create ${name} ${password}`);
    await this.raw.waitFor(`A new account '${name}' was created`);
    this.line(`connect ${name} ${password}`);
    await this.raw.waitFor("You become");
  }

  /** Send a GMCP message (`Core.Hello {"client": "x"}`). */
  gmcp(payload: string): void {
    this.raw.send([IAC, SB, GMCP], payload, [IAC, SE]);
  }

  /** Send an MSDP command or variable: `msdp("REPORT", "HEALTH", "MANA")`. */
  msdp(name: string, ...values: string[]): void {
    this.raw.send([IAC, SB, MSDP, MSDP_VAR], name, ...values.flatMap((v) => [bytes([MSDP_VAL]), bytes(v)]), [IAC, SE]);
  }

  /** Every GMCP payload received, as text. */
  gmcpReceived(): string[] {
    return subnegotiations(this.raw.received, GMCP).map((b) => b.toString("utf8"));
  }

  /** Every MSDP variable received, in order, flattened over the messages. */
  msdpReceived(): Array<[string, MsdpValue]> {
    return subnegotiations(this.raw.received, MSDP).flatMap((b) => parseMsdp(b));
  }

  /** Wait for a GMCP payload starting with `prefix` (after `skip` earlier ones); returns it. */
  async waitForGmcp(prefix: string, skip = 0): Promise<string> {
    let found: string | undefined;
    await waitUntil(
      () => (found = this.gmcpReceived().filter((p) => p.startsWith(prefix))[skip]) !== undefined,
      `GMCP ${prefix} (got ${JSON.stringify(this.gmcpReceived())})`,
    );
    return found!;
  }

  /** Wait for the `nth` (0-based) MSDP variable called `name`; returns its value. */
  async waitForMsdp(name: string, nth = 0): Promise<MsdpValue> {
    let found: MsdpValue | undefined;
    await waitUntil(
      () => (found = this.msdpReceived().filter(([n]) => n === name)[nth]?.[1]) !== undefined,
      `MSDP ${name} #${nth} (got ${JSON.stringify(this.msdpReceived())})`,
    );
    return found!;
  }

  /** Values received so far for MSDP variable `name`. */
  msdpValues(name: string): MsdpValue[] {
    return this.msdpReceived()
      .filter(([n]) => n === name)
      .map(([, v]) => v);
  }

  /** Close the connection. */
  close(): Promise<void> {
    return this.raw.close();
  }
}
