/**
 * Where trials waiting for a promotion stand in the queue for one: data for
 * the scheduler, which, when a waiting trial must give its slot up, picks the
 * one least likely to be promoted first. Reading it changes nothing in the
 * search.
 */
import { ashaBracketOf } from "./asha-search.js";
import type { SearcherState } from "./searcher.js";
import type { RequestId } from "./types.js";

/**
 * For each of `requestIds` that is parked in a rung of an ASHA search (its
 * result recorded, waiting for a promotion), the number of results of that
 * rung not yet promoted that rank better than it: 0 is promoted next. Trials
 * that are not parked (and searches that are not ASHA) are left out. Costs
 * one walk of each asked trial's rung, up to the trial.
 */
export function promotionRanks(
  state: SearcherState,
  requestIds: readonly RequestId[],
): Map<RequestId, number> {
  const ranks = new Map<RequestId, number>();
  const method = state.method;
  if (method.kind !== "asha") return ranks;
  for (const requestId of requestIds) {
    if (method.bracketOf[requestId - 1] === undefined) continue;
    const bracket = method.brackets[ashaBracketOf(method, requestId)]!;
    const trial = bracket.trials[requestId];
    if (trial?.status !== "parked") continue;
    let ahead = 0;
    walk: for (const block of bracket.rungs[trial.rung]!.results.blocks) {
      for (const entry of block) {
        if (entry.requestId === requestId) {
          ranks.set(requestId, ahead);
          break walk;
        }
        if (!entry.promoted) ahead++;
      }
    }
  }
  return ranks;
}
