/**
 * References to database rows. A typeclassed object (object, account, script, channel)
 * implements {@link Referenceable} so that attribute values can hold it: the value is
 * stored as `{kind, id, created}` and resolved back to the live instance when loaded.
 * As in Evennia, the row's creation time is part of the reference: a reference whose
 * row was deleted reads as null even if its id ever pointed at another row.
 */

/** The method key a {@link Referenceable} implements; a registered symbol, so it survives reloads. */
export const DB_REF: unique symbol = Symbol.for("evennia.dbref");

/** Which table a reference points into. Open-ended: other tables may be added later. */
export type DbRefKind = "object" | "account" | "script" | "channel" | (string & {});

/** A reference to one row: its table (`kind`) and its primary key. */
export interface DbRef {
  /** The table: "object", "account", "script", "channel". */
  kind: DbRefKind;
  /** The row's primary key. */
  id: number;
  /**
   * When the row was created (ms since the epoch). A stored reference resolves only to
   * a row created at that time; references stored without it match by id alone.
   */
  created?: number;
}

/** Anything that stands for a database row and can be stored by reference. */
export interface Referenceable {
  /** The row this instance stands for. */
  [DB_REF](): DbRef;
}

/** True when `v` implements {@link Referenceable}. */
export function isReferenceable(v: unknown): v is Referenceable {
  return typeof v === "object" && v !== null && typeof (v as Partial<Referenceable>)[DB_REF] === "function";
}

/** True when `ref` has a non-empty string kind, a safe integer id (a saved row), and no or a safe integer `created`. */
export function isValidDbRef(ref: unknown): ref is DbRef {
  if (typeof ref !== "object" || ref === null) return false;
  const { kind, id, created } = ref as Partial<DbRef>;
  return typeof kind === "string" && kind.length > 0 && Number.isSafeInteger(id) && (created === undefined || Number.isSafeInteger(created));
}

/**
 * True when `target` is the row `ref` was stored for: same creation time, when both
 * the reference and the target know theirs.
 */
export function refMatches(ref: DbRef, target: object): boolean {
  if (ref.created === undefined || !isReferenceable(target)) return true;
  const actual = target[DB_REF]().created;
  return actual === undefined || actual === ref.created;
}

/** A short stable string for a reference, usable as a map key: `"object#12"`. */
export function dbRefKey(ref: DbRef): string {
  return `${ref.kind}#${ref.id}`;
}

/** True when two references point at the same row. */
export function sameDbRef(a: DbRef, b: DbRef): boolean {
  return a.kind === b.kind && a.id === b.id;
}
