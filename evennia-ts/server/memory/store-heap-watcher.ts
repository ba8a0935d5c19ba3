/**
 * The heap threshold: when the heap passes `identityMapFlushHeapMb` MiB, the store
 * drops its cached (LRU) objects by itself, checked every
 * `identityMapFlushCheckInterval` seconds. 0 MiB turns it off.
 */
import type { Settings } from "../../conf/settings.ts";
import { HeapWatcher } from "../../db/identity-map.ts";
import type { Store } from "../../typeclasses/store.ts";
import { getLogger } from "../../utils/logger.ts";

const log = getLogger("memory");

/** The settings the watcher reads. */
export type HeapWatcherSettings = Pick<Settings, "identityMapFlushHeapMb" | "identityMapFlushCheckInterval">;

/**
 * Start a watcher that flushes `store` above the threshold; null when the setting is 0.
 *
 * @throws EvenniaError `EV_ERR_CONFIG` for a negative threshold or an interval that is not > 0.
 */
export function startStoreHeapWatcher(store: Store, settings: HeapWatcherSettings): HeapWatcher | null {
  if (settings.identityMapFlushHeapMb === 0) return null;
  const watcher = new HeapWatcher({
    thresholdMb: settings.identityMapFlushHeapMb,
    intervalMs: settings.identityMapFlushCheckInterval * 1000,
    onThreshold: () => {
      const dropped = store.flush();
      if (dropped > 0) log.debug(`heap threshold: dropped ${dropped} cached object(s)`);
    },
  });
  watcher.start();
  return watcher;
}
