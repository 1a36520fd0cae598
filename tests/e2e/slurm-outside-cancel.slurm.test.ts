/**
 * A trial's job cancelled by someone other than the master (`scancel` by a
 * user or an administrator) is a failure of its run: one restart is counted,
 * and the next run resumes from the latest checkpoint, trains on and
 * completes, no training step reported twice.
 */
import { expect, test } from "vitest";
import { slurmClusterForFile } from "../support/slurm-cluster.js";
import { SYNTHETIC_DIR } from "./support/build.js";
import {
  clustersClosedAfterEach,
  createExperiment,
  logsOf,
  metricsOf,
  trialDetails,
  waitFor,
  waitForEnd,
} from "./support/cluster.js";
import { batches, syntheticConfig, withChanges } from "./support/configs.js";
import { jobIdOf, slurmLauncher } from "./support/slurm.js";

const slurm = slurmClusterForFile();
const startCluster = clustersClosedAfterEach();

const LENGTH = 240;
/** One trial of 240 batches of 20 ms, checkpointed every 40. */
const oneTrial = withChanges(syntheticConfig("const.yaml"), {
  name: "slurm-scancel",
  hyperparameters: { lr: 0.01, hidden: 128, optimizer: "adam", sleep_ms: 20 },
  searcher: { max_length: batches(LENGTH) },
  min_validation_period: batches(40),
  min_checkpoint_period: batches(40),
  checkpoint_policy: "none",
  scheduling_unit: 10,
});

test("a job cancelled from outside counts as a failure, and the trial restarts from its checkpoint", async () => {
  const c = await startCluster({ slots: 1, launcher: slurmLauncher(slurm, 1) });
  const id = await createExperiment(c, oneTrial, SYNTHETIC_DIR);
  const running = await waitFor("training past a checkpoint", async () => {
    const [t] = await trialDetails(c, id);
    return t?.running && t.latestCheckpoint && t.lengthTrained >= 60 ? t : null;
  });
  await slurm().slurm("scancel", await jobIdOf(c, running.allocations[0]!.id));

  expect(await waitForEnd(c, id, 60)).toBe("COMPLETED");
  const [t] = await trialDetails(c, id);
  expect(t!.restarts).toBe(1);
  expect(t!.allocations.map((a) => [a.runId, a.exitReason])).toEqual([
    [1, expect.stringMatching(/^crashed \(killed by SIG\w+\)$/)],
    [2, expect.stringContaining("completed")],
  ]);
  // The second run started from a checkpoint the first took, not from scratch.
  const training = await metricsOf(c, t!.id, "training");
  const resumedAt =
    Math.min(...training.filter((m) => m.runId === 2).map((m) => m.stepsCompleted)) - 10;
  expect(resumedAt).toBeGreaterThanOrEqual(40);
  expect(await logsOf(c, t!.id)).toContain(`restored the model at batch ${resumedAt}`);
  expect(training.map((m) => m.stepsCompleted)).toEqual(
    Array.from({ length: LENGTH / 10 }, (_, i) => 10 * (i + 1)),
  );
}, 60_000);
