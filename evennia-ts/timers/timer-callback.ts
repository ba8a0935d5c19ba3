/**
 * What a timer calls. Either a method of a typeclassed object, given as
 * `[obj, "methodName"]` and kept as the object's reference and the method's name
 * (so it can be saved and survives reloads), or a plain function (kept in memory
 * only, so it cannot be persistent). Persistent arguments are saved as tagged JSON:
 * they may hold objects, which come back as the live instances.
 */
import { dbRefKey, type DbRef } from "../db/db-ref.ts";
import { collectRefs, decodeValue, encodeValue } from "../db/tagged-json.ts";
import type { TypedKind } from "../db/row-codecs.ts";
import { getStore } from "../typeclasses/store-context.ts";
import { TypedObject } from "../typeclasses/typed-object.ts";
import { EvenniaError } from "../utils/errors.ts";

/** A method of a typeclassed object: `[npc, "atTick"]`. */
export type ObjectMethod = readonly [TypedObject, string];

/** What a timer calls: an object's method (may persist) or a plain function (may not). */
export type TimerCallback = ObjectMethod | ((...args: any[]) => unknown);

/** An object method as saved: its row and the method's name. */
export interface SavedMethod {
  kind: string;
  id: number;
  created?: number;
  method: string;
}

/** True when `callback` is an `[obj, "method"]` pair. */
export function isObjectMethod(callback: unknown): callback is ObjectMethod {
  return Array.isArray(callback) && callback.length === 2 && callback[0] instanceof TypedObject && typeof callback[1] === "string";
}

/**
 * Check a callback (and whether it may persist); throws EV_ERR_BAD_INPUT naming
 * `what` otherwise.
 */
export function checkCallback(callback: unknown, persistent: boolean, what: string): void {
  if (isObjectMethod(callback)) {
    const [obj, method] = callback;
    if (typeof (obj as unknown as Record<string, unknown>)[method] !== "function") {
      throw new EvenniaError("EV_ERR_BAD_INPUT", `${what}: ${obj.key} (${obj.dbref}) has no method "${method}"`);
    }
    return;
  }
  if (typeof callback !== "function") throw new EvenniaError("EV_ERR_BAD_INPUT", `${what}: the callback must be a function or an [object, "method"] pair`);
  if (persistent) {
    throw new EvenniaError(
      "EV_ERR_BAD_INPUT",
      `${what}: a plain function cannot persist; pass an [object, "method"] pair or persistent: false`,
    );
  }
}

/** The saved form of an object method. */
export function saveMethod([obj, method]: ObjectMethod): SavedMethod {
  return { kind: obj.kind, id: obj.id, created: obj.dateCreated.getTime(), method };
}

/** The key `[obj, method]` (or a saved one) is known by: `object#12.atTick`. */
export function methodKey(saved: SavedMethod): string {
  return `${dbRefKey(saved)}.${saved.method}`;
}

/** Arguments as saved (tagged JSON); throws EV_ERR_SERIALIZE for what cannot be saved. */
export function encodeArgs(args: readonly unknown[]): string {
  return encodeValue([...args], "args");
}

/** The live object a saved method belongs to; null when it is gone (deleted or never existed). */
export async function loadMethodOwner(saved: SavedMethod): Promise<TypedObject | null> {
  const store = getStore();
  const ref: DbRef = { kind: saved.kind, id: saved.id, created: saved.created };
  const obj = store.peek(ref) ?? (store.isGone(ref) ? null : await store.get(saved.kind as TypedKind, saved.id));
  if (!obj || obj.isDeleted) return null;
  if (saved.created !== undefined && obj.dateCreated.getTime() !== saved.created) return null;
  return obj;
}

/** Saved arguments back as values, objects in them loaded (a deleted one reads as null). */
export async function decodeArgs(json: string): Promise<unknown[]> {
  const store = getStore();
  const refs = collectRefs(json);
  const byKind = new Map<string, number[]>();
  for (const ref of refs) if (!store.peek(ref) && !store.isGone(ref)) byKind.set(ref.kind, [...(byKind.get(ref.kind) ?? []), ref.id]);
  for (const [kind, ids] of byKind) await store.load(kind as TypedKind, ids);
  const value = decodeValue(json, (ref) => store.peek(ref));
  return Array.isArray(value) ? value : [];
}

/** Call `obj[method](...args)`. */
export function callMethod(obj: TypedObject, method: string, args: readonly unknown[]): unknown {
  const fn = (obj as unknown as Record<string, unknown>)[method];
  if (typeof fn !== "function") throw new EvenniaError("EV_ERR_NOT_FOUND", `${obj.key} (${obj.dbref}) has no method "${method}"`);
  return (fn as (...a: unknown[]) => unknown).apply(obj, [...args]);
}
