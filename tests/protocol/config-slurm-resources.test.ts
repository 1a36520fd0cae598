/** `resources.slurm`: what an experiment asks of a Slurm cluster, kept as given; absent when not set. */
import { expect, test } from "vitest";
import { parseExperimentConfig } from "../../src/protocol/config/parse.js";

const base = {
  entrypoint: "node train.js",
  searcher: { name: "single", metric: "loss", max_length: { batches: 10 } },
};

test("an experiment's Slurm partition, account, qos, time limit and sbatch options are kept", () => {
  const slurm = {
    partition: "gpu",
    account: "ml",
    qos: "high",
    time_limit: "4:00:00",
    sbatch_args: ["--mem=16G", "--constraint", "a100"],
  };
  const result = parseExperimentConfig({ ...base, resources: { slurm } });
  expect(result.ok && result.config.resources.slurm).toEqual(slurm);
});

test("a config without resources.slurm has none", () => {
  const result = parseExperimentConfig(base);
  expect(result.ok && "slurm" in result.config.resources).toBe(false);
});
