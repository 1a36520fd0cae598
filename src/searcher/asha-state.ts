/**
 * State shared by both ASHA variants, and the rules they share: creating
 * trials up to the bracket's concurrency and max_trials, reading metrics, and
 * forgetting trials whose hyperparameters were invalid.
 */
import type { BracketParams } from "./asha-bracket.js";
import { emptyResults, type RankedResults, removeResult } from "./ranked-results.js";
import type { ExitedReason, MethodContext, RequestId, SearcherOp } from "./types.js";

/**
 * pending: training toward `rung` (an op is outstanding);
 * parked: recorded in `rung`, waiting for a promotion that may never come;
 * closed: asked to close; dead: exited early (it counts as the worst result).
 */
export type AshaTrialStatus = "pending" | "parked" | "closed" | "dead";

export interface AshaTrial {
  rung: number;
  status: AshaTrialStatus;
  /** The (normalised) metric the trial recorded in rungs 0, 1, …, in order. */
  metrics: number[];
}

export interface AshaRung {
  results: RankedResults;
  /** Trials training toward this rung. */
  outstanding: number;
  /** Trials parked in this rung since it was last closed out (promotion variant). */
  waiting: RequestId[];
}

export interface AshaBracketState {
  params: BracketParams;
  rungs: AshaRung[];
  /** Keyed by request id. Trials with invalid hyperparameters are dropped. */
  trials: Record<string, AshaTrial>;
  /** Trials created, invalid ones included. */
  created: number;
  /** Trials that exited with INVALID_HP: they don't count toward max_trials. */
  invalid: number;
  /** Trials with an op outstanding. */
  pending: number;
}

/** The metric an early exit records: worse than any real result. */
export const EXITED_METRIC = Number.MAX_VALUE;

export function newBracketState(params: BracketParams): AshaBracketState {
  return {
    params,
    rungs: params.lengths.map(() => ({ results: emptyResults(), outstanding: 0, waiting: [] })),
    trials: {},
    created: 0,
    invalid: 0,
    pending: 0,
  };
}

/**
 * Metrics as ASHA compares them: smaller is better, always finite (JSON has no
 * NaN or Infinity). NaN ranks with early exits, as the worst.
 */
export function normaliseMetric(metric: number, smallerIsBetter: boolean): number {
  if (Number.isNaN(metric)) return EXITED_METRIC;
  const clamped = Math.max(-Number.MAX_VALUE, Math.min(Number.MAX_VALUE, metric));
  return smallerIsBetter ? clamped : -clamped;
}

export function bracketTrial(state: AshaBracketState, requestId: RequestId): AshaTrial {
  const trial = state.trials[requestId];
  if (trial === undefined) throw new Error(`trial ${requestId} is not in this bracket`);
  return trial;
}

/** Whether the bracket would still create a trial if it had room. */
export function wantsTrials(state: AshaBracketState): boolean {
  return state.created - state.invalid < state.params.maxTrials;
}

/**
 * Creates trials while the bracket has fewer than `concurrency` trials busy,
 * fewer than max_trials valid trials, and `budget` allows. Returns how many.
 */
export function fillBracket(
  state: AshaBracketState,
  ctx: MethodContext,
  budget: number,
  ops: SearcherOp[],
): number {
  let made = 0;
  while (made < budget && state.pending < state.params.concurrency && wantsTrials(state)) {
    const create = ctx.newTrial();
    state.trials[create.requestId] = { rung: 0, status: "pending", metrics: [] };
    state.created++;
    state.pending++;
    state.rungs[0]!.outstanding++;
    ops.push(create, {
      type: "validateAfter",
      requestId: create.requestId,
      length: state.params.lengths[0]!,
    });
    made++;
  }
  return made;
}

/** Marks a trial as no longer training toward its rung. */
export function stopPending(state: AshaBracketState, trial: AshaTrial): void {
  if (trial.status !== "pending") return;
  state.pending--;
  state.rungs[trial.rung]!.outstanding--;
}

/**
 * A trial exited with INVALID_HP: its results are removed from every rung and
 * it no longer counts toward max_trials, so another trial takes its place.
 */
export function dropInvalidTrial(state: AshaBracketState, requestId: RequestId): void {
  const trial = bracketTrial(state, requestId);
  stopPending(state, trial);
  trial.metrics.forEach((metric, rung) => {
    removeResult(state.rungs[rung]!.results, requestId, metric);
  });
  state.invalid++;
  delete state.trials[requestId];
}

/**
 * A trial exited early: an invalid one is dropped (`dropInvalidTrial`), any
 * other stops where it is. Returns the trial when it was training toward its
 * rung (it has no result there yet), otherwise null.
 */
export function exitTrial(
  state: AshaBracketState,
  requestId: RequestId,
  reason: ExitedReason,
): AshaTrial | null {
  if (reason === "INVALID_HP") {
    dropInvalidTrial(state, requestId);
    return null;
  }
  const trial = bracketTrial(state, requestId);
  const wasPending = trial.status === "pending";
  stopPending(state, trial);
  trial.status = "dead";
  return wasPending ? trial : null;
}
