/**
 * The trial lifecycle (DESIGN §6) as one transition function. A trial's
 * processes are its allocations (allocation-lifecycle.ts); a crash or a
 * preemption ends an allocation, not the trial.
 *
 * States (the union lives in storage/store.ts):
 * - ACTIVE: wants to run: queued for slots, running, or parked holding no slot
 *   while it waits for its next operation.
 * - PAUSED: its experiment is paused; its process checkpoints and exits and it
 *   is not scheduled until activated.
 * - STOPPING_COMPLETED: the searcher closed it and its last operation is done;
 *   its process exits on its own.
 * - STOPPING_CANCELED: canceled; its process checkpoints and exits.
 * - STOPPING_KILLED: killed; its process is stopped at once.
 * - STOPPING_ERROR: failed for good (restarts used up, or it reported ERRORED);
 *   its process, if any, is stopped at once.
 * - COMPLETED, CANCELED, ERROR: terminal; a killed trial ends CANCELED.
 *
 * As for experiments, stops only get stronger (completed < canceled < killed <
 * error) and repeating an action already in effect is accepted unchanged.
 */

import type { TrialState } from "../storage/store.js";
import { assertNever } from "./assert-never.js";
import { nothingRuns, stopTowards, userTransition } from "./run-state.js";
import type { TransitionResult } from "./transition.js";

export type TrialAction =
  /** Its experiment was paused. */
  | "pause"
  /** Its experiment was activated. */
  | "activate"
  /** The searcher closed it and its last operation completed. */
  | "close"
  /** Stop gracefully, for good: the user canceled it or its experiment. */
  | "cancel"
  /** Stop at once: the user killed it or its experiment. */
  | "kill"
  /** It failed for good: more crashes than max_restarts, or it reported ERRORED. */
  | "errored"
  /** Its process is gone (or it had none). Ends a stopping trial; others stay. */
  | "exited";

const SUBJECT = "a trial";

/** The state after `action`, or INVALID_TRANSITION when the action makes no sense in `state`. */
export function nextTrialState(
  state: TrialState,
  action: TrialAction,
): TransitionResult<TrialState> {
  switch (action) {
    case "pause":
    case "activate":
    case "cancel":
    case "kill":
      return userTransition(SUBJECT, action, state);
    case "close":
      return stopTowards(SUBJECT, action, state, "STOPPING_COMPLETED");
    case "errored":
      return stopTowards(SUBJECT, action, state, "STOPPING_ERROR");
    case "exited":
      // An ACTIVE trial whose process ended is rescheduled or restarted, and a
      // PAUSED one waits for activate: only a stopping trial ends here.
      return nothingRuns(SUBJECT, "report the exit of", state);
    default:
      return assertNever(action);
  }
}

/**
 * The state of a trial that ends now, with no process left: `how` starts its
 * stop and `exited` completes it. Throws on a trial that cannot end that way,
 * which is a bug in the caller, not bad input.
 */
export function endedTrialState(
  state: TrialState,
  how: "close" | "cancel" | "kill" | "errored",
): TrialState {
  const stopping = nextTrialState(state, how);
  const ended = stopping.ok ? nextTrialState(stopping.state, "exited") : stopping;
  if (!ended.ok) throw new Error(ended.message);
  return ended.state;
}

/** `nextTrialState` for callers that only make valid moves: throws otherwise. */
export function movedTrialState(state: TrialState, action: "pause" | "activate"): TrialState {
  const next = nextTrialState(state, action);
  if (!next.ok) throw new Error(next.message);
  return next.state;
}
