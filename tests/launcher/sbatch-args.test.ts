/** The sbatch command line of a job: the pool's settings, the experiment's over them, and no secret. */
import { expect, test } from "vitest";
import type { LaunchSpec } from "../../src/master/launcher/launcher.js";
import { jobFiles } from "../../src/master/launcher/slurm/job-files.js";
import { sbatchArgs } from "../../src/master/launcher/slurm/sbatch-args.js";

const files = jobFiles("/shared/jobs/a1");

function spec(slurm?: Record<string, unknown>): LaunchSpec {
  return {
    allocationId: "a1",
    trialId: 12,
    experimentId: 3,
    workdir: "/work/exp",
    entrypoint: "node train.js",
    env: {
      PUSHTUNE_TOKEN: "secret-token",
      PUSHTUNE_TRIAL_RUN_ID: "4",
      PUSHTUNE_EXPERIMENT_CONFIG: JSON.stringify({ resources: slurm ? { slurm } : {} }),
    },
    slots: 2,
  };
}

const pool = {
  partition: "batch",
  account: "lab",
  qos: "normal",
  timeLimit: "1:00:00",
  sbatchArgs: ["--mem=8G"],
};

test("a job is named after its experiment, trial and run, and runs in the workdir with the pool's settings", () => {
  const args = sbatchArgs(spec(), files, pool);
  expect(args).toEqual(
    expect.arrayContaining([
      "--job-name=pushtune-3-12-4",
      "--chdir=/work/exp",
      "--output=/shared/jobs/a1/stdout.log",
      "--error=/shared/jobs/a1/stderr.log",
      "--export=ALL",
      "--cpus-per-task=2",
      "--signal=B:TERM@60",
      "--no-requeue",
      "--partition=batch",
      "--account=lab",
      "--qos=normal",
      "--time=1:00:00",
      "--mem=8G",
    ]),
  );
});

test("the experiment's resources.slurm goes over the pool's, its options after the pool's", () => {
  const args = sbatchArgs(
    spec({ partition: "gpu", time_limit: "2:00:00", sbatch_args: ["--mem=16G"] }),
    files,
    pool,
  );
  expect(args).toContain("--partition=gpu");
  expect(args).toContain("--time=2:00:00");
  expect(args).toContain("--account=lab");
  expect(args.indexOf("--mem=16G")).toBeGreaterThan(args.indexOf("--mem=8G"));
  expect(args).not.toContain("--partition=batch");
});

test("a pool of GPUs asks for its slots as GPUs", () => {
  const args = sbatchArgs(spec(), files, { slotType: "gpu" });
  expect(args).toContain("--gres=gpu:2");
  expect(args.some((a) => a.startsWith("--cpus-per-task"))).toBe(false);
});

test("no environment value is on the command line", () => {
  expect(sbatchArgs(spec(), files, pool).join(" ")).not.toContain("secret-token");
});
