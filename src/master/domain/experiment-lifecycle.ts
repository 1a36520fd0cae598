/**
 * The experiment lifecycle (DESIGN §6) as one transition function.
 *
 * States (the union lives in storage/store.ts):
 * - ACTIVE: the searcher runs and the experiment's trials are scheduled.
 * - PAUSED: the searcher keeps its state; running trials are preempted
 *   (checkpoint, exit) and none is scheduled until the experiment is activated.
 * - STOPPING_COMPLETED: the searcher shut down; trials finish their current
 *   operations and exit.
 * - STOPPING_CANCELED: the user canceled; trials are preempted as by pause, but
 *   for good.
 * - STOPPING_KILLED: the user killed it; trial processes are stopped at once.
 * - STOPPING_ERROR: the searcher or the master failed; trial processes are
 *   stopped at once, as by kill, since a failed search has no use for them.
 * - COMPLETED, CANCELED, ERROR: terminal; checkpoint GC runs once on entry.
 *   A killed experiment ends CANCELED.
 *
 * Stops only ever get stronger (completed < canceled < killed < error): an
 * action asking for a stop that is weaker than, or the same as, the one under
 * way is accepted and changes nothing. Repeating a user action that is already
 * in effect is accepted too, so that a double click or a retried request is
 * harmless: pause when PAUSED, activate when ACTIVE, cancel or kill when the
 * experiment is stopping as canceled or killed or has ended CANCELED. Anything
 * else on a terminal state is refused.
 */

import type { ExperimentState } from "../storage/store.js";
import { assertNever } from "./assert-never.js";
import { nothingRuns, stopTowards, userTransition } from "./run-state.js";
import type { TransitionResult } from "./transition.js";

export { isStopping, isTerminal } from "./run-state.js";

export type ExperimentAction =
  /** The user pauses: trials checkpoint and exit, the searcher waits. */
  | "pause"
  /** The user resumes a paused experiment. */
  | "activate"
  /** The user ends the experiment gracefully: trials checkpoint and exit. */
  | "cancel"
  /** The user ends the experiment at once: trial processes are stopped. */
  | "kill"
  /** The searcher's Shutdown op without `failure`: the search is over. */
  | "searcherShutdown"
  /** The searcher's Shutdown op with `failure`, or a searcher that threw. */
  | "searcherFailure"
  /** The last live trial of the experiment has ended. */
  | "allTrialsStopped"
  /** The master cannot go on with the experiment (for example, corrupt state). */
  | "error";

const SUBJECT = "an experiment";

/** The state after `action`, or INVALID_TRANSITION when the action makes no sense in `state`. */
export function nextExperimentState(
  state: ExperimentState,
  action: ExperimentAction,
): TransitionResult<ExperimentState> {
  switch (action) {
    case "pause":
    case "activate":
    case "cancel":
    case "kill":
      return userTransition(SUBJECT, action, state);
    case "searcherShutdown":
      return stopTowards(SUBJECT, action, state, "STOPPING_COMPLETED");
    case "searcherFailure":
    case "error":
      return stopTowards(SUBJECT, action, state, "STOPPING_ERROR");
    case "allTrialsStopped":
      // Only a stopping experiment ends when its trials are gone; an ACTIVE one
      // waits for its searcher and a PAUSED one for the user.
      return nothingRuns(SUBJECT, "report all trials stopped for", state);
    default:
      return assertNever(action);
  }
}
