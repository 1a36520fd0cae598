/**
 * Pause and activate of a search whose trials are Slurm jobs: paused, every
 * running trial checkpoints, acknowledges and its job ends cleanly; activated,
 * each resumes in a new job from the checkpoint it took as it stopped, and
 * the search ends exactly as the same search (same seed) on the local
 * launcher.
 */
import { expect, test } from "vitest";
import { slurmClusterForFile } from "../support/slurm-cluster.js";
import { SYNTHETIC_DIR } from "./support/build.js";
import {
  checkpointsOf,
  clustersClosedAfterEach,
  createExperiment,
  metricsOf,
  pauseUntilStopped,
  searchResult,
  trialDetails,
  waitFor,
  waitForEnd,
} from "./support/cluster.js";
import { syntheticConfig, syntheticRandomSearch, withChanges } from "./support/configs.js";
import { slurmLauncher } from "./support/slurm.js";

const slurm = slurmClusterForFile();
const startCluster = clustersClosedAfterEach();

/** Two trials of 320 batches of 15 ms side by side, a report every 5 batches. */
const search = withChanges(
  syntheticRandomSearch("slurm-paused", { trials: 2, concurrent: 2, length: 320 }),
  {
    hyperparameters: {
      ...(syntheticConfig("adaptive.yaml").hyperparameters as object),
      sleep_ms: 15,
    },
  },
);

test("a search paused on Slurm stops its jobs cleanly and, activated, resumes from the checkpoints and ends as on the local launcher", async () => {
  const [c, local] = await Promise.all([
    startCluster({ slots: 2, launcher: slurmLauncher(slurm, 2) }),
    startCluster({ slots: 2 }),
  ]);
  const baseline = await createExperiment(local, search, SYNTHETIC_DIR);
  const id = await createExperiment(c, search, SYNTHETIC_DIR);
  await waitFor("both trials under way", async () => {
    const trials = await trialDetails(c, id);
    return trials.length === 2 && trials.every((t) => t.running && t.lengthTrained >= 20)
      ? trials
      : null;
  });
  const stopped = await pauseUntilStopped(c, id);
  const atPause = [];
  for (const t of stopped) {
    const last = t.allocations.at(-1)!;
    expect([t.state, last.exitCode]).toEqual(["PAUSED", 0]);
    expect(last.exitReason).toMatch(
      /^preempted \((exit code 0|its process asked for the next trial)\)$/,
    );
    // It checkpointed where it stopped: nothing it trained is lost.
    const trained = Math.max(
      ...(await metricsOf(c, t.id, "training")).map((m) => m.stepsCompleted),
    );
    const checkpoint = (await checkpointsOf(c, t.id)).find((k) => k.uuid === t.latestCheckpoint);
    expect(checkpoint?.stepsCompleted).toBe(trained);
    atPause.push({ trialId: t.id, runId: last.runId, checkpointStep: trained });
  }

  await c.api("POST", `/experiments/${id}/activate`, {});
  expect(await waitForEnd(c, id, 60)).toBe("COMPLETED");
  expect(await waitForEnd(local, baseline, 60)).toBe("COMPLETED");
  for (const p of atPause) {
    const next = (await metricsOf(c, p.trialId, "training")).filter((m) => m.runId > p.runId);
    expect(Math.min(...next.map((m) => m.stepsCompleted))).toBe(p.checkpointStep + 5);
  }
  expect(await searchResult(c, id)).toEqual(await searchResult(local, baseline));
}, 60_000);
