/**
 * Finding typeclassed objects in a heap snapshot.
 *
 * A typeclassed object shows as a node of type "object" named after its class
 * (`DefaultCharacter`, or the game's `Character`), with a property `_row` (its database
 * row, a plain object) and a property `_store`. The row's `id` is a small integer; V8
 * only writes small integers into a snapshot when asked to expose numeric values
 * (`evennia-ts heapdump` does), as a "number" node whose internal edge `value` points
 * at a string with the decimal digits. Which table the row belongs to is told by its
 * columns (objects have `location_id`, accounts `username` ...), since `#5` may be both
 * an object and an account.
 */
import type { HeapSnapshot } from "./heap-snapshot.ts";

/** The table a typeclassed row lives in. */
export type SnapshotRowKind = "object" | "account" | "script" | "channel" | "unknown";

/** One typeclassed instance found in a snapshot. */
export interface TypeclassedNode {
  /** Node ordinal in the snapshot. */
  node: number;
  /** The class name (the node's name). */
  className: string;
  /** The row id, or null when the snapshot does not hold numeric values. */
  rowId: number | null;
  kind: SnapshotRowKind;
  /** `_row.typeclass_path`, when readable. */
  typeclassPath: string | null;
  /** `_row.key` (or an account's `username`), when readable. */
  key: string | null;
}

/** Columns only one table has, to tell the kind of a row. */
const KIND_COLUMNS: [SnapshotRowKind, string[]][] = [
  ["account", ["username", "password_hash", "is_superuser", "last_login"]],
  ["object", ["location_id", "home_id", "destination_id"]],
  ["script", ["obj_id", "interval", "repeats", "persistent", "is_active", "start_delay", "description"]],
];

const STRING_TYPES = new Set(["string", "concatenated string", "sliced string"]);

/** The node a property `name` of `node` points at, or -1. */
function property(snap: HeapSnapshot, node: number, name: string): number {
  const e = snap.findEdge(node, "property", name);
  return e < 0 ? -1 : snap.edgeTarget(e);
}

/** The text of a string node, or null when `node` is not one. */
function stringValue(snap: HeapSnapshot, node: number): string | null {
  return node >= 0 && STRING_TYPES.has(snap.nodeType(node)) ? snap.nodeName(node) : null;
}

/** The value of a number node (when the snapshot exposes numeric values), else null. */
export function numberValue(snap: HeapSnapshot, node: number): number | null {
  if (node < 0 || snap.nodeType(node) !== "number") return null;
  const e = snap.findEdge(node, "internal", "value");
  if (e < 0) return null;
  const text = stringValue(snap, snap.edgeTarget(e));
  const value = text === null ? NaN : Number(text);
  return Number.isFinite(value) ? value : null;
}

/** The typeclassed instance `node` is, or null when it is not one. */
export function asTypeclassed(snap: HeapSnapshot, node: number): TypeclassedNode | null {
  if (snap.nodeType(node) !== "object") return null;
  const row = property(snap, node, "_row");
  if (row < 0 || snap.nodeType(row) !== "object" || property(snap, node, "_store") < 0) return null;
  const typeclassPath = stringValue(snap, property(snap, row, "typeclass_path"));
  if (typeclassPath === null && property(snap, row, "typeclass_path") < 0) return null;
  let kind: SnapshotRowKind = "channel";
  for (const [k, columns] of KIND_COLUMNS) {
    if (columns.some((c) => snap.findEdge(row, "property", c) >= 0)) {
      kind = k;
      break;
    }
  }
  if (kind === "channel" && snap.findEdge(row, "property", "key_lower") < 0) kind = "unknown";
  const key = stringValue(snap, property(snap, row, kind === "account" ? "username" : "key"));
  return { node, className: snap.nodeName(node), rowId: numberValue(snap, property(snap, row, "id")), kind, typeclassPath, key };
}

/** Every typeclassed instance in the snapshot. */
export function findTypeclassedNodes(snap: HeapSnapshot): TypeclassedNode[] {
  const out: TypeclassedNode[] = [];
  for (let n = 0; n < snap.nodeCount; n++) {
    // cheap test first: most nodes are not objects with a `_row`
    if (snap.nodeType(n) !== "object" || snap.findEdge(n, "property", "_row") < 0) continue;
    const found = asTypeclassed(snap, n);
    if (found) out.push(found);
  }
  return out;
}

/** Which instances a report is about: one row id (optionally of one kind), or a typeclass. */
export interface TypeclassedQuery {
  /** Row id (`123` for `#123`). */
  id?: number;
  /** Restrict `id` to one table. */
  kind?: SnapshotRowKind;
  /** A typeclass path (`typeclasses.characters.Character`), its last part (`Character`) or a class name. */
  typeclass?: string;
}

/** True when `found` is what `query` asks for. */
export function matchesQuery(found: TypeclassedNode, query: TypeclassedQuery): boolean {
  if (query.id !== undefined && found.rowId !== query.id) return false;
  if (query.kind !== undefined && found.kind !== query.kind) return false;
  if (query.typeclass !== undefined) {
    const t = query.typeclass;
    const path = found.typeclassPath ?? "";
    if (path !== t && found.className !== t && !path.endsWith(`.${t}`)) return false;
  }
  return true;
}
