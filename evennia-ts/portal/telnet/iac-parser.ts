/**
 * Incremental byte-level telnet parser: splits the input stream into data bytes,
 * commands, option negotiations and sub-negotiations. Any sequence may be split
 * across chunks; state is kept between {@link IacParser.feed} calls.
 */
import { ByteAccumulator } from "../../utils/bytes.ts";
import { TelnetCommand } from "./telnet-codes.ts";

const { IAC, SB, SE, WILL, WONT, DO, DONT } = TelnetCommand;

/** What the parser reports, in stream order. */
export interface IacParserHandler {
  /** Plain data bytes (`IAC IAC` already turned into one 0xFF). */
  data(bytes: Buffer): void;
  /** `IAC <cmd>` for any command other than WILL/WONT/DO/DONT/SB (NOP, GA, AYT, ...). */
  command(code: number): void;
  /** `IAC WILL|WONT|DO|DONT <option>`. */
  negotiation(verb: number, option: number): void;
  /** A complete `IAC SB <option> ... IAC SE` (payload unescaped). */
  subnegotiation(option: number, payload: Buffer): void;
  /** A sub-negotiation larger than the bound was discarded (or one was cut short by another command). */
  subnegotiationDiscarded(option: number, size: number, why: "too-large" | "unterminated"): void;
}

const enum State {
  Data,
  Iac,
  Negotiation,
  SbOption,
  SbData,
  SbIac,
}

/** Parses telnet input; one instance per connection. */
export class IacParser {
  private state = State.Data;
  private verb = 0;
  private sbOption = 0;
  /** The sub-negotiation being read, up to the bound (one buffer, however small the pieces). */
  private readonly sb: ByteAccumulator;
  private suspended = false;

  /**
   * @param handler receives the parsed events.
   * @param maxSubnegotiation largest sub-negotiation payload kept, in bytes.
   */
  constructor(
    private readonly handler: IacParserHandler,
    readonly maxSubnegotiation = 64 * 1024,
  ) {
    this.sb = new ByteAccumulator(maxSubnegotiation);
  }

  /**
   * Stop parsing right after the event being handled; {@link feed} then returns the
   * bytes it did not look at (MCCP3 switches the rest of the stream to compressed).
   */
  suspend(): void {
    this.suspended = true;
  }

  /** Parse a chunk. Returns the unparsed remainder when {@link suspend} was called, else null. */
  feed(chunk: Buffer): Buffer | null {
    this.suspended = false;
    let runStart = this.state === State.Data ? 0 : -1;
    const len = chunk.length;
    for (let i = 0; i < len; i++) {
      const b = chunk[i]!;
      switch (this.state) {
        case State.Data:
          if (b === IAC) {
            if (runStart !== -1 && i > runStart) this.handler.data(chunk.subarray(runStart, i));
            runStart = -1;
            this.state = State.Iac;
          } else if (runStart === -1) {
            runStart = i;
          }
          break;
        case State.Iac:
          this.afterIac(b);
          break;
        case State.Negotiation:
          this.state = State.Data;
          this.handler.negotiation(this.verb, b);
          break;
        case State.SbOption:
          this.sbOption = b;
          this.sb.clear();
          this.state = State.SbData;
          break;
        case State.SbData: {
          // take the whole run up to the next IAC at once
          const next = chunk.indexOf(IAC, i);
          const end = next === -1 ? len : next;
          this.sbAppend(chunk.subarray(i, end));
          if (next === -1) {
            i = len - 1;
          } else {
            i = next;
            this.state = State.SbIac;
          }
          break;
        }
        case State.SbIac:
          if (b === SE) {
            this.state = State.Data;
            this.finishSubnegotiation();
          } else if (b === IAC) {
            this.sb.appendByte(IAC);
            this.state = State.SbData;
          } else {
            // IAC <x> inside SB: the sub-negotiation was never terminated; drop it and
            // read IAC <x> as an ordinary command.
            this.handler.subnegotiationDiscarded(this.sbOption, this.sbSize(), "unterminated");
            this.resetSb();
            this.afterIac(b);
          }
          break;
      }
      if (this.state === State.Data && runStart === -1 && this.suspended) {
        this.suspended = false;
        return chunk.subarray(i + 1);
      }
    }
    if (this.state === State.Data && runStart !== -1 && runStart < len) {
      this.handler.data(chunk.subarray(runStart));
    }
    return null;
  }

  private afterIac(b: number): void {
    switch (b) {
      case IAC:
        this.state = State.Data;
        this.handler.data(Buffer.from([IAC]));
        break;
      case WILL:
      case WONT:
      case DO:
      case DONT:
        this.verb = b;
        this.state = State.Negotiation;
        break;
      case SB:
        this.state = State.SbOption;
        break;
      default:
        this.state = State.Data;
        this.handler.command(b);
    }
  }

  private sbAppend(bytes: Buffer): void {
    // copied: the chunk's memory may be reused by the caller; past the bound only counted
    this.sb.append(bytes);
  }

  /** Bytes of the current sub-negotiation, kept or not. */
  private sbSize(): number {
    return this.sb.length + this.sb.droppedBytes;
  }

  private finishSubnegotiation(): void {
    const option = this.sbOption;
    if (this.sb.overflowed) {
      const size = this.sbSize();
      this.resetSb();
      this.handler.subnegotiationDiscarded(option, size, "too-large");
      return;
    }
    const payload = this.sb.take();
    this.handler.subnegotiation(option, payload);
  }

  private resetSb(): void {
    this.sb.clear();
  }
}
