import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { alias: { "@": import.meta.dirname } },
  test: {
    include: ["tests/**/*.test.ts"],
    // The small synthetic bank is loaded once per run and copied per file (tests/helpers/syntheticBank.ts).
    globalSetup: ["tests/helpers/globalSetup.ts"],
    environment: "node",
    testTimeout: 120_000,
    hookTimeout: 600_000,
    pool: "forks",
    // Two cores here and in CI. Each integration file opens its own database, so files may run side by side.
    maxWorkers: 2,
  },
});
