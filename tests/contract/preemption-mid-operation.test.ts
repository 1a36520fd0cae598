/**
 * Preemption in the middle of an operation: the experiment is paused while
 * its trial trains (held at step 13, between its checkpoints at 10 and 20).
 * The trial checkpoints where it is, acknowledges and exits 0; activated, it
 * resumes from that checkpoint, trains the rest of the op and completes it.
 * A preemption is no failure: no restart is counted.
 */
import { describe, expect, test } from "vitest";
import {
  COMPLETED,
  contractRows,
  type ExperimentRows,
  expectedTrial,
  PREEMPTED,
} from "./support/rows.js";
import {
  pauseAndActivate,
  runToCompletion,
  SCENARIO_TIMEOUT_MS,
  sharedCluster,
} from "./support/scenario.js";
import { SDKS } from "./support/sdks.js";

const cluster = sharedCluster();

const scenario = { name: "preemption", hyperparameters: { scale: 3, hold_at: 13 } };

const expected: ExperimentRows = {
  state: "COMPLETED",
  trials: [
    expectedTrial({
      hparams: scenario.hyperparameters,
      lengthTrained: 30,
      ops: [30],
      runs: [PREEMPTED, COMPLETED],
      acknowledged: [1],
      training: { 1: [5, 10], 2: [15, 20, 25, 30] },
      validation: { 1: [10], 2: [20, 30] },
      checkpoints: { 1: [10, 13], 2: [20, 30] },
      resumedAt: [13],
    }),
  ],
};

describe.concurrent.each(SDKS)("%s trial", (_, sdk) => {
  test(
    "a trial preempted in the middle of an operation checkpoints, acknowledges, exits and later finishes from that checkpoint",
    async () => {
      let paused: unknown;
      const id = await runToCompletion(cluster(), sdk, scenario, async (id) => {
        paused = await pauseAndActivate(cluster(), id, 1);
      });
      expect(paused).toEqual({ state: "PAUSED", trials: [["PAUSED", 10, 0, [PREEMPTED]]] });
      expect(await contractRows(cluster(), id)).toEqual(expected);
    },
    SCENARIO_TIMEOUT_MS,
  );
});
