/** The examples' configs as objects, with the changes a test needs. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { SYNTHETIC_DIR } from "./build.js";

export type ConfigInput = Record<string, unknown> & { searcher: Record<string, unknown> };

/** A YAML config of examples/synthetic, e.g. "adaptive.yaml". */
export function syntheticConfig(file: string): ConfigInput {
  return parse(readFileSync(join(SYNTHETIC_DIR, file), "utf8")) as ConfigInput;
}

/** `base` with top-level fields replaced and `searcher` fields merged. */
export function withChanges(
  base: ConfigInput,
  changes: Record<string, unknown> & { searcher?: Record<string, unknown> },
): ConfigInput {
  const { searcher, ...rest } = changes;
  return { ...base, ...rest, searcher: { ...base.searcher, ...searcher } };
}

export const batches = (n: number) => ({ batches: n });

/**
 * A random search over the synthetic example's `adaptive.yaml` space: `trials`
 * trials of `length` batches, `concurrent` at a time, each validated and
 * checkpointed halfway and at its end.
 */
export function syntheticRandomSearch(
  name: string,
  { trials, concurrent, length }: { trials: number; concurrent: number; length: number },
): ConfigInput {
  return withChanges(syntheticConfig("adaptive.yaml"), {
    name,
    searcher: {
      name: "random",
      max_trials: trials,
      max_concurrent_trials: concurrent,
      max_length: batches(length),
      mode: undefined,
      divisor: undefined,
      max_rungs: undefined,
    },
    min_validation_period: batches(length / 2),
    min_checkpoint_period: batches(length / 2),
    scheduling_unit: 5,
  });
}

/** `config` with a categorical of 30,000 values among its hyperparameters: about 200 KB, too long for a process's environment. */
export function withLongConfig(config: ConfigInput): ConfigInput {
  const vals = Array.from({ length: 30_000 }, (_, i) => i);
  const hyperparameters = config.hyperparameters as Record<string, unknown>;
  return {
    ...config,
    hyperparameters: { ...hyperparameters, label: { type: "categorical", vals } },
  };
}
