/**
 * The control-channel commands of the memory tools: `memory` (figures), `flush`
 * (drop cached objects, collect garbage if node allows, figures before and after),
 * `heapdump` (write a heap snapshot into `<game>/server/logs/`), and `ping`.
 */
import type { Settings } from "../../conf/settings.ts";
import { collectMemoryReport, flushMemory } from "../../commands/default/memory.ts";
import type { Store } from "../../typeclasses/store.ts";
import type { ControlHandler } from "../control/control-server.ts";
import { serverLogsDir } from "../control/control-paths.ts";
import { writeHeapdump } from "./heapdump.ts";

/** What `ping` answers. */
export interface PingResult {
  pid: number;
  serverName: string;
  gameDir: string;
  uptimeSeconds: number;
}

/** The handlers, bound to one store and the game's settings. */
export function memoryControlHandlers(store: Store, settings: Pick<Settings, "serverName" | "gameDir" | "identityMapFlushHeapMb">): Record<string, ControlHandler> {
  const options = { autoFlushHeapMb: settings.identityMapFlushHeapMb };
  return {
    ping: (): PingResult => ({ pid: process.pid, serverName: settings.serverName, gameDir: settings.gameDir, uptimeSeconds: Math.round(process.uptime()) }),
    memory: () => collectMemoryReport(store, options),
    flush: (args) => flushMemory(store, { ...options, gc: args.gc !== false }),
    heapdump: () => writeHeapdump(serverLogsDir(settings.gameDir)),
  };
}
