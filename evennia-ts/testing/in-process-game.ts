/**
 * Portal and server in one process, for tests: real sockets on 127.0.0.1, a real
 * database, the real link between them — only the server runs in-process, so
 * "reload" restarts the server service without reloading code.
 */
import { loadSettings, type GameSettings, type Settings } from "../conf/settings.ts";
import { Portal, type PortalStatus } from "../portal/portal.ts";
import type { ServerExit, ServerLauncher } from "../portal/server-launcher.ts";
import { Server } from "../server/server.ts";
import { createTestGameFolder, type TestGameFolder } from "./game-folder.ts";

/** A running in-process game. */
export interface InProcessGame {
  portal: Portal;
  settings: Settings;
  folder: TestGameFolder;
  /** The server currently running (changes on reload). */
  server(): Server | null;
  /** The first telnet port. */
  telnetPort: number;
  /**
   * The base URL of the running server's web app (`http://127.0.0.1:<port>`, no
   * trailing slash), or null while no server runs. A reload starts a new server on
   * a new port: call it again after one.
   */
  serverWebUrl(): string | null;
  status: PortalStatus;
  /** Stop everything and delete the folder. */
  stop(): Promise<void>;
}

/** Hears when an in-process server starts and ends. */
export interface ServerTracker {
  started(server: Server): void;
  ended(server: Server): void;
}

/**
 * A launcher that runs the server inside this process (a fresh `Server` per start,
 * connected to the portal over the real link). A server that fails to start ends
 * with code 1, as a crashed process would.
 */
export function inProcessServerLauncher(settings: Settings, tracker?: ServerTracker): ServerLauncher {
  return (linkPort, token, linkPath) => {
    const server = new Server(settings);
    tracker?.started(server);
    const exited = (async (): Promise<ServerExit> => {
      try {
        await server.init();
        await server.connect({ host: "127.0.0.1", port: linkPort, path: linkPath ?? null, token });
        const how = await server.stopped;
        return { code: how === "link-lost" ? 1 : 0, signal: null };
      } catch {
        await server.stop("link-lost").catch(() => undefined);
        return { code: 1, signal: null };
      } finally {
        tracker?.ended(server);
      }
    })();
    return { pid: null, exited, kill: () => void server.stop("link-lost") };
  };
}

/**
 * Start portal and server in this process in a fresh game folder; `prepare` may
 * change the folder's files before anything loads.
 */
export async function startInProcessGame(settings: GameSettings = {}, prepare?: (dir: string) => void): Promise<InProcessGame> {
  const folder = createTestGameFolder(settings);
  prepare?.(folder.dir);
  return startPortalInProcess(await loadSettings(folder.dir), folder);
}

/**
 * Start a portal whose server runs in this process, with `loaded` settings;
 * `folder.remove()` runs when the game stops, or when it fails to start.
 */
export async function startPortalInProcess(loaded: Settings, folder: TestGameFolder): Promise<InProcessGame> {
  let current: Server | null = null;
  const launcher = inProcessServerLauncher(loaded, {
    started: (server) => (current = server),
    ended: (server) => {
      if (current === server) current = null;
    },
  });
  const portal = new Portal(loaded, { launcher, shutdownTimeoutMs: 10_000 });
  let status: PortalStatus;
  try {
    status = await portal.start();
  } catch (err) {
    await portal.stop().catch(() => undefined);
    folder.remove();
    throw err;
  }
  return {
    portal,
    settings: loaded,
    folder,
    server: () => current,
    serverWebUrl: () => {
      const web = current?.web;
      return web ? `http://127.0.0.1:${web.port}` : null;
    },
    telnetPort: status.telnetPorts[0]!,
    status,
    stop: async () => {
      await portal.stop();
      folder.remove();
    },
  };
}
