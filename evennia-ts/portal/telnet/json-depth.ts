/**
 * How deeply JSON text nests, found by one pass over the text without parsing it. A
 * client's GMCP value nested thousands deep parses (V8's parser does not recurse), but
 * everything after it does: the link encodes each message with `JSON.stringify`, which
 * overflows the stack at a few thousand levels. Such a message is refused before parsing.
 */

/** Deepest nesting of arrays and objects accepted in a client's out-of-band value (as MSDP's). */
export const MAX_OOB_NESTING = 32;

/** True when `text` nests arrays and objects deeper than `max` (brackets in strings do not count). */
export function jsonNestsDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) {
      depth--;
    }
  }
  return false;
}
