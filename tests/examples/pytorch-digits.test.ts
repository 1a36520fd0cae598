/**
 * examples/pytorch-digits as a user runs it: `python3 train.py` off the
 * cluster, and its adaptive ASHA search on a real master whose trials are
 * /usr/bin/python3 processes training a PyTorch network with the Trainer,
 * trial after trial (`pushtune.trials()`).
 */
import { expect, test } from "vitest";
import { clustersClosedAfterEach } from "../e2e/support/cluster.js";
import { dryRun, expectExampleSearch } from "./support/python-example.js";

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
  await expectExampleSearch(await startCluster({ slots: 2 }), EXAMPLE);
}, 180_000);
