/**
 * The store the running server (or a test fixture) uses. Game code reaches it
 * through `create...()` and `search...()` functions rather than directly.
 */
import { EvenniaError } from "../utils/errors.ts";
import type { Store } from "./store.ts";

let current: Store | null = null;

/** Set (or clear) the active store. */
export function setStore(store: Store | null): void {
  current = store;
}

/** The active store; throws when none is set. */
export function getStore(): Store {
  if (!current) throw new EvenniaError("EV_ERR_INTERNAL", "no store is active: start the server or a test fixture first");
  return current;
}
