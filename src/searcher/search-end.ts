/**
 * When a search other than a custom one is over: once every trial is
 * finished, or as soon as it has failed. It has failed
 * - when every trial failed, or, none having reported a validation, every
 *   trial failed or exited with invalid hyperparameters;
 * - under `max_initial_failures`, none having reported a validation: when
 *   that many trials failed (the script most likely fails for every trial: a
 *   typo, a missing package; the trials still open are stopped with the
 *   search rather than each run to its `max_restarts`), or when the first
 *   `FIRST_TRIALS_INVALID` trials all exited with invalid hyperparameters
 *   (the script refuses every point: a misread hyperparameter, a check the
 *   wrong way round; invalid trials are replaced, so such a search would
 *   otherwise create trials for ever).
 */
import type { ExperimentConfig } from "../protocol/config/types.js";
import { plural } from "../protocol/counts.js";
import type { SearcherState } from "./searcher.js";
import type { SearcherOp } from "./types.js";

/** What the rule reads of the searcher's state. */
type TrialCounts = Pick<SearcherState, "trials" | "openTrials" | "failedTrials" | "validated">;

/**
 * How many trials, the search's first in creation order, must all have exited
 * INVALID_HP. A trial still open among them (one that is training) keeps the
 * search going whatever comes after it; a space where one point in twenty is
 * valid gets this far by chance less than once in a hundred searches.
 */
export const FIRST_TRIALS_INVALID = 100;

/** The shutdown the search calls for now, or null while it goes on. */
export function searchEnd(
  config: ExperimentConfig,
  counts: TrialCounts,
): (SearcherOp & { type: "shutdown" }) | null {
  const reason = failure(config, counts);
  if (reason !== null) return { type: "shutdown", cancel: false, failure: true, reason };
  return counts.openTrials === 0 ? { type: "shutdown", cancel: false, failure: false } : null;
}

function failure(config: ExperimentConfig, counts: TrialCounts): string | null {
  const created = counts.trials.length;
  if (counts.openTrials === 0 && created > 0) {
    if (counts.failedTrials >= created) return "every trial failed";
    // Read once: the search ends now either way. One that does not replace invalid trials
    // (grid, pbt) and had only those, and failed ones, has nothing to show: it failed too.
    const invalid = counts.validated ? 0 : counts.trials.filter((t) => t.invalid).length;
    if (invalid > 0 && counts.failedTrials + invalid >= created) {
      return counts.failedTrials === 0
        ? "every trial exited with invalid hyperparameters (INVALID_HP)"
        : "every trial failed or exited with invalid hyperparameters (INVALID_HP)";
    }
  }
  // Absent from configs stored before it existed: no limit, as those searches ran.
  const limit = config.max_initial_failures ?? 0;
  if (limit > 0 && counts.validated === false && counts.failedTrials >= limit) {
    return `${plural(counts.failedTrials, "trial", "trials")} failed before any trial reported a validation (max_initial_failures ${limit})`;
  }
  if (limit > 0 && counts.validated === false && firstTrialsInvalid(counts.trials)) {
    return `the first ${FIRST_TRIALS_INVALID} trials all exited with invalid hyperparameters (INVALID_HP) before any trial reported a validation`;
  }
  return null;
}

/** Whether the search's first `FIRST_TRIALS_INVALID` trials all exited INVALID_HP. */
function firstTrialsInvalid(trials: TrialCounts["trials"]): boolean {
  if (trials.length < FIRST_TRIALS_INVALID) return false;
  for (let i = 0; i < FIRST_TRIALS_INVALID; i++) if (trials[i]!.invalid !== true) return false;
  return true;
}
