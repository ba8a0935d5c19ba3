/**
 * Watching database fields (columns such as `key` or `location_id`) change. A
 * listener hears of each changed field once per unit of work, after it commits;
 * nothing of a unit that rolled back. The `monitor` inputfunc is built on it, as
 * Evennia's MonitorHandler watches `db_*` fields.
 *
 * Writers pay only a size check while nobody listens.
 */
import type { UnitOfWork } from "../db/unit-of-work.ts";
import type { TypedObject } from "./typed-object.ts";

/** Called with the object and the field (column) name after a committed change. */
export type FieldListener = (owner: TypedObject, field: string) => void;

const listeners = new Set<FieldListener>();
/** Fields changed in each open unit of work, told after its commit. */
const pending = new WeakMap<UnitOfWork, Map<TypedObject, Set<string>>>();

/** Listen to field changes; returns a function that stops listening. */
export function onFieldChange(listener: FieldListener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** True when anything listens. */
export function hasFieldListeners(): boolean {
  return listeners.size > 0;
}

/** @internal note that `field` of `owner` changed in `uow` (told once, after its commit) */
export function noteFieldChange(uow: UnitOfWork, owner: TypedObject, field: string): void {
  let changed = pending.get(uow);
  if (!changed) {
    const map = new Map<TypedObject, Set<string>>();
    changed = map;
    pending.set(uow, map);
    uow.afterCommit(() => {
      pending.delete(uow);
      for (const [obj, fields] of map) for (const f of fields) tell(obj, f);
    });
  }
  let fields = changed.get(owner);
  if (!fields) changed.set(owner, (fields = new Set()));
  fields.add(field);
}

function tell(owner: TypedObject, field: string): void {
  for (const listener of listeners) {
    try {
      listener(owner, field);
    } catch {
      // a failing listener must not stop the others; listeners log their own errors
    }
  }
}
