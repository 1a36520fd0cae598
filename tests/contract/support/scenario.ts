/**
 * What every contract scenario does: one master per test file, shared by the
 * scenario's runs for each SDK (run concurrently), and an experiment of the
 * contract trial with short lengths, whose scenario knobs are hyperparameters
 * (see `trials/contract-trial.mjs`).
 */
import { afterAll, beforeAll, expect } from "vitest";
import {
  type Cluster,
  createExperiment,
  experiment,
  logsOf,
  pauseUntilStopped,
  startCluster,
  trialDetails,
  waitFor,
  waitForEnd,
} from "../../e2e/support/cluster.js";
import { batches } from "../../e2e/support/configs.js";
import { type Sdk, TRIALS_DIR } from "./sdks.js";

/** Each scenario takes a few seconds; a machine busy with other tests may take many times that. */
export const SCENARIO_TIMEOUT_MS = 120_000;

/** One master for the test file; its tests run their experiments side by side. */
export function sharedCluster(slots = 6): () => Cluster {
  let cluster: Cluster | undefined;
  beforeAll(async () => {
    cluster = await startCluster({ slots });
  });
  afterAll(async () => {
    await cluster?.close();
  });
  return () => {
    if (!cluster) throw new Error("the cluster did not start");
    return cluster;
  };
}

export interface Scenario {
  name: string;
  hyperparameters: Record<string, unknown>;
  /** Merged into a `single` search of 30 batches. */
  searcher?: Record<string, unknown>;
  variables?: Record<string, string>;
  /** Other top-level fields. */
  config?: Record<string, unknown>;
}

/**
 * Training metrics every 5 steps, a validation and a checkpoint every 10, no
 * restart allowed unless the scenario asks for some.
 */
export function contractConfig(sdk: Sdk, s: Scenario): Record<string, unknown> {
  return {
    name: `contract-${s.name}-${sdk.name}`,
    entrypoint: sdk.entrypoint,
    hyperparameters: s.hyperparameters,
    searcher: {
      name: "single",
      metric: "validation_loss",
      smaller_is_better: true,
      max_length: batches(30),
      ...s.searcher,
    },
    scheduling_unit: 5,
    min_validation_period: batches(10),
    min_checkpoint_period: batches(10),
    max_restarts: 0,
    reproducibility: { experiment_seed: 7 },
    environment: { variables: { ...sdk.variables, ...s.variables } },
    ...s.config,
  };
}

/**
 * Runs the scenario's experiment, doing `meanwhile` with it as it runs, and
 * waits until it has completed; returns its id.
 */
export async function runToCompletion(
  c: Cluster,
  sdk: Sdk,
  s: Scenario,
  meanwhile: (id: number) => Promise<void> = async () => {},
): Promise<number> {
  const id = await createExperiment(c, contractConfig(sdk, s), TRIALS_DIR);
  await meanwhile(id);
  expect(await waitForEnd(c, id)).toBe("COMPLETED");
  return id;
}

/** Waits until `count` trials of the experiment hold (the `hold_at` hyperparameter). */
async function waitForHolds(c: Cluster, id: number, count: number): Promise<void> {
  await waitFor(
    `${count} trials holding`,
    async () => {
      let holding = 0;
      for (const t of await trialDetails(c, id)) {
        if ((await logsOf(c, t.id)).some((l) => l.startsWith("holding at step"))) holding += 1;
      }
      return holding >= count ? true : null;
    },
    60,
    100,
  );
}

/**
 * Once `holding` trials hold, pauses the experiment and, once none of its
 * trials runs, activates it again. Returns what the experiment and each
 * trial were while paused: the state, and per trial its state, the length
 * its progress reports reached, its restarts and the exit reasons of its runs.
 */
export async function pauseAndActivate(c: Cluster, id: number, holding: number) {
  await waitForHolds(c, id, holding);
  const trials = await pauseUntilStopped(c, id);
  const paused = {
    state: (await experiment(c, id)).state,
    trials: trials.map((t) => [
      t.state,
      t.lengthTrained,
      t.restarts,
      t.allocations.map((a) => a.exitReason),
    ]),
  };
  await c.api("POST", `/experiments/${id}/activate`, {});
  return paused;
}
