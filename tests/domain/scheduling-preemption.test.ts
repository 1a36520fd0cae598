import { describe, expect, test } from "vitest";
import { decideSchedule } from "../../src/master/domain/scheduling.js";
import { exp, holding, nothing, waiting } from "./scheduling-fixtures.js";

describe("priority", () => {
  test("a higher priority experiment is served before a lower one", () => {
    expect(
      decideSchedule({
        totalSlots: 1,
        experiments: [exp(1, { priority: 10 }), exp(2, { priority: 90 })],
        waiting: waiting([11, 21]),
        holding: [],
      }),
    ).toEqual({ start: [21], preempt: [] });
  });

  test("a higher priority experiment preempts a lower one when no slot is free", () => {
    expect(
      decideSchedule({
        totalSlots: 2,
        experiments: [exp(1, { priority: 90 }), exp(2, { priority: 10 })],
        waiting: waiting([11]),
        holding: holding([21, 22]),
      }),
    ).toEqual({ start: [11], preempt: [22] });
  });

  test("a higher priority experiment preempts nobody when free slots suffice", () => {
    expect(
      decideSchedule({
        totalSlots: 3,
        experiments: [exp(1, { priority: 90 }), exp(2, { priority: 10 })],
        waiting: waiting([11]),
        holding: holding([21, 22]),
      }),
    ).toEqual({ start: [11], preempt: [] });
  });

  test("a lower priority experiment never preempts a higher one", () => {
    expect(
      decideSchedule({
        totalSlots: 2,
        experiments: [exp(1, { priority: 90 }), exp(2, { priority: 10 })],
        waiting: waiting([21]),
        holding: holding([11, 12]),
      }),
    ).toEqual(nothing);
  });
});

describe("trials waiting for a promotion", () => {
  test("a trial waiting for a promotion keeps its slot while nobody waits", () => {
    expect(
      decideSchedule({
        totalSlots: 2,
        experiments: [exp(1)],
        waiting: [],
        holding: [...holding([11]), ...holding([12], { waitingForPromotion: true })],
      }),
    ).toEqual(nothing);
  });

  test("a trial waiting for a promotion yields its slot to a waiting trial", () => {
    expect(
      decideSchedule({
        totalSlots: 2,
        experiments: [exp(1), exp(2)],
        waiting: waiting([21]),
        holding: [...holding([11]), ...holding([12], { waitingForPromotion: true })],
      }),
    ).toEqual({ start: [21], preempt: [12] });
  });

  test("promotion-waiters are preempted before anyone is preempted for priority", () => {
    expect(
      decideSchedule({
        totalSlots: 2,
        experiments: [exp(1, { priority: 90 }), exp(2, { priority: 10 }), exp(3, { priority: 90 })],
        waiting: waiting([31]),
        holding: [...holding([11], { waitingForPromotion: true }), ...holding([21])],
      }),
    ).toEqual({ start: [31], preempt: [11] });
  });

  test("a promotion-waiter yields even to a trial of a lower priority experiment", () => {
    expect(
      decideSchedule({
        totalSlots: 1,
        experiments: [exp(1, { priority: 90 }), exp(2, { priority: 10 })],
        waiting: waiting([21]),
        holding: holding([11], { waitingForPromotion: true }),
      }),
    ).toEqual({ start: [21], preempt: [11] });
  });

  test("a promotion-waiter yields to a trial of its own experiment at max_concurrent_trials", () => {
    expect(
      decideSchedule({
        totalSlots: 4,
        experiments: [exp(1, { maxConcurrentTrials: 2 })],
        waiting: waiting([13]),
        holding: [...holding([11]), ...holding([12], { waitingForPromotion: true })],
      }),
    ).toEqual({ start: [13], preempt: [12] });
  });

  test("a promotion-waiter is not preempted for a trial that would not fit anyway", () => {
    expect(
      decideSchedule({
        totalSlots: 4,
        experiments: [exp(1), exp(2)],
        waiting: waiting([21], 4),
        holding: [...holding([11, 12]), ...holding([13], { waitingForPromotion: true })],
      }),
    ).toEqual(nothing);
  });

  test("only as many promotion-waiters as needed are preempted, the lower ranked first", () => {
    expect(
      decideSchedule({
        totalSlots: 3,
        experiments: [exp(1, { priority: 90 }), exp(2, { priority: 10 }), exp(3)],
        waiting: waiting([31]),
        holding: [
          ...holding([11], { waitingForPromotion: true }),
          ...holding([21], { waitingForPromotion: true }),
          ...holding([22]),
        ],
      }),
    ).toEqual({ start: [31], preempt: [21] });
  });

  test.each([
    { case: "the one least likely to be promoted", ranks: [3, 0] },
    { case: "one the searcher does not rank, before one it ranks", ranks: [undefined, 5] },
  ])("of an experiment's promotion-waiters, $case gives its slot up first", ({ ranks }) => {
    const [worse, better] = ranks.map((promotionRank) =>
      promotionRank === undefined ? {} : { promotionRank },
    );
    expect(
      decideSchedule({
        totalSlots: 2,
        experiments: [exp(1)],
        waiting: waiting([13]),
        holding: [
          ...holding([11], { waitingForPromotion: true, ...worse }),
          ...holding([12], { waitingForPromotion: true, ...better }),
        ],
      }),
    ).toEqual({ start: [13], preempt: [11] });
  });

  test("a trial already told to preempt is the first to give its slot up", () => {
    expect(
      decideSchedule({
        totalSlots: 2,
        experiments: [exp(1), exp(2), exp(3)],
        waiting: waiting([31]),
        holding: [
          ...holding([11], { waitingForPromotion: true }),
          ...holding([21], { preemptRequested: true }),
        ],
      }),
    ).toEqual({ start: [31], preempt: [21] });
  });
});

describe("multi-slot trials", () => {
  test("a multi-slot trial starts only where all its slots are free", () => {
    const input = {
      totalSlots: 4,
      experiments: [exp(1), exp(2)],
      holding: [{ ...holding([11])[0]!, slots: 2 }],
    };
    expect(decideSchedule({ ...input, waiting: waiting([21], 4) })).toEqual(nothing);
    expect(decideSchedule({ ...input, waiting: waiting([21], 2) })).toEqual({
      start: [21],
      preempt: [],
    });
  });

  test("a higher priority multi-slot trial preempts just enough lower ones", () => {
    expect(
      decideSchedule({
        totalSlots: 4,
        experiments: [exp(1, { priority: 90 }), exp(2, { priority: 10 })],
        waiting: waiting([11], 2),
        holding: holding([21, 22, 23, 24]),
      }),
    ).toEqual({ start: [11], preempt: [23, 24] });
  });

  test("a trial larger than the pool never starts and preempts nobody", () => {
    expect(
      decideSchedule({
        totalSlots: 4,
        experiments: [exp(1, { priority: 90 }), exp(2, { priority: 10 })],
        waiting: waiting([11], 5),
        holding: holding([21]),
      }),
    ).toEqual(nothing);
  });

  test("smaller trials of another experiment use slots a big one cannot", () => {
    expect(
      decideSchedule({
        totalSlots: 3,
        experiments: [exp(1, { priority: 90 }), exp(2, { priority: 10 })],
        waiting: [...waiting([11], 4), ...waiting([21, 22])],
        holding: [],
      }),
    ).toEqual({ start: [21, 22], preempt: [] });
  });
});
