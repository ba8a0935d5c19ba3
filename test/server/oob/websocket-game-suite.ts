/**
 * A game on a scratch database of one dialect, for a suite of websocket players: set up
 * before the suite's first test, its clients closed after each test, torn down after
 * the last. The OOB subscription tests (monitor, repeat, webclient_options) share it.
 */
import { afterAll, afterEach, beforeAll } from "vitest";
import type { GameSettings } from "../../../evennia-ts/conf/default-settings.ts";
import type { ServerSession } from "../../../evennia-ts/server/server-session.ts";
import { createScratchDatabase, type ScratchDatabase } from "../../../evennia-ts/testing/database-fixture.ts";
import { startInProcessGame, type InProcessGame } from "../../../evennia-ts/testing/in-process-game.ts";
import type { Dialect } from "../../../evennia-ts/db/writes.ts";
import { waitUntil } from "../../portal/telnet/telnet-test-client.ts";
import { WsTestClient } from "../../portal/websocket/ws-test-client.ts";

/** What a suite gets: the game, and helpers bound to it. */
export interface WebsocketGameSuite {
  game(): InProcessGame;
  /** A new websocket client logged in as a new account `<prefix><n>` (closed after the test). */
  player(): Promise<{ ws: WsTestClient; name: string }>;
  /** A websocket client at the connection screen (closed after the test). */
  connected(): Promise<WsTestClient>;
  /** The server session of the account `name` logged in last. */
  sessionOf(name: string): ServerSession;
  /** Reload the server and wait until the new one runs. */
  reload(): Promise<void>;
}

/** Register the suite's setup and teardown (call inside a `describe`). */
export function websocketGameSuite(dialect: Dialect, settings: GameSettings, namePrefix: string): WebsocketGameSuite {
  let scratch: ScratchDatabase | undefined;
  let game: InProcessGame | undefined;
  const clients: WsTestClient[] = [];
  let names = 0;

  beforeAll(async () => {
    scratch = await createScratchDatabase(dialect);
    game = await startInProcessGame({ databaseUrl: scratch.url, connectionLimitExemptIps: ["127.0.0.1"], accountCreationsPerIp: 0, ...settings });
  }, 60_000);

  afterEach(() => {
    for (const c of clients.splice(0)) c.close();
  });

  afterAll(async () => {
    await game?.stop();
    await scratch?.dispose();
  });

  const current = (): InProcessGame => {
    if (!game) throw new Error("the suite's game is not running");
    return game;
  };

  return {
    game: current,
    async player() {
      const name = `${namePrefix}${++names}`;
      const ws = await WsTestClient.loggedIn(current().status.webPort!, name);
      clients.push(ws);
      return { ws, name };
    },
    async connected() {
      const ws = await WsTestClient.connect(current().status.webPort!);
      clients.push(ws);
      await ws.waitForText("create <username> <password>");
      return ws;
    },
    sessionOf(name) {
      const found = current()
        .server()!
        .allSessions()
        .filter((s) => s.account?.key === name);
      if (found.length === 0) throw new Error(`no session of ${name}`);
      return found[found.length - 1]!;
    },
    async reload() {
      const g = current();
      const before = g.server();
      g.portal.reload();
      await waitUntil(() => g.server() !== before && g.server() !== null && g.portal.status().serverState === "running", "the reloaded server", 30_000);
    },
  };
}
