import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    maxWorkers: 2,
    env: { EVENNIA_LOG_LEVEL: process.env.EVENNIA_LOG_LEVEL ?? "warn" },
  },
});
