/**
 * Watching attribute changes. A listener hears of every attribute written or
 * removed, after the unit of work that changed it has committed (once per
 * attribute per unit). The MSDP REPORT command and game monitors are built on it.
 */
import type { TypedObject } from "./typed-object.ts";

/** Called with the object, the attribute key and category after a committed change. */
export type AttributeListener = (owner: TypedObject, key: string, category: string) => void;

const listeners = new Set<AttributeListener>();

/** Listen to attribute changes; returns a function that stops listening. */
export function onAttributeChange(listener: AttributeListener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** True when anything listens (so writers can skip the bookkeeping). */
export function hasAttributeListeners(): boolean {
  return listeners.size > 0;
}

/** @internal tell every listener */
export function notifyAttributeChange(owner: TypedObject, key: string, category: string): void {
  for (const listener of listeners) {
    try {
      listener(owner, key, category);
    } catch {
      // a failing listener must not stop the others; listeners log their own errors
    }
  }
}
