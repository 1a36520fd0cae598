/**
 * ASHA by stopping (`stop_once: true`, Determined's `asha_stopping.go`). When
 * a trial reports in rung k it is ranked among rung k's results so far; it
 * continues to rung k+1 only if it is, at that moment, in the top
 * max(floor(n_k / divisor), 1), ranked ahead of the results equal to its own
 * (a tie with the best continues; `ties: "after"`, a search started under
 * searcher rules 1, ranks it behind them) — otherwise it is closed and never resumed. A
 * trial that reaches the top rung is closed. Every closed trial frees a slot
 * for a new one, up to max_trials. An early exit records the worst result in
 * the rung the trial was training toward.
 */
import {
  type AshaBracketState,
  bracketTrial,
  EXITED_METRIC,
  exitTrial,
  normaliseMetric,
  stopPending,
} from "./asha-state.js";
import { insertResult } from "./ranked-results.js";
import type { ExitedReason, RequestId, SearcherOp } from "./types.js";

export function stoppingValidation(
  state: AshaBracketState,
  requestId: RequestId,
  rawMetric: number,
  length: number,
  smallerIsBetter: boolean,
  ties: "after" | "before",
  ops: SearcherOp[],
): void {
  const trial = bracketTrial(state, requestId);
  if (trial.status !== "pending") throw new Error(`trial ${requestId} has no rung to report in`);
  stopPending(state, trial);
  const metric = normaliseMetric(rawMetric, smallerIsBetter);
  const { lengths, numRungs, divisor } = state.params;
  // One validation can count for several rungs when rungs share a length.
  for (let k = trial.rung; k < numRungs; k++) {
    trial.rung = k;
    if (length < lengths[k]!) {
      trial.status = "pending";
      state.pending++;
      state.rungs[k]!.outstanding++;
      ops.push({ type: "validateAfter", requestId, length: lengths[k]! });
      return;
    }
    const results = state.rungs[k]!.results;
    const rank = insertResult(results, { metric, requestId, promoted: false }, ties);
    trial.metrics.push(metric);
    const continues = rank < Math.max(Math.floor(results.size / divisor), 1);
    if (k === numRungs - 1 || !continues) {
      trial.status = "closed";
      ops.push({ type: "close", requestId });
      return;
    }
  }
}

export function stoppingExit(
  state: AshaBracketState,
  requestId: RequestId,
  reason: ExitedReason,
  ties: "after" | "before",
): void {
  const pending = exitTrial(state, requestId, reason);
  if (pending) {
    insertResult(
      state.rungs[pending.rung]!.results,
      { metric: EXITED_METRIC, requestId, promoted: false },
      ties,
    );
    pending.metrics.push(EXITED_METRIC);
  }
}
