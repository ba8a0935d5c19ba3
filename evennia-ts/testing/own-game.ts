/**
 * A game developer's own game, run in the test process: the portal and the server
 * in one process on real loopback sockets (ports chosen by the system), loading the
 * code of the game folder under test, with a fresh SQLite database in a temporary
 * folder. The game folder itself is only read: its `server/logs/` and database are
 * left alone, so the tests can run while the game does.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadSettings, type GameSettings } from "../conf/settings.ts";
import { TEST_SETTINGS } from "./game-folder.ts";
import { startPortalInProcess, type InProcessGame } from "./in-process-game.ts";

/**
 * Start the game in `gameDir` in this process with test settings (`settings` on top
 * of the game's own, then loopback ports 0, no control socket and a scratch
 * database). Stop it with `stop()`, which also deletes the scratch database.
 */
export async function startOwnGame(gameDir: string, settings: GameSettings = {}): Promise<InProcessGame> {
  const scratch = mkdtempSync(path.join(os.tmpdir(), "evennia-game-test-"));
  const removeScratch = (): void => rmSync(scratch, { recursive: true, force: true });
  let loaded;
  try {
    loaded = await loadSettings(gameDir, {
      ...TEST_SETTINGS,
      controlSocket: false,
      databaseUrl: `sqlite:${path.join(scratch, "test.db3")}`,
      ...settings,
    });
  } catch (err) {
    removeScratch();
    throw err;
  }
  return startPortalInProcess(loaded, { dir: loaded.gameDir, remove: removeScratch });
}
