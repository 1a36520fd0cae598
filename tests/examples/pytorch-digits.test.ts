/**
 * examples/pytorch-digits as a user runs it: `python3 train.py` off the
 * cluster, and its adaptive ASHA search on a real master whose trials are
 * /usr/bin/python3 processes training a PyTorch network with the Trainer,
 * trial after trial (`pushtune.trials()`).
 */
import { expect, test } from "vitest";
import {
  clustersClosedAfterEach,
  createExperiment,
  logsOf,
  processesOf,
  trialDetails,
  waitForEnd,
} from "../e2e/support/cluster.js";
import { expectPlannedRungs } from "../e2e/support/search-checks.js";
import { dryRun, exampleConfig, exampleDir, processesEnded } from "./support/python-example.js";

const EXAMPLE = "pytorch-digits";
const startCluster = clustersClosedAfterEach();

test("off the cluster, `python3 train.py` trains one trial and prints its validation accuracy", async () => {
  const stdout = await dryRun(EXAMPLE, ["--batches", "200"]);
  expect(stdout).toContain("[dry run] PUSHTUNE_MASTER is not set: one operation of 200 batches");
  expect(stdout).toContain("[dry run] operation 200 completed");
  const m = /pytorch-digits: completed after 200 batches; validation accuracy (0\.\d+)/.exec(
    stdout,
  );
  expect(m, stdout).not.toBeNull();
  expect(Number(m![1])).toBeGreaterThan(0.85);
});

test("experiment.yaml on a real master: its adaptive ASHA search of 24 trials trains the planned rungs and finds a model far above chance", async () => {
  const cluster = await startCluster({ slots: 2 });
  const id = await createExperiment(cluster, exampleConfig(EXAMPLE), exampleDir(EXAMPLE));
  const state = await waitForEnd(cluster, id, 150);
  const trials = await trialDetails(cluster, id);
  const failed = trials.find((t) => t.state !== "COMPLETED");
  expect(state, failed && (await logsOf(cluster, failed.id)).join("\n")).toBe("COMPLETED");
  const validations = await expectPlannedRungs(cluster, id);
  expect(Math.min(...validations.values())).toBeLessThan(0.3); // chance is ln 10 ≈ 2.3
  // The trials ran trial after trial in a few processes, not one process per trial.
  expect((await processesOf(cluster, id)).size).toBeLessThan(trials.length);
  for (const a of await processesEnded(cluster, id)) expect(a.exitCode, a.exitReason!).toBe(0);
}, 180_000);
