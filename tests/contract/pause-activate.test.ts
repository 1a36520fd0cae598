/**
 * Pause and activate: pausing an experiment stops every trial it runs (one
 * held before its first step, one at step 7): the experiment and its trials
 * are PAUSED and nothing runs. Activated, each trial starts again from what
 * it had checkpointed when it stopped (nothing, so from the beginning; step
 * 7) and the search ends with no restart counted.
 */
import { describe, expect, test } from "vitest";
import { batches } from "../e2e/support/configs.js";
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

const scenario = {
  name: "pause-activate",
  hyperparameters: { scale: 2, hold_at: { type: "categorical", vals: [0, 7] } },
  searcher: { name: "grid", max_length: batches(20), max_concurrent_trials: 2 },
};

const expected: ExperimentRows = {
  state: "COMPLETED",
  trials: [
    expectedTrial({
      hparams: { scale: 2, hold_at: 0 },
      lengthTrained: 20,
      ops: [20],
      runs: [PREEMPTED, COMPLETED],
      acknowledged: [1],
      training: { 2: [5, 10, 15, 20] },
      validation: { 2: [10, 20] },
      checkpoints: { 2: [10, 20] },
    }),
    expectedTrial({
      hparams: { scale: 2, hold_at: 7 },
      lengthTrained: 20,
      ops: [20],
      runs: [PREEMPTED, COMPLETED],
      acknowledged: [1],
      training: { 1: [5], 2: [10, 15, 20] },
      validation: { 2: [10, 20] },
      checkpoints: { 1: [7], 2: [10, 20] },
      resumedAt: [7],
    }),
  ],
};

describe.concurrent.each(SDKS)("%s trial", (_, sdk) => {
  test(
    "a paused experiment stops its trials, and activated, each resumes from what it checkpointed and finishes",
    async () => {
      let paused: unknown;
      const id = await runToCompletion(cluster(), sdk, scenario, async (id) => {
        paused = await pauseAndActivate(cluster(), id, 2);
      });
      expect(paused).toEqual({
        state: "PAUSED",
        trials: [
          ["PAUSED", 0, 0, [PREEMPTED]],
          ["PAUSED", 5, 0, [PREEMPTED]],
        ],
      });
      expect(await contractRows(cluster(), id)).toEqual(expected);
    },
    SCENARIO_TIMEOUT_MS,
  );
});
