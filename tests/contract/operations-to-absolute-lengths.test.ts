/**
 * Operations to absolute lengths: in an async_halving search (two trials,
 * rungs at 10 and 20 batches), each trial trains to each op's absolute
 * length, reports progress, training and validation metrics on the way and
 * completes the op with the validation at its length; the better trial is
 * promoted and trains on from 10 to 20 without starting over.
 *
 * Run one trial at a time, the first trial completes its rung and waits for a
 * promotion; the second needs its slot, so the master tells the first to
 * stop. It acknowledges and exits 0 (its checkpoint at 10 is already there),
 * and is closed without running again; no restart is counted.
 */
import { describe, expect, test } from "vitest";
import { batches } from "../e2e/support/configs.js";
import { COMPLETED, contractRows, type ExperimentRows, expectedTrial } from "./support/rows.js";
import { runToCompletion, SCENARIO_TIMEOUT_MS, sharedCluster } from "./support/scenario.js";
import { SDKS } from "./support/sdks.js";

const cluster = sharedCluster();

const search = (concurrentTrials: number) => ({
  name: `absolute-lengths-${concurrentTrials}`,
  hyperparameters: { scale: { type: "int", minval: 1, maxval: 9 } },
  searcher: {
    name: "async_halving",
    max_length: batches(20),
    max_trials: 2,
    max_concurrent_trials: concurrentTrials,
    num_rungs: 2,
    divisor: 2,
  },
});

/**
 * The stopped trial's run: the second trial starts as soon as the first is
 * told to stop, so the first's exit is read as a preemption, or, when the
 * second's result closed the first before its process was gone, as the end
 * of a trial with nothing left to do.
 */
const STOPPED_WAITING = expect.stringMatching(/^(preempted|completed) \(exit code 0\)$/);

// The seed draws scale 6 and scale 2; the smaller loss (scale 2) is promoted.
const rows = (notPromoted: { runs: string[]; acknowledged: number[] }): ExperimentRows => ({
  state: "COMPLETED",
  trials: [
    expectedTrial({
      hparams: { scale: 6 },
      lengthTrained: 10,
      ops: [10],
      ...notPromoted,
      training: { 1: [5, 10] },
      validation: { 1: [10] },
      checkpoints: { 1: [10] },
    }),
    expectedTrial({
      hparams: { scale: 2 },
      lengthTrained: 20,
      ops: [10, 20],
      runs: [COMPLETED],
      training: { 1: [5, 10, 15, 20] },
      validation: { 1: [10, 20] },
      checkpoints: { 1: [10, 20] },
    }),
  ],
});

describe.concurrent.each(SDKS)("%s trial", (_, sdk) => {
  test(
    "a trial trains to each operation's absolute length, reports its progress and metrics, and completes each op",
    async () => {
      const id = await runToCompletion(cluster(), sdk, search(2));
      expect(await contractRows(cluster(), id)).toEqual(
        rows({ runs: [COMPLETED], acknowledged: [] }),
      );
    },
    SCENARIO_TIMEOUT_MS,
  );

  test(
    "a trial waiting for a promotion gives its slot up when another trial needs it",
    async () => {
      const id = await runToCompletion(cluster(), sdk, search(1));
      expect(await contractRows(cluster(), id)).toEqual(
        rows({ runs: [STOPPED_WAITING], acknowledged: [1] }),
      );
    },
    SCENARIO_TIMEOUT_MS,
  );
});
