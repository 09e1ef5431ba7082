import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { alias: { "@": import.meta.dirname } },
  test: {
    include: ["tests/**/*.test.ts"],
    environment: "node",
    testTimeout: 120_000,
    hookTimeout: 600_000,
    pool: "forks",
    // Two cores here and in CI. Each integration file opens its own database, so files may run side by side.
    maxWorkers: 2,
  },
});
