/**
 * One virtual player: a connection, a profile, and the bookkeeping that turns what
 * the game sends back into latencies. Commands are answered in order (the server
 * runs a session's commands one after another), so each end-of-command marker
 * completes the oldest command still waiting; the first output after sending is
 * its first byte.
 */
import { performance } from "node:perf_hooks";
import { PROFILES, exitsFromText, type ClientMemory, type Profile, type ProfileName, type RandomSource } from "./profiles.ts";
import { classifyAnswer, type RunStats } from "./run-stats.ts";
import type { ClientTransport, LoadProtocol, TransportFactory } from "./transport.ts";

/** Options of one {@link VirtualPlayer}. */
export interface VirtualPlayerOptions {
  /** Account and character name. */
  name: string;
  password: string;
  protocol: LoadProtocol;
  connect: TransportFactory;
  profile: ProfileName;
  stats: RunStats;
  random: RandomSource;
  /** A command not answered within this many ms counts as unanswered. */
  answerTimeoutMs: number;
  /** Create an account and log in first (false against the echo baseline). */
  login: boolean;
}

/** A command waiting for its answer. */
interface Waiting {
  /** The line sent. */
  command: string;
  sentAt: number;
  firstAt: number;
  /** Its answer's text so far (bounded). */
  text: string;
  timedOut: boolean;
  /** False for a setting-up command ({@link VirtualPlayer.request}): not counted. */
  measured: boolean;
  timer: NodeJS.Timeout | null;
  /** Called once: answered (true), or timed out or lost (false). */
  done: (answered: boolean) => void;
}

/**
 * Longest answer text kept per command for classification and exit parsing: the
 * start of a measured command's answer, the end of a setting-up one's.
 */
const MAX_KEPT_TEXT = 4096;

/** `text` cut to its first and last {@link MAX_KEPT_TEXT} characters when longer than both. */
function keepEnds(text: string): string {
  return text.length <= 2 * MAX_KEPT_TEXT ? text : text.slice(0, MAX_KEPT_TEXT) + text.slice(-MAX_KEPT_TEXT);
}

/** A load-test client. */
export class VirtualPlayer {
  readonly profile: Profile;
  readonly memory: ClientMemory;
  private transport: ClientTransport | null = null;
  private readonly waiting: Waiting[] = [];
  /** Text since the last marker when nothing waits (greetings, other players' messages). */
  private loose = "";
  /** Called on every text or marker while logging in. */
  private onEvent: (() => void) | null = null;
  private markers = 0;
  private stopping = false;
  /** True while the run measures this player's commands (after its login). */
  private measuring = false;
  closed = false;

  constructor(private readonly options: VirtualPlayerOptions) {
    this.profile = PROFILES[options.profile];
    this.memory = { name: options.name, step: 0, exits: [], made: 0, things: [], rooms: 0, dug: false, inFlight: 0 };
  }

  /** Connect and (unless against the baseline) create the account and log in; false when that failed (counted). */
  async start(): Promise<boolean> {
    const { stats } = this.options;
    const began = performance.now();
    try {
      this.transport = await this.options.connect({
        text: (text) => this.heard(text),
        marker: () => this.marked(),
        closed: (reason) => this.lost(reason),
      });
    } catch (err) {
      stats.connectFailures++;
      stats.note(`could not connect: ${(err as Error).message}`);
      return false;
    }
    if (this.options.login) {
      const failure = await this.logIn();
      if (failure !== null) {
        stats.loginFailures++;
        if (classifyAnswer(failure) === "throttled") stats.throttled++;
        stats.note(`login failed: ${failure}`);
        this.close();
        return false;
      }
      stats.login.add(performance.now() - began);
    }
    stats.logins++;
    stats.profile(this.profile.name).clients++;
    this.measuring = true;
    return true;
  }

  /** Send the profile's next command; resolves when it is answered or has timed out. */
  act(): Promise<void> {
    this.memory.inFlight = this.outstanding;
    const line = this.profile.next(this.memory, this.options.random);
    this.memory.step++;
    return this.issue(line);
  }

  /** Send `line` as a measured command; resolves when it is answered or has timed out. */
  issue(line: string): Promise<void> {
    if (this.closed || !this.transport) return Promise.resolve();
    const { stats } = this.options;
    stats.sent++;
    stats.profile(this.profile.name).sent++;
    return new Promise<void>((resolve) => this.send(line, true, () => resolve()));
  }

  /**
   * Send `line` to set the run up (not measured, not counted), e.g. the `tel` that
   * puts the client in its room; resolves to its answer's text, or null when it got
   * no answer in time or the connection closed. Exits the answer shows are
   * remembered, as for any command.
   */
  request(line: string): Promise<string | null> {
    if (this.closed || !this.transport) return Promise.resolve(null);
    return new Promise<string | null>((resolve) => {
      const entry = this.send(line, false, (answered) => resolve(answered ? entry.text : null));
    });
  }

  /** Queue `line`'s answer and send it. */
  private send(line: string, measured: boolean, done: (answered: boolean) => void): Waiting {
    const entry: Waiting = { command: line, sentAt: performance.now(), firstAt: 0, text: "", timedOut: false, measured, timer: null, done };
    entry.timer = setTimeout(() => {
      entry.timer = null;
      entry.timedOut = true;
      if (measured) this.options.stats.unanswered++;
      entry.done(false);
    }, this.options.answerTimeoutMs);
    this.waiting.push(entry);
    this.transport!.send(line);
    return entry;
  }

  /** Commands sent and not yet answered (nor timed out). */
  get outstanding(): number {
    return this.waiting.filter((w) => !w.timedOut).length;
  }

  /** Stop measuring: whatever still waits counts as unanswered; close the connection. */
  stop(): void {
    this.stopping = true;
    for (const w of this.waiting.splice(0)) {
      if (w.timer) clearTimeout(w.timer);
      if (w.timedOut) continue; // done already
      if (w.measured) this.options.stats.unanswered++;
      w.done(false);
    }
    this.close();
  }

  private close(): void {
    this.stopping = true;
    this.transport?.close();
  }

  private heard(text: string): void {
    const head = this.waiting[0];
    if (head) {
      if (head.firstAt === 0) head.firstAt = performance.now();
      if (head.measured) {
        if (head.text.length < MAX_KEPT_TEXT) head.text += text;
      } else {
        // a setting-up command keeps the end of its answer: other players' chatter may come
        // first (arrivals in a crowded start room), what the command itself showed comes last
        head.text = (head.text + text).slice(-MAX_KEPT_TEXT);
      }
    } else if (!this.measuring) {
      // logging in: what it waits for (the option's answer) comes last, after the start
      // room's description, which lists everyone there: keep both ends of the text
      this.loose = keepEnds(this.loose + text);
    } else if (this.loose.length < MAX_KEPT_TEXT) {
      this.loose += text;
    }
    this.onEvent?.();
  }

  private marked(): void {
    this.markers++;
    const head = this.waiting.shift();
    if (head) this.answered(head);
    else if (this.measuring) this.loose = "";
    this.onEvent?.();
  }

  private answered(entry: Waiting): void {
    if (entry.timer) clearTimeout(entry.timer);
    const { stats } = this.options;
    const exits = exitsFromText(entry.text);
    if (exits !== null) this.memory.exits = exits;
    if (entry.timedOut) return; // late: done already (and counted as unanswered when measured)
    if (!this.measuring || !entry.measured) return entry.done(true);
    const now = performance.now();
    // a command sent while the run settled counts in what went wrong, not in the figures
    stats.recordAnswer(this.profile.name, entry.command, entry.sentAt, entry.firstAt, now);
    const kind = classifyAnswer(entry.text);
    if (kind !== "ok") {
      stats[kind === "error" ? "errors" : kind === "throttled" ? "throttled" : "refused"]++;
      if (kind === "refused") stats.profile(this.profile.name).refused++;
      stats.note(entry.text);
    }
    entry.done(true);
  }

  private lost(reason: string): void {
    this.closed = true;
    for (const w of this.waiting.splice(0)) {
      if (w.timer) clearTimeout(w.timer);
      if (w.timedOut) continue; // done already
      if (w.measured && this.measuring) this.options.stats.unanswered++;
      w.done(false);
    }
    if (!this.stopping) {
      if (this.measuring) this.options.stats.disconnects++;
      const said = this.loose.trim();
      if (classifyAnswer(said) === "throttled") this.options.stats.throttled++;
      this.options.stats.note(`disconnected (${reason})${said ? `: ${said.split("\n").pop()}` : ""}`);
    }
    this.onEvent?.();
  }

  /** Wait until `done()` says so, or `ms` pass; resolves to whether it was done. */
  private waitUntil(done: () => boolean, ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      if (done()) return resolve(true);
      const timer = setTimeout(() => finish(false), ms);
      const finish = (ok: boolean): void => {
        clearTimeout(timer);
        this.onEvent = null;
        resolve(ok);
      };
      this.onEvent = () => {
        if (done()) finish(true);
        else if (this.closed) finish(false);
      };
    });
  }

  /**
   * Create the account and log in; null when ready, else what went wrong. A websocket
   * session has the end marker from the start; a telnet one turns it on with the
   * `option COMMANDEND=on` command once logged in.
   */
  private async logIn(): Promise<string | null> {
    const t = this.transport!;
    const { name, password, answerTimeoutMs } = this.options;
    // a login hashes passwords (scrypt, slow on purpose), many at once on a loaded machine
    const timeout = Math.max(3 * answerTimeoutMs, 30_000);
    const fail = (what: string): string =>
      this.closed ? `${what} (connection closed: ${this.loose.trim().split("\n").pop() ?? ""})` : `${what} within ${timeout / 1000} s`;
    if (!(await this.waitUntil(() => /\bconnect\b/i.test(this.loose), timeout))) return fail("no connection screen");
    this.loose = "";
    const created = /A new account '[^']*' was created/;
    const refused = /Sorry|Too many|not allowed|invalid|Usage|already/i;
    const markersAtCreate = this.markers;
    t.send(`create ${name} ${password}`);
    // websocket: wait for the marker that ends the answer; telnet (no marker yet): for its text
    const answeredCreate = (): boolean =>
      t.protocol === "websocket" ? this.markers > markersAtCreate : created.test(this.loose) || refused.test(this.loose);
    if (!(await this.waitUntil(answeredCreate, timeout))) return fail("no answer to create");
    if (!created.test(this.loose)) return this.loose.trim() || "no answer to create";
    const markersBefore = this.markers;
    this.loose = "";
    t.send(`connect ${name} ${password}`);
    const failed = /incorrect|Too many|not available|refused/i;
    if (t.protocol === "websocket") {
      // the marker is on already: the one after connect ends its answer
      if (!(await this.waitUntil(() => this.markers > markersBefore || failed.test(this.loose), timeout))) return fail("no answer to connect");
      if (this.markers === markersBefore) return this.loose.trim();
    } else {
      // telnet: turn the marker on, then wait for the marker that follows the option's answer
      // (the game's own prompt may have ended the connect answer already: that one is not it)
      t.send("option COMMANDEND=on");
      const optionAnswer = /Option COMMANDEND|No option named 'COMMANDEND'|cannot be set/;
      let markersAtAnswer = -1;
      const ready = (): boolean => {
        if (markersAtAnswer < 0 && optionAnswer.test(this.loose)) markersAtAnswer = this.markers;
        return (markersAtAnswer >= 0 && this.markers > markersAtAnswer) || failed.test(this.loose);
      };
      if (!(await this.waitUntil(ready, timeout))) {
        return fail(markersAtAnswer >= 0 ? "the game sends no end-of-command marker (no COMMANDEND option and no prompt)" : "no answer to connect");
      }
      if (markersAtAnswer < 0) return this.loose.trim();
    }
    const exits = exitsFromText(this.loose);
    if (exits !== null) this.memory.exits = exits;
    this.loose = "";
    return null;
  }
}
