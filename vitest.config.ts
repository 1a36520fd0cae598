import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // The summary reporter prints the closing "N passed, N failed" line CI reads.
    reporters: ["default", "./tests/support/summary-reporter.ts"],
  },
});
