/**
 * A master whose trials are Slurm jobs on a real cluster of one: the
 * synthetic example runs a random search to COMPLETED, one job per slot
 * taking trial after trial, each trial's logs its own.
 */
import { join } from "node:path";
import { expect, test } from "vitest";
import { SlurmLauncher } from "../../src/master/launcher/slurm/slurm-launcher.js";
import { slurmClusterForFile } from "../support/slurm-cluster.js";
import { SYNTHETIC_DIR } from "./support/build.js";
import {
  clustersClosedAfterEach,
  createExperiment,
  logsOf,
  processesOf,
  trialDetails,
  waitForEnd,
} from "./support/cluster.js";
import { syntheticRandomSearch, withLongConfig } from "./support/configs.js";

const slurm = slurmClusterForFile();
const startCluster = clustersClosedAfterEach();

const randomSearch = syntheticRandomSearch("slurm-random", {
  trials: 3,
  concurrent: 2,
  length: 30,
});

/** A master of 2 slots whose trials are Slurm jobs on the test cluster. */
const startSlurmMaster = () =>
  startCluster({
    slots: 2,
    launcher: (dataDir) =>
      new SlurmLauncher({
        slots: 2,
        jobsDir: join(dataDir, "slurm-jobs"),
        runCommand: slurm().runCommand,
      }),
  });

test("the synthetic example's search runs to COMPLETED as Slurm jobs", async () => {
  const c = await startSlurmMaster();
  const id = await createExperiment(c, randomSearch, SYNTHETIC_DIR);
  expect(await waitForEnd(c, id)).toBe("COMPLETED");
  const trials = await trialDetails(c, id);
  expect(trials).toHaveLength(3);
  // At most one job per slot: a job that finished its trial took the next one.
  expect((await processesOf(c, id)).size).toBeLessThanOrEqual(2);
  for (const t of trials) {
    expect(t.state).toBe("COMPLETED");
    expect(t.restarts).toBe(0);
    const ends = (await logsOf(c, t.id)).filter((l) => /^pushtune: trial \d+ /.test(l));
    expect(ends).toEqual([`pushtune: trial ${t.id} completed after 30 batches`]);
  }
}, 60_000);

test("a search whose config is too long for a job's environment runs to COMPLETED: its trials read it from the master", async () => {
  const c = await startSlurmMaster();
  const id = await createExperiment(c, withLongConfig(randomSearch), SYNTHETIC_DIR);
  expect(await waitForEnd(c, id)).toBe("COMPLETED");
  for (const t of await trialDetails(c, id))
    expect([t.state, t.restarts]).toEqual(["COMPLETED", 0]);
}, 60_000);
