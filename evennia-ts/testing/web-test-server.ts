/**
 * A server without a portal, for testing its web app (website, admin, REST API)
 * over real HTTP: a fresh game folder, a scratch database of the chosen dialect,
 * and `Server.init()`, which starts the web app on a free loopback port. Restart it
 * on the same database to test what survives a reload.
 */
import { loadSettings, type GameSettings } from "../conf/settings.ts";
import type { Dialect } from "../db/writes.ts";
import { Server } from "../server/server.ts";
import { createScratchDatabase, type ScratchDatabase } from "./database-fixture.ts";
import { createTestGameFolder, type TestGameFolder } from "./game-folder.ts";

/** A running portal-less server and its web app. */
export interface WebTestServer {
  readonly folder: TestGameFolder;
  readonly scratch: ScratchDatabase;
  /** The server now running (a new one after {@link restart}). */
  server: Server;
  /** Base URL of the web app (`http://127.0.0.1:<port>`); changes after {@link restart}. */
  url: string;
  /** Stop the server and start a new one on the same folder and database (as a reload does). */
  restart(): Promise<void>;
  /** Stop the server, delete the folder and the database. */
  stop(): Promise<void>;
}

/**
 * Start a server (no portal) on a scratch `dialect` database; `prepare` may add
 * files to the game folder (templates, static files, `web/urls.ts`) before it loads.
 */
export async function startWebTestServer(
  dialect: Dialect,
  options: { settings?: GameSettings; prepare?: (dir: string) => void } = {},
): Promise<WebTestServer> {
  const scratch = await createScratchDatabase(dialect);
  const folder = createTestGameFolder({ ...options.settings, databaseUrl: scratch.url });
  const cleanup = async (): Promise<void> => {
    folder.remove();
    await scratch.dispose();
  };
  const boot = async (): Promise<Server> => {
    const server = new Server(await loadSettings(folder.dir));
    try {
      await server.init();
    } catch (err) {
      await server.stop("shutdown").catch(() => undefined);
      throw err;
    }
    return server;
  };
  let server: Server;
  try {
    options.prepare?.(folder.dir);
    server = await boot();
  } catch (err) {
    await cleanup();
    throw err;
  }
  const urlOf = (s: Server): string => `http://127.0.0.1:${s.web!.port}`;
  const handle: WebTestServer = {
    folder,
    scratch,
    server,
    url: urlOf(server),
    async restart() {
      await handle.server.stop("reload");
      handle.server = await boot();
      handle.url = urlOf(handle.server);
    },
    async stop() {
      await handle.server.stop("shutdown").catch(() => undefined);
      await cleanup();
    },
  };
  return handle;
}
