/**
 * Test game folders for tests that start real games: each folder made through the
 * returned function has its game stopped (if it runs) and is deleted after each test.
 */
import { afterEach } from "vitest";
import { stopGame } from "../../evennia-ts/cli/commands/stop.ts";
import { CapturingIo } from "../../evennia-ts/cli/io.ts";
import type { GameSettings } from "../../evennia-ts/conf/settings.ts";
import { createTestGameFolder, type TestGameFolder } from "../../evennia-ts/testing/game-folder.ts";

/** Register the clean-up (call at the top of a test file); returns the maker of folders it cleans up. */
export function gameFoldersStoppedAfterEach(): (settings?: GameSettings) => TestGameFolder {
  const made: TestGameFolder[] = [];
  afterEach(async () => {
    for (const folder of made.splice(0)) {
      await stopGame({ gameDir: folder.dir, io: new CapturingIo(), timeoutMs: 30_000 }).catch(() => 1);
      folder.remove();
    }
  });
  return (settings) => {
    const folder = createTestGameFolder(settings);
    made.push(folder);
    return folder;
  };
}
