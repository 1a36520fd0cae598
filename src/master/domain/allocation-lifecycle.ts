/**
 * An allocation is one run of a trial's process (DESIGN §6): its lifecycle,
 * how its end is read, and what the trial does next.
 *
 * States (the union lives in storage/store.ts):
 * - PENDING: the scheduler gave it slots; the launcher has not been asked yet.
 * - STARTING: the launcher was asked to start the process; no sign of life yet.
 * - RUNNING: the launcher saw the process start, or the trial called the master.
 * - TERMINATING: the master asked the launcher to stop the process (a kill, or
 *   a preemption past its timeout) and waits for the exit.
 * - TERMINATED: the process is gone, or never started; final. Its exit is
 *   handled exactly once, on the transition into this state.
 *
 * Preemption is a request to the trial, not a state: the process keeps
 * RUNNING until it checkpoints and exits on its own.
 */

import type { AllocationState } from "../storage/store.js";
import { assertNever } from "./assert-never.js";
import { accept, refuse, type TransitionResult } from "./transition.js";

export type AllocationAction =
  /** The launcher is asked to start the process. */
  | "launch"
  /** The process is up: the launcher says so, or the trial made contact. */
  | "started"
  /** Stop the process at once. */
  | "terminate"
  /** The process is gone. */
  | "exited";

const SUBJECT = "an allocation";

/** The state after `action`, or INVALID_TRANSITION when the action makes no sense in `state`. */
export function nextAllocationState(
  state: AllocationState,
  action: AllocationAction,
): TransitionResult<AllocationState> {
  switch (action) {
    case "launch":
      return state === "PENDING" ? accept("STARTING") : refuse(SUBJECT, action, state);
    case "started":
      if (state === "STARTING") return accept("RUNNING");
      // The launcher's report and the trial's first call may come in either
      // order, and a late one must not undo a termination.
      if (state === "RUNNING" || state === "TERMINATING") return accept(state);
      return refuse(SUBJECT, "report the start of", state);
    case "terminate":
      if (state === "PENDING") return accept("TERMINATED"); // no process to stop
      if (state === "STARTING" || state === "RUNNING") return accept("TERMINATING");
      return accept(state); // already terminating or terminated
    case "exited":
      // PENDING never had a process; TERMINATED already had its exit handled.
      if (state === "PENDING" || state === "TERMINATED") {
        return refuse(SUBJECT, "report the exit of", state);
      }
      return accept("TERMINATED");
    default:
      return assertNever(action);
  }
}

/** What the master knows when an allocation's process is gone. */
export interface ExitInput {
  /** The process's exit code, or null when it was ended by a signal or its fate is unknown. */
  exitCode: number | null;
  /** The signal that ended it (for example "SIGKILL"), or null. */
  signal: string | null;
  /** The trial acknowledged a preemption request: it meant to checkpoint and exit. */
  preemptAcked: boolean;
  /** The master asked the launcher to kill the process. */
  killRequested: boolean;
  /** The launcher or the node went away: the process was lost, not ended by the trial. */
  lostByInfrastructure: boolean;
  /** The trial has operations not completed yet. */
  opsRemaining: boolean;
  /** The searcher closed the trial. */
  closeRequested: boolean;
  /** The trial told the master it stops early (`POST /trials/{id}/early_exit`). */
  earlyExitReported: boolean;
}

export type ExitKind =
  /** Checkpointed and exited because it was told to. */
  | "preempted"
  /** Exited 0 with all its work done and the trial closed. */
  | "completed"
  /** Exited 0 after reporting an early exit: the searcher has heard it. */
  | "exitedEarly"
  /**
   * Exited 0 between operations: its op complete, the trial neither closed
   * nor asked to stop (it waits for a promotion). It gave its slot back.
   */
  | "released"
  /** Exited 0 in the middle of its op without reporting an early exit: a failure. */
  | "unfinished"
  /** Non-zero exit code or a signal nobody asked for. */
  | "crashed"
  /** Stopped by the master's own kill. */
  | "killed"
  /** Lost with the launcher or the node. */
  | "lost";

/**
 * Reads an allocation's end (DESIGN §6). The checks go from what the master
 * knows best to what the process says: a trial with all its work done and
 * closed by the searcher is complete however its process ended (lost with a
 * master killed before it exited, killed, crashed on its way out), even if a
 * preemption was acked on the way; so is a reported early exit final, as the
 * searcher took it when it came (a trial that reports ERRORED and then raises
 * is not run again); a lost process tells nothing more about the
 * trial; a kill explains any exit code; a clean exit after an
 * ack is a preemption.
 * A clean exit is never taken as "done" on its own: in the middle of an op it
 * is a failure (a trial that lost its master, a loop that returned too soon),
 * between ops it only gives the slot back, as Determined reads a trial that
 * exits while waiting for a promotion. The rest are crashes.
 */
export function classifyExit(input: ExitInput): ExitKind {
  // The master itself recorded every op completed and the searcher's close: the
  // trial is done whatever became of its process. Read as anything else it would
  // be queued again with no op to run, and its experiment would never end.
  if (!input.opsRemaining && input.closeRequested) return "completed";
  // The searcher heard trialExitedEarly when the trial reported it and wrote the
  // trial off: however its process ended after that, no run of it follows.
  if (input.earlyExitReported) return "exitedEarly";
  if (input.lostByInfrastructure) return "lost";
  if (input.killRequested) return "killed";
  const clean = input.exitCode === 0 && input.signal === null;
  if (!clean) return "crashed";
  if (input.preemptAcked) return "preempted";
  return input.opsRemaining ? "unfinished" : "released";
}

export type AfterExitAction =
  /** Queue the trial again, to resume from its latest checkpoint. */
  | "reschedule"
  /** The trial is done: it ends COMPLETED. */
  | "complete"
  /** The trial ends as it told the searcher (trialExitedEarly). */
  | "exitedEarly"
  /** Start a new run (runId + 1) from the latest checkpoint. */
  | "restart"
  /** Too many crashes: the trial ends ERROR. */
  | "error"
  /** Nothing to do for the allocation: whoever killed it has decided the trial's fate. */
  | "stop";

export interface AfterExit {
  action: AfterExitAction;
  /** The exit is a failure counted against max_restarts (trial.restarts + 1). */
  countsRestart: boolean;
}

/**
 * What follows an allocation's end. Crashes and unfinished exits count
 * against `max_restarts`; the failure that makes the count exceed it is the
 * last one and ends the trial in ERROR. Preemptions, released slots, losses
 * and kills never count: they are not the trial's fault.
 */
export function decideAfterExit(
  kind: ExitKind,
  counts: { restarts: number; maxRestarts: number },
): AfterExit {
  switch (kind) {
    case "preempted":
    case "released":
    case "lost":
      return { action: "reschedule", countsRestart: false };
    case "completed":
      return { action: "complete", countsRestart: false };
    case "exitedEarly":
      return { action: "exitedEarly", countsRestart: false };
    case "killed":
      return { action: "stop", countsRestart: false };
    case "crashed":
    case "unfinished":
      return counts.restarts + 1 > counts.maxRestarts
        ? { action: "error", countsRestart: true }
        : { action: "restart", countsRestart: true };
    default:
      return assertNever(kind);
  }
}
