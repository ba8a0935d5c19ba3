/**
 * Removal of terminal control characters from game text.
 *
 * Text written by players ends up on other players' screens. A raw ESC (or any other
 * control character) in it could move the cursor, recolour the screen, rename the window
 * or worse, so every renderer runs its input through {@link sanitizeControlChars} before
 * turning markup into escape codes of its own. This is the one place that decides what
 * survives.
 */

const ESC = 0x1b;

/** Anything that needs attention: C0 controls except \t \n \r, DEL, and C1 controls. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const NEEDS_CLEANING = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]/;

/** True for the characters {@link sanitizeControlChars} keeps among the controls. */
function isAllowedControl(code: number): boolean {
  return code === 0x09 || code === 0x0a || code === 0x0d;
}

/** True for a character that is removed when found outside an escape sequence. */
function isForbidden(code: number): boolean {
  if (code < 0x20) return !isAllowedControl(code);
  return code >= 0x7f && code <= 0x9f;
}

/**
 * Removes terminal control characters from `text`.
 *
 * - A CSI escape sequence (`ESC [` parameters, intermediates, final byte, such as
 *   `ESC[31m` or `ESC[2J`) is removed whole, so no `[31m` residue is left behind.
 * - Any other `ESC x` pair is removed (for OSC, DCS and the like only the introducer
 *   goes; what follows stays as harmless visible text).
 * - Every other C0 control except tab, line feed and carriage return is removed,
 *   and so are DEL (0x7f) and the C1 controls U+0080–U+009F (U+009B is an 8-bit CSI).
 *
 * Linear time; returns `text` itself when there is nothing to remove.
 */
export function sanitizeControlChars(text: string): string {
  if (!NEEDS_CLEANING.test(text)) return text;
  let out = "";
  let runStart = 0;
  const n = text.length;
  let i = 0;
  while (i < n) {
    const code = text.charCodeAt(i);
    if (!isForbidden(code)) {
      i++;
      continue;
    }
    out += text.slice(runStart, i);
    i = code === ESC ? skipEscape(text, i) : i + 1;
    runStart = i;
  }
  return out + text.slice(runStart);
}

/** Returns the index just past the escape sequence that starts with ESC at `i`. */
function skipEscape(text: string, i: number): number {
  const n = text.length;
  let j = i + 1;
  if (j >= n) return j;
  const intro = text.charCodeAt(j);
  if (intro === 0x5b /* [ */) {
    j++;
    // parameter bytes 0x30-0x3f, then intermediate bytes 0x20-0x2f, then one final byte 0x40-0x7e
    while (j < n) {
      const c = text.charCodeAt(j);
      if (c >= 0x30 && c <= 0x3f) j++;
      else break;
    }
    while (j < n) {
      const c = text.charCodeAt(j);
      if (c >= 0x20 && c <= 0x2f) j++;
      else break;
    }
    if (j < n) {
      const c = text.charCodeAt(j);
      if (c >= 0x40 && c <= 0x7e) j++;
    }
    return j;
  }
  // ESC followed by a printable ASCII character: a two-byte sequence (or an introducer).
  if (intro >= 0x20 && intro <= 0x7e) return j + 1;
  return j;
}
