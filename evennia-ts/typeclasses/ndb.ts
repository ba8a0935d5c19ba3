/**
 * `obj.ndb`: non-persistent data. It lives only in memory and is lost on reload;
 * while an object holds any, the identity map keeps it (it is pinned).
 */
import type { TypedObject } from "./typed-object.ts";

/** Build the `ndb` proxy of an object. */
export function createNdbProxy(owner: TypedObject): Record<string, any> {
  const data: Record<string, any> = Object.create(null);
  let count = 0;
  return new Proxy(data, {
    set(target, prop, value) {
      if (typeof prop !== "string") return false;
      if (!(prop in target)) {
        count++;
        if (count === 1) owner._store.pin(owner, "ndb");
      }
      target[prop] = value;
      return true;
    },
    deleteProperty(target, prop) {
      if (typeof prop === "string" && prop in target) {
        delete target[prop];
        count--;
        if (count === 0) owner._store.unpin(owner, "ndb");
      }
      return true;
    },
  });
}
