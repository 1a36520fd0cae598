/**
 * Crash and resume: a trial that fails with an uncaught error (at step 12,
 * then in its second run at 25) is restarted each time from its latest
 * checkpoint (10, then 20) and trains on from there: no step before the
 * checkpoint is trained again, what a crashed run reported past it is
 * replaced by the next run's reports, and each failure counts a restart.
 */
import { describe, expect, test } from "vitest";
import { COMPLETED, contractRows, type ExperimentRows, expectedTrial } from "./support/rows.js";
import { runToCompletion, SCENARIO_TIMEOUT_MS, sharedCluster } from "./support/scenario.js";
import { SDKS } from "./support/sdks.js";

const cluster = sharedCluster();

const scenario = {
  name: "crash-resume",
  hyperparameters: { scale: 3, raise_at: "1:12,2:25" },
  config: { max_restarts: 2 },
};

const CRASHED = "crashed (exit code 1)";

const expected: ExperimentRows = {
  state: "COMPLETED",
  trials: [
    expectedTrial({
      hparams: scenario.hyperparameters,
      restarts: 2,
      lengthTrained: 30,
      ops: [30],
      runs: [CRASHED, CRASHED, COMPLETED],
      training: { 1: [5, 10], 2: [15, 20], 3: [25, 30] },
      validation: { 1: [10], 2: [20], 3: [30] },
      checkpoints: { 1: [10], 2: [20], 3: [30] },
      resumedAt: [10, 20],
    }),
  ],
};

describe.concurrent.each(SDKS)("%s trial", (_, sdk) => {
  test(
    "a trial that crashes resumes from its latest checkpoint and does not train again what it covers",
    async () => {
      const id = await runToCompletion(cluster(), sdk, scenario);
      expect(await contractRows(cluster(), id)).toEqual(expected);
    },
    SCENARIO_TIMEOUT_MS,
  );
});
