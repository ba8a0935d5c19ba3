/**
 * Telnet option negotiation by the Q method of RFC 1143: per option, the state of
 * each side (`us` = the server, `him` = the client) is NO, YES, WANTNO or WANTYES,
 * plus a one-deep queue of the opposite request. A request is only sent when the
 * state changes, so negotiation never loops and a repeated DO/WILL is not answered.
 */
import { TelnetCommand } from "./telnet-codes.ts";

const { WILL, WONT, DO, DONT } = TelnetCommand;

/** RFC 1143 state of one side of one option. */
export type QState = "no" | "yes" | "wantno" | "wantyes";

interface SideState {
  state: QState;
  /** The opposite request is queued behind the one in flight. */
  opposite: boolean;
}

/** Which side of an option: `local` is the server (WILL/WONT), `remote` the client (DO/DONT). */
export type OptionSide = "local" | "remote";

/** Decisions and notifications the negotiator asks of its owner. */
export interface OptionNegotiatorPolicy {
  /**
   * Send `IAC <verb> <option>`. `refusal` is true for a refusal that changes no state
   * (the client asked for an option we do not agree to): a reply that may be rate-limited.
   */
  send(verb: number, option: number, refusal?: boolean): void;
  /** The client asks for `option` on `side` (DO → local, WILL → remote): agree? */
  accept(option: number, side: OptionSide): boolean;
  /**
   * `option` on `side` settled: `true` when it became enabled, `false` when it became
   * disabled or our request for it was refused.
   */
  changed(option: number, side: OptionSide, enabled: boolean): void;
  /** A protocol error by the client (answered something never asked); for logs. */
  protocolError?(message: string): void;
}

/** Keeps the negotiation state of every option of one connection. */
export class OptionNegotiator {
  private readonly local = new Map<number, SideState>();
  private readonly remote = new Map<number, SideState>();
  private changes = 0;

  constructor(private readonly policy: OptionNegotiatorPolicy) {}

  /**
   * Grows with every negotiation that may have changed a state (before and after it, so
   * what a `changed` callback read in between is not taken for the end state): a caller
   * that keeps what it read (the session's render key) reads again when it moved.
   */
  get version(): number {
    return this.changes;
  }

  /** Current state of `option` on `side`. */
  state(option: number, side: OptionSide): QState {
    return this.side(option, side).state;
  }

  /** True when the server has `option` enabled on its side. */
  isLocalEnabled(option: number): boolean {
    return this.side(option, "local").state === "yes";
  }

  /** True when the client has `option` enabled on its side. */
  isRemoteEnabled(option: number): boolean {
    return this.side(option, "remote").state === "yes";
  }

  /** Ask to enable `option` on the server's side (sends WILL if needed). */
  enableLocal(option: number): void {
    this.request(option, "local", true);
  }

  /** Ask to disable `option` on the server's side (sends WONT if needed). */
  disableLocal(option: number): void {
    this.request(option, "local", false);
  }

  /** Ask the client to enable `option` (sends DO if needed). */
  enableRemote(option: number): void {
    this.request(option, "remote", true);
  }

  /** Ask the client to disable `option` (sends DONT if needed). */
  disableRemote(option: number): void {
    this.request(option, "remote", false);
  }

  /** Handle a received `IAC <verb> <option>`. */
  receive(verb: number, option: number): void {
    this.changes++;
    try {
      this.dispatch(verb, option);
    } finally {
      this.changes++;
    }
  }

  private dispatch(verb: number, option: number): void {
    switch (verb) {
      case WILL:
        this.receivePositive(option, "remote");
        break;
      case DO:
        this.receivePositive(option, "local");
        break;
      case WONT:
        this.receiveNegative(option, "remote");
        break;
      case DONT:
        this.receiveNegative(option, "local");
        break;
    }
  }

  private side(option: number, side: OptionSide): SideState {
    const map = side === "local" ? this.local : this.remote;
    let s = map.get(option);
    if (!s) {
      s = { state: "no", opposite: false };
      map.set(option, s);
    }
    return s;
  }

  private sendYes(option: number, side: OptionSide): void {
    this.policy.send(side === "local" ? WILL : DO, option);
  }

  private sendNo(option: number, side: OptionSide, refusal = false): void {
    this.policy.send(side === "local" ? WONT : DONT, option, refusal);
  }

  private receivePositive(option: number, side: OptionSide): void {
    const s = this.side(option, side);
    switch (s.state) {
      case "no":
        if (this.policy.accept(option, side)) {
          s.state = "yes";
          this.sendYes(option, side);
          this.policy.changed(option, side, true);
        } else {
          this.sendNo(option, side, true);
        }
        break;
      case "yes":
        break; // already enabled: a repeat is not answered
      case "wantno":
        if (s.opposite) {
          s.state = "yes";
          s.opposite = false;
          this.policy.changed(option, side, true);
        } else {
          s.state = "no";
          this.policy.protocolError?.(`option ${option}: refusal answered by an acceptance`);
        }
        break;
      case "wantyes":
        if (s.opposite) {
          s.state = "wantno";
          s.opposite = false;
          this.sendNo(option, side);
        } else {
          s.state = "yes";
          this.policy.changed(option, side, true);
        }
        break;
    }
  }

  private receiveNegative(option: number, side: OptionSide): void {
    const s = this.side(option, side);
    switch (s.state) {
      case "no":
        break; // never answer a refusal with a refusal
      case "yes":
        s.state = "no";
        this.sendNo(option, side);
        this.policy.changed(option, side, false);
        break;
      case "wantno":
        if (s.opposite) {
          s.state = "wantyes";
          s.opposite = false;
          this.sendYes(option, side);
        } else {
          s.state = "no"; // already reported disabled when we asked
        }
        break;
      case "wantyes":
        s.state = "no";
        s.opposite = false;
        this.policy.changed(option, side, false);
        break;
    }
  }

  private request(option: number, side: OptionSide, enable: boolean): void {
    this.changes++;
    try {
      this.settle(option, side, enable);
    } finally {
      this.changes++;
    }
  }

  private settle(option: number, side: OptionSide, enable: boolean): void {
    const s = this.side(option, side);
    if (enable) {
      switch (s.state) {
        case "no":
          s.state = "wantyes";
          this.sendYes(option, side);
          break;
        case "wantno":
          s.opposite = true;
          break;
        case "wantyes":
          s.opposite = false;
          break;
        case "yes":
          break;
      }
    } else {
      switch (s.state) {
        case "yes":
          s.state = "wantno";
          this.sendNo(option, side);
          this.policy.changed(option, side, false);
          break;
        case "wantno":
          s.opposite = false;
          break;
        case "wantyes":
          s.opposite = true;
          break;
        case "no":
          break;
      }
    }
  }
}
