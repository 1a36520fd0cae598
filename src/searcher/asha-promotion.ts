/**
 * ASHA by promotion (Determined's `asha.go`). A trial that reports in rung k
 * is recorded there; whenever a trial ranks in the top floor(n_k / divisor) of
 * rung k's n_k results and has not been promoted yet, it is promoted: it trains
 * on to rung k+1. Trials wait (parked) for a promotion until max_trials have
 * reported in rung 0 and nothing below their rung is still training; then
 * they are closed. A trial that exits early counts as the worst result of the
 * rung it was training toward; if it is promoted later, it is recorded as the
 * worst result of the next rung in turn, as if it had trained and done badly.
 */
import {
  type AshaBracketState,
  bracketTrial,
  EXITED_METRIC,
  exitTrial,
  normaliseMetric,
  stopPending,
} from "./asha-state.js";
import { insertResult, type RankedEntry, resultAt } from "./ranked-results.js";
import type { ExitedReason, RequestId, SearcherOp } from "./types.js";

/**
 * Records `metric` in the trial's rung and applies the promotion that follows,
 * if any. At most one trial is promoted per result: the new one if it made the
 * top, else the one that the larger top floor(n/divisor) now takes in.
 */
function record(state: AshaBracketState, requestId: RequestId, metric: number, ops: SearcherOp[]) {
  const trial = bracketTrial(state, requestId);
  const k = trial.rung;
  const rung = state.rungs[k]!;
  trial.metrics.push(metric);
  const entry: RankedEntry = { metric, requestId, promoted: false };

  if (k === state.params.numRungs - 1) {
    insertResult(rung.results, entry);
    if (trial.status === "parked") {
      trial.status = "closed";
      ops.push({ type: "close", requestId });
    }
    return;
  }

  const before = rung.results.size;
  const topBefore = Math.floor(before / state.params.divisor);
  const topAfter = Math.floor((before + 1) / state.params.divisor);
  const rank = insertResult(rung.results, entry);
  let promoted: RankedEntry | null = null;
  if (rank < topAfter) {
    promoted = entry;
  } else if (topAfter !== topBefore) {
    const candidate = resultAt(rung.results, topBefore);
    if (!candidate.promoted) promoted = candidate;
  }
  if (promoted !== entry && trial.status === "parked") rung.waiting.push(requestId);
  if (promoted === null) return;
  promoted.promoted = true;
  promote(state, promoted.requestId, ops);
}

function promote(state: AshaBracketState, requestId: RequestId, ops: SearcherOp[]) {
  const trial = bracketTrial(state, requestId);
  const from = trial.rung;
  trial.rung = from + 1;
  const lengths = state.params.lengths;
  if (trial.status !== "parked") {
    // Exited or closed: it can't train, so it reports the worst result.
    record(state, requestId, EXITED_METRIC, ops);
  } else if (lengths[from + 1] === lengths[from]) {
    // The next rung is no longer (tiny max_length): the trial is already there.
    record(state, requestId, trial.metrics[from]!, ops);
  } else {
    trial.status = "pending";
    state.pending++;
    state.rungs[from + 1]!.outstanding++;
    ops.push({ type: "validateAfter", requestId, length: lengths[from + 1]! });
  }
}

export function promotionValidation(
  state: AshaBracketState,
  requestId: RequestId,
  metric: number,
  smallerIsBetter: boolean,
  ops: SearcherOp[],
): void {
  const trial = bracketTrial(state, requestId);
  if (trial.status !== "pending") throw new Error(`trial ${requestId} has no rung to report in`);
  stopPending(state, trial);
  trial.status = "parked";
  record(state, requestId, normaliseMetric(metric, smallerIsBetter), ops);
}

export function promotionExit(
  state: AshaBracketState,
  requestId: RequestId,
  reason: ExitedReason,
  ops: SearcherOp[],
): void {
  // A parked trial already has its result in its rung; a pending one gets the worst.
  if (exitTrial(state, requestId, reason)) record(state, requestId, EXITED_METRIC, ops);
}

/**
 * Once max_trials trials have reported in rung 0, closes the parked trials of
 * every rung that nothing can be promoted into any more (no trial training
 * toward it or a rung below).
 */
export function promotionCloseOut(state: AshaBracketState, ops: SearcherOp[]): void {
  if (state.rungs[0]!.results.size < state.params.maxTrials) return;
  for (let k = 0; k < state.rungs.length; k++) {
    const rung = state.rungs[k]!;
    if (rung.outstanding > 0) return;
    for (const requestId of rung.waiting) {
      const trial = state.trials[requestId];
      if (trial !== undefined && trial.rung === k && trial.status === "parked") {
        trial.status = "closed";
        ops.push({ type: "close", requestId });
      }
    }
    rung.waiting = [];
  }
}
