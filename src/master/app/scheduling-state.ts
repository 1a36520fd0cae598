/**
 * What a scheduling pass decides on, read from the store: the active
 * experiments, the live allocations, the trials waiting for slots and the
 * trials holding them (`decideSchedule`'s input). Read before anything is
 * written, in one go.
 */
import {
  type HoldingTrial,
  type SchedulingInput,
  schedulingExperimentOf,
  type WaitingTrial,
} from "../domain/index.js";
import type { AllocationStub, ExperimentRow, TrialStub } from "../storage/store.js";
import type { MasterContext } from "./context.js";

export interface SchedulingState {
  experiments: ExperimentRow[];
  live: AllocationStub[];
  liveByTrial: Map<number, AllocationStub>;
  /** The active trials of the active experiments that hold slots or have work. */
  trialsById: Map<number, TrialStub>;
  waiting: WaitingTrial[];
  holding: HoldingTrial[];
}

export async function readSchedulingState(ctx: MasterContext): Promise<SchedulingState> {
  const { store } = ctx;
  const experiments = await store.listExperiments({ states: ["ACTIVE"] });
  const live = await store.listLiveAllocationStubs();
  const liveByTrial = new Map(live.map((a) => [a.trialId, a]));
  const waiting: WaitingTrial[] = [];
  const holding: HoldingTrial[] = [];
  const trialsById = new Map<number, TrialStub>();
  for (const exp of experiments) {
    const slots = exp.config.resources.slots_per_trial;
    const nextOps = new Map((await store.listNextTrialOps(exp.id)).map((o) => [o.trialId, o]));
    // Only the trials with an operation to run or a slot held: not the many that wait for a
    // promotion without one (an ASHA search's), so a pass costs the same at its 10th trial and its 10,000th.
    const ids = new Set(nextOps.keys());
    for (const a of live) if (a.experimentId === exp.id) ids.add(a.trialId);
    const trials = await store.listTrialStubs({
      experimentId: exp.id,
      states: ["ACTIVE"],
      ids: [...ids],
    });
    for (const t of trials) {
      trialsById.set(t.id, t);
      const next = nextOps.get(t.id);
      const alloc = liveByTrial.get(t.id);
      if (alloc) {
        const promotionWait =
          !next && !t.closeRequested && alloc.state === "RUNNING" && !alloc.preemptRequested;
        holding.push({
          trialId: t.id,
          experimentId: exp.id,
          slots: alloc.slots,
          waitingForPromotion: promotionWait,
          preemptRequested: alloc.preemptRequested,
        });
      } else if (next) {
        waiting.push({ trialId: t.id, experimentId: exp.id, slots, queuedSeq: t.requestId });
      }
    }
  }
  // Only when trials wait for slots does anybody give a slot up.
  if (waiting.length > 0) rankPromotionWaiters(ctx, experiments, holding, trialsById);
  // Allocations of experiments that are no longer active still hold their slots until they end.
  for (const a of live) {
    if (!trialsById.has(a.trialId)) {
      holding.push({
        trialId: a.trialId,
        experimentId: a.experimentId,
        slots: a.slots,
        waitingForPromotion: false,
        preemptRequested: a.preemptRequested,
      });
    }
  }
  return { experiments, live, liveByTrial, trialsById, waiting, holding };
}

/**
 * Gives the promotion-waiters of each experiment with more than one their
 * place in line for a promotion, as its searcher sees it, so that the one
 * least likely to be promoted is the first to give its slot up.
 */
function rankPromotionWaiters(
  ctx: MasterContext,
  experiments: readonly ExperimentRow[],
  holding: HoldingTrial[],
  trialsById: ReadonlyMap<number, TrialStub>,
): void {
  for (const exp of experiments) {
    const waiters = holding.filter((h) => h.experimentId === exp.id && h.waitingForPromotion);
    if (waiters.length < 2) continue;
    const requestIds = waiters.map((h) => trialsById.get(h.trialId)!.requestId);
    const ranks = ctx.driver.promotionRanks(exp.id, requestIds);
    waiters.forEach((h, i) => {
      const rank = ranks.get(requestIds[i]!);
      if (rank !== undefined) h.promotionRank = rank;
    });
  }
}

/**
 * One resource pool's part of the state: its slots, the experiments that run
 * in it, their waiting trials, and the trials holding slots of it.
 */
export function poolSchedulingInput(
  ctx: MasterContext,
  state: SchedulingState,
  pool: { name: string; totalSlots: number },
): { input: SchedulingInput; live: AllocationStub[]; experiments: ExperimentRow[] } {
  const experiments = state.experiments.filter((e) => ctx.poolNameOf(e) === pool.name);
  const ids = new Set(experiments.map((e) => e.id));
  const live = state.live.filter((a) => a.resourcePool === pool.name);
  const holders = new Set(live.map((a) => a.trialId));
  return {
    input: {
      totalSlots: pool.totalSlots,
      experiments: experiments.map(schedulingExperimentOf),
      waiting: state.waiting.filter((t) => ids.has(t.experimentId)),
      holding: state.holding.filter((t) => holders.has(t.trialId)),
    },
    live,
    experiments,
  };
}

/** The slots these allocations hold between them. */
export function slotsOf(allocations: readonly { slots: number }[]): number {
  return allocations.reduce((n, a) => n + a.slots, 0);
}
