/**
 * The master's domain rules as pure functions (DESIGN §1): lifecycles,
 * how an allocation's end is read, scheduling decisions, checkpoint GC
 * selection and lease expiry. No IO, no clock, no randomness: callers pass in
 * what they know (including `now`) and apply what comes back.
 */
export {
  type AfterExit,
  type AfterExitAction,
  type AllocationAction,
  classifyExit,
  decideAfterExit,
  type ExitInput,
  type ExitKind,
  nextAllocationState,
} from "./allocation-lifecycle.js";
export {
  type CheckpointKeepPolicy,
  checkpointKeepPolicyOf,
  checkpointsToKeep,
  type GcCheckpoint,
  latestFirst,
} from "./checkpoint-gc.js";
export { type ExperimentAction, nextExperimentState } from "./experiment-lifecycle.js";
export {
  findExpired,
  ignoredPreemptionSeconds,
  type Lease,
  MAX_PREEMPTION_GRACE_MS,
  PREEMPTION_IGNORED_AFTER_MS,
  preemptionSchedule,
} from "./leases.js";
export {
  CLUSTER_UNREACHABLE,
  relaunchDelayMs,
  relaunchWait,
  type StoredRun,
} from "./relaunch-delay.js";
export {
  isStopping,
  isTerminal,
  type RunState,
  type StoppingState,
  type TerminalState,
  terminalOf,
} from "./run-state.js";
export {
  decideSchedule,
  type HoldingTrial,
  type SchedulingDecision,
  type SchedulingExperiment,
  type SchedulingInput,
  schedulingExperimentOf,
  type WaitingTrial,
} from "./scheduling.js";
export type { TransitionResult } from "./transition.js";
export {
  endedTrialState,
  movedTrialState,
  nextTrialState,
  type TrialAction,
} from "./trial-lifecycle.js";
