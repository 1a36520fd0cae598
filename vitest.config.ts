import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Most test files wait on trial processes, a browser or a database rather than
    // compute, so two files at a time fit even on two cores (vitest's default
    // would run one at a time there).
    maxWorkers: Math.max(2, availableParallelism() - 1),
    // The summary reporter prints the closing "N passed, N failed" line CI reads.
    reporters: ["default", "./tests/support/summary-reporter.ts"],
  },
});
