/**
 * `obj.ndb`: non-persistent data. It lives only in memory and is lost on reload;
 * while an object holds any, the identity map keeps it (it is pinned).
 */
import type { TypedObject } from "./typed-object.ts";

const OWNER = Symbol("owner");
const COUNT = Symbol("count");

type NdbTarget = Record<string, any> & { [OWNER]: TypedObject; [COUNT]: number };

/** One trap object shared by every `obj.ndb` proxy. */
const ndbTraps: ProxyHandler<NdbTarget> = {
  set(target, prop, value) {
    if (typeof prop !== "string") return false;
    if (!Object.prototype.hasOwnProperty.call(target, prop)) {
      target[COUNT]++;
      if (target[COUNT] === 1) target[OWNER]._store.pin(target[OWNER], "ndb");
    }
    target[prop] = value;
    return true;
  },
  deleteProperty(target, prop) {
    if (typeof prop === "string" && Object.prototype.hasOwnProperty.call(target, prop)) {
      delete target[prop];
      target[COUNT]--;
      if (target[COUNT] === 0) target[OWNER]._store.unpin(target[OWNER], "ndb");
    }
    return true;
  },
  ownKeys(target) {
    return Reflect.ownKeys(target).filter((k) => typeof k === "string");
  },
};

/** Build the `ndb` proxy of an object. */
export function createNdbProxy(owner: TypedObject): Record<string, any> {
  const target = Object.create(null) as NdbTarget;
  Object.defineProperty(target, OWNER, { value: owner, configurable: true });
  Object.defineProperty(target, COUNT, { value: 0, writable: true, configurable: true });
  return new Proxy(target, ndbTraps);
}
