/**
 * What experiments and trials share: the same nine states (DESIGN §6), the
 * split into running, stopping and terminal states, and the rule for a stop
 * that arrives while another stop is under way.
 */
import { RUN_STATES } from "../../protocol/api/run-states.js";
import type { ExperimentState, TrialState } from "../storage/store.js";
import { accept, refuse, type TransitionResult } from "./transition.js";

/** A state of an experiment or of a trial; both unions are the same set. */
export type RunState = ExperimentState | TrialState;

export type StoppingState = Extract<
  RunState,
  "STOPPING_COMPLETED" | "STOPPING_CANCELED" | "STOPPING_KILLED" | "STOPPING_ERROR"
>;

export type TerminalState = Extract<RunState, "COMPLETED" | "CANCELED" | "ERROR">;

/** Finished for good: nothing runs and no action other than an idempotent repeat is accepted. */
export function isTerminal(state: RunState): state is TerminalState {
  return state === "COMPLETED" || state === "CANCELED" || state === "ERROR";
}

/** Decided to end, waiting for its trials (or its process) to be gone. */
export function isStopping(state: RunState): state is StoppingState {
  return (
    state === "STOPPING_COMPLETED" ||
    state === "STOPPING_CANCELED" ||
    state === "STOPPING_KILLED" ||
    state === "STOPPING_ERROR"
  );
}

/** Every stopping state, for a query. */
export const STOPPING_STATES: readonly StoppingState[] = RUN_STATES.filter(isStopping);

/**
 * How strong a stop is. A stronger stop overrides a weaker one under way, never
 * the reverse: a search that finished can still be canceled, killed or fail,
 * but a kill is never softened into a cancel and a failure is never hidden.
 */
const SEVERITY: Record<StoppingState, number> = {
  STOPPING_COMPLETED: 1,
  STOPPING_CANCELED: 2,
  STOPPING_KILLED: 3,
  STOPPING_ERROR: 4,
};

/** Where a stopping state ends once nothing runs any more. A kill ends as CANCELED. */
export function terminalOf(state: StoppingState): TerminalState {
  switch (state) {
    case "STOPPING_COMPLETED":
      return "COMPLETED";
    case "STOPPING_CANCELED":
    case "STOPPING_KILLED":
      return "CANCELED";
    case "STOPPING_ERROR":
      return "ERROR";
  }
}

/**
 * A stop towards `target`: from ACTIVE or PAUSED it starts; during a weaker stop
 * it takes over; during an equal or stronger stop it is already in effect and
 * accepted as is. On a terminal state it is refused (callers accept their own
 * idempotent repeats before calling this).
 */
export function stopTowards<S extends RunState>(
  subject: string,
  action: string,
  state: S,
  target: StoppingState & S,
): TransitionResult<S> {
  if (state === "ACTIVE" || state === "PAUSED") return accept(target);
  if (isStopping(state)) {
    return SEVERITY[target] > SEVERITY[state] ? accept(target) : accept(state);
  }
  return refuse(subject, action, state);
}

/** What a user (or the experiment, for its trials) asks of an experiment or a trial alike. */
export type UserAction = "pause" | "activate" | "cancel" | "kill";

/**
 * Pause and activate move between ACTIVE and PAUSED (a repeat is accepted
 * unchanged); cancel and kill stop, and are accepted unchanged once the
 * subject ended CANCELED.
 */
export function userTransition<S extends RunState>(
  subject: string,
  action: UserAction,
  state: S,
): TransitionResult<S> {
  switch (action) {
    case "pause":
    case "activate": {
      const target = (action === "pause" ? "PAUSED" : "ACTIVE") as S;
      return state === "ACTIVE" || state === "PAUSED"
        ? accept(target)
        : refuse(subject, action, state);
    }
    case "cancel":
    case "kill":
      if (state === "CANCELED") return accept(state);
      return stopTowards(
        subject,
        action,
        state,
        (action === "cancel" ? "STOPPING_CANCELED" : "STOPPING_KILLED") as StoppingState & S,
      );
  }
}

/**
 * Nothing runs any more: a stopping subject ends, an ACTIVE or PAUSED one stays
 * (it waits for its searcher, its rescheduling or the user), and a terminal one
 * cannot be told so.
 */
export function nothingRuns<S extends RunState>(
  subject: string,
  what: string,
  state: S,
): TransitionResult<S> {
  if (isStopping(state)) return accept(terminalOf(state) as S);
  if (state === "ACTIVE" || state === "PAUSED") return accept(state);
  return refuse(subject, what, state);
}
