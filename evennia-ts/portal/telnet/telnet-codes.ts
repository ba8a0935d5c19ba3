/**
 * Telnet command bytes (RFC 854) and the option codes the portal knows (RFC 855 and
 * the MUD protocol specifications).
 */

/** Telnet command bytes. */
export const TelnetCommand = {
  /** End of sub-negotiation. */
  SE: 240,
  /** No operation (used as a keep-alive). */
  NOP: 241,
  /** Data mark. */
  DM: 242,
  /** Break. */
  BRK: 243,
  /** Interrupt process. */
  IP: 244,
  /** Abort output. */
  AO: 245,
  /** Are you there. */
  AYT: 246,
  /** Erase character. */
  EC: 247,
  /** Erase line. */
  EL: 248,
  /** Go ahead (marks a prompt). */
  GA: 249,
  /** Start of sub-negotiation. */
  SB: 250,
  /** Sender wants to enable an option on its side. */
  WILL: 251,
  /** Sender refuses (or stops) an option on its side. */
  WONT: 252,
  /** Sender asks the other side to enable an option. */
  DO: 253,
  /** Sender asks the other side to disable an option. */
  DONT: 254,
  /** Interpret as command. */
  IAC: 255,
  /** End of record (sent after a prompt when the EOR option is on). */
  EOR: 239,
} as const;

/** Telnet option codes. */
export const TelnetOption = {
  ECHO: 1,
  SGA: 3,
  TTYPE: 24,
  EOR: 25,
  NAWS: 31,
  LINEMODE: 34,
  NEW_ENVIRON: 39,
  CHARSET: 42,
  MSDP: 69,
  MSSP: 70,
  MCCP2: 86,
  MCCP3: 87,
  MXP: 91,
  GMCP: 201,
} as const;

const { IAC, SB, SE, WILL, WONT, DO, DONT } = TelnetCommand;

/** Name of a negotiation verb for logs. */
export function verbName(verb: number): string {
  switch (verb) {
    case WILL:
      return "WILL";
    case WONT:
      return "WONT";
    case DO:
      return "DO";
    case DONT:
      return "DONT";
    default:
      return String(verb);
  }
}

/** Bytes of `IAC <verb> <option>`. */
export function negotiationBytes(verb: number, option: number): Buffer {
  return Buffer.from([IAC, verb, option]);
}

/** Double every 0xFF byte (IAC) so that it is read as data. */
export function escapeIac(bytes: Buffer): Buffer {
  let count = 0;
  for (let i = bytes.indexOf(IAC); i !== -1; i = bytes.indexOf(IAC, i + 1)) count++;
  if (count === 0) return bytes;
  const out = Buffer.allocUnsafe(bytes.length + count);
  let o = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    out[o++] = b;
    if (b === IAC) out[o++] = IAC;
  }
  return out;
}

/** Bytes of `IAC SB <option> <payload, IAC-escaped> IAC SE`. */
export function subnegotiationBytes(option: number, payload: Buffer | Uint8Array = Buffer.alloc(0)): Buffer {
  const body = escapeIac(Buffer.from(payload));
  return Buffer.concat([Buffer.from([IAC, SB, option]), body, Buffer.from([IAC, SE])]);
}
