/** `resources.max_slots`: an experiment's trials never hold more slots than it, whatever is free. */
import { expect, test } from "vitest";
import { decideSchedule, schedulingExperimentOf } from "../../src/master/domain/scheduling.js";
import type { ExperimentConfig } from "../../src/protocol/config/types.js";
import { exp, holding, waiting } from "./scheduling-fixtures.js";

test("an experiment capped at 3 slots starts trials only up to 3 slots, leaving the rest free", () => {
  const decision = decideSchedule({
    totalSlots: 8,
    experiments: [exp(1, { maxSlots: 3 })],
    waiting: waiting([11, 12, 13, 14, 15]),
    holding: [],
  });
  expect(decision).toEqual({ start: [11, 12, 13], preempt: [] });
});

test("the slots a capped experiment leaves go to the others", () => {
  const decision = decideSchedule({
    totalSlots: 4,
    experiments: [exp(1, { maxSlots: 1 }), exp(2)],
    waiting: waiting([11, 12, 21, 22, 23]),
    holding: [],
  });
  expect(decision).toEqual({ start: [11, 21, 22, 23], preempt: [] });
});

test("the cap counts slots, not trials: trials of 2 slots under a cap of 5 run two at a time", () => {
  const decision = decideSchedule({
    totalSlots: 8,
    experiments: [exp(1, { maxSlots: 5 })],
    waiting: waiting([11, 12, 13], 2),
    holding: [],
  });
  expect(decision).toEqual({ start: [11, 12], preempt: [] });
});

test("holders count against the cap: a capped experiment at its cap starts nothing more", () => {
  const decision = decideSchedule({
    totalSlots: 8,
    experiments: [exp(1, { maxSlots: 2 })],
    waiting: waiting([13, 14]),
    holding: holding([11, 12]),
  });
  expect(decision).toEqual({ start: [], preempt: [] });
});

test("a promotion-waiter over the cap gives its slot to a trial with work", () => {
  const decision = decideSchedule({
    totalSlots: 8,
    experiments: [exp(1, { maxSlots: 2 })],
    waiting: waiting([13]),
    holding: [...holding([11]), ...holding([12], { waitingForPromotion: true })],
  });
  expect(decision).toEqual({ start: [13], preempt: [12] });
});

test("max_slots of the config is the scheduling cap; none set is no cap", () => {
  const config = (max?: number) =>
    ({
      resources: {
        slots_per_trial: 1,
        priority: 50,
        weight: 1,
        ...(max ? { max_slots: max } : {}),
      },
      searcher: { name: "single" },
    }) as unknown as ExperimentConfig;
  expect(schedulingExperimentOf({ id: 1, config: config(6) }).maxSlots).toBe(6);
  expect(schedulingExperimentOf({ id: 1, config: config() }).maxSlots).toBeUndefined();
});
