import { describe, expect, test } from "vitest";
import {
  checkpointKeepPolicyOf,
  checkpointsToKeep,
  type GcCheckpoint,
} from "../../src/master/domain/checkpoint-gc.js";
import type { ExperimentConfig } from "../../src/protocol/config/types.js";

/**
 * Determined's GC table. Trial 1 holds checkpoints 1–5, trial 2 holds 6–10,
 * steps in id order; the validation metric of each (null = none), smaller is
 * better.
 */
const METRICS: Record<string, number | null> = {
  "1": null,
  "2": null,
  "3": 0.6,
  "4": 0.5,
  "5": 0.4,
  "6": null,
  "7": 0.2,
  "8": 0.3,
  "9": null,
  "10": null,
};

function checkpoints(sign: 1 | -1): GcCheckpoint[] {
  return Object.entries(METRICS).map(([uuid, metric]) => {
    const id = Number(uuid);
    return {
      uuid,
      trialId: id <= 5 ? 1 : 2,
      stepsCompleted: id * 100,
      validationMetric: metric === null ? null : sign * metric,
    };
  });
}

const TABLE: { keep: [number, number, number]; kept: string[] }[] = [
  { keep: [0, 0, 0], kept: [] },
  { keep: [2, 0, 0], kept: ["7", "8"] },
  { keep: [5, 0, 0], kept: ["3", "4", "5", "7", "8"] },
  { keep: [0, 1, 0], kept: ["5", "7"] },
  { keep: [0, 3, 0], kept: ["3", "4", "5", "7", "8"] },
  { keep: [0, 0, 1], kept: ["5", "10"] },
  { keep: [0, 0, 3], kept: ["3", "4", "5", "8", "9", "10"] },
  { keep: [2, 1, 0], kept: ["5", "7", "8"] },
  { keep: [2, 0, 1], kept: ["5", "7", "8", "10"] },
  { keep: [0, 1, 1], kept: ["5", "7", "10"] },
  { keep: [2, 1, 1], kept: ["5", "7", "8", "10"] },
];

function kept(
  sign: 1 | -1,
  [saveExperimentBest, saveTrialBest, saveTrialLatest]: [number, number, number],
): string[] {
  const keep = checkpointsToKeep(
    checkpoints(sign),
    { saveExperimentBest, saveTrialBest, saveTrialLatest },
    sign === 1,
  );
  return [...keep].sort((a, b) => Number(a) - Number(b));
}

describe("checkpoints kept when smaller is better", () => {
  for (const row of TABLE) {
    test(`experiment best ${row.keep[0]}, trial best ${row.keep[1]}, trial latest ${row.keep[2]} keeps ${row.kept.join(",") || "nothing"}`, () => {
      expect(kept(1, row.keep)).toEqual(row.kept);
    });
  }
});

describe("checkpoints kept when larger is better, with the metrics negated", () => {
  for (const row of TABLE) {
    test(`experiment best ${row.keep[0]}, trial best ${row.keep[1]}, trial latest ${row.keep[2]} keeps ${row.kept.join(",") || "nothing"}`, () => {
      expect(kept(-1, row.keep)).toEqual(row.kept);
    });
  }
});

test("a checkpoint without a validation metric is never among the best", () => {
  const keep = checkpointsToKeep(
    [
      { uuid: "a", trialId: 1, stepsCompleted: 100, validationMetric: null },
      { uuid: "b", trialId: 1, stepsCompleted: 200, validationMetric: Number.NaN },
    ],
    { saveExperimentBest: 5, saveTrialBest: 5, saveTrialLatest: 0 },
    true,
  );
  expect(keep.size).toBe(0);
});

test("the answer does not depend on the order checkpoints are listed in", () => {
  const policy = { saveExperimentBest: 2, saveTrialBest: 1, saveTrialLatest: 1 };
  const forward = checkpointsToKeep(checkpoints(1), policy, true);
  const backward = checkpointsToKeep([...checkpoints(1)].reverse(), policy, true);
  expect([...backward].sort()).toEqual([...forward].sort());
});

test("among equally good checkpoints the later one is kept", () => {
  const keep = checkpointsToKeep(
    [
      { uuid: "early", trialId: 1, stepsCompleted: 100, validationMetric: 0.5 },
      { uuid: "late", trialId: 1, stepsCompleted: 200, validationMetric: 0.5 },
    ],
    { saveExperimentBest: 1, saveTrialBest: 0, saveTrialLatest: 0 },
    true,
  );
  expect([...keep]).toEqual(["late"]);
});

test("the keep policy is read from the experiment config", () => {
  const config = {
    searcher: { smaller_is_better: false },
    checkpoint_storage: { save_experiment_best: 3, save_trial_best: 1, save_trial_latest: 2 },
  } as unknown as ExperimentConfig;
  expect(checkpointKeepPolicyOf(config)).toEqual({
    policy: { saveExperimentBest: 3, saveTrialBest: 1, saveTrialLatest: 2 },
    smallerIsBetter: false,
  });
});
