/**
 * The game's tests (`npm test`): every `*.test.ts` outside node_modules.
 */
import { defineConfig } from "vitest/config";

export default defineConfig({
  // a framework linked from a clone (npm link, "file:") brings its own vitest: use the game's
  resolve: { dedupe: ["vitest"] },
  test: {
    include: ["**/*.test.ts"],
    exclude: ["**/node_modules/**", "server/logs/**"],
    // the framework ships TypeScript sources: let vitest compile it rather than Node
    server: { deps: { inline: ["evennia-ts"] } },
    pool: "forks",
    testTimeout: 30_000,
    hookTimeout: 60_000,
    env: { EVENNIA_LOG_LEVEL: process.env.EVENNIA_LOG_LEVEL ?? "warn" },
  },
});
