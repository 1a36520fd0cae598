import { test } from "vitest";
import { checkRecoveryAtEveryStep } from "./recovery.js";
import { ashaConfig } from "./support/configs.js";

test("a pbt experiment, stopped after any step on SQLite, finishes exactly as an uninterrupted one", async () => {
  // Four trials, three rounds, one replaced after each of the first two: the copies'
  // explored hyperparameters come from the generator the restart rebuilds by replay.
  const config = ashaConfig(
    {},
    {
      name: "pbt",
      max_length: undefined,
      num_rungs: undefined,
      divisor: undefined,
      max_trials: undefined,
      max_concurrent_trials: undefined,
      population_size: 4,
      num_rounds: 3,
      length_per_round: { batches: 300 },
      replace_function: { truncate_fraction: 0.25 },
      explore_function: { resample_probability: 0.3, perturb_factor: 0.2 },
    },
  );
  await checkRecoveryAtEveryStep("sqlite", 1, config, 6);
}, 300_000);
