/**
 * A REST-only trial that follows nothing but the operation loop (it never
 * polls the preemption signal) is told in its operation answer when ASHA
 * wants its slot for another trial, gives the slot up, and the search ends.
 * Before the operation answer carried preemption, such trials kept their
 * slots until the preemption timeout: with 600 s here, the search would stall.
 */
import { tmpdir } from "node:os";
import { resolve } from "node:path";
import { expect, test } from "vitest";
import {
  clustersClosedAfterEach,
  createExperiment,
  trialDetails,
  waitForEnd,
} from "./support/cluster.js";

const startCluster = clustersClosedAfterEach();
const TRIAL = resolve(import.meta.dirname, "fixtures/operation-loop-trial.mjs");

test("an async_halving search of 24 operation-loop trials on 2 slots finishes", async () => {
  const c = await startCluster({ slots: 2 });
  const id = await createExperiment(
    c,
    {
      name: "operation-loop-only",
      entrypoint: `node ${TRIAL}`,
      hyperparameters: { lr: { type: "log", minval: -4, maxval: -1, base: 10 } },
      searcher: {
        name: "async_halving",
        metric: "validation_loss",
        max_length: { batches: 900 },
        num_rungs: 3,
        divisor: 3,
        max_trials: 24,
        max_concurrent_trials: 2,
      },
      preemption_timeout: 600,
      reproducibility: { experiment_seed: 7 },
    },
    tmpdir(),
  );
  expect(await waitForEnd(c, id, 150)).toBe("COMPLETED");
  const trials = await trialDetails(c, id);
  expect(trials).toHaveLength(24);
  expect(new Set(trials.map((t) => t.state))).toEqual(new Set(["COMPLETED"]));
  // Every trial that gave up its slot did so when asked: none crashed, none was killed.
  expect(trials.map((t) => t.restarts)).toEqual(trials.map(() => 0));
  const allocations = (await Promise.all(trials.map((t) => c.store.listAllocations(t.id)))).flat();
  expect(allocations.some((a) => a.preemptAcked)).toBe(true);
  expect(allocations.every((a) => a.exitCode === 0)).toBe(true);
}, 200_000);
