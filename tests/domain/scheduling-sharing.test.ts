import { describe, expect, test } from "vitest";
import {
  decideSchedule,
  schedulingExperimentOf,
  type WaitingTrial,
} from "../../src/master/domain/scheduling.js";
import type { ExperimentConfig } from "../../src/protocol/config/types.js";
import { exp, holding, nothing, waiting } from "./scheduling-fixtures.js";

describe("nothing to do", () => {
  test("with no trials at all nothing starts and nothing is preempted", () => {
    expect(
      decideSchedule({ totalSlots: 4, experiments: [exp(1)], waiting: [], holding: [] }),
    ).toEqual(nothing);
  });

  test("when nobody waits the running trials keep their slots", () => {
    expect(
      decideSchedule({
        totalSlots: 4,
        experiments: [exp(1), exp(2, { priority: 99 })],
        waiting: [],
        holding: holding([11, 12, 21]),
      }),
    ).toEqual(nothing);
  });

  test("when every slot is taken by equals a waiting trial waits", () => {
    expect(
      decideSchedule({
        totalSlots: 2,
        experiments: [exp(1)],
        waiting: waiting([13]),
        holding: holding([11, 12]),
      }),
    ).toEqual(nothing);
  });
});

describe("first in, first out within an experiment", () => {
  test("waiting trials start in queue order while slots are free", () => {
    const queue: WaitingTrial[] = [
      { trialId: 11, experimentId: 1, slots: 1, queuedSeq: 3 },
      { trialId: 12, experimentId: 1, slots: 1, queuedSeq: 1 },
      { trialId: 13, experimentId: 1, slots: 1, queuedSeq: 2 },
    ];
    expect(
      decideSchedule({ totalSlots: 2, experiments: [exp(1)], waiting: queue, holding: [] }),
    ).toEqual({ start: [12, 13], preempt: [] });
  });

  test("a trial queued behind one that does not fit waits behind it", () => {
    const queue: WaitingTrial[] = [
      { trialId: 11, experimentId: 1, slots: 3, queuedSeq: 1 },
      { trialId: 12, experimentId: 1, slots: 1, queuedSeq: 2 },
    ];
    expect(
      decideSchedule({ totalSlots: 2, experiments: [exp(1)], waiting: queue, holding: [] }),
    ).toEqual(nothing);
  });
});

describe("fair share by weight", () => {
  test("two experiments of weight 1 and 1 share the slots 1:1", () => {
    const decision = decideSchedule({
      totalSlots: 4,
      experiments: [exp(1), exp(2)],
      waiting: waiting([11, 12, 13, 14, 21, 22, 23, 24]),
      holding: [],
    });
    expect(decision).toEqual({ start: [11, 21, 12, 22], preempt: [] });
  });

  test("two experiments of weight 3 and 1 share the slots 3:1", () => {
    const decision = decideSchedule({
      totalSlots: 8,
      experiments: [exp(1, { weight: 3 }), exp(2, { weight: 1 })],
      waiting: waiting([11, 12, 13, 14, 15, 16, 17, 18, 21, 22, 23, 24]),
      holding: [],
    });
    expect(decision.start.filter((id) => id < 20)).toEqual([11, 12, 13, 14, 15, 16]);
    expect(decision.start.filter((id) => id > 20)).toEqual([21, 22]);
  });

  test("an experiment's unused share flows to the others", () => {
    const decision = decideSchedule({
      totalSlots: 4,
      experiments: [exp(1), exp(2)],
      waiting: waiting([11, 21, 22, 23, 24]),
      holding: [],
    });
    expect([...decision.start].sort()).toEqual([11, 21, 22, 23]);
  });

  test("an experiment over its share gives up its newest trials to one below it", () => {
    expect(
      decideSchedule({
        totalSlots: 4,
        experiments: [exp(1), exp(2)],
        waiting: waiting([21, 22, 23]),
        holding: holding([11, 12, 13, 14]),
      }),
    ).toEqual({ start: [21, 22], preempt: [13, 14] });
  });

  test("an experiment at its share keeps its trials", () => {
    expect(
      decideSchedule({
        totalSlots: 4,
        experiments: [exp(1), exp(2)],
        waiting: waiting([13, 23]),
        holding: holding([11, 12, 21, 22]),
      }),
    ).toEqual(nothing);
  });
});

describe("max_concurrent_trials", () => {
  test("an experiment never runs more trials than its max_concurrent_trials", () => {
    expect(
      decideSchedule({
        totalSlots: 8,
        experiments: [exp(1, { maxConcurrentTrials: 2 })],
        waiting: waiting([12, 13, 14]),
        holding: holding([11]),
      }),
    ).toEqual({ start: [12], preempt: [] });
  });

  test("a limited experiment leaves the remaining slots to others", () => {
    expect(
      decideSchedule({
        totalSlots: 4,
        experiments: [exp(1, { maxConcurrentTrials: 1 }), exp(2)],
        waiting: waiting([11, 12, 21, 22, 23, 24]),
        holding: [],
      }),
    ).toEqual({ start: [11, 21, 22, 23], preempt: [] });
  });

  test("max_concurrent_trials 0 means no limit", () => {
    const decision = decideSchedule({
      totalSlots: 5,
      experiments: [exp(1, { maxConcurrentTrials: 0 })],
      waiting: waiting([11, 12, 13, 14, 15]),
      holding: [],
    });
    expect(decision.start).toHaveLength(5);
  });
});

describe("what the decision stands on", () => {
  test("slots held by trials of experiments not listed stay taken", () => {
    expect(
      decideSchedule({
        totalSlots: 2,
        experiments: [exp(1)],
        waiting: waiting([11, 12]),
        holding: holding([91]),
      }),
    ).toEqual({ start: [11], preempt: [] });
  });

  test("the decision does not depend on the order of its input", () => {
    const experiments = [exp(1, { weight: 2 }), exp(2, { priority: 90 }), exp(3)];
    const queue = waiting([12, 13, 14, 22, 31, 32, 33]);
    const held = [...holding([11, 21]), ...holding([34], { waitingForPromotion: true })];
    const forward = decideSchedule({ totalSlots: 5, experiments, waiting: queue, holding: held });
    const backward = decideSchedule({
      totalSlots: 5,
      experiments: [...experiments].reverse(),
      waiting: [...queue].reverse(),
      holding: [...held].reverse(),
    });
    expect(backward).toEqual(forward);
  });

  test("an experiment's scheduling facts come from its config", () => {
    const config = {
      resources: { slots_per_trial: 2, priority: 70, weight: 3 },
      searcher: { name: "random", max_concurrent_trials: 4 },
    } as unknown as ExperimentConfig;
    expect(schedulingExperimentOf({ id: 7, config })).toEqual({
      id: 7,
      priority: 70,
      weight: 3,
      maxConcurrentTrials: 4,
      createdOrder: 7,
    });
    const single = { ...config, searcher: { name: "single" } } as unknown as ExperimentConfig;
    expect(schedulingExperimentOf({ id: 8, config: single }).maxConcurrentTrials).toBe(0);
  });
});
