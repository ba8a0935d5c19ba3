/**
 * World-wide change counters that caches compare instead of walking what they were
 * built from. Each grows whenever any object changes in the way it names, and again
 * when a failed unit of work undoes that change: a cache stamped with the counter is
 * valid while the counter has not moved (it may be valid after, too, which the cache
 * then checks the slow way).
 */

let names = 0;
let classes = 0;

/** Grows whenever any object's key, aliases or destination changes (the exit cmdset compares it). */
export function namesEpoch(): number {
  return names;
}

/** @internal a key, an alias list or a destination changed (or was restored) */
export function noteNameChange(): void {
  names++;
}

/** Grows whenever any object changes its class in place (`swapTypeclass`, or its undo). */
export function classesEpoch(): number {
  return classes;
}

/** @internal an object's prototype changed (or was restored) */
export function noteClassChange(): void {
  classes++;
}

let presence = 0;

/**
 * Grows whenever anyone's presence may have changed: a session connects or goes, logs in
 * or out, puppets or stops puppeting (or a failed unit of work undoes one of those). A
 * channel keeps the list of its online subscribers while it has not moved.
 */
export function presenceEpoch(): number {
  return presence;
}

/** @internal a session came or went, or changed its account or puppet (or it was restored) */
export function notePresenceChange(): void {
  presence++;
}
