/**
 * A trial whose Slurm job the cluster preempts is not at fault: the master
 * runs it again from its latest checkpoint without counting a restart, and
 * it completes.
 */
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { expect, test } from "vitest";
import { SlurmLauncher } from "../../src/master/launcher/slurm/slurm-launcher.js";
import { slurmClusterForFile } from "../support/slurm-cluster.js";
import { SYNTHETIC_DIR } from "./support/build.js";
import {
  clustersClosedAfterEach,
  createExperiment,
  trialDetails,
  waitFor,
  waitForEnd,
} from "./support/cluster.js";
import { syntheticConfig, withChanges } from "./support/configs.js";

const slurm = slurmClusterForFile();
const startCluster = clustersClosedAfterEach();

/** A trial that takes the whole node, in the partition that jobs of "high" preempt. */
const cpus = availableParallelism();
const preemptible = withChanges(syntheticConfig("const.yaml"), {
  name: "slurm-preempted",
  hyperparameters: { lr: 0.01, hidden: 128, optimizer: "adam", sleep_ms: 20 },
  resources: { slots_per_trial: cpus, slurm: { partition: "low" } },
});

test("a trial whose job the cluster preempts resumes from its checkpoint, no restart counted", async () => {
  const c = await startCluster({
    slots: cpus,
    launcher: (dataDir) =>
      new SlurmLauncher({
        slots: cpus,
        jobsDir: join(dataDir, "slurm-jobs"),
        runCommand: slurm().runCommand,
      }),
  });
  const id = await createExperiment(c, preemptible, SYNTHETIC_DIR);
  await waitFor("a checkpoint", async () => {
    const [t] = await trialDetails(c, id);
    return t?.latestCheckpoint ? t : null;
  });
  await slurm().preemptLow();
  expect(await waitForEnd(c, id, 60)).toBe("COMPLETED");
  const [t] = await trialDetails(c, id);
  expect(t!.restarts).toBe(0);
  expect(t!.allocations.map((a) => a.exitReason)).toEqual([
    expect.stringContaining("ended by the cluster: PREEMPTED"),
    expect.stringContaining("completed"),
  ]);
}, 60_000);
