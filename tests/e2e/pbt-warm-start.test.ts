/**
 * Population-based training on a real master with real trial processes, one
 * Trainer in each SDK: every trial that replaces another starts from its
 * parent's checkpoint taken at the end of the round it was judged on, and
 * trains on from there with its own, explored, hyperparameters.
 */
import { resolve } from "node:path";
import { expect, test } from "vitest";
import type { TrialDetail } from "../../src/protocol/api/resources.js";
import { PYTHON, PYTHON_DIR } from "../python/interpreter.js";
import {
  clustersClosedAfterEach,
  createExperiment,
  metricsOf,
  trialDetails,
  waitForEnd,
} from "./support/cluster.js";

const FIXTURES = resolve(import.meta.dirname, "fixtures");
const startCluster = clustersClosedAfterEach();

const ROUND = 20;

function pbtExperiment(entrypoint: string, environment: Record<string, string> = {}) {
  return {
    name: "pbt-warm-start",
    entrypoint,
    hyperparameters: { lr: { type: "double", minval: 0.01, maxval: 0.1 } },
    searcher: {
      name: "pbt",
      metric: "validation_loss",
      population_size: 4,
      num_rounds: 3,
      length_per_round: { batches: ROUND },
      replace_function: { truncate_fraction: 0.25 },
      explore_function: { resample_probability: 0, perturb_factor: 0.2 },
    },
    scheduling_unit: 10,
    // Nothing but the end of each round (and of each trial) is checkpointed.
    checkpoint_policy: "none",
    reproducibility: { experiment_seed: 11 },
    environment: { variables: environment },
  };
}

async function expectWarmStarts(
  cluster: Awaited<ReturnType<typeof startCluster>>,
  id: number,
): Promise<void> {
  expect(await waitForEnd(cluster, id, 150)).toBe("COMPLETED");
  const trials = await trialDetails(cluster, id);
  // Four trials, then one replacement after each of the two rounds that are followed by another.
  expect(trials.map((t) => t.requestId)).toEqual([1, 2, 3, 4, 5, 6]);
  const byId = new Map<number, TrialDetail>(trials.map((t) => [t.id, t]));
  const children = trials.filter((t) => t.parentTrialId !== null);
  expect(children.map((t) => t.requestId)).toEqual([5, 6]);
  for (const t of trials.slice(0, 4)) expect(t.warmStartCheckpoint).toBeNull();

  for (const [round, child] of children.entries()) {
    const reached = (round + 1) * ROUND;
    const parent = byId.get(child.parentTrialId!)!;
    // The checkpoint it started from is its parent's, taken where the round was judged.
    const start = await cluster.store.getCheckpoint(child.warmStartCheckpoint!);
    expect(start).toMatchObject({ trialId: parent.id, stepsCompleted: reached });

    const validations = await metricsOf(cluster, child.id, "validation");
    expect(validations.map((v) => v.stepsCompleted)).toEqual(
      [2, 3].slice(round).map((r) => r * ROUND),
    );
    const first = validations[0]!.metrics;
    // What the child's process restored came from the parent, at the round's end ...
    expect(first.restored_from).toBe(parent.id);
    expect(first.restored_at).toBe(reached);
    // ... and it trained on with its own lr: the parent's, perturbed by ±20%.
    const lr = child.hparams.lr as number;
    expect(first.lr_in_use).toBeCloseTo(lr, 12);
    const parentLr = parent.hparams.lr as number;
    const perturbed = [parentLr * 0.8, parentLr * 1.2].map((v) => Math.min(0.1, Math.max(0.01, v)));
    expect(perturbed.some((v) => Math.abs(v - lr) < 1e-12)).toBe(true);
    // The weight it inherited is the parent's at the checkpoint, moved by ROUND of its own batches.
    const parentAt = (await metricsOf(cluster, parent.id, "validation")).find(
      (v) => v.stepsCompleted === reached,
    )!.metrics;
    expect(first.weight as number).toBeCloseTo((parentAt.weight as number) + ROUND * lr, 9);
    // It never trained the batches it inherited.
    const training = await metricsOf(cluster, child.id, "training");
    expect(Math.min(...training.map((m) => m.stepsCompleted))).toBeGreaterThan(reached);
  }
}

test("a TypeScript Trainer replacing a trial starts from its parent's checkpoint with its own hyperparameters", async () => {
  const cluster = await startCluster({ slots: 4 });
  const id = await createExperiment(
    cluster,
    pbtExperiment(`node ${resolve(FIXTURES, "pbt-trainer.mjs")}`),
    FIXTURES,
  );
  await expectWarmStarts(cluster, id);
}, 180_000);

test("a Python Trainer replacing a trial starts from its parent's checkpoint with its own hyperparameters", async () => {
  const cluster = await startCluster({ slots: 4 });
  const id = await createExperiment(
    cluster,
    pbtExperiment(`${PYTHON} ${resolve(FIXTURES, "pbt_trainer.py")}`, { PYTHONPATH: PYTHON_DIR }),
    FIXTURES,
  );
  await expectWarmStarts(cluster, id);
}, 180_000);
