import fc from "fast-check";
import { describe, expect, test } from "vitest";
import {
  decideSchedule,
  type HoldingTrial,
  type SchedulingDecision,
  type SchedulingExperiment,
  type SchedulingInput,
  type WaitingTrial,
} from "../../src/master/domain/scheduling.js";

/**
 * Random but valid pools: the holders fit in the slots and within their
 * experiment's max_concurrent_trials, and every trial of an experiment needs
 * its experiment's slots_per_trial.
 */
const experimentArb = fc.record({
  priority: fc.constantFrom(10, 50, 90),
  weight: fc.integer({ min: 1, max: 4 }),
  maxConcurrentTrials: fc.integer({ min: 0, max: 3 }),
  createdOrder: fc.integer({ min: 0, max: 5 }),
  slotsPerTrial: fc.constantFrom(0, 1, 1, 1, 2, 3),
  holders: fc.array(fc.constantFrom("working", "working", "promotion", "leaving"), {
    maxLength: 4,
  }),
  waiting: fc.integer({ min: 0, max: 5 }),
});

function inputArb(options: { leaving: boolean }): fc.Arbitrary<SchedulingInput> {
  return fc
    .record({
      totalSlots: fc.integer({ min: 0, max: 8 }),
      experiments: fc.array(experimentArb, { minLength: 1, maxLength: 4 }),
      seqs: fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 40, maxLength: 40 }),
    })
    .map(({ totalSlots, experiments, seqs }) => {
      const input: SchedulingInput & { experiments: SchedulingExperiment[] } = {
        totalSlots,
        experiments: [],
        waiting: [],
        holding: [],
      };
      const holding: HoldingTrial[] = [];
      const waiting: WaitingTrial[] = [];
      let nextTrialId = 1;
      let used = 0;
      experiments.forEach((e, i) => {
        const id = i + 1;
        input.experiments.push({
          id,
          priority: e.priority,
          weight: e.weight,
          maxConcurrentTrials: e.maxConcurrentTrials,
          createdOrder: e.createdOrder,
        });
        let running = 0;
        for (const kind of e.holders) {
          if (kind === "leaving" && !options.leaving) continue;
          const fitsSlots = used + e.slotsPerTrial <= totalSlots;
          const fitsLimit = e.maxConcurrentTrials === 0 || running < e.maxConcurrentTrials;
          if (!fitsSlots || !fitsLimit) continue;
          used += e.slotsPerTrial;
          running += 1;
          holding.push({
            trialId: nextTrialId++,
            experimentId: id,
            slots: e.slotsPerTrial,
            waitingForPromotion: kind === "promotion",
            ...(kind === "leaving" ? { preemptRequested: true } : {}),
          });
        }
        for (let k = 0; k < e.waiting; k++) {
          const trialId = nextTrialId++;
          waiting.push({
            trialId,
            experimentId: id,
            slots: e.slotsPerTrial,
            queuedSeq: seqs[trialId % seqs.length]!,
          });
        }
      });
      return { ...input, holding, waiting };
    });
}

/**
 * The decision carried out as a target: started trials hold their slots,
 * preempted ones give theirs up; a preempted trial with work left queues again
 * at the back, an idle promotion-waiter does not.
 */
function applyAsTarget(input: SchedulingInput, decision: SchedulingDecision): SchedulingInput {
  const started = new Set(decision.start);
  const preempted = new Set(decision.preempt);
  let seq = Math.max(0, ...input.waiting.map((t) => t.queuedSeq)) + 1;
  return {
    ...input,
    holding: [
      ...input.holding.filter((t) => !preempted.has(t.trialId)),
      ...input.waiting
        .filter((t) => started.has(t.trialId))
        .map((t) => ({ ...t, waitingForPromotion: false })),
    ],
    waiting: [
      ...input.waiting.filter((t) => !started.has(t.trialId)),
      ...input.holding
        .filter((t) => preempted.has(t.trialId) && !t.waitingForPromotion)
        .map((t) => ({
          trialId: t.trialId,
          experimentId: t.experimentId,
          slots: t.slots,
          queuedSeq: seq++,
        })),
    ],
  };
}

/**
 * The decision carried out as the master does: started trials hold their
 * slots at once, preempted ones are told to leave and hold theirs until they
 * exit.
 */
function applyAsRequests(input: SchedulingInput, decision: SchedulingDecision): SchedulingInput {
  const started = new Set(decision.start);
  const preempted = new Set(decision.preempt);
  return {
    ...input,
    holding: [
      ...input.holding.map((t) =>
        preempted.has(t.trialId) ? { ...t, waitingForPromotion: false, preemptRequested: true } : t,
      ),
      ...input.waiting
        .filter((t) => started.has(t.trialId))
        .map((t) => ({ ...t, waitingForPromotion: false })),
    ],
    waiting: input.waiting.filter((t) => !started.has(t.trialId)),
  };
}

function limitOf(input: SchedulingInput, experimentId: number): number {
  return input.experiments.find((e) => e.id === experimentId)!.maxConcurrentTrials;
}

/** Slots and running trials per experiment once the decision is carried out. */
function outcome(input: SchedulingInput, decision: SchedulingDecision) {
  const preempted = new Set(decision.preempt);
  const started = new Set(decision.start);
  const kept = input.holding.filter((t) => !preempted.has(t.trialId));
  const starting = input.waiting.filter((t) => started.has(t.trialId));
  const running = new Map<number, number>();
  let used = 0;
  for (const t of [...kept, ...starting]) {
    used += t.slots;
    running.set(t.experimentId, (running.get(t.experimentId) ?? 0) + 1);
  }
  return { used, running, startedIn: (id: number) => starting.some((t) => t.experimentId === id) };
}

function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let s = seed >>> 0 || 1;
  for (let i = out.length - 1; i > 0; i--) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

const RUNS = { numRuns: 500 };

describe("scheduling decisions on random pools", () => {
  test("a decision never gives out more slots than the pool has", () => {
    fc.assert(
      fc.property(inputArb({ leaving: true }), (input) => {
        expect(outcome(input, decideSchedule(input)).used).toBeLessThanOrEqual(input.totalSlots);
      }),
      RUNS,
    );
  });

  test("a decision never takes an experiment past max_concurrent_trials", () => {
    fc.assert(
      fc.property(inputArb({ leaving: false }), (input) => {
        const { running } = outcome(input, decideSchedule(input));
        for (const [experimentId, count] of running) {
          const limit = limitOf(input, experimentId);
          if (limit > 0) expect(count).toBeLessThanOrEqual(limit);
        }
      }),
      RUNS,
    );
  });

  test("only waiting trials start, only holders are preempted, and never both", () => {
    fc.assert(
      fc.property(inputArb({ leaving: true }), (input) => {
        const { start, preempt } = decideSchedule(input);
        const waitingIds = new Set(input.waiting.map((t) => t.trialId));
        const holdingIds = new Set(input.holding.map((t) => t.trialId));
        expect(new Set(start).size).toBe(start.length);
        expect(new Set(preempt).size).toBe(preempt.length);
        expect(start.every((id) => waitingIds.has(id))).toBe(true);
        expect(preempt.every((id) => holdingIds.has(id))).toBe(true);
        expect(start.filter((id) => preempt.includes(id))).toEqual([]);
      }),
      RUNS,
    );
  });

  test("every preempted trial was in the way: keeping it would not fit", () => {
    fc.assert(
      fc.property(inputArb({ leaving: true }), (input) => {
        const decision = decideSchedule(input);
        const { used, running, startedIn } = outcome(input, decision);
        for (const id of decision.preempt) {
          const t = input.holding.find((h) => h.trialId === id)!;
          const limit = limitOf(input, t.experimentId);
          const overSlots = used + t.slots > input.totalSlots;
          const overLimit =
            limit > 0 && startedIn(t.experimentId) && (running.get(t.experimentId) ?? 0) >= limit;
          expect(overSlots || overLimit).toBe(true);
        }
      }),
      RUNS,
    );
  });

  test("nobody is preempted when nobody waits", () => {
    fc.assert(
      fc.property(inputArb({ leaving: true }), (input) => {
        expect(decideSchedule({ ...input, waiting: [] })).toEqual({ start: [], preempt: [] });
      }),
      RUNS,
    );
  });

  test("trials of one experiment start in queue order", () => {
    fc.assert(
      fc.property(inputArb({ leaving: true }), (input) => {
        const started = new Set(decideSchedule(input).start);
        for (const e of input.experiments) {
          const queue = input.waiting
            .filter((t) => t.experimentId === e.id)
            .sort((a, b) => a.queuedSeq - b.queuedSeq || a.trialId - b.trialId)
            .map((t) => started.has(t.trialId));
          expect(
            queue.indexOf(false) === -1 || !queue.slice(queue.indexOf(false)).includes(true),
          ).toBe(true);
        }
      }),
      RUNS,
    );
  });

  test("the decision does not depend on the order of its input", () => {
    fc.assert(
      fc.property(inputArb({ leaving: true }), fc.integer(), (input, seed) => {
        const reordered = {
          ...input,
          experiments: shuffled(input.experiments, seed),
          waiting: shuffled(input.waiting, seed + 1),
          holding: shuffled(input.holding, seed + 2),
        };
        expect(decideSchedule(reordered)).toEqual(decideSchedule(input));
      }),
      RUNS,
    );
  });

  test("deciding again after a decision was carried out changes nothing", () => {
    fc.assert(
      fc.property(inputArb({ leaving: false }), (input) => {
        const next = applyAsTarget(input, decideSchedule(input));
        expect(decideSchedule(next)).toEqual({ start: [], preempt: [] });
      }),
      RUNS,
    );
  });

  test("deciding again while preempted trials are still leaving asks nothing new", () => {
    fc.assert(
      fc.property(inputArb({ leaving: true }), (input) => {
        const next = applyAsRequests(input, decideSchedule(input));
        const again = decideSchedule(next);
        const leaving = new Set(
          next.holding.filter((t) => t.preemptRequested).map((t) => t.trialId),
        );
        expect(again.start).toEqual([]);
        expect(again.preempt.filter((id) => !leaving.has(id))).toEqual([]);
      }),
      RUNS,
    );
  });
});
