/**
 * A trial that crashes once, at step 20, after its reports there reached the
 * master and before its checkpoint there; its second run resumes from the
 * checkpoint at 10 and finishes. Shared by the scenarios about what a
 * restart leaves behind (metric repeats) and about the run it supersedes
 * (stale allocation).
 */
import { COMPLETED, type ExperimentRows, expectedTrial } from "./rows.js";
import type { Scenario } from "./scenario.js";

export const restartedOnce = {
  name: "restarted-once",
  hyperparameters: { scale: 3, crash_at: "1:20" },
  config: { max_restarts: 1 },
} satisfies Scenario;

export const restartedOnceRows: ExperimentRows = {
  state: "COMPLETED",
  trials: [
    expectedTrial({
      hparams: restartedOnce.hyperparameters,
      restarts: 1,
      lengthTrained: 30,
      ops: [30],
      runs: ["crashed (exit code 3)", COMPLETED],
      training: { 1: [5, 10], 2: [15, 20, 25, 30] },
      validation: { 1: [10], 2: [20, 30] },
      checkpoints: { 1: [10], 2: [20, 30] },
      resumedAt: [10],
    }),
  ],
};
