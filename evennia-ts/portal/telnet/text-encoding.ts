/**
 * Encoding outgoing telnet text: newlines become CR LF, the string is encoded in the
 * connection's character set and every 0xFF byte is doubled (IAC IAC).
 */
import { escapeIac } from "./telnet-codes.ts";
import type { TelnetCharset } from "./line-decoder.ts";

/** `\n` (and `\r\n`) → `\r\n`; a lone `\r` is left alone. */
export function normalizeNewlines(text: string): string {
  return text.includes("\n") ? text.replace(/\r?\n/g, "\r\n") : text;
}

/** Encode text for the wire: CR LF newlines, `charset`, IAC doubled. */
export function encodeTelnetText(text: string, charset: TelnetCharset): Buffer {
  const normalized = normalizeNewlines(text);
  let bytes: Buffer;
  if (charset === "latin1") {
    // characters outside Latin-1 cannot be sent; show them as '?'
    // eslint-disable-next-line no-control-regex
    bytes = Buffer.from(normalized.replace(/[^\u0000-\u00ff]/gu, "?"), "latin1");
  } else {
    bytes = Buffer.from(normalized, "utf8");
  }
  return escapeIac(bytes);
}
