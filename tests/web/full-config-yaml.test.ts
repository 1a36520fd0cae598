/** The config page shows the full config as YAML that the master reads back as the same config, so a fork of it is the same experiment. */
import { describe, expect, test } from "vitest";
import {
  parseExperimentConfig,
  parseExperimentConfigYaml,
} from "../../src/protocol/config/index.js";
import { fullConfigYaml } from "../../src/web/experiment/full-config.js";

const configs: Record<string, unknown> = {
  "adaptive ASHA with nested, log and categorical hyperparameters": {
    name: 'mnist: "quoted" #1',
    entrypoint: "python3 -m train --flag=1 # not a comment",
    hyperparameters: {
      global_batch_size: 64,
      lr: { type: "log", minval: -4, maxval: -1, base: 10 },
      optimizer: { type: "categorical", vals: ["adam", "sgd", "yes", "1e3"] },
      model: { depth: { type: "int", minval: 1, maxval: 3 }, act: "relu" },
      list: [1, "two", null],
    },
    searcher: {
      name: "adaptive_asha",
      metric: "validation_loss",
      max_length: { epochs: 3 },
      max_trials: 16,
      bracket_rungs: [3, 2],
      sampler: "tpe",
    },
    records_per_epoch: 60000,
    min_checkpoint_period: { batches: 200 },
    environment: { variables: { A: "x: y", EMPTY: "" } },
    resources: { slurm: { partition: "gpu", sbatch_args: ["--gres=gpu:1"] } },
  },
  "a single trial warm-started from a checkpoint": {
    entrypoint: "node train.js",
    searcher: {
      name: "single",
      metric: "loss",
      max_length: 100,
      source_checkpoint_uuid: "0b7c2a3e-1f5d-4c1e-9a55-3f3c2f8d9e10",
    },
  },
};

describe("the full config as YAML", () => {
  for (const [name, input] of Object.entries(configs)) {
    test(`${name}: parses back to the same config`, () => {
      const parsed = parseExperimentConfig(input, { defaultSeed: 11 });
      if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
      const yaml = fullConfigYaml(parsed.config);
      expect(yaml).toContain("max_restarts: 5");
      const again = parseExperimentConfigYaml(yaml);
      if (!again.ok) throw new Error(`${JSON.stringify(again.errors)}\n${yaml}`);
      expect(again.config).toEqual(parsed.config);
    });
  }
});
