/** `resources.slurm`: what an experiment asks of a Slurm cluster, kept as given; absent when not set. */
import { expect, test } from "vitest";
import { parseExperimentConfig } from "../../src/protocol/config/parse.js";
import { slurmTimeLimitSeconds } from "../../src/protocol/config/slurm-resources.js";

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

test("a time limit is read as sbatch --time reads it, rounded up to whole minutes; 0 and UNLIMITED are none", () => {
  const seconds = (text: string) => slurmTimeLimitSeconds(text);
  expect(seconds("90")).toBe(90 * 60); // minutes
  expect(seconds("1:30")).toBe(120); // minutes:seconds, rounded up as Slurm does
  expect(seconds("4:00:00")).toBe(4 * 3600); // hours:minutes:seconds
  expect(seconds("2-12")).toBe((2 * 24 + 12) * 3600); // days-hours
  expect(seconds("1-2:30")).toBe((26 * 60 + 30) * 60); // days-hours:minutes
  expect(seconds("1-0:0:1")).toBe(24 * 3600 + 60); // days-hours:minutes:seconds
  for (const none of ["0", "UNLIMITED", "infinite", "-1"]) expect(seconds(none)).toBeNull();
  for (const bad of ["4 hours", "1:2:3:4", "-5", "1-", "2h", ""])
    expect(seconds(bad)).toBeUndefined();
});

test("a time limit sbatch would refuse is an error naming it; a whole number is minutes", () => {
  const timeLimit = (time_limit: unknown) =>
    parseExperimentConfig({ ...base, resources: { slurm: { time_limit } } });
  const minutes = timeLimit(120);
  expect(minutes.ok && minutes.config.resources.slurm).toEqual({ time_limit: "120" });
  for (const bad of ["4 hours", 1.5, -3, true]) {
    const result = timeLimit(bad);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors.map((e) => e.path)).toEqual(["resources.slurm.time_limit"]);
    expect(!result.ok && result.errors[0]!.message).toMatch(
      /^must be a Slurm time limit as sbatch --time reads it \(minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM or D-HH:MM:SS; UNLIMITED\), got /,
    );
  }
});
