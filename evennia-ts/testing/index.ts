/**
 * `evennia-ts/testing`: fixtures for testing a game (and the framework) with vitest.
 * Import it from test files only: parts of it use vitest's `describe`.
 */
export { startOwnGame } from "./own-game.ts";
export { startInProcessGame, inProcessServerLauncher, type InProcessGame, type ServerTracker } from "./in-process-game.ts";
export { createTestGameFolder, writeSettings, TEST_SETTINGS, type TestGameFolder } from "./game-folder.ts";
export { TelnetTestClient } from "./telnet-test-client.ts";
export {
  describeEachDatabase,
  describeOnDatabases,
  openDatabaseFixture,
  createScratchDatabase,
  postgresTestUrl,
  type DatabaseFixture,
  type DatabaseFixtureOptions,
  type DatabaseSuiteContext,
  type ScratchDatabase,
} from "./database-fixture.ts";
