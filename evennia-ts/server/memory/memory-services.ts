/**
 * What the server starts for its memory tools: the heap watcher (automatic flush) and
 * the control channel `evennia-ts memory` and `heapdump` talk to. Neither is allowed to
 * stop the server from running: a control socket that cannot listen is logged and
 * left out.
 */
import type { Settings } from "../../conf/settings.ts";
import type { HeapWatcher } from "../../db/identity-map.ts";
import type { Store } from "../../typeclasses/store.ts";
import { getLogger } from "../../utils/logger.ts";
import { controlSocketPath } from "../control/control-paths.ts";
import { ControlServer, type ControlHandler } from "../control/control-server.ts";
import { memoryControlHandlers } from "./memory-control.ts";
import { startStoreHeapWatcher } from "./store-heap-watcher.ts";

const log = getLogger("memory");

/** The running memory services. */
export interface MemoryServices {
  /** The heap watcher, or null when `identityMapFlushHeapMb` is 0. */
  readonly heapWatcher: HeapWatcher | null;
  /** The control channel, or null when off (`controlSocket: false`), stopped, or it could not listen. */
  readonly control: ControlServer | null;
  /** Open the control channel again after {@link stopControl} (the `service` command); false when it cannot listen. */
  startControl(): Promise<boolean>;
  /** Close the control channel, leaving the heap watcher running (idempotent). */
  stopControl(): Promise<void>;
  /** Stop both (idempotent). */
  stop(): Promise<void>;
}

/**
 * Start the heap watcher and the control channel for `store`; `moreHandlers` are
 * served on the channel beside the memory commands (the server's `stats`).
 */
export async function startMemoryServices(store: Store, settings: Settings, moreHandlers: Record<string, ControlHandler> = {}): Promise<MemoryServices> {
  const heapWatcher = startStoreHeapWatcher(store, settings);
  const socketPath = controlSocketPath(settings.gameDir);
  const listen = async (): Promise<ControlServer | null> => {
    try {
      return await ControlServer.start({ socketPath, handlers: { ...memoryControlHandlers(store, settings), ...moreHandlers } });
    } catch (err) {
      log.error(`control channel not available: cannot listen on ${socketPath}`, err);
      return null;
    }
  };
  let control: ControlServer | null = settings.controlSocket ? await listen() : null;
  return {
    heapWatcher,
    get control() {
      return control;
    },
    startControl: async () => {
      control ??= await listen();
      return control !== null;
    },
    stopControl: async () => {
      const running = control;
      control = null;
      await running?.stop();
    },
    stop: async () => {
      heapWatcher?.stop();
      const running = control;
      control = null;
      await running?.stop();
    },
  };
}
