/** Builders for scheduling cases: trial ids name their experiment (trial 23 is the third of experiment 2). */
import type {
  HoldingTrial,
  SchedulingExperiment,
  WaitingTrial,
} from "../../src/master/domain/scheduling.js";

export function exp(id: number, over: Partial<SchedulingExperiment> = {}): SchedulingExperiment {
  return { id, priority: 50, weight: 1, maxConcurrentTrials: 0, createdOrder: id, ...over };
}

export function waiting(ids: number[], slots = 1): WaitingTrial[] {
  return ids.map((trialId) => ({
    trialId,
    experimentId: Math.floor(trialId / 10),
    slots,
    queuedSeq: trialId,
  }));
}

export function holding(ids: number[], over: Partial<HoldingTrial> = {}): HoldingTrial[] {
  return ids.map((trialId) => ({
    trialId,
    experimentId: Math.floor(trialId / 10),
    slots: 1,
    waitingForPromotion: false,
    ...over,
  }));
}

export const nothing = { start: [], preempt: [] };
