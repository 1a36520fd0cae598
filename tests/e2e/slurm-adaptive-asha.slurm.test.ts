/**
 * The same adaptive ASHA search (same seed) on a Slurm cluster and on the
 * local launcher plans the same: the same trials with the same
 * hyperparameters, trained to the same lengths, with the same metrics.
 * One trial at a time, so that results reach the searcher in one order only
 * and the comparison is exact; on Slurm every trial waiting for a promotion
 * gives its job up to the next trial, and a promoted one resumes in a new job
 * from its checkpoint.
 */
import { expect, test } from "vitest";
import { slurmClusterForFile } from "../support/slurm-cluster.js";
import { SYNTHETIC_DIR } from "./support/build.js";
import {
  clustersClosedAfterEach,
  createExperiment,
  searchResult,
  trialDetails,
  waitForEnd,
} from "./support/cluster.js";
import { batches, syntheticConfig, withChanges } from "./support/configs.js";
import { slurmLauncher } from "./support/slurm.js";

const slurm = slurmClusterForFile();
const startCluster = clustersClosedAfterEach();

/** Three brackets of rungs at 4, 16 and 64 batches over 6 trials. */
const adaptive = withChanges(syntheticConfig("adaptive.yaml"), {
  name: "slurm-adaptive",
  searcher: { max_trials: 6, max_concurrent_trials: 1, max_length: batches(64) },
  min_validation_period: batches(16),
  min_checkpoint_period: batches(16),
  scheduling_unit: 4,
});

test("adaptive ASHA on Slurm trains the same trials to the same lengths as on the local launcher", async () => {
  const [onSlurm, local] = await Promise.all([
    startCluster({ slots: 1, launcher: slurmLauncher(slurm, 1) }),
    startCluster({ slots: 1 }),
  ]);
  const [slurmId, localId] = await Promise.all([
    createExperiment(onSlurm, adaptive, SYNTHETIC_DIR),
    createExperiment(local, adaptive, SYNTHETIC_DIR),
  ]);
  expect(await waitForEnd(onSlurm, slurmId, 100)).toBe("COMPLETED");
  expect(await waitForEnd(local, localId, 100)).toBe("COMPLETED");
  const [fromSlurm, fromLocal] = [
    await searchResult(onSlurm, slurmId),
    await searchResult(local, localId),
  ];
  expect(fromSlurm.trials).toHaveLength(6);
  expect(fromSlurm).toEqual(fromLocal);
  const trials = await trialDetails(onSlurm, slurmId);
  expect(trials.map((t) => t.restarts)).toEqual(trials.map(() => 0));
  // Some trial was promoted after giving its job up: it trained on in a later job.
  expect(trials.some((t) => t.allocations.length > 1)).toBe(true);
}, 120_000);
