/**
 * What a load-test run counts: commands sent, answered and not, errors,
 * throttling, refusals, disconnects and logins, with the latencies (first byte and
 * complete answer) overall and per profile. The virtual players record into one
 * instance; the report reads it.
 */
import { performance } from "node:perf_hooks";
import { LatencySamples } from "./percentiles.ts";
import type { ProfileName } from "./profiles.ts";

/** How an answer's text is classified. */
export type AnswerKind = "ok" | "error" | "throttled" | "refused";

/** Text that says a limit of the game refused or dropped input or a connection. */
const THROTTLED =
  /sending commands too fast|Too many (new )?connections from your address|Too many accounts were created|Too many commands waiting|Too many failed login/i;
/** Text of a command that failed in the game (its error id is logged by the server). */
const ERROR = /An error occurred; nothing was changed|The database is unavailable right now|\(error id [\w-]+\)/;
/** Text of a command the player may not run. */
const REFUSED = /Command '[^']*' is not available|You don't have permission|You are not allowed|not allowed to do that/i;

/** Classify an answer's text. */
export function classifyAnswer(text: string): AnswerKind {
  if (THROTTLED.test(text)) return "throttled";
  if (ERROR.test(text)) return "error";
  if (REFUSED.test(text)) return "refused";
  return "ok";
}

/** Counts of one profile's commands. */
export interface ProfileCounts {
  clients: number;
  sent: number;
  answered: number;
  /** Answers that said the command is not available or not allowed. */
  refused: number;
  complete: LatencySamples;
}

/** One measured answer, as `loadtest --answers FILE` writes it. */
export interface AnswerRecord {
  /** When the command was sent, ms since the epoch. */
  sentAt: number;
  profile: ProfileName;
  /** The line sent. */
  command: string;
  firstByteMs: number;
  /** Until the end-of-command marker. */
  completeMs: number;
}

/** Everything one run counts. */
export class RunStats {
  sent = 0;
  answered = 0;
  /** Commands whose end marker did not come within the answer timeout (or before the end). */
  unanswered = 0;
  /** Answers that said the command failed in the game. */
  errors = 0;
  /** Answers (or connection refusals) that said a limit was hit: see {@link notes}. */
  throttled = 0;
  /** Answers that said the command is not available or not allowed (e.g. building without Builder). */
  refused = 0;
  /** Connections the game closed while the run went on. */
  disconnects = 0;
  /** Clients that could not connect. */
  connectFailures = 0;
  /** Clients that connected but did not get logged in. */
  loginFailures = 0;
  logins = 0;
  /** `performance.now()` when the measured part began: answers to commands sent before it are not in the figures. */
  measuringSince = 0;
  /** True once {@link startMeasuring} was called (`performance.now()` is never 0 after start). */
  get measuring(): boolean {
    return this.measuringSince > 0;
  }
  /** Time to first output after sending. */
  readonly firstByte = new LatencySamples();
  /** Time to the end-of-command marker. */
  readonly complete = new LatencySamples();
  /** Time from connecting to ready (account created, logged in, marker on). */
  readonly login = new LatencySamples();
  readonly profiles = new Map<ProfileName, ProfileCounts>();
  /** Distinct messages worth showing (throttle notices, first errors), with how often each was seen. */
  readonly notes = new Map<string, number>();
  /**
   * The answers' latencies by second of the measured part (by when the command was
   * sent): whether the tail is a few bad moments or every second's.
   */
  readonly bySecond: LatencySamples[] = [];

  /** @param onAnswer called with every measured answer (`loadtest --answers`). */
  constructor(private readonly onAnswer: ((answer: AnswerRecord) => void) | null = null) {}

  /**
   * A command of `profile` sent at `sentAt` (`performance.now()`), first output at
   * `firstAt` (0: none before its end), answered at `now`: counted when it was sent
   * in the measured part.
   */
  recordAnswer(profile: ProfileName, command: string, sentAt: number, firstAt: number, now: number): void {
    if (sentAt < this.measuringSince) return;
    const completeMs = now - sentAt;
    const firstByteMs = (firstAt || now) - sentAt;
    this.answered++;
    const counts = this.profile(profile);
    counts.answered++;
    counts.complete.add(completeMs);
    this.firstByte.add(firstByteMs);
    this.complete.add(completeMs);
    // while the run settles the counts above are kept (the progress bar shows them) and
    // cleared when the measured part starts; the seconds and the answer log begin there
    if (!this.measuring) return;
    const second = Math.floor((sentAt - this.measuringSince) / 1000);
    while (this.bySecond.length <= second) this.bySecond.push(new LatencySamples());
    this.bySecond[second]!.add(completeMs);
    this.onAnswer?.({ sentAt: performance.timeOrigin + sentAt, profile, command, firstByteMs, completeMs });
  }

  /** The counts of `profile` (made on first use). */
  profile(name: ProfileName): ProfileCounts {
    let counts = this.profiles.get(name);
    if (!counts) {
      counts = { clients: 0, sent: 0, answered: 0, refused: 0, complete: new LatencySamples() };
      this.profiles.set(name, counts);
    }
    return counts;
  }

  /**
   * The measured part begins: forget the commands sent and answered so far and their
   * latencies (those of a settling period). What went wrong (unanswered, errors,
   * throttled, refused, disconnects) and the logins count over the whole run.
   */
  startMeasuring(): void {
    this.measuringSince = performance.now();
    this.sent = 0;
    this.answered = 0;
    this.firstByte.clear();
    this.complete.clear();
    this.bySecond.length = 0;
    for (const counts of this.profiles.values()) {
      counts.sent = 0;
      counts.answered = 0;
      counts.complete.clear();
    }
  }

  /** Remember a message (at most 20 distinct ones), counting repeats. */
  note(text: string): void {
    const line = text.trim().split("\n").find((l) => l.trim().length > 0)?.trim().slice(0, 200) ?? "";
    if (!line) return;
    if (this.notes.has(line)) this.notes.set(line, this.notes.get(line)! + 1);
    else if (this.notes.size < 20) this.notes.set(line, 1);
  }
}
