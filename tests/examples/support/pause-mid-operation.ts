/**
 * A one-trial experiment paused in the middle of its operation and activated
 * again, beside the same experiment run without a pause: the checks every
 * example's resume shares.
 */
import { expect } from "vitest";
import {
  type Cluster,
  checkpointsOf,
  createExperiment,
  metricsOf,
  pauseUntilStopped,
  trialDetails,
  waitFor,
  waitForEnd,
} from "../../e2e/support/cluster.js";
import { type ConfigInput, withChanges } from "../../e2e/support/configs.js";

/** An example's adaptive ASHA config turned into one trial of `length` batches, with `changes`. */
export function oneTrialOf(
  config: ConfigInput,
  length: number,
  changes: Record<string, unknown>,
): ConfigInput {
  return withChanges(config, {
    ...changes,
    searcher: {
      name: "single",
      max_length: { batches: length },
      max_trials: undefined,
      mode: undefined,
      divisor: undefined,
      max_rungs: undefined,
    },
  });
}

/** Waits until the one trial of experiment `id` runs and has reported progress; returns it. */
export function midOperation(c: Cluster, id: number) {
  return waitFor(
    "the trial in the middle of its operation",
    async () => {
      const [t] = await trialDetails(c, id);
      return t?.running && t.lengthTrained > 0 ? t : null;
    },
    90,
    20,
  );
}

/**
 * Runs `config` (one trial of `length` batches, in `workdir`) twice on `c`:
 * one is paused once its trial has reported progress, then activated. Checks
 * that the paused trial exited 0, checkpointed where it stopped (inside its
 * operation), and ran again, once, to the end; both experiments complete.
 * Returns the paused trial, the straight one, and where the pause caught it.
 */
export async function pauseMidOperation(
  c: Cluster,
  config: ConfigInput,
  workdir: string,
  length: number,
) {
  const baseline = await createExperiment(c, config, workdir);
  const id = await createExperiment(c, config, workdir);
  await midOperation(c, id);
  const [stopped] = await pauseUntilStopped(c, id, 30, 20);
  expect([stopped!.state, stopped!.allocations.at(-1)!.exitCode]).toEqual(["PAUSED", 0]);
  const pausedAt = Math.max(
    ...(await metricsOf(c, stopped!.id, "training")).map((m) => m.stepsCompleted),
  );
  const checkpoint = (await checkpointsOf(c, stopped!.id)).find(
    (k) => k.uuid === stopped!.latestCheckpoint,
  )!;
  // It checkpointed where it stopped, in the middle of the operation.
  expect(checkpoint.stepsCompleted).toBe(pausedAt);
  expect(pausedAt).toBeGreaterThan(0);
  expect(pausedAt).toBeLessThan(length);

  await c.api("POST", `/experiments/${id}/activate`, {});
  expect(await waitForEnd(c, id, 120)).toBe("COMPLETED");
  expect(await waitForEnd(c, baseline, 120)).toBe("COMPLETED");
  const [resumed] = await trialDetails(c, id);
  const [straight] = await trialDetails(c, baseline);
  expect(resumed!.allocations).toHaveLength(2);
  return { resumed: resumed!, straight: straight!, pausedAt };
}

/** The trial's validation metrics at `step`. */
export async function validationAtStep(c: Cluster, trialId: number, step: number) {
  return (await metricsOf(c, trialId, "validation")).find((m) => m.stepsCompleted === step)!
    .metrics;
}
