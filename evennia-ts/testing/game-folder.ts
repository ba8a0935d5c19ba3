/**
 * Test game folders: a copy of `game_template` with settings for tests (ports 0,
 * loopback, a fresh SQLite file). They are created under the package's `.tmp/`
 * so the game's `import ... from "evennia-ts"` resolves to this package.
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { GameSettings } from "../conf/settings.ts";
import { frameworkRoot } from "../utils/framework-root.ts";

/** The package root. */
export const packageRoot = frameworkRoot;

/** Settings every test game starts from. */
export const TEST_SETTINGS: GameSettings = {
  serverName: "TestGame",
  telnetPorts: [0],
  telnetInterface: "127.0.0.1",
  webPort: 0,
  webInterface: "127.0.0.1",
  linkPort: 0,
  serverWebPort: 0,
  serverRestartBackoff: 0.2,
  serverRestartBackoffMax: 1,
  // password hashes: fast in tests, as Evennia's test settings use a fast hasher
  passwordHashCost: 1024,
};

/** A temporary game folder. */
export interface TestGameFolder {
  dir: string;
  /** Delete the folder. */
  remove(): void;
}

/**
 * Create a game folder from the template with `settings` (merged over
 * {@link TEST_SETTINGS}) written to its `server/conf/settings.ts`.
 */
export function createTestGameFolder(settings: GameSettings = {}): TestGameFolder {
  const base = path.join(packageRoot, ".tmp");
  mkdirSync(base, { recursive: true });
  const dir = mkdtempSync(path.join(base, "game-"));
  cpSync(path.join(packageRoot, "game_template"), dir, { recursive: true });
  writeSettings(dir, { ...TEST_SETTINGS, ...settings });
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** (Re)write a game folder's settings file. */
export function writeSettings(dir: string, settings: GameSettings): void {
  const body = `import type { GameSettings } from "evennia-ts";\nexport default ${JSON.stringify(settings, null, 2)} satisfies GameSettings;\n`;
  writeFileSync(path.join(dir, "server", "conf", "settings.ts"), body);
}
