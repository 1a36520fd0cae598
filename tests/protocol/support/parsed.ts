/** Helpers for the config tests: parse or fail, and the smallest valid config. */
import type { ExperimentConfig } from "../../../src/protocol/config/index.js";
import { parseExperimentConfig } from "../../../src/protocol/config/index.js";

export function parsed(input: unknown, options?: { defaultSeed?: number }): ExperimentConfig {
  const result = parseExperimentConfig(input, options);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.config;
}

export function minimal(searcher: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    entrypoint: "node train.js",
    searcher: { name: "single", metric: "loss", max_length: { batches: 10 }, ...searcher },
  };
}
