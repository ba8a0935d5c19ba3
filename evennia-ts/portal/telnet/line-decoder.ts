/**
 * Turns telnet data bytes into lines of text. A line ends at CR LF, LF, CR NUL or a
 * lone CR; a CR LF split across chunks gives one line, not an extra empty one. Lines
 * are decoded as UTF-8 (invalid bytes become U+FFFD) or Latin-1, and cut when longer
 * than the limit. A partial line is held in one buffer, however small the pieces it
 * arrives in.
 */
import { ByteAccumulator } from "../../utils/bytes.ts";

const CR = 13;
const LF = 10;
const NUL = 0;

/** Character sets the telnet stack decodes and encodes. */
export type TelnetCharset = "utf-8" | "latin1";

/** One decoded line; `cut` is true when it was longer than the limit and was shortened. */
export interface DecodedLine {
  line: string;
  cut: boolean;
}

/** Splits and decodes input lines; one instance per connection. */
export class LineDecoder {
  /** Character set used to decode lines from now on. */
  charset: TelnetCharset = "utf-8";
  private readonly pending: ByteAccumulator;
  private afterCr = false;
  private readonly utf8 = new TextDecoder("utf-8", { fatal: false });

  /**
   * @param maxLineLength longest line kept, in characters.
   * @param onLine called for every complete line.
   */
  constructor(
    readonly maxLineLength: number,
    private readonly onLine: (decoded: DecodedLine) => void,
  ) {
    // a character takes at most 4 bytes in UTF-8; more than that can be dropped unread
    this.pending = new ByteAccumulator(Math.max(1, maxLineLength) * 4);
  }

  /** Bytes held for an unfinished line. */
  get pendingBytes(): number {
    return this.pending.length;
  }

  /** Add data bytes. */
  push(bytes: Buffer): void {
    let start = 0;
    const len = bytes.length;
    for (let i = 0; i < len; i++) {
      const b = bytes[i]!;
      if (this.afterCr) {
        this.afterCr = false;
        if (b === LF || b === NUL) {
          start = i + 1;
          continue;
        }
      }
      if (b === LF || b === CR) {
        // no view made for an empty line (a flood of CRs is a flood of them)
        if (i > start) this.append(bytes.subarray(start, i));
        this.emit();
        start = i + 1;
        if (b === CR) this.afterCr = true;
      }
    }
    if (start < len) this.append(bytes.subarray(start));
  }

  private append(bytes: Buffer): void {
    // more than the limit is dropped unread (and the line flagged as cut)
    this.pending.append(bytes);
  }

  private emit(): void {
    let cut = this.pending.overflowed;
    let line = "";
    if (this.pending.length > 0) line = this.pending.consume((raw) => this.decode(raw));
    else this.pending.clear();
    // NULs never belong in a line (some clients pad with them)
    if (line.includes("\0")) line = line.replaceAll("\0", "");
    if (line.length > this.maxLineLength) {
      let end = this.maxLineLength;
      const code = line.charCodeAt(end - 1);
      if (code >= 0xd800 && code <= 0xdbff) end--; // do not split a surrogate pair
      line = line.slice(0, end);
      cut = true;
    }
    this.onLine({ line, cut });
  }

  private decode(raw: Buffer): string {
    if (raw.length === 0) return "";
    return this.charset === "latin1" ? raw.toString("latin1") : this.utf8.decode(raw);
  }
}
