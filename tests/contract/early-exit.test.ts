/**
 * Early exit: a trial whose hyperparameters cannot work (scale 0) reports
 * INVALID_HP before it trains and exits 0: it ends with that reason, no
 * restart, no op completed and nothing stored; its sibling trains as usual.
 */
import { describe, expect, test } from "vitest";
import { COMPLETED, contractRows, type ExperimentRows, expectedTrial } from "./support/rows.js";
import { runToCompletion, SCENARIO_TIMEOUT_MS, sharedCluster } from "./support/scenario.js";
import { SDKS } from "./support/sdks.js";

const cluster = sharedCluster();

const scenario = {
  name: "early-exit",
  hyperparameters: { scale: { type: "categorical", vals: [0, 3] } },
  searcher: { name: "grid", max_concurrent_trials: 2 },
};

const expected: ExperimentRows = {
  state: "COMPLETED",
  trials: [
    expectedTrial({
      hparams: { scale: 0 },
      endReason: "early exit: INVALID_HP",
      lengthTrained: 0,
      ops: [],
      runs: ["exitedEarly (exit code 0)"],
      training: {},
      validation: {},
      checkpoints: {},
    }),
    expectedTrial({
      hparams: { scale: 3 },
      lengthTrained: 30,
      ops: [30],
      runs: [COMPLETED],
      training: { 1: [5, 10, 15, 20, 25, 30] },
      validation: { 1: [10, 20, 30] },
      checkpoints: { 1: [10, 20, 30] },
    }),
  ],
};

describe.concurrent.each(SDKS)("%s trial", (_, sdk) => {
  test(
    "a trial that exits early with INVALID_HP ends with that reason and stores nothing",
    async () => {
      const id = await runToCompletion(cluster(), sdk, scenario);
      expect(await contractRows(cluster(), id)).toEqual(expected);
    },
    SCENARIO_TIMEOUT_MS,
  );
});
