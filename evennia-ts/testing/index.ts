/**
 * `evennia-ts/testing`: fixtures for testing a game (and the framework) with vitest.
 * Import it from test files only: parts of it use vitest's `describe`.
 *
 * - a small world on an isolated database, and running commands without sockets
 *   (`describeWithWorld`, `createTestWorld`, `callCommand`);
 * - database fixtures for both databases; a game run in this process; a real-TCP telnet client.
 */
export {
  createTestWorld,
  describeWithWorld,
  textOf,
  type TestWorld,
  type TestWorldOptions,
  type TestSessionOptions,
  type WorldSuiteContext,
} from "./world-fixture.ts";
export { callCommand, worldCommandHandler, worldServices, type CallCommandOptions, type CallCommandResult, type Receiver } from "./call-command.ts";
export { startOwnGame } from "./own-game.ts";
export { startInProcessGame, startPortalInProcess, inProcessServerLauncher, type InProcessGame, type ServerTracker } from "./in-process-game.ts";
export { testServices } from "./command-services.ts";
export { createTestGameFolder, writeSettings, TEST_SETTINGS, type TestGameFolder } from "./game-folder.ts";
export { TelnetTestClient } from "./telnet-test-client.ts";
export { startWebTestServer, type WebTestServer } from "./web-test-server.ts";
export {
  describeEachDatabase,
  describeOnDatabases,
  openDatabaseFixture,
  createScratchDatabase,
  postgresTestUrl,
  POSTGRES_URL_ENV,
  type DatabaseFixture,
  type DatabaseFixtureOptions,
  type DatabaseSuiteContext,
  type ScratchDatabase,
} from "./database-fixture.ts";
export { ManualClock } from "./manual-clock.ts";
