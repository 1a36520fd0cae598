/**
 * examples/synthetic/adaptive.yaml as a user would run it: 16 trials of
 * adaptive ASHA as real processes on a real master (SQLite). The trials train
 * exactly the lengths the searcher plans, and after the experiment ends the
 * checkpoints left (rows and files) are those the keep policy names.
 */
import { expect, test } from "vitest";
import { SYNTHETIC_DIR } from "./support/build.js";
import { clustersClosedAfterEach, createExperiment, waitForEnd } from "./support/cluster.js";
import { syntheticConfig } from "./support/configs.js";
import { expectCheckpointsKeptByPolicy, expectPlannedRungs } from "./support/search-checks.js";

const startCluster = clustersClosedAfterEach();

test("an adaptive ASHA search of 16 synthetic trials trains the planned rungs and keeps the checkpoints its policy names", async () => {
  const cluster = await startCluster({ slots: 4 });
  const id = await createExperiment(cluster, syntheticConfig("adaptive.yaml"), SYNTHETIC_DIR);
  expect(await waitForEnd(cluster, id, 150)).toBe("COMPLETED");
  const validations = await expectPlannedRungs(cluster, id);
  await expectCheckpointsKeptByPolicy(cluster, id, validations);
}, 180_000);
