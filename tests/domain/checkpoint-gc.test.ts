import { describe, expect, test } from "vitest";
import {
  checkpointKeepPolicyOf,
  checkpointsToKeep,
  type GcCheckpoint,
  latestFirst,
} from "../../src/master/domain/checkpoint-gc.js";
import type { ExperimentConfig } from "../../src/protocol/config/types.js";

/** Each trial's latest checkpoint, as the trial row holds it. */
const LATEST = new Map([
  [1, "5"],
  [2, "10"],
]);

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
      runId: 1,
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
    LATEST,
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
      { uuid: "a", trialId: 1, runId: 1, stepsCompleted: 100, validationMetric: null },
      { uuid: "b", trialId: 1, runId: 1, stepsCompleted: 200, validationMetric: Number.NaN },
    ],
    { saveExperimentBest: 5, saveTrialBest: 5, saveTrialLatest: 0 },
    true,
    new Map(),
  );
  expect(keep.size).toBe(0);
});

test("the answer does not depend on the order checkpoints are listed in", () => {
  const policy = { saveExperimentBest: 2, saveTrialBest: 1, saveTrialLatest: 1 };
  const forward = checkpointsToKeep(checkpoints(1), policy, true, LATEST);
  const backward = checkpointsToKeep([...checkpoints(1)].reverse(), policy, true, LATEST);
  expect([...backward].sort()).toEqual([...forward].sort());
});

test("among equally good checkpoints the later one is kept", () => {
  const keep = checkpointsToKeep(
    [
      { uuid: "early", trialId: 1, runId: 1, stepsCompleted: 100, validationMetric: 0.5 },
      { uuid: "late", trialId: 1, runId: 1, stepsCompleted: 200, validationMetric: 0.5 },
    ],
    { saveExperimentBest: 1, saveTrialBest: 0, saveTrialLatest: 0 },
    true,
    new Map(),
  );
  expect([...keep]).toEqual(["late"]);
});

/**
 * Run 1 was taken for gone but went on training: it handed in "zombie" at 250
 * after run 2, which started over, had made "mine" (160) the trial's latest.
 * Run 3 was lost in turn and handed in "after" (300) after run 4 started.
 */
describe("a trial's latest is the checkpoint it would resume from, not the one with most steps", () => {
  const trial = [
    { uuid: "first", trialId: 1, runId: 1, stepsCompleted: 100, validationMetric: null },
    { uuid: "zombie", trialId: 1, runId: 1, stepsCompleted: 250, validationMetric: null },
    { uuid: "mine", trialId: 1, runId: 2, stepsCompleted: 160, validationMetric: null },
    { uuid: "after", trialId: 1, runId: 3, stepsCompleted: 300, validationMetric: null },
  ];
  const keptLatest = (n: number) =>
    checkpointsToKeep(
      trial,
      { saveExperimentBest: 0, saveTrialBest: 0, saveTrialLatest: n },
      true,
      new Map([[1, "mine"]]),
    );

  test("keeping one keeps the trial's latest", () => {
    expect([...keptLatest(1)]).toEqual(["mine"]);
  });

  test("the runs up to the latest's rank next, by steps; runs after it rank last", () => {
    expect(latestFirst(trial, "mine").map((c) => c.uuid)).toEqual([
      "mine",
      "zombie",
      "first",
      "after",
    ]);
  });

  test("a trial whose latest is not among its checkpoints ranks them by steps", () => {
    expect(latestFirst(trial, null).map((c) => c.uuid)).toEqual([
      "after",
      "zombie",
      "mine",
      "first",
    ]);
  });
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
