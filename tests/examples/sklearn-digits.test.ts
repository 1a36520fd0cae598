/**
 * examples/sklearn-digits as a user runs it: `python3 train.py` off the
 * cluster, a resume from one of its pickled checkpoints, and its adaptive ASHA
 * search on a real master whose trials are /usr/bin/python3 processes running
 * trial after trial (`pushtune.trials()`), and the same search with
 * `rest_train.py`, the same trial written against the REST API alone.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, expect, test } from "vitest";
import {
  type Cluster,
  clustersClosedAfterEach,
  logsOf,
  metricsOf,
  trialDetails,
} from "../e2e/support/cluster.js";
import { PYTHON } from "../python/interpreter.js";
import { checkpointAt, validationAt } from "./support/dry-run-output.js";
import { dryRun, exampleConfig, expectExampleSearch } from "./support/python-example.js";

const EXAMPLE = "sklearn-digits";
const startCluster = clustersClosedAfterEach();
const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

test("off the cluster, `python3 train.py` trains one trial and prints its validation accuracy", async () => {
  const stdout = await dryRun(EXAMPLE, ["--epochs", "20"]);
  expect(stdout).toContain("[dry run] PUSHTUNE_MASTER is not set: one operation of 20 batches");
  expect(stdout).toContain("[dry run] operation 20 completed");
  const m = /sklearn-digits: completed after 20 epochs; validation accuracy (0\.\d+)/.exec(stdout);
  expect(m, stdout).not.toBeNull();
  expect(Number(m![1])).toBeGreaterThan(0.9);
});

test("a trial resumed from a pickled checkpoint trains on to the same model as one that never stopped", async () => {
  const dir = await mkdtemp(join(tmpdir(), "pushtune-sklearn-resume-"));
  dirs.push(dir);
  const args = ["--epochs", "20", "--checkpoint-every", "10"];
  const straight = await dryRun(EXAMPLE, args, { PUSHTUNE_CHECKPOINT_DIR: dir });
  const resumed = await dryRun(EXAMPLE, args, {
    PUSHTUNE_CHECKPOINT_DIR: dir,
    PUSHTUNE_LATEST_CHECKPOINT: checkpointAt(straight, 10),
  });
  expect(resumed).toContain("resumed at epoch 10");
  expect(resumed).not.toContain("validation metrics at step 10:");
  // The epochs' order comes from the seed and the epoch, Adam's state is in the pickle:
  // the same float64 arithmetic, to the last bit.
  expect(validationAt(resumed, 20)).toEqual(validationAt(straight, 20));
});

test("experiment.yaml on a real master: its adaptive ASHA search of 24 trials trains the planned rungs and finds a model far above chance", async () => {
  await expectExampleSearch(await startCluster({ slots: 2 }), EXAMPLE);
}, 180_000);

/** Each trial's validation loss by `<request id>:<epoch>`. */
async function validationsByRequest(c: Cluster, id: number): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const t of await trialDetails(c, id)) {
    for (const m of await metricsOf(c, t.id, "validation"))
      out.set(`${t.requestId}:${m.stepsCompleted}`, m.metrics.validation_loss!);
  }
  return out;
}

test("rest_train.py, the trial on the REST API alone (no SDK on its path), runs the same search trial after trial in a few processes, resumes promoted trials from its checkpoints, and validates as train.py's trials do", async () => {
  const c = await startCluster({ slots: 2 });
  const withSdk = await expectExampleSearch(c, EXAMPLE);
  const config = exampleConfig(EXAMPLE);
  const restOnly = await expectExampleSearch(c, EXAMPLE, {
    ...config,
    entrypoint: `${PYTHON} rest_train.py`,
    environment: { variables: { PYTHONUNBUFFERED: "1" } },
  });

  // A trial promoted after it gave its slot up ran again from its checkpoint.
  const trials = await trialDetails(c, restOnly);
  const resumed = trials.filter((t) => t.allocations.length > 1);
  expect(resumed.length).toBeGreaterThan(0);
  const logs = (await logsOf(c, resumed[0]!.id)).join("\n");
  expect(logs).toMatch(/resumed at epoch \d+/);

  // Same hyperparameters, seed and epochs: the same model, to the last bit, at every
  // length both searches validated (every trial's first rung at least).
  const sdk = await validationsByRequest(c, withSdk);
  const rest = await validationsByRequest(c, restOnly);
  const both = [...rest.keys()].filter((k) => sdk.has(k));
  expect(both.length).toBeGreaterThanOrEqual(trials.length);
  for (const k of both) expect(rest.get(k), k).toBe(sdk.get(k));
}, 300_000);
