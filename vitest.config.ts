import { readdirSync, readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

/**
 * The test files that replace a module (`vi.mock`): they need a module graph
 * of their own. Every other file shares its worker's loaded modules with the
 * files the worker ran before (`isolate: false`): loading the master, the
 * SDK and their libraries again for each of some 340 files took over 300 s
 * of the suite's time, summed over workers; now some 60 s.
 */
const MOCKING = (readdirSync("tests", { recursive: true }) as string[])
  .filter((f) => f.endsWith(".test.ts"))
  .map((f) => `tests/${f}`)
  .filter((f) => /\bvi\.(?:do)?[mM]ock\(/.test(readFileSync(f, "utf8")));

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Most test files wait on trial processes, a browser or a database rather than
    // compute, so two files at a time fit even on two cores (vitest's default
    // would run one at a time there).
    maxWorkers: Math.max(2, availableParallelism() - 1),
    // The summary reporter prints the closing "N passed, N failed" line CI reads.
    reporters: ["default", "./tests/support/summary-reporter.ts"],
    projects: [
      { extends: true, test: { name: "own-modules", include: MOCKING, isolate: true } },
      {
        extends: true,
        test: {
          name: "shared-modules",
          include: ["tests/**/*.test.ts"],
          exclude: MOCKING,
          isolate: false,
        },
      },
    ],
  },
});
