/**
 * The render key of a connection, built once while nothing it depends on changes.
 *
 * A message to a crowded room asks every receiving connection for its render key
 * (see `multicast.ts`); building that string and hashing it for the lookup, once per
 * receiver, was a sixth of the portal's time with 200 players in one room. The memo
 * compares the parts (a handful of primitives) with the last call's and hands back
 * the same string when they match: V8 keeps a string's hash, so the lookup is cheap too.
 */
export class RenderKeyMemo {
  private parts: readonly unknown[] = [];
  private key = "";

  /** The key of `parts`, joined with `|`; the same string instance as last time when every part is unchanged. */
  keyOf(parts: readonly (string | number | boolean)[]): string {
    const last = this.parts;
    if (last.length === parts.length) {
      let same = true;
      for (let i = 0; i < parts.length; i++) {
        if (last[i] !== parts[i]) {
          same = false;
          break;
        }
      }
      if (same) return this.key;
    }
    // a copy: callers may fill the same array again for the next key
    this.parts = parts.slice();
    this.key = parts.join("|");
    return this.key;
  }
}
