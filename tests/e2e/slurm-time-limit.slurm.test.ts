/**
 * A trial whose job reaches its time limit is preempted, not failed: Slurm
 * sends the batch shell SIGTERM ahead of the limit (`--signal=B:TERM@…`), the
 * SDK takes it as a preemption, the trial checkpoints where it is and exits,
 * and the master runs it again from that checkpoint without counting a
 * restart, as many times as the limit cuts it short, until it completes.
 *
 * Slurm looks at time limits every 30 s or so: with a limit of one minute and
 * the warning 58 s ahead, each job is signalled 2 to about 32 s after it
 * starts, so a trial of 33 s of training is cut at least once.
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
  waitForEnd,
} from "./support/cluster.js";
import { batches, syntheticConfig, withChanges } from "./support/configs.js";
import { slurmLauncher } from "./support/slurm.js";

const slurm = slurmClusterForFile();
const startCluster = clustersClosedAfterEach();

const LENGTH = 1320;
const UNIT = 20;
/** 1320 batches of 25 ms, checkpointed only at its end and when it stops. */
const longTrial = withChanges(syntheticConfig("const.yaml"), {
  name: "slurm-time-limit",
  hyperparameters: { lr: 0.01, hidden: 128, optimizer: "adam", sleep_ms: 25 },
  searcher: { max_length: batches(LENGTH) },
  min_validation_period: null,
  min_checkpoint_period: null,
  checkpoint_policy: "none",
  scheduling_unit: UNIT,
  resources: { slurm: { time_limit: "1" } },
});

test("a job cut short by its time limit checkpoints and the trial resumes from there, no restart counted", async () => {
  const c = await startCluster({
    slots: 1,
    launcher: slurmLauncher(slurm, 1, { warningSeconds: 58 }),
  });
  const id = await createExperiment(c, longTrial, SYNTHETIC_DIR);
  expect(await waitForEnd(c, id, 80)).toBe("COMPLETED");
  const [t] = await trialDetails(c, id);
  expect(t!.restarts).toBe(0);
  const cut = t!.allocations.slice(0, -1);
  expect(cut.length).toBeGreaterThanOrEqual(1);
  for (const a of cut) {
    // It stopped by itself, cleanly, after checkpointing.
    expect([a.exitCode, a.exitReason]).toEqual([
      0,
      expect.stringContaining("ended by the cluster: SIGTERM from the cluster"),
    ]);
  }
  expect(t!.allocations.at(-1)!.exitReason).toContain("completed");
  // Each run went on from the step the previous one stopped at: nothing trained twice.
  const training = await metricsOf(c, t!.id, "training");
  expect(training.map((m) => m.stepsCompleted)).toEqual(
    Array.from({ length: LENGTH / UNIT }, (_, i) => UNIT * (i + 1)),
  );
  const logs = await logsOf(c, t!.id);
  for (const a of cut) {
    const stoppedAt = Math.max(
      ...training.filter((m) => m.runId === a.runId).map((m) => m.stepsCompleted),
    );
    expect(logs).toContain(`restored the model at batch ${stoppedAt}`);
  }
}, 90_000);
