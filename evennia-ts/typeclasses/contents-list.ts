/**
 * The in-memory list of what is inside a location. Each object keeps one for the
 * objects located in it that are in memory; once the store has loaded every row
 * located there (or the object was just created, so nothing can be there yet) the
 * list is *complete* and `obj.contents` answers from it without a query.
 *
 * Members are held strongly: an object sitting in a location's list cannot be
 * collected while the location is alive, so a complete list never loses a member
 * behind its back (see docs/architecture.md, "Contents in memory").
 */

/** What a contents list holds: anything with a row id. */
export interface ContentsMember {
  readonly id: number;
}

const EMPTY: readonly never[] = Object.freeze([]);

/** The objects located in one object, in id order. */
export class ContentsList<T extends ContentsMember> {
  /** Made on the first member: most objects (things, exits) never hold anything, and a Set each cost ~100 bytes. */
  private members: Set<T> | null = null;
  private sorted: readonly T[] | null = null;
  /** True once every row located here is known to be in the list. */
  complete = false;
  /** Grows on every change (caches built from the list, such as the exit cmdset, compare it). */
  version = 0;

  /** Add a member (no-op when present). */
  add(member: T): void {
    const members = (this.members ??= new Set());
    if (members.has(member)) return;
    members.add(member);
    this.sorted = null;
    this.version++;
  }

  /** Remove a member (no-op when absent). */
  delete(member: T): void {
    if (!this.members?.delete(member)) return;
    this.sorted = null;
    this.version++;
  }

  /** True when `member` is in the list. */
  has(member: T): boolean {
    return this.members?.has(member) ?? false;
  }

  /** Number of members. */
  get size(): number {
    return this.members?.size ?? 0;
  }

  /** The members in id order (a shared array: copy it before changing it). */
  list(): readonly T[] {
    return (this.sorted ??= this.members ? [...this.members].sort((a, b) => a.id - b.id) : EMPTY);
  }
}
